"""Open cases of retired grids moved into the new grids, when a street is re-gridded.

Only on request (`gridgov import-boundaries --replace --relocate-open`): by default a case stays
in the grid it was filed in, retired or not. A closed or rejected case never moves: its record,
and the statistics of the grid that handled it, are history. Each move leaves the trail of any
other change to a case: a timeline entry (the system's, like escalation) and an event.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.boundaries.locator import locate
from backend.boundaries.models import Grid

from ..models import FINAL_STATUSES, Incident
from .corrections import fields_change_record


@dataclass(frozen=True)
class Relocation:
    moved: int
    # Of those moved, the ones whose point no new grid covers: now in no grid, for the
    # supervisors, as a new report there would be.
    outside: int


def open_incidents_in_grids(*, grid_ids: list[int] | tuple[int, ...]) -> int:
    """How many open cases are filed in these grids."""
    return Incident.objects.filter(grid_id__in=grid_ids).exclude(status__in=FINAL_STATUSES).count()


@transaction.atomic
def incidents_relocate_from_grids(
    *, grid_ids: list[int] | tuple[int, ...], now: datetime | None = None
) -> Relocation:
    """Put each open case of `grid_ids` (retired grids) into the current grid holding its point,
    by the locator; call it after the new grids are in place, in the same transaction."""
    now = now or timezone.now()
    old_grids = Grid.all_generations.in_bulk(list(grid_ids))
    incidents = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("street", "grid", "reporter", "assignee", "subcategory")
        .filter(grid_id__in=grid_ids)
        .exclude(status__in=FINAL_STATUSES)
        .order_by("pk")
    )
    moved = outside = 0
    for incident in incidents:
        old = old_grids[incident.grid_id]
        location = locate(incident.lon, incident.lat)
        new = location.grid
        # Setting the ids drops the cached retired grid; the event's payload reads the new one.
        incident.grid_id = new.pk if new else None
        if location.street is not None:
            incident.street_id = location.street.pk
        incident.updated_at = now
        fields_change_record(
            incident=incident,
            actor=None,
            action="relocate",
            # Read by people in the app's timeline, stored in Chinese like escalation's notes.
            note=(
                f"网格调整：{old.code} {old.name} → {new.code} {new.name}"
                if new
                else f"网格调整：{old.code} {old.name} → 不在任何网格内，交指挥中心"
            ),
        )
        moved += 1
        outside += new is None
    return Relocation(moved=moved, outside=outside)


def on_grids_retired(*, grid_ids: list[int], relocate_open: bool, **_signal) -> list[str]:
    """A re-gridding's `grids_retired`: move the open cases with `relocate_open`, else say how
    many stay behind in the retired grids."""
    if relocate_open:
        moved = incidents_relocate_from_grids(grid_ids=grid_ids)
        return [
            _(
                "%(moved)d open case(s) moved to the new grids (%(outside)d in no new grid, now "
                "with the supervisors); each move is in the case's timeline"
            )
            % {"moved": moved.moved, "outside": moved.outside}
        ]
    staying = open_incidents_in_grids(grid_ids=grid_ids)
    if not staying:
        return []
    return [
        _(
            "%(count)d open case(s) stay in the retired grids they were filed in (the "
            "supervisors see them; the new grids' workers do not): --relocate-open "
            "moves them"
        )
        % {"count": staying}
    ]
