"""The app offers exactly what the server allows: a confirmation once per resolution and never
to the one who resolved; an extension suggested from now when the case is already overdue."""

import uuid

from .case_steps import act, dispatched_to_worker, open_case, report
from .conftest import DESKTOP, fill_worker_report, sign_in


def test_confirm_goes_away_once_the_reporter_has_confirmed(new_context, server):
    case = report(server, "resident", f"垃圾未清运 {uuid.uuid4().hex[:8]}")
    dispatched_to_worker(server, case["id"])
    act(server, "worker", case["id"], "start")
    act(server, "worker", case["id"], "resolve", note="已清运")
    page = new_context().new_page()
    sign_in(page, "resident")
    open_case(page, case["id"])

    page.click("#case-actions button[data-action=confirm]")

    page.wait_for_selector("ol.timeline li strong:text-is('确认解决')")
    assert page.locator("#case-actions button[data-action=confirm]").count() == 0
    act(server, "supervisor", case["id"], "verify")
    open_case(page, case["id"])
    page.wait_for_selector("article.incident[data-status=closed]")
    assert page.locator("#case-actions button[data-action=confirm]").count() == 0


def test_a_worker_who_handled_their_own_report_is_not_offered_confirm(new_context, server):
    page = new_context().new_page()
    sign_in(page, "worker")
    title = f"共享单车乱停 {uuid.uuid4().hex[:8]}"
    fill_worker_report(page, title)
    page.click("#report-form button[type=submit]")
    page.wait_for_selector(f'#case-list li.case[data-title="{title}"]')
    [case] = server.incidents_titled(title)
    open_case(page, case["id"])

    page.click("#case-actions button[data-action=handle_on_spot]")
    page.click("form.inline-form button[type=submit]")

    page.wait_for_selector("article.incident[data-status=resolved]")
    assert page.locator("#case-actions button[data-action=confirm]").count() == 0


def test_extending_an_overdue_case_suggests_a_deadline_three_days_from_now(new_context, server):
    status, listing = server.call(
        "GET",
        "/incidents?status=accepted,dispatched,in_progress&category=other&page_size=100",
        token=server.token("supervisor"),
    )
    assert status == 200
    overdue = next(item for item in listing["items"] if item["overdue"])
    page = new_context(viewport=DESKTOP).new_page()
    sign_in(page, "supervisor")
    open_case(page, overdue["id"])

    page.click("#case-actions button[data-action=extend]")

    suggested_ms = page.eval_on_selector(
        "form.inline-form input[name=due_at]", "input => new Date(input.value).getTime()"
    )
    now_ms = page.evaluate("Date.now()")
    assert now_ms + 3 * 86_400_000 - 120_000 <= suggested_ms <= now_ms + 3 * 86_400_000
    page.fill("form.inline-form textarea[name=note]", "等待配件")
    page.click("form.inline-form button[type=submit]")
    page.wait_for_selector("form.inline-form", state="detached")
