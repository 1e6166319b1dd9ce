"""People are named in the app by their display names, not their logins."""

import uuid

from .case_steps import act, open_case, report
from .conftest import sign_in


def test_dispatch_offers_workers_by_name_and_the_case_names_the_people(new_context, server):
    case = report(server, "resident", f"井盖缺失 {uuid.uuid4().hex[:8]}")
    act(server, "supervisor", case["id"], "accept")
    page = new_context().new_page()
    sign_in(page, "supervisor")
    open_case(page, case["id"])

    page.click("#case-actions button[data-action=dispatch]")
    assignee = page.locator("form.inline-form select[name=assignee]")
    assert assignee.locator("option[value=worker]").inner_text() == "网格员 张敏"
    assignee.select_option("worker")
    page.click("form.inline-form button[type=submit]")
    page.wait_for_selector("article.incident[data-status=dispatched]")

    facts = dict(
        zip(
            page.locator("dl.facts dt").all_inner_texts(),
            page.locator("dl.facts dd").all_inner_texts(),
            strict=True,
        )
    )
    assert facts["处置人"] == "网格员 张敏"
    whos = page.locator("ol.timeline .who").all_inner_texts()
    assert " · 指挥中心值班员" in whos
    assert not any(who.strip(" ·") in {"worker", "supervisor"} for who in whos)


def test_a_worker_does_not_see_the_reporters_name(new_context, server):
    case = report(server, "resident", f"楼道堆物 {uuid.uuid4().hex[:8]}")
    page = new_context().new_page()
    sign_in(page, "worker")

    open_case(page, case["id"])

    assert "居民 王芳" not in page.locator("article.incident").inner_text()


def test_people_of_a_case_who_share_a_name_are_told_apart_by_their_login(new_context):
    # The assignee and the timeline's actors go through this one labeller, as dispatch does.
    page = new_context().new_page()
    sign_in(page, "worker")
    labels = page.evaluate(
        """async () => {
          const { nameLabeller } = await import("/views/incident.js");
          const label = nameLabeller([
            { username: "zhangmin1", name: "张敏" }, { username: "zhangmin2", name: "张敏" },
            { username: "lina", name: "李娜" }, { username: null, name: null },
          ]);
          return [label("zhangmin1", "张敏"), label("zhangmin2", "张敏"), label("lina", "李娜"),
                  label("wangwei", null)];
        }"""
    )
    assert labels == ["张敏 (zhangmin1)", "张敏 (zhangmin2)", "李娜", "wangwei"]
