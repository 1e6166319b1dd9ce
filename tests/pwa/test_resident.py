"""A resident registers, reports an issue and follows it in "my reports"."""

import uuid

from .conftest import screenshot


def test_a_resident_registers_reports_and_sees_their_report(new_context, server):
    page = new_context().new_page()
    page.goto("/#/register")
    page.fill("input[name=username]", f"r{uuid.uuid4().hex[:10]}")
    page.fill("input[name=password]", "a-long-pass-phrase-42")
    page.fill("input[name=display_name]", "李居民")
    page.click("form.auth button[type=submit]")
    page.wait_for_selector("#tabs a[data-tab=mine].active")
    title = f"小区垃圾未清运 {uuid.uuid4().hex[:8]}"

    page.click("#tabs a[data-tab=report]")
    page.select_option("select[name=kind]", "other:sanitation")
    page.fill("input[name=title]", title)
    page.wait_for_function(
        "() => document.querySelector('#position-text').textContent.includes('WGS-84')"
    )
    page.click("#report-form button[type=submit]")

    card = page.locator(f'#case-list li.case[data-title="{title}"]')
    card.wait_for()
    assert card.locator(".chip.status-reported").count() == 1
    screenshot(page, "resident-mine-phone.png")


def test_a_resident_sees_a_status_change_live_and_can_confirm(new_context, server):
    page = new_context().new_page()
    page.goto("/")
    page.fill("input[name=username]", "resident")
    page.fill("input[name=password]", "gridgov-demo")
    page.click("form.auth button[type=submit]")
    page.wait_for_selector("body[data-live=on]")
    title = f"楼道灯坏了 {uuid.uuid4().hex[:8]}"
    incident = server.report_in_worker_grid(title)
    card = page.locator(f'#case-list li.case[data-title="{title}"]')
    card.wait_for()

    supervisor = server.token("supervisor")
    status, _ = server.call(
        "POST", f"/incidents/{incident['id']}/actions", {"action": "accept"}, token=supervisor
    )
    assert status == 200

    card.locator(".chip.status-accepted").wait_for()
