"""Who hears of which event: the Channels groups a socket joins, and the replay query.

Both follow the incident scope of `backend.incidents.selectors.incidents_visible_to`: a worker
hears of their grids and of cases assigned to or reported by them, a supervisor of their streets
(or the whole zone), a resident of their own reports.
"""

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


def user_groups(user: User) -> set[str]:
    """The groups a socket of `user` joins: exactly their scope, and their own group."""
    groups = {user_group(user.pk)}
    if user.role == Role.ADMIN:
        groups.add(ZONE_GROUP)
    elif user.role == Role.SUPERVISOR:
        street_ids = list(user.streets.values_list("pk", flat=True))
        groups |= {street_group(pk) for pk in street_ids} if street_ids else {ZONE_GROUP}
    elif user.role == Role.WORKER:
        groups |= {grid_group(pk) for pk in user.grids.values_list("pk", flat=True)}
    return groups


def events_visible_to(user: User) -> QuerySet[Event]:
    """The events a socket of `user` replays: the same scope as its groups."""
    events = Event.objects.all()
    own = Q(reporter_id=user.pk) | Q(assignee_id=user.pk) | Q(previous_assignee_id=user.pk)
    if user.role == Role.ADMIN:
        return events
    if user.role == Role.SUPERVISOR:
        street_ids = list(user.streets.values_list("pk", flat=True))
        return events.filter(Q(street_id__in=street_ids) | own) if street_ids else events
    if user.role == Role.WORKER:
        grid_ids = list(user.grids.values_list("pk", flat=True))
        return events.filter(Q(grid_id__in=grid_ids) | own)
    return events.filter(own)
