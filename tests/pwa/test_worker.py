"""A grid worker: their grid map and task list, a report with a photo, live changes."""

import uuid

from .conftest import (
    fill_worker_report,
    photo_file,
    screenshot,
    sign_in,
    wait_live,
)


def test_worker_sees_their_grid_map_and_task_list(new_context):
    page = new_context().new_page()
    sign_in(page, "worker")

    page.wait_for_selector("#case-list li.case")
    assert page.locator("h1").first.inner_text() == "我的任务"
    # Overdue first.
    flags = page.eval_on_selector_all(
        "#case-list li.case", "els => els.map(e => e.classList.contains('is-overdue'))"
    )
    assert flags == sorted(flags, reverse=True)
    screenshot(page, "worker-tasks-phone.png")

    page.click("#tabs a[data-tab=map]")
    page.wait_for_selector("#worker-map path.leaflet-interactive")
    page.wait_for_selector("#worker-map .leaflet-marker-pane > *, #worker-map path[fill]")
    screenshot(page, "worker-map-phone.png")


def test_a_report_with_a_photo_is_sent_and_appears_in_the_task_list(new_context, server, tmp_path):
    page = new_context().new_page()
    sign_in(page, "worker")
    title = f"楼道堆物 {uuid.uuid4().hex[:8]}"

    fill_worker_report(page, title, photo_file(tmp_path))
    screenshot(page, "worker-report-phone.png")
    page.click("#report-form button[type=submit]")

    page.wait_for_selector(f'#case-list li.case[data-title="{title}"]')
    [incident] = server.incidents_titled(title)
    assert len(incident["photos"]) == 1
    assert incident["grid"] == "21040400101001"


def test_a_case_created_elsewhere_appears_in_the_task_list_without_reload(new_context, server):
    page = new_context().new_page()
    sign_in(page, "worker")
    page.wait_for_selector("#case-list li.case")
    wait_live(page)
    title = f"井盖缺失 {uuid.uuid4().hex[:8]}"

    server.report_in_worker_grid(title)

    page.wait_for_selector(f'#case-list li.case.is-unseen[data-title="{title}"]')


def test_the_worker_screen_loads_within_two_seconds(new_context):
    context = new_context()
    page = context.new_page()
    page.goto("/")
    page.wait_for_selector("form.auth")
    cold_ms = page.evaluate("performance.now()")
    sign_in(page, "worker")
    page.wait_for_selector("#case-list li.case")

    page.goto("/")  # signed in, shell from the service worker, tasks from the network
    page.wait_for_selector("#case-list li.case")
    warm_ms = page.evaluate("performance.now()")

    print(f"\nfirst load of the shell {cold_ms:.0f} ms, worker screen with tasks {warm_ms:.0f} ms")
    assert cold_ms < 2000 and warm_ms < 2000
