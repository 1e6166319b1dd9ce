from datetime import datetime

from backend.accounts.models import User

from ..deadlines import stage_met
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
    ended_due_at: datetime | None = None,
) -> TimelineEntry:
    """Append one entry; the timeline is the case's record and is never edited.

    `actor` is None for the system's own actions (escalation) and only for them.
    `ended_due_at` is, for a move, the deadline of the stage it ends.
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
        due_at=ended_due_at,
        met=stage_met(at, ended_due_at),
    )
