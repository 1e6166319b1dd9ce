"""Escalation of overdue cases: priority up one step, a timeline entry and an event.

Each deadline is escalated once: the case remembers the deadline it was escalated for, so
running the task again (or from two schedulers at once) changes nothing twice. A new stage with
a new deadline can be escalated again when that one passes too.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from ..models import Incident, Priority
from .events import incident_change_announce, incident_save
from .timeline import timeline_record

NEXT_PRIORITY = {
    Priority.NORMAL: Priority.HIGH,
    Priority.HIGH: Priority.URGENT,
    Priority.URGENT: Priority.URGENT,
}


def overdue_not_escalated(now: datetime):
    return Incident.objects.filter(due_at__lt=now).filter(
        Q(escalated_due_at__isnull=True) | ~Q(escalated_due_at=F("due_at"))
    )


def incidents_escalate(*, now: datetime | None = None) -> int:
    """Escalate every case overdue now and not yet escalated for its deadline; returns how many."""
    now = now or timezone.now()
    escalated = 0
    for incident_id in overdue_not_escalated(now).values_list("pk", flat=True).iterator():
        escalated += _escalate_one(incident_id, now)
    return escalated


@transaction.atomic
def _escalate_one(incident_id: int, now: datetime) -> int:
    # Re-read under lock: another scheduler or a user may have moved the case meanwhile.
    incident = (
        overdue_not_escalated(now)
        .select_for_update(of=("self",))
        .select_related("street", "grid", "reporter", "assignee", "subcategory")
        .filter(pk=incident_id)
        .first()
    )
    if incident is None:
        return 0
    previous = incident.priority
    incident.priority = NEXT_PRIORITY[previous]
    incident.escalated_due_at = incident.due_at
    incident.updated_at = now
    incident_save(incident, update_fields=["priority", "escalated_due_at", "updated_at"])
    overdue_since = timezone.localtime(incident.due_at).strftime("%Y-%m-%d %H:%M")
    raised = f"{_word(previous)} → {_word(incident.priority)}"
    timeline_record(
        incident=incident,
        actor=None,
        action="escalate",
        from_status=incident.status,
        to_status=incident.status,
        note=f"逾期未办（期限 {overdue_since}），优先级 {raised}",
        at=now,
    )
    incident_change_announce(incident=incident, type="incident.updated")
    return 1


def _word(priority: str) -> str:
    # The note is read by people (in the app's timeline), and is stored in Chinese whatever the
    # language of the run.
    with translation.override("zh-hans"):
        return str(Priority(priority).label)
