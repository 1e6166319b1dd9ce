"""A case's timeline names who took each step: the system's own steps say so."""

from .conftest import sign_in


def _escalated_case(server) -> int:
    """An overdue case of `worker`'s grids from the demo, escalated by the scheduled command."""
    status, page = server.call("GET", "/incidents?page_size=100", token=server.token("worker"))
    assert status == 200
    overdue = [item for item in page["items"] if item["overdue"]]
    assert overdue, "the demo has overdue cases in the worker's grids"
    server.command("escalate")
    return overdue[0]["id"]


def _escalation_actor(page, incident_id: int) -> str:
    page.goto(f"/#/incident/{incident_id}")
    entry = page.locator("ol.timeline li", has=page.locator("strong", has_text="超期升级"))
    if page.evaluate("document.documentElement.lang") == "en":
        entry = page.locator("ol.timeline li", has=page.locator("strong", has_text="Escalated"))
    return entry.first.locator(".who").inner_text()


def test_an_escalation_is_shown_as_the_systems_not_the_reporters(new_context, server):
    incident_id = _escalated_case(server)
    page = new_context().new_page()
    sign_in(page, "worker")

    assert _escalation_actor(page, incident_id).strip(" ·") == "系统"

    page.select_option("#lang", "en")
    page.wait_for_selector("#tabs a[data-tab=tasks]:has-text('Tasks')")
    assert _escalation_actor(page, incident_id).strip(" ·") == "System"
