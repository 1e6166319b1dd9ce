from datetime import datetime

from backend.accounts.models import User

from ..models import Incident, TimelineEntry


def timeline_record(
    *,
    incident: Incident,
    actor: User | None,
    action: str,
    from_status: str,
    to_status: str,
    note: str = "",
    at: datetime,
) -> TimelineEntry:
    """Append one entry; the timeline is the case's record and is never edited.

    `actor` is None for the system's own actions (escalation) and only for them.
    """
    return TimelineEntry.objects.create(
        incident=incident,
        actor=actor,
        system=actor is None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        at=at,
    )
