"""With no signal the app still opens and keeps reports; back online each is sent once."""

import uuid

from .conftest import (
    cut_off_first_answer,
    fill_worker_report,
    photo_file,
    sign_in,
    wait_for_service_worker,
)


def _outbox_item(page, title: str):
    return page.locator(f'#outbox-list li[data-title="{title}"]')


def test_a_report_made_offline_waits_survives_a_reload_and_is_sent_once(
    new_context, server, tmp_path
):
    context = new_context()
    page = context.new_page()
    sign_in(page, "worker")
    page.wait_for_selector("#case-list li.case")
    wait_for_service_worker(page)
    title = f"路灯不亮 {uuid.uuid4().hex[:8]}"

    context.set_offline(True)
    fill_worker_report(page, title, photo_file(tmp_path))
    page.click("#report-form button[type=submit]")
    page.wait_for_selector(f'#pending-list li[data-title="{title}"]')
    page.click("#tabs a[data-tab=outbox]")
    assert _outbox_item(page, title).get_attribute("data-status") == "waiting"

    # The service worker serves the shell with no network; the report is still there.
    page.reload()
    page.wait_for_selector(f'#outbox-list li[data-title="{title}"][data-status=waiting]')
    assert page.locator("#net").inner_text() == "离线"
    assert server.incidents_titled(title) == []

    context.set_offline(False)
    _outbox_item(page, title).wait_for(state="detached", timeout=15_000)
    [incident] = server.incidents_titled(title)
    assert len(incident["photos"]) == 1


def test_a_report_whose_first_upload_is_cut_off_is_delivered_once(new_context, server, tmp_path):
    context = new_context()
    page = context.new_page()
    sign_in(page, "worker")
    title = f"占道经营 {uuid.uuid4().hex[:8]}"
    cut = cut_off_first_answer(context, "**/api/v1/incidents")
    fill_worker_report(page, title, photo_file(tmp_path))
    page.click("#report-form button[type=submit]")
    page.wait_for_selector(f'#pending-list li[data-title="{title}"]')
    for _ in range(100):
        if cut:
            break
        page.wait_for_timeout(100)
    assert cut == [201]

    page.click("#tabs a[data-tab=outbox]")
    page.click(f'#outbox-list li[data-title="{title}"] button')  # retry now
    _outbox_item(page, title).wait_for(state="detached", timeout=15_000)
    [incident] = server.incidents_titled(title)
    assert len(incident["photos"]) == 1


def test_a_cached_task_opens_offline_read_only_with_a_way_back(new_context):
    context = new_context()
    page = context.new_page()
    sign_in(page, "worker")
    page.wait_for_selector("#case-list li.case")
    wait_for_service_worker(page)
    first = page.locator("#case-list li.case").first
    title = first.get_attribute("data-title")

    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#case-list li.case")
    page.locator(f'#case-list li.case[data-title="{title}"]').first.click()

    page.wait_for_selector("article.incident .offline-copy")
    assert page.locator("article.incident h1").inner_text() == title
    assert page.locator("#case-actions").count() == 0
    page.click("article.incident button.back")
    page.wait_for_selector("#case-list li.case")


def test_a_case_not_saved_on_the_phone_says_so_offline_with_a_way_back(new_context):
    context = new_context()
    page = context.new_page()
    sign_in(page, "worker")
    page.wait_for_selector("#case-list li.case")
    wait_for_service_worker(page)

    context.set_offline(True)
    page.goto("/#/incident/999999")
    page.wait_for_selector("article.incident .form-error")
    assert "没有保存在本机" in page.locator("article.incident .form-error").inner_text()
    page.click("article.incident button.back")
    page.wait_for_selector("#case-list")
