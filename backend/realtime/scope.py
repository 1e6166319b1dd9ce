"""Who hears of which event: the Channels groups each event is sent to, and the opening of a
token socket. What a socket may hear is its user's `Scope` (`backend.accounts.scope`): the
groups it joins are `Scope.groups()` and its replay `Scope.heard()`, the same rule as every
REST read, so a socket hears of a case exactly where its user can list it (and of the events
that name them, wherever those lie).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from backend.accounts.models import AuthToken, User
from backend.accounts.scope import (
    ZONE_GROUP,
    Scope,
    grid_group,
    street_group,
    user_group,
)
from backend.accounts.services import live_token_query

from .horizon import horizon_sql
from .models import Event

__all__ = [
    "ZONE_GROUP",
    "TokenSocket",
    "event_groups",
    "events_in_scope",
    "events_visible_to",
    "grid_group",
    "socket_scope",
    "street_group",
    "token_socket",
    "user_group",
]

# The people an event is about: each hears of it wherever it lies.
EVENT_PEOPLE = ("reporter_id", "assignee_id", "previous_assignee_id")


def event_groups(event: Event) -> set[str]:
    """Every group that must hear of `event`."""
    groups = {ZONE_GROUP}
    if event.grid_id is not None:
        groups.add(grid_group(event.grid_id))
    if event.street_id is not None:
        groups.add(street_group(event.street_id))
    for field in EVENT_PEOPLE:
        user_id = getattr(event, field)
        if user_id is not None:
            groups.add(user_group(user_id))
    return groups


def socket_scope(user: User) -> Scope:
    """What a socket of `user` may hear, read once when it connects (and on scope changes), so
    filling a gap in the feed costs one query, not one more for the user's grids."""
    return Scope(user).loaded()


@dataclass(frozen=True)
class TokenSocket:
    """A token socket's opening: its scope, when its token lapses, and the seq horizon."""

    scope: Scope
    expires_at: datetime
    latest_seq: int


def token_socket(token: str) -> TokenSocket | None:
    """The opening of a socket signed with `token`, or None when the token is not live.

    One query for who holds the token and the seq horizon (`.horizon`), one for their scope's
    facts (grids, or streets and the petition permission; none for a resident).
    """
    select = (
        "t.id, t.expires_at, u.id AS holder_id, u.role AS holder_role, "
        "u.is_superuser AS holder_is_superuser, "
        f"{horizon_sql()} AS latest_seq"
    )
    found = list(AuthToken.objects.raw(*live_token_query(select, token)))
    if not found:
        return None
    (row,) = found
    # The scope needs only who the user is, not their row.
    holder = User(
        pk=row.holder_id,
        role=row.holder_role,
        is_active=True,
        is_superuser=bool(row.holder_is_superuser),
    )
    return TokenSocket(
        scope=socket_scope(holder), expires_at=row.expires_at, latest_seq=row.latest_seq or 0
    )


def events_in_scope(scope: Scope) -> QuerySet[Event]:
    """The events a socket replays: the same scope as its groups."""
    return Event.objects.filter(scope.heard(own_fields=EVENT_PEOPLE))


def events_visible_to(user: User) -> QuerySet[Event]:
    return events_in_scope(socket_scope(user))
