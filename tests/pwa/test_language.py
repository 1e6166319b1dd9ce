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
