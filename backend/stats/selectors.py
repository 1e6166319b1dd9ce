"""What supervisors look at (DOMAIN.md): per grid and per street, how many cases, open, overdue
and closed, by category, and the median time to close.

Everything is counted in the database with GROUP BY and conditional aggregates (`counting.py`);
incidents are never loaded into Python, save the durations of closed cases for a median on
SQLite, which has no percentile function.

Scope: the counts cover exactly the cases of the caller's `Scope` (`backend.accounts.scope`), the
one scope rule of every read, so nobody can count what they could not list. Supervisors and admins,
whose scope is whole streets, are counted from the rollups; workers, whose scope also holds the
cases assigned to or reported by them, from the incidents. Residents get 403: statistics are a staff
tool, and a resident's own reports are already in their list. The features are the grids (streets)
of the caller's scope (all of them for admins and zone-wide supervisors, those of their streets for
street supervisors, their own grids for workers) plus any other grid (street) holding a case they
see, e.g. one assigned to them, or a grid retired by a re-gridding (`retired`: true) that cases of
the period were filed in; grids in scope with no case appear with zeros, grids outside it do not
appear at all.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.scope import Scope, scope_of
from backend.boundaries.models import Grid, Street
from backend.boundaries.selectors import area_feature
from backend.core.errors import Forbidden, NotFound
from backend.core.queries import one_or_none
from backend.incidents.models import Incident

from .counting import (
    CATEGORIES,
    Counts,
    RollupScope,
    counts_from_incidents,
    counts_from_rollups,
    created_in,
    overdue_q,
)

__all__ = ["CATEGORIES", "Counts", "StatsFilters", "grid_stats", "overdue_q", "street_stats"]


@dataclass(frozen=True)
class StatsFilters:
    street: str | None = None
    grid: str | None = None
    categories: tuple[str, ...] = ()
    # Incidents *created* in [created_from, created_to); open-ended when None.
    created_from: datetime | None = None
    created_to: datetime | None = None


@dataclass(frozen=True)
class AreaStats:
    area: Grid | Street
    counts: Counts


@dataclass(frozen=True)
class StatsTable:
    rows: list[AreaStats]
    # Visible cases outside every grid (stats by grid) or every street (stats by street):
    # CONTRACT.md sends them to the supervisors, so they are counted, not dropped.
    unassigned: Counts
    counted_at: datetime


def grid_stats(
    *, user: User, filters: StatsFilters, now: datetime | None = None, use_rollups: bool = True
) -> StatsTable:
    """Counts per grid of the caller's scope, narrowed by `filters`.

    `use_rollups=False` counts from the incidents whatever the role (to check the rollups).
    """
    now = now or timezone.now()
    scope = _staff_scope(user)
    incidents = _in_categories(Incident.objects.filter(scope.incidents()), filters)
    street_ids = _supervised_street_ids(scope)
    grids = Grid.objects.filter(scope.grids())
    grid_id = None
    if filters.street is not None:
        street_id = _street_id(filters.street)
        incidents = incidents.filter(street_id=street_id)
        grids = grids.filter(street_id=street_id)
        street_ids = [pk for pk in street_ids or [street_id] if pk == street_id]
    if filters.grid is not None:
        # The id only: a grid row carries its whole outline.
        grid_id = one_or_none(Grid.objects.filter(code=filters.grid).values_list("pk", flat=True))
        if grid_id is None:
            raise NotFound(_("No grid with code %(code)s.") % {"code": filters.grid})
        incidents = incidents.filter(grid_id=grid_id)
        grids = grids.filter(pk=grid_id)
    counts = _counts(scope, incidents, "grid_id", filters, street_ids, grid_id, now, use_rollups)
    # The current grids in scope, and any grid, retired or not, whose cases are counted: a
    # period before a re-gridding counts cases in the grids they were filed in.
    listed = Grid.all_generations.filter(
        Q(pk__in=grids.values("pk")) | Q(pk__in=_keys(counts, counted_only=True))
    )
    rows = [
        AreaStats(grid, counts.get(grid.pk) or Counts())
        for grid in listed.select_related("street").order_by("code")
    ]
    return StatsTable(rows=rows, unassigned=counts.get(None) or Counts(), counted_at=now)


def street_stats(
    *, user: User, filters: StatsFilters, now: datetime | None = None, use_rollups: bool = True
) -> StatsTable:
    """Counts per street of the caller's scope; cases with a street but no grid count too."""
    now = now or timezone.now()
    scope = _staff_scope(user)
    incidents = _in_categories(Incident.objects.filter(scope.incidents()), filters)
    street_ids = _supervised_street_ids(scope)
    counts = _counts(scope, incidents, "street_id", filters, street_ids, None, now, use_rollups)
    streets = Street.objects.filter(scope.streets())
    listed = Street.objects.filter(Q(pk__in=streets.values("pk")) | Q(pk__in=_keys(counts)))
    rows = [
        AreaStats(street, counts.get(street.pk) or Counts()) for street in listed.order_by("code")
    ]
    return StatsTable(rows=rows, unassigned=counts.get(None) or Counts(), counted_at=now)


def grid_features(table: StatsTable) -> list[dict]:
    return [
        area_feature(
            row.area,
            code=row.area.code,
            name=row.area.name,
            street=row.area.street.code,
            retired=not row.area.is_current,
            **row.counts.as_dict(),
        )
        for row in table.rows
    ]


def street_features(table: StatsTable) -> list[dict]:
    return [
        area_feature(row.area, code=row.area.code, name=row.area.name, **row.counts.as_dict())
        for row in table.rows
    ]


def _counts(caller, incidents, key, filters, street_ids, grid_id, now, use_rollups) -> dict:
    """Counts per `key` of `incidents` (in scope and category, of any date) created in the
    period of `filters`."""
    if not use_rollups or not caller.counted_from_rollups:
        dated = created_in(incidents, filters.created_from, filters.created_to)
        return counts_from_incidents(dated, key, now=now)
    scope = RollupScope(street_ids=street_ids, grid_id=grid_id, categories=filters.categories)
    return counts_from_rollups(
        incidents,
        key,
        scope=scope,
        created_from=filters.created_from,
        created_to=filters.created_to,
        now=now,
    )


def _staff_scope(user: User) -> Scope:
    scope = scope_of(user)
    if not scope.may_see_statistics:
        raise Forbidden(_("Statistics are for grid workers, supervisors and admins."))
    return scope


def _in_categories(incidents: QuerySet[Incident], filters: StatsFilters) -> QuerySet[Incident]:
    if filters.categories:
        incidents = incidents.filter(category__in=filters.categories)
    return incidents


def _street_id(code: str) -> int:
    street_id = one_or_none(Street.objects.filter(code=code).values_list("pk", flat=True))
    if street_id is None:
        raise NotFound(_("No street with code %(code)s.") % {"code": code})
    return street_id


def _supervised_street_ids(scope: Scope) -> list[int] | None:
    """The streets a supervisor is limited to, for the rollups; None for the whole zone (and
    for workers and admins, whose scope is not whole streets)."""
    return list(scope.street_ids) or None


def _keys(counts: dict, *, counted_only: bool = False) -> list[int]:
    """The areas in `counts`; with `counted_only`, those with a case counted (the rollups keep
    rows that dropped to zero, e.g. for the grids a re-gridding moved the open cases out of)."""
    return [key for key, n in counts.items() if key is not None and (n.total or not counted_only)]
