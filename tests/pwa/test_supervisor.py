"""The supervisor's map: choropleth and legend, the grid table, accept and dispatch a case,
and the worker's open app showing the dispatch live."""

import uuid

from .conftest import DESKTOP, screenshot, sign_in, wait_live


def test_supervisor_map_shows_the_choropleth_legend_and_the_grid_table(new_context):
    page = new_context(viewport=DESKTOP).new_page()
    sign_in(page, "supervisor")

    page.wait_for_selector("#legend .swatch")
    page.wait_for_selector("#queue-list li.case")
    assert page.locator("#sup-map path.leaflet-interactive").count() >= 60
    screenshot(page, "supervisor-map.png")

    page.click("#tabs a[data-tab=grids]")
    page.wait_for_selector("#grid-table tbody tr")
    assert page.locator("#grid-table tbody tr").count() >= 60
    page.click("#grid-table th[data-key=overdue]")
    overdue = page.eval_on_selector_all(
        "#grid-table tbody tr td:nth-child(6)", "tds => tds.map(td => Number(td.textContent))"
    )
    assert overdue == sorted(overdue, reverse=True)


def test_clicking_a_grid_shows_its_counts_and_cases(new_context):
    page = new_context(viewport=DESKTOP).new_page()
    sign_in(page, "supervisor")
    page.wait_for_selector("#legend .swatch")

    page.locator("#sup-map path.leaflet-interactive").nth(3).click(force=True)

    page.wait_for_selector("#grid-title")
    assert page.locator("#sup-panel .count").count() == 4


def test_supervisor_accepts_and_dispatches_and_the_worker_sees_it_live(new_context, server):
    worker_page = new_context().new_page()
    sign_in(worker_page, "worker")
    wait_live(worker_page)
    page = new_context(viewport=DESKTOP).new_page()
    sign_in(page, "supervisor")
    page.wait_for_selector("#queue-list li.case")
    wait_live(page)
    title = f"消防通道被占 {uuid.uuid4().hex[:8]}"

    server.report_in_worker_grid(title)
    page.click(f'#queue-list li.case[data-title="{title}"]')  # arrives live in the queue
    page.click("#case-actions button[data-action=accept]")
    page.wait_for_selector("article.incident[data-status=accepted]")
    page.click("#case-actions button[data-action=dispatch]")
    page.select_option("form.inline-form select[name=assignee]", "worker")
    page.click("form.inline-form button[type=submit]")
    page.wait_for_selector("article.incident[data-status=dispatched]")

    worker_page.wait_for_selector(
        f'#case-list li.case[data-title="{title}"] .chip.status-dispatched'
    )
    assert worker_page.locator(f'#case-list li.case[data-title="{title}"] .chip.mine').count() == 1
