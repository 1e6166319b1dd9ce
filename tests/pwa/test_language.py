"""The UI speaks Chinese first and English on request, and remembers the choice."""

from .conftest import sign_in


def test_switching_to_english_changes_the_text_and_is_remembered(new_context):
    page = new_context().new_page()
    sign_in(page, "worker")
    assert page.locator("#tabs a[data-tab=tasks]").inner_text() == "任务"

    page.select_option("#lang", "en")

    page.wait_for_selector("#tabs a[data-tab=tasks]:has-text('Tasks')")
    assert page.locator("h1").first.inner_text() == "My tasks"
    assert page.evaluate("document.documentElement.lang") == "en"
    page.reload()
    page.wait_for_selector("#tabs a[data-tab=tasks]:has-text('Tasks')")


def test_a_refused_registration_shows_the_servers_reason_in_the_ui_language(new_context):
    page = new_context().new_page()
    page.goto("/#/register")
    page.fill("input[name=username]", "resident")  # a demo account: the name is taken
    page.fill("input[name=password]", "a-long-pass-phrase-42")

    page.click("form.auth button[type=submit]")

    page.wait_for_selector(".form-error:has-text('该用户名已被占用。')")

    page.select_option("#lang", "en")
    page.wait_for_selector("form.auth button[type=submit]:has-text('Register')")
    page.fill("input[name=username]", "resident")
    page.fill("input[name=password]", "a-long-pass-phrase-42")
    page.click("form.auth button[type=submit]")

    page.wait_for_selector(".form-error:has-text('That username is taken.')")
