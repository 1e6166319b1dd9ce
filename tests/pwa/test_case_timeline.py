"""A case's timeline names who took each step: the system's own steps say so."""

import uuid

from .conftest import WORKER_GRID_POINT, sign_in

# A resident's report in `worker`'s grid, filed three days ago: overdue by now.
OVERDUE_REPORT = """
import uuid
from datetime import timedelta
from django.utils import timezone
from backend.accounts.models import User
from backend.incidents.services import incident_create
from backend.incidents.services.create import NewIncident
incident, _ = incident_create(
    reporter=User.objects.get(username="resident"),
    report=NewIncident(
        client_id=uuid.uuid4(), category="other", title={title!r}, lon={lon}, lat={lat}
    ),
    now=timezone.now() - timedelta(days=3),
)
print(incident.pk)
"""


def _escalated_case(server) -> int:
    script = OVERDUE_REPORT.format(
        title=f"井盖缺失 {uuid.uuid4().hex[:8]}",
        lon=WORKER_GRID_POINT["longitude"],
        lat=WORKER_GRID_POINT["latitude"],
    )
    incident_id = int(server.command("shell", "-v", "0", "-c", script).split()[-1])
    server.command("escalate")
    return incident_id


def _actors(page, incident_id: int, *actions: str) -> list[str]:
    """Who the timeline names for the first entry of each action (by its label)."""
    page.goto(f"/#/incident/{incident_id}")
    page.wait_for_selector("ol.timeline li")
    return [
        page.locator("ol.timeline li", has=page.locator("strong", has_text=label))
        .first.locator(".who")
        .inner_text()
        .strip(" ·")
        for label in actions
    ]


def test_an_escalation_is_shown_as_the_systems_not_the_reporters(new_context, server):
    incident_id = _escalated_case(server)
    page = new_context().new_page()
    sign_in(page, "worker")

    assert _actors(page, incident_id, "超期升级", "上报") == ["系统", "上报人"]

    page.select_option("#lang", "en")
    page.wait_for_selector("#tabs a[data-tab=tasks]:has-text('Tasks')")
    assert _actors(page, incident_id, "Escalated")[0] == "System"
