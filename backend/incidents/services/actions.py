"""Moving a case through the workflow: one function, driven by the table in `workflow.py`."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.models import Role, User
from backend.core.errors import Invalid

from .. import workflow
from ..deadlines import closed_on_time, stage_due_at
from ..models import CategoryCode, Incident, Status
from ..selectors import incident_get
from . import case_rules
from .events import incident_change_announce, incident_save
from .timeline import timeline_record


@dataclass(frozen=True)
class ActionRequest:
    action: str
    note: str = ""
    assignee: str | None = None
    due_at: datetime | None = None
    repeat_of: str | None = None


@transaction.atomic
def incident_apply_action(
    *, user: User, incident_id: int, request: ActionRequest, now: datetime | None = None
) -> Incident:
    """Apply one action for `user`: 404 out of scope, 403 not theirs, 409 not now, 422 bad.

    `now` is for replaying history (the demo) and frozen-clock tests; requests leave it out.
    """
    incident = incident_get(user=user, incident_id=incident_id, for_update=True)
    parties = workflow.parties_of(user, incident)
    to_status = workflow.check(request.action, incident, parties)
    now = now or timezone.now()
    from_status = incident.status
    previous_assignee_id = incident.assignee_id
    _apply_details(incident, request, user=user, now=now)
    if request.action == "handle_on_spot":
        incident.assignee = user
    # The deadline in force as the stage ends: after an extension, the extended one.
    ended_due_at = incident.due_at if to_status != from_status else None
    if to_status != from_status:
        _enter(incident, to_status, from_status=from_status, now=now)
    incident.updated_at = now
    incident_save(incident)
    timeline_record(
        incident=incident,
        actor=user,
        action=request.action,
        from_status=from_status,
        to_status=to_status,
        note=request.note,
        at=now,
        ended_due_at=ended_due_at,
    )
    incident_change_announce(
        incident=incident,
        type="incident.updated",
        previous_assignee_id=(
            previous_assignee_id if previous_assignee_id != incident.assignee_id else None
        ),
    )
    return incident


# Said when a need the table marks required is missing.
MISSING = {
    "note": gettext_lazy("Say why in note when you %(action)s."),
    "assignee": gettext_lazy("Name the worker in assignee to %(action)s."),
    "due_at": gettext_lazy("Give the new deadline in due_at to %(action)s."),
    "repeat_of": gettext_lazy("Name an earlier petition you can see in repeat_of to %(action)s."),
}


def _apply_details(
    incident: Incident, request: ActionRequest, *, user: User, now: datetime
) -> None:
    """What an action carries besides a move: an assignee, a new deadline, a reason."""
    needs = workflow.ACTIONS[request.action].needs
    for name, need in needs.items():
        # A photo is an upload of its own; the case rules look for it where it is needed.
        if need != "required" or name == "photo":
            continue
        value = getattr(request, name)
        if value is None or not str(value).strip():
            raise Invalid(MISSING[name] % {"action": workflow.word(request.action)}, field=name)
    # What an action takes is the table's needs; each field carried is applied by its rule.
    if "assignee" in needs:
        incident.assignee = _assignee(incident, request.assignee)
    if "due_at" in needs:
        if incident.due_at is not None and request.due_at <= incident.due_at:
            raise Invalid(_("The new deadline must be later than the current one."), field="due_at")
        if request.due_at <= now:
            raise Invalid(_("The new deadline must be in the future."), field="due_at")
        if incident.category == CategoryCode.PETITION:
            case_rules.petition_extend(incident, request.due_at)
        else:
            incident.due_at = request.due_at
    if request.action == "request_review":
        case_rules.petition_review_requested(incident, now=now)
    if "repeat_of" in needs:
        case_rules.petition_mark_repeat(incident, user=user, earlier_id=request.repeat_of)
    if request.action == "verify":
        case_rules.major_hazard_verifiable(incident)


def _enter(incident: Incident, to_status: str, *, from_status: str, now: datetime) -> None:
    incident.status = to_status
    if to_status == Status.ACCEPTED:
        incident.accepted_at = now
    if to_status == Status.RESOLVED and incident.category == CategoryCode.PETITION:
        # The answer to the petitioner: the review window runs from here.
        incident.answered_at = now
    incident.closed_at = now if to_status == Status.CLOSED else None
    # Read before this move's own entry is written: closing ends verification, not handling.
    incident.closed_on_time = (
        closed_on_time(incident.timeline.filter(to_status=Status.RESOLVED))
        if to_status == Status.CLOSED
        else None
    )
    # Starting work keeps the handling deadline set at dispatch; every other move starts a
    # new stage with its own clock.
    if (from_status, to_status) != (Status.DISPATCHED, Status.IN_PROGRESS):
        incident.due_at = stage_due_at(incident, to_status, now=now)


def _assignee(incident: Incident, username: str) -> User:
    """A worker of the case's grid; for a case outside every grid, or left in a grid retired by a
    re-gridding (which has no workers), a worker of its street, or any worker when it is outside
    every street too."""
    workers = User.objects.filter(role=Role.WORKER, is_active=True, username=username)
    if incident.grid is not None and incident.grid.is_current:
        workers = workers.filter(grids=incident.grid_id)
    elif incident.street_id is not None:
        workers = workers.filter(grids__street=incident.street_id)
    worker = workers.distinct().first()
    if worker is None:
        raise Invalid(
            _("'%(username)s' is not a worker of this case's grid.") % {"username": username},
            field="assignee",
        )
    return worker
