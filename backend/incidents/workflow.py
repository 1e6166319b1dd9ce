"""The case workflow of CONTRACT.md as one table: who may do what, from which status, to which.

Each action names the parties who may take it and the moves it makes. A party is a relation
between a user and a case, not only a role: the assignee, the reporter, a worker of the case's
grid, a supervisor whose streets cover it. `check` answers, in the contract's order:
the action is the party's at all (else 403), then legal in the current status (else 409).
"""

from dataclasses import dataclass
from enum import Enum

from backend.accounts.models import Role, User
from backend.core.errors import Conflict, Forbidden

from .models import CategoryCode, Incident, Status


class Party(Enum):
    SUPERVISOR = "supervisor"  # a supervisor or admin whose scope covers the case
    GRID_WORKER = "grid_worker"  # a worker of the case's grid
    ASSIGNEE = "assignee"
    REPORTER = "reporter"
    REPORTING_RESIDENT = "reporting_resident"  # the reporter, when a resident
    VIEWER = "viewer"  # anyone who may see the case


@dataclass(frozen=True)
class Action:
    parties: frozenset[Party]
    # from status → to status; an action that keeps the status maps a status to itself.
    moves: dict[str, str]
    # The kinds of case the action exists for; None: every kind.
    categories: frozenset[str] | None = None


def _keeping(*statuses: str) -> dict[str, str]:
    return {status: status for status in statuses}


OPEN = (Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.RESOLVED)
ALL = (*OPEN, Status.CLOSED, Status.REJECTED)

ACTIONS: dict[str, Action] = {
    "accept": Action(frozenset({Party.SUPERVISOR}), {Status.REPORTED: Status.ACCEPTED}),
    "reject": Action(frozenset({Party.SUPERVISOR}), {Status.REPORTED: Status.REJECTED}),
    "dispatch": Action(frozenset({Party.SUPERVISOR}), {Status.ACCEPTED: Status.DISPATCHED}),
    "start": Action(frozenset({Party.ASSIGNEE}), {Status.DISPATCHED: Status.IN_PROGRESS}),
    "resolve": Action(frozenset({Party.ASSIGNEE}), {Status.IN_PROGRESS: Status.RESOLVED}),
    # 自行处置: a worker handles a minor case of their own grid on the spot.
    "handle_on_spot": Action(frozenset({Party.GRID_WORKER}), {Status.REPORTED: Status.RESOLVED}),
    "verify": Action(frozenset({Party.SUPERVISOR}), {Status.RESOLVED: Status.CLOSED}),
    # 返工: a failed verification, or a closed case that recurred.
    "reopen": Action(
        frozenset({Party.SUPERVISOR}),
        {Status.RESOLVED: Status.IN_PROGRESS, Status.CLOSED: Status.IN_PROGRESS},
    ),
    "dispute": Action(frozenset({Party.REPORTING_RESIDENT}), {Status.RESOLVED: Status.IN_PROGRESS}),
    "comment": Action(frozenset({Party.VIEWER}), _keeping(*ALL)),
    "confirm": Action(frozenset({Party.REPORTER}), _keeping(Status.RESOLVED, Status.CLOSED)),
    "extend": Action(frozenset({Party.SUPERVISOR}), _keeping(*OPEN)),
    "reassign": Action(
        frozenset({Party.SUPERVISOR}), _keeping(Status.DISPATCHED, Status.IN_PROGRESS)
    ),
    # 复查: the petitioner asks for a review of the answer (within 30 days of it).
    "request_review": Action(
        frozenset({Party.REPORTER}),
        {Status.RESOLVED: Status.IN_PROGRESS, Status.CLOSED: Status.IN_PROGRESS},
        categories=frozenset({CategoryCode.PETITION}),
    ),
    # 重复信访: link a petition to the earlier case it repeats.
    "mark_repeat": Action(
        frozenset({Party.SUPERVISOR}), _keeping(*ALL), categories=frozenset({CategoryCode.PETITION})
    ),
}

ACTION_NAMES = tuple(ACTIONS)


def parties_of(user: User, incident: Incident, *, supervises: bool) -> set[Party]:
    """The parties `user` is to `incident`; `supervises` says the case is in their scope."""
    parties = {Party.VIEWER}
    if user.role in (Role.SUPERVISOR, Role.ADMIN) and supervises:
        parties.add(Party.SUPERVISOR)
    if (
        user.role == Role.WORKER
        and incident.grid_id is not None
        and user.grids.filter(pk=incident.grid_id).exists()
    ):
        parties.add(Party.GRID_WORKER)
    if incident.assignee_id == user.pk:
        parties.add(Party.ASSIGNEE)
    if incident.reporter_id == user.pk:
        parties.add(Party.REPORTER)
        if user.role == Role.RESIDENT:
            parties.add(Party.REPORTING_RESIDENT)
    return parties


def check(action_name: str, incident: Incident, parties: set[Party]) -> str:
    """The status `action_name` moves `incident` to, or the error the contract names."""
    action = ACTIONS[action_name]
    if not action.parties & parties:
        raise Forbidden(f"You may not {action_name} this case.", code="action_forbidden")
    if action.categories is not None and incident.category not in action.categories:
        raise Conflict(
            f"Cannot {action_name} a case of category {incident.category}.",
            code="illegal_for_category",
        )
    to_status = action.moves.get(incident.status)
    if to_status is None:
        raise Conflict(
            f"Cannot {action_name} a case that is {incident.status}.", code="illegal_transition"
        )
    return to_status


def allowed_actions(incident: Incident, parties: set[Party]) -> list[str]:
    """What this user can do to this case now, for clients to show the right buttons."""
    return [
        name
        for name, action in ACTIONS.items()
        if action.parties & parties
        and incident.status in action.moves
        and (action.categories is None or incident.category in action.categories)
    ]
