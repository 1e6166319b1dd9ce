"""The case workflow of CONTRACT.md as one table: who may do what, from which status, to which,
and what each action needs besides a click.

Each action names the parties who may take it and the moves it makes. A party is a relation
between a user and a case, not only a role: the assignee, the reporter, a worker of the case's
grid, a supervisor whose streets cover it. `check` answers, in the contract's order:
the action is the party's at all (else 403), then legal in the current status (else 409).
Clients read `needs` through the case detail (`allowed_actions`), so the app's forms ask for
exactly what the server checks and keep no table of their own.
"""

from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from backend.accounts.models import User
from backend.accounts.scope import scope_of
from backend.core.errors import Conflict, Forbidden

from .models import CategoryCode, Incident, Status
from .selectors import last_resolution, verification_photo_missing

# The words a message names an action, a status or a category by: English keeps the codes the
# API speaks, the catalogue gives Chinese the words the app shows for them ("受理立案", "已结案").
WORDS = (
    gettext_noop("accept"),
    gettext_noop("reject"),
    gettext_noop("dispatch"),
    gettext_noop("start"),
    gettext_noop("resolve"),
    gettext_noop("handle_on_spot"),
    gettext_noop("verify"),
    gettext_noop("reopen"),
    gettext_noop("dispute"),
    gettext_noop("comment"),
    gettext_noop("confirm"),
    gettext_noop("extend"),
    gettext_noop("reassign"),
    gettext_noop("request_review"),
    gettext_noop("mark_repeat"),
    gettext_noop("reported"),
    gettext_noop("accepted"),
    gettext_noop("dispatched"),
    gettext_noop("in_progress"),
    gettext_noop("resolved"),
    gettext_noop("closed"),
    gettext_noop("rejected"),
    gettext_noop("safety"),
    gettext_noop("petition"),
    gettext_noop("housing"),
    gettext_noop("other"),
)


def word(code: str) -> str:
    """`code` (an action, a status or a category) as the request's language says it."""
    return _(code) if code in WORDS else code


class Party(Enum):
    SUPERVISOR = "supervisor"  # a supervisor or admin whose scope covers the case
    GRID_WORKER = "grid_worker"  # a worker of the case's grid
    ASSIGNEE = "assignee"
    REPORTER = "reporter"
    REPORTING_RESIDENT = "reporting_resident"  # the reporter, when a resident
    VIEWER = "viewer"  # anyone who may see the case


Need = Literal["required", "optional"]
# What an action may carry: the request fields of ActionIn, and "photo", a photo the client
# uploads with the action (POST .../photos).
NEED_FIELDS = ("note", "assignee", "due_at", "repeat_of", "photo")


@dataclass(frozen=True)
class Action:
    parties: frozenset[Party]
    # from status → to status; an action that keeps the status maps a status to itself.
    moves: dict[str, str]
    # The kinds of case the action exists for; None: every kind.
    categories: frozenset[str] | None = None
    needs: dict[str, Need] = field(default_factory=dict)
    # Parties who may not take it even when they hold one of `parties`.
    excluded: frozenset[Party] = frozenset()
    # A photo sent with the action shows its result, so it is uploaded after the action and
    # counts as taken after it (the evidence of a resolution); otherwise before, for the
    # action to find it (the verification photo a major hazard needs).
    photo_after: bool = False
    # Taken at most once per resolution (a reporter confirms a resolution once).
    once_per_resolution: bool = False


def _keeping(*statuses: str) -> dict[str, str]:
    return {status: status for status in statuses}


OPEN = (Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.RESOLVED)
ALL = (*OPEN, Status.CLOSED, Status.REJECTED)


def statuses_list() -> list[dict]:
    """Every status in the order of the loop, saying whether a case in it is still open."""
    return [
        {"code": status.value, "name": str(status.label), "open": status in OPEN} for status in ALL
    ]


WHY: dict[str, Need] = {"note": "required"}
EVIDENCE: dict[str, Need] = {"note": "optional", "photo": "optional"}

