"""The event of each change, for the sockets (`backend.realtime`)."""

from backend.realtime.services import event_record

from ..models import Incident
from ..schemas import incident_payload


def incident_event_record(
    *, incident: Incident, type: str, previous_assignee_id: int | None = None
) -> None:
    """Record the change's event in its transaction; call it last, just before commit."""
    event_record(
        type=type,
        at=incident.updated_at,
        incident_id=incident.pk,
        category=incident.category,
        grid_id=incident.grid_id,
        street_id=incident.street_id,
        reporter_id=incident.reporter_id,
        assignee_id=incident.assignee_id,
        previous_assignee_id=previous_assignee_id,
        # Stored as a supervisor sees it; each socket masks it for its own user.
        payload=incident_payload(incident, reveal_reporter=True),
    )
