"""An admin's correction of what a reporter wrote: the one change to a case outside the workflow.

Everything else about a case (status, assignee, deadline, priority, place, category) belongs to
the workflow and changes only through `incident_apply_action` and escalation. A correction
still leaves the same trail as an action: a timeline entry and an event, so that phones and the
map show the corrected text.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.errors import Invalid, NotFound

from ..models import Incident
from .events import incident_change_announce, incident_save
from .timeline import timeline_record

# A typo, or a phone number or a name typed into the description that must come out.
CORRECTABLE_FIELDS = ("title", "description", "address")


@transaction.atomic
def incident_correct(
    *, user: User, incident_id: int, changes: dict[str, str], now: datetime | None = None
) -> Incident:
    """Correct the text fields in `changes`; the caller has checked that `user` may (the Django
    admin does, by its permissions)."""
    unknown = sorted(set(changes) - set(CORRECTABLE_FIELDS))
    if unknown:
        raise Invalid(
            _("Only %(fields)s can be corrected.") % {"fields": ", ".join(CORRECTABLE_FIELDS)},
            field=unknown[0],
        )
    incident = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("street", "grid", "reporter", "assignee", "subcategory")
        .filter(pk=incident_id)
        .first()
    )
    if incident is None:
        raise NotFound(_("No such incident."))
    corrected = [name for name, value in changes.items() if getattr(incident, name) != value]
    if not corrected:
        return incident
    for name in corrected:
        setattr(incident, name, changes[name])
    incident.updated_at = now or timezone.now()
    fields_change_record(incident=incident, actor=user, action="correct", note=", ".join(corrected))
    return incident


def fields_change_record(*, incident: Incident, actor: User | None, action: str, note: str) -> None:
    """Save `incident` after a change of its fields but not its status (as of its `updated_at`):
    the grid counts follow, the timeline says what changed, and the sockets hear of it."""
    incident_save(incident)
    timeline_record(
        incident=incident,
        actor=actor,
        action=action,
        from_status=incident.status,
        to_status=incident.status,
        note=note,
        at=incident.updated_at,
    )
    incident_change_announce(incident=incident, type="incident.updated")