ACTIONS: dict[str, Action] = {
    "accept": Action(frozenset({Party.SUPERVISOR}), {Status.REPORTED: Status.ACCEPTED}),
    "reject": Action(frozenset({Party.SUPERVISOR}), {Status.REPORTED: Status.REJECTED}, needs=WHY),
    "dispatch": Action(
        frozenset({Party.SUPERVISOR}),
        {Status.ACCEPTED: Status.DISPATCHED},
        needs={"assignee": "required", "note": "optional"},
    ),
    "start": Action(frozenset({Party.ASSIGNEE}), {Status.DISPATCHED: Status.IN_PROGRESS}),
    "resolve": Action(
        frozenset({Party.ASSIGNEE}),
        {Status.IN_PROGRESS: Status.RESOLVED},
        needs=EVIDENCE,
        photo_after=True,
    ),
    # 自行处置: a worker handles a minor case of their own grid on the spot.
    "handle_on_spot": Action(
        frozenset({Party.GRID_WORKER}),
        {Status.REPORTED: Status.RESOLVED},
        needs=EVIDENCE,
        photo_after=True,
    ),
    # The photo is the on-site check's evidence; `needs_of` makes it required when the case's
    # rules ask for one (a major hazard without a photo since its resolution).
    "verify": Action(
        frozenset({Party.SUPERVISOR}), {Status.RESOLVED: Status.CLOSED}, needs=EVIDENCE
    ),
    # 返工: a failed verification, or a closed case that recurred.
    "reopen": Action(
        frozenset({Party.SUPERVISOR}),
        {Status.RESOLVED: Status.IN_PROGRESS, Status.CLOSED: Status.IN_PROGRESS},
        needs=WHY,
    ),
    "dispute": Action(
        frozenset({Party.REPORTING_RESIDENT}), {Status.RESOLVED: Status.IN_PROGRESS}, needs=WHY
    ),
    "comment": Action(frozenset({Party.VIEWER}), _keeping(*ALL), needs=WHY),
    # Whoever resolved the case does not confirm their own resolution.
    "confirm": Action(
        frozenset({Party.REPORTER}),
        _keeping(Status.RESOLVED, Status.CLOSED),
        excluded=frozenset({Party.ASSIGNEE}),
        once_per_resolution=True,
    ),
    "extend": Action(
        frozenset({Party.SUPERVISOR}),
        _keeping(*OPEN),
        needs={"due_at": "required", "note": "required"},
    ),
    "reassign": Action(
        frozenset({Party.SUPERVISOR}),
        _keeping(Status.DISPATCHED, Status.IN_PROGRESS),
        needs={"assignee": "required", "note": "optional"},
    ),
    # 复查: the petitioner asks for a review of the answer (within 30 days of it).
    "request_review": Action(
        frozenset({Party.REPORTER}),
        {Status.RESOLVED: Status.IN_PROGRESS, Status.CLOSED: Status.IN_PROGRESS},
        categories=frozenset({CategoryCode.PETITION}),
        needs=WHY,
    ),
    # 重复信访: link a petition to the earlier case it repeats.
    "mark_repeat": Action(
        frozenset({Party.SUPERVISOR}),
        _keeping(*ALL),
        categories=frozenset({CategoryCode.PETITION}),
        needs={"repeat_of": "required", "note": "optional"},
    ),
}

ACTION_NAMES = tuple(ACTIONS)


def parties_of(user: User, incident: Incident) -> set[Party]:
    """The parties `user` is to `incident`; where the case lies is asked of their `Scope`."""
    scope = scope_of(user)
    parties = {Party.VIEWER}
    if scope.supervises(incident.street_id):
        parties.add(Party.SUPERVISOR)
    if incident.grid_id is not None and incident.grid_id in scope.grid_ids:
        parties.add(Party.GRID_WORKER)
    if incident.assignee_id == user.pk:
        parties.add(Party.ASSIGNEE)
    if incident.reporter_id == user.pk:
        parties.add(Party.REPORTER)
        if scope.is_resident:
            parties.add(Party.REPORTING_RESIDENT)
    return parties


def check(action_name: str, incident: Incident, parties: set[Party]) -> str:
    """The status `action_name` moves `incident` to, or the error the contract names."""
    action = ACTIONS[action_name]
    if not action.parties & parties or action.excluded & parties:
        raise Forbidden(
            _("You may not %(action)s this case.") % {"action": word(action_name)},
            code="action_forbidden",
        )
    if action.categories is not None and incident.category not in action.categories:
        raise Conflict(
            _("Cannot %(action)s a case of category %(category)s.")
            % {"action": word(action_name), "category": word(incident.category)},
            code="illegal_for_category",
        )
    to_status = action.moves.get(incident.status)
    if to_status is None:
        raise Conflict(
            _("Cannot %(action)s a case that is %(status)s.")
            % {"action": word(action_name), "status": word(incident.status)},
            code="illegal_transition",
        )
    if action.once_per_resolution and _taken_since_resolution(action_name, incident):
        raise Conflict(
            _("This resolution has had its %(action)s already.") % {"action": word(action_name)},
            code="already_done",
        )
    return to_status


def allowed_actions(incident: Incident, parties: set[Party]) -> list[str]:
    """What this user can do to this case now, for clients to show the right buttons."""
    return [
        name
        for name, action in ACTIONS.items()
        if action.parties & parties
        and not action.excluded & parties
        and incident.status in action.moves
        and (action.categories is None or incident.category in action.categories)
        and not (action.once_per_resolution and _taken_since_resolution(name, incident))
    ]


def needs_of(action_name: str, incident: Incident) -> dict[str, Need]:
    """What the action asks for on this case: the table's needs, with the photo required
    where the case's rules will refuse the action without one."""
    needs = dict(ACTIONS[action_name].needs)
    if action_name == "verify" and verification_photo_missing(incident):
        needs["photo"] = "required"
    return needs


def _taken_since_resolution(action_name: str, incident: Incident) -> bool:
    resolution = last_resolution(incident)
    return (
        resolution is not None
        and incident.timeline.filter(action=action_name, id__gt=resolution.pk).exists()
    )
