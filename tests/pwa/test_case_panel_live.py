"""The supervisor's case panel follows every change of the open case, also while a form is
open: no button offers what the case no longer allows."""

import uuid

from .case_steps import act, report
from .conftest import DESKTOP, sign_in, wait_live


def test_an_open_reject_form_gives_way_when_someone_else_accepts_the_case(new_context, server):
    page = new_context(viewport=DESKTOP).new_page()
    sign_in(page, "supervisor")
    page.wait_for_selector("#queue-list li.case")
    wait_live(page)
    title = f"占道经营 {uuid.uuid4().hex[:8]}"
    case = report(server, "resident", title)
    page.click(f'#queue-list li.case[data-title="{title}"]')
    page.click("#case-actions button[data-action=reject]")
    page.fill("form.inline-form[data-action=reject] textarea[name=note]", "不属实")

    act(server, "supervisor", case["id"], "accept")

    page.wait_for_selector("#sup-panel article.incident[data-status=accepted]")
    assert page.locator("form.inline-form[data-action=reject]").count() == 0
    assert page.locator("#case-actions button[data-action=accept]").count() == 0
    assert page.locator("#case-actions button[data-action=reject]").count() == 0
    assert page.locator("#case-actions button[data-action=dispatch]").count() == 1


def test_a_comment_being_typed_survives_a_change_of_the_case(new_context, server):
    page = new_context(viewport=DESKTOP).new_page()
    sign_in(page, "supervisor")
    page.wait_for_selector("#queue-list li.case")
    wait_live(page)
    title = f"路灯不亮 {uuid.uuid4().hex[:8]}"
    case = report(server, "resident", title)
    page.click(f'#queue-list li.case[data-title="{title}"]')
    page.click("#case-actions button[data-action=comment]")
    page.fill("form.inline-form[data-action=comment] textarea[name=note]", "已电话联系上报人")

    act(server, "supervisor", case["id"], "accept")

    page.wait_for_selector("#sup-panel article.incident[data-status=accepted]")
    note = page.locator("form.inline-form[data-action=comment] textarea[name=note]")
    assert note.input_value() == "已电话联系上报人"
    assert page.locator("#case-actions button[data-action=accept]").count() == 0
