"""A major hazard (重大隐患) closes in the app: the handler's resolution photo counts as its
evidence, and after 返工 and a new resolution without one the verifier attaches the on-site
photo while verifying."""

import uuid

from .case_steps import dispatched_to_worker, open_case, report
from .conftest import DESKTOP, photo_file, sign_in


def resolve_in_app(page, incident_id: int, note: str, photo=None) -> None:
    open_case(page, incident_id)
    if page.locator("#case-actions button[data-action=start]").count():
        page.click("#case-actions button[data-action=start]")
        page.wait_for_selector("article.incident[data-status=in_progress]")
    page.click("#case-actions button[data-action=resolve]")
    form = page.locator("form.inline-form[data-action=resolve]")
    form.locator("textarea[name=note]").fill(note)
    if photo:
        form.locator("input[name=photo]").set_input_files(str(photo))
    form.locator("button[type=submit]").click()
    page.wait_for_selector("article.incident[data-status=resolved]")
    if photo:
        page.wait_for_selector("article.incident .thumbs img")


def test_a_major_hazard_resolved_in_the_app_is_verified_closed_reopened_and_closed_again(
    new_context, server, tmp_path
):
    photo = photo_file(tmp_path)
    case = report(
        server,
        "worker",
        f"燃气泄漏 {uuid.uuid4().hex[:8]}",
        category="safety",
        subcategory="gas",
        severity="major",
    )
    dispatched_to_worker(server, case["id"])
    worker = new_context().new_page()
    sign_in(worker, "worker")
    supervisor = new_context(viewport=DESKTOP).new_page()
    sign_in(supervisor, "supervisor")

    # The handler's photo, sent with the resolution, is the evidence: no other photo needed.
    resolve_in_app(worker, case["id"], "已关闭阀门并更换管件", photo)
    open_case(supervisor, case["id"])
    supervisor.click("#case-actions button[data-action=verify]")
    verify = supervisor.locator("form.inline-form[data-action=verify]")
    assert verify.locator("input[name=photo]").get_attribute("required") is None
    verify.locator("button[type=submit]").click()
    supervisor.wait_for_selector("article.incident[data-status=closed]")

    # 返工: the leak came back; the new resolution has no photo, so the verifier adds one.
    supervisor.click("#case-actions button[data-action=reopen]")
    supervisor.fill("form.inline-form[data-action=reopen] textarea[name=note]", "复查仍有气味")
    supervisor.click("form.inline-form button[type=submit]")
    supervisor.wait_for_selector("article.incident[data-status=in_progress]")
    resolve_in_app(worker, case["id"], "已再次检修")
    open_case(supervisor, case["id"])
    supervisor.click("#case-actions button[data-action=verify]")
    verify = supervisor.locator("form.inline-form[data-action=verify]")
    verify.locator("button[type=submit]").click()
    assert verify.locator(".form-error").inner_text() == "请拍摄或选择一张现场照片"
    verify.locator("input[name=photo]").set_input_files(str(photo))
    verify.locator("button[type=submit]").click()

    supervisor.wait_for_selector("article.incident[data-status=closed]")
    assert supervisor.locator("article.incident .thumbs figure").count() == 2
