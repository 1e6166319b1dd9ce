"""Who hears of which event: the Channels groups a socket joins, and the replay query.

Both follow the incident scope of `backend.incidents.selectors.incidents_visible_to`: a worker
hears of their grids and of cases assigned to or reported by them, a supervisor of their streets
(or the whole zone), a resident of their own reports.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Q, QuerySet

from backend.accounts.models import AuthToken, Role, User
from backend.accounts.scope import (
    PETITIONER_PERMISSION,
    ZONE_GROUP,
    grid_group,
    street_group,
    user_group,
)
from backend.accounts.services import live_token_query

from .models import Event, EventCounter

__all__ = ["ZONE_GROUP", "grid_group", "street_group", "user_group"]


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
    sees_petitioners: bool = False


def socket_scope(user: User) -> SocketScope:
    return _scope_of(user.pk, user.role, _sees_petitioners(user))


@dataclass(frozen=True)
class TokenSocket:
    """A token socket's opening: its scope, when its token lapses, and the latest seq."""

    scope: SocketScope
    expires_at: datetime
    latest_seq: int


def token_socket(token: str) -> TokenSocket | None:
    """The opening of a socket signed with `token`, or None when the token is not live.

    One query for who holds the token and the latest seq, one for their grid or street ids;
    supervisors ask the permission backends besides.
    """
    select = (
        "t.id, t.expires_at, u.id AS holder_id, u.role AS holder_role, "
        "u.is_superuser AS holder_is_superuser, "
        f"(SELECT c.last FROM {EventCounter._meta.db_table} c WHERE c.id = 1) AS latest_seq"
    )
    found = list(AuthToken.objects.raw(*live_token_query(select, token)))
    if not found:
        return None
    (row,) = found
    # The permission backends need only who the user is, not their row.
    holder = User(
        pk=row.holder_id,
        role=row.holder_role,
        is_active=True,
        is_superuser=bool(row.holder_is_superuser),
    )
    return TokenSocket(
        scope=_scope_of(holder.pk, holder.role, _sees_petitioners(holder)),
        expires_at=row.expires_at,
        latest_seq=row.latest_seq or 0,
    )


def _sees_petitioners(user: User) -> bool:
    return user.role in (Role.SUPERVISOR, Role.ADMIN) and user.has_perm(PETITIONER_PERMISSION)


def _scope_of(user_id: int, role: str, sees_petitioners: bool) -> SocketScope:
    if role == Role.SUPERVISOR:
        through, column = User.streets.through, "street_id"
    elif role == Role.WORKER:
        through, column = User.grids.through, "grid_id"
    else:
        return SocketScope(user_id, role, sees_petitioners=sees_petitioners)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {through._meta.db_table} WHERE user_id = %s", [user_id]
        )
        ids = frozenset(pk for (pk,) in cursor.fetchall())
    if role == Role.SUPERVISOR:
        return SocketScope(user_id, role, street_ids=ids, sees_petitioners=sees_petitioners)
    return SocketScope(user_id, role, grid_ids=ids, sees_petitioners=sees_petitioners)


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
