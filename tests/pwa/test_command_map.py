"""The command map tells the truth: the period filters the markers and the queue as well as the
colours, a reversed period is said in words and leaves nothing stale, the queue puts overdue
first, the legend explains the markers, a live report stands out, opening a case shows it on the
map, and the CSV speaks Chinese with street names."""

import csv
import io
import uuid

from .conftest import DESKTOP, sign_in, wait_live


def _open_map(new_context):
    page = new_context(viewport=DESKTOP).new_page()
    sign_in(page, "supervisor")
    page.wait_for_selector("#legend .swatch")
    page.wait_for_selector("#queue-list li.case")
    return page


def _set_period(page, start: str, end: str) -> None:
    for name, value in (("from", start), ("to", end)):
        page.fill(f".filters input[name={name}]", value)
        page.dispatch_event(f".filters input[name={name}]", "change")


def test_a_reversed_period_is_said_in_words_and_leaves_nothing_stale(new_context):
    page = _open_map(new_context)

    _set_period(page, "2026-03-10", "2026-03-01")

    page.wait_for_function(
        "() => document.querySelector('#filter-error').textContent.includes('结束日期早于开始日期')"
    )
    page.wait_for_selector("#queue-list", state="detached")
    fills = page.eval_on_selector_all(
        "#sup-map .leaflet-overlay-pane path[fill-rule]",
        "ps => ps.map(p => p.getAttribute('fill'))",
    )
    # Only the grids are left, all in the "none" colour; no marker, no cluster.
    assert len(fills) >= 60 and set(fills) == {"#f1f3f5"}
    assert page.locator("#sup-map .cluster").count() == 0
    assert "无法连接服务器" not in page.locator("#filter-error").inner_text()

    page.click("#csv-export")
    page.wait_for_timeout(500)
    assert "结束日期早于开始日期" in page.locator("#filter-error").inner_text()


def test_a_period_with_no_cases_empties_the_markers_and_the_queue_too(new_context):
    page = _open_map(new_context)
    assert page.locator("#sup-map .cluster").count() > 0

    _set_period(page, "2001-01-01", "2001-01-02")

    page.wait_for_selector("#sup-panel li.empty")
    assert page.locator("#sup-map .cluster").count() == 0
    assert page.locator("#filter-error").inner_text() == ""


def test_the_queue_puts_overdue_cases_first_longest_overdue_on_top(new_context, server):
    page = _open_map(new_context)

    flags = page.eval_on_selector_all(
        "#queue-list li.case", "els => els.map(e => e.classList.contains('is-overdue'))"
    )
    assert True in flags and False in flags
    assert flags == sorted(flags, reverse=True)
    _, queue = server.call(
        "GET",
        "/incidents?status=reported,accepted,resolved&ordering=overdue&page_size=100",
        token=server.token("supervisor"),
    )
    shown = page.eval_on_selector_all("#queue-list li.case", "els => els.map(e => e.dataset.id)")
    assert shown == [str(item["id"]) for item in queue["items"]]


def test_the_legend_explains_marker_colours_the_overdue_ring_and_clusters(new_context):
    page = _open_map(new_context)

    assert page.locator("#legend .legend-status").count() == 5
    assert "超期" in page.locator("#legend .legend-overdue").inner_text()
    assert page.locator("#legend .legend-cluster").inner_text()


def test_a_live_report_is_highlighted_and_opening_it_brings_it_into_view(new_context, server):
    page = _open_map(new_context)
    wait_live(page)
    title = f"飞线充电 {uuid.uuid4().hex[:8]}"

    server.report_in_worker_grid(title)
    card = page.locator(f'#queue-list li.case.is-unseen[data-title="{title}"]')
    card.wait_for()
    card.click()
    page.wait_for_selector(f'article.incident h1:has-text("{title}")')
    page.wait_for_timeout(600)

    box = page.locator("#sup-map").bounding_box()
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    fresh = page.locator("#sup-map path.marker-fresh")
    assert fresh.count() == 1
    marker = fresh.bounding_box()
    marker_centre = (marker["x"] + marker["width"] / 2, marker["y"] + marker["height"] / 2)
    assert abs(marker_centre[0] - centre[0]) < 12 and abs(marker_centre[1] - centre[1]) < 12


def test_the_csv_has_chinese_headers_and_street_names(new_context):
    page = _open_map(new_context)

    with page.expect_download() as download:
        page.click("#csv-export")
    text = download.value.path().read_text(encoding="utf-8-sig")
    header, first, *_ = csv.reader(io.StringIO(text))

    assert header[:4] == ["网格编码", "网格名称", "街道编码", "街道名称"]
    assert first[3].endswith("街道")
