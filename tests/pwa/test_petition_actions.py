"""Petitions in the app (信访): a joint petition's number of people, a review asked for by the
petitioner, and a repeat petition linked to the earlier case picked by its number."""

import uuid

from .case_steps import act, detail, dispatched_to_worker, open_case, report
from .conftest import sign_in


def petition(server, title: str) -> dict:
    return report(server, "resident", title, category="petition", subcategory="petition_general")


def test_a_joint_petition_is_reported_with_how_many_people_signed(new_context, server):
    page = new_context().new_page()
    sign_in(page, "resident")
    title = f"联名反映噪音扰民 {uuid.uuid4().hex[:8]}"

    page.click("#tabs a[data-tab=report]")
    page.select_option("select[name=kind]", "petition:petition_joint")
    page.fill("input[name=people_count]", "37")
    page.fill("input[name=title]", title)
    page.wait_for_function(
        "() => document.querySelector('#position-text').textContent.includes('WGS-84')"
    )
    page.click("#report-form button[type=submit]")

    page.wait_for_selector(f'#case-list li.case[data-title="{title}"]')
    [incident] = server.incidents_titled(title)
    assert incident["people_count"] == 37


def test_the_petitioner_asks_for_a_review_of_the_answer(new_context, server):
    case = petition(server, f"反映供暖温度不达标 {uuid.uuid4().hex[:8]}")
    dispatched_to_worker(server, case["id"])
    act(server, "worker", case["id"], "start")
    act(server, "worker", case["id"], "resolve", note="已协调供热公司")
    page = new_context().new_page()
    sign_in(page, "resident")
    open_case(page, case["id"])

    button = page.locator("#case-actions button[data-action=request_review]")
    assert button.inner_text() == "申请信访复查"
    button.click()
    page.fill("form.inline-form[data-action=request_review] textarea[name=note]", "室温仍不足16度")
    page.click("form.inline-form button[type=submit]")

    page.wait_for_selector("article.incident[data-status=in_progress]")
    assert detail(server, case["id"])["timeline"][-1]["action"] == "request_review"


def test_a_supervisor_links_a_repeat_petition_to_the_earlier_case_by_its_number(
    new_context, server
):
    earlier = petition(server, f"反映物业收费不合理 {uuid.uuid4().hex[:8]}")
    later = petition(server, f"再次反映物业收费 {uuid.uuid4().hex[:8]}")
    page = new_context().new_page()
    sign_in(page, "supervisor")
    open_case(page, later["id"])

    button = page.locator("#case-actions button[data-action=mark_repeat]")
    assert button.inner_text() == "标记重复信访"
    button.click()
    form = page.locator("form.inline-form[data-action=mark_repeat]")
    # The earlier petitions the supervisor can see are offered by number.
    page.wait_for_selector(
        f'form.inline-form datalist option[value="{earlier["number"]}"]', state="attached"
    )
    form.locator("input[name=repeat_of]").fill(earlier["number"])
    form.locator("button[type=submit]").click()

    page.wait_for_selector("form.inline-form", state="detached")
    assert detail(server, later["id"])["repeat_of"] == earlier["id"]
    page.wait_for_selector(f'dl.facts dd:text-is("{earlier["number"]}")')
