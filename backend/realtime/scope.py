"""Who hears of which event: the Channels groups a socket joins, and the replay query.

Both follow the incident scope of `backend.incidents.selectors.incidents_visible_to`: a worker
hears of their grids and of cases assigned to or reported by them, a supervisor of their streets
(or the whole zone), a resident of their own reports.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from backend.accounts.models import Role, User

from .models import Event

ZONE_GROUP = "zone"


def grid_group(grid_id: int) -> str:
    return f"grid-{grid_id}"


def street_group(street_id: int) -> str:
    return f"street-{street_id}"


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def event_groups(event: Event) -> set[str]:
    """Every group that must hear of `event`."""
    groups = {ZONE_GROUP}
    if event.grid_id is not None:
        groups.add(grid_group(event.grid_id))
    if event.street_id is not None:
        groups.add(street_group(event.street_id))
    for user_id in (event.reporter_id, event.assignee_id, event.previous_assignee_id):
        if user_id is not None:
            groups.add(user_group(user_id))
    return groups


@dataclass(frozen=True)
class SocketScope:
    """What a socket of a user may hear, read once when it connects (and on scope changes), so
    filling a gap in the feed costs one query, not one more for the user's grids."""

    user_id: int
    role: str
    grid_ids: frozenset[int] = frozenset()
    street_ids: frozenset[int] = frozenset()


def socket_scope(user: User) -> SocketScope:
    grid_ids: frozenset[int] = frozenset()
    street_ids: frozenset[int] = frozenset()
    if user.role == Role.SUPERVISOR:
        street_ids = frozenset(user.streets.values_list("pk", flat=True))
    elif user.role == Role.WORKER:
        grid_ids = frozenset(user.grids.values_list("pk", flat=True))
    return SocketScope(user.pk, user.role, grid_ids, street_ids)


def scope_groups(scope: SocketScope) -> set[str]:
    """The groups a socket joins: exactly its scope, and its user's own group."""
    groups = {user_group(scope.user_id)}
    if scope.role == Role.ADMIN or (scope.role == Role.SUPERVISOR and not scope.street_ids):
        groups.add(ZONE_GROUP)
    groups |= {street_group(pk) for pk in scope.street_ids}
    groups |= {grid_group(pk) for pk in scope.grid_ids}
    return groups


def events_in_scope(scope: SocketScope) -> QuerySet[Event]:
    """The events a socket replays: the same scope as its groups."""
    events = Event.objects.all()
    own = (
        Q(reporter_id=scope.user_id)
        | Q(assignee_id=scope.user_id)
        | Q(previous_assignee_id=scope.user_id)
    )
    if scope.role == Role.ADMIN or (scope.role == Role.SUPERVISOR and not scope.street_ids):
        return events
    if scope.role == Role.SUPERVISOR:
        return events.filter(Q(street_id__in=scope.street_ids) | own)
    if scope.role == Role.WORKER:
        return events.filter(Q(grid_id__in=scope.grid_ids) | own)
    return events.filter(own)


def events_visible_to(user: User) -> QuerySet[Event]:
    return events_in_scope(socket_scope(user))
