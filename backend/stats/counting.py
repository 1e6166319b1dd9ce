"""The two ways of counting, both with GROUP BY in the database, both giving {key: Counts}.

- From the incidents (`counts_from_incidents`): any scope, e.g. a worker's "my grids, plus the
  cases assigned to me or reported by me".
- From the rollups (`counts_from_rollups`): a scope of whole streets (supervisors, admins).
  Whole days of the period come from the day tallies; a day cut by a `from`/`to` that is not
  a local midnight comes from the incidents (its part in the period, or its tally less the
  part outside, whichever part is smaller), and so does `overdue`. The median
  over all time comes from the hour buckets of `GridCloseHours` (each value taken as the middle
  of its bucket, so within half an hour of the exact one); over a period, from the incidents.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Count, DurationField, F, Q, QuerySet
from django.utils import timezone

from backend.incidents.models import FINAL_STATUSES, CategoryCode, Incident, Status

from .aggregates import PercentileCont
from .models import GridCloseHours, GridDayTally

CATEGORIES: tuple[str, ...] = tuple(CategoryCode.values)


@dataclass
class Counts:
    total: int = 0
    open: int = 0
    overdue: int = 0
    closed: int = 0
    by_category: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    median_hours_to_close: float | None = None

    def add(self, other: "Counts") -> None:
        self._move(other, 1)

    def take(self, other: "Counts") -> None:
        """Remove `other`'s cases (counted in `self` before) again."""
        self._move(other, -1)

    def _move(self, other: "Counts", sign: int) -> None:
        self.total += sign * other.total
        self.open += sign * other.open
        self.overdue += sign * other.overdue
        self.closed += sign * other.closed
        for category, n in other.by_category.items():
            self.by_category[category] += sign * n

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "open": self.open,
            "overdue": self.overdue,
            "closed": self.closed,
            "by_category": dict(self.by_category),
            "median_hours_to_close": self.median_hours_to_close,
        }


@dataclass(frozen=True)
class RollupScope:
    """What the rollups are narrowed to: street, grid and category ids/codes, or None for all."""

    street_ids: list[int] | None
    grid_id: int | None
    categories: tuple[str, ...]


def overdue_q(now: datetime) -> Q:
    """The database form of `incidents.selectors.is_overdue`: a deadline that has passed.

    `due_at` is cleared when a case is closed or rejected, so only open cases can match.
    """
    return Q(due_at__isnull=False, due_at__lt=now)


def _closed_q() -> Q:
    return Q(status=Status.CLOSED, closed_at__isnull=False)


def counts_from_incidents(
    incidents: QuerySet[Incident],
    key: str,
    *,
    now: datetime,
    with_overdue: bool = True,
    with_median: bool = True,
) -> dict:
    """One GROUP BY `key` ("grid_id" or "street_id") with conditional counts and the median."""
    aggregates = {
        "total": Count("status"),
        "open": Count("status", filter=~Q(status__in=FINAL_STATUSES)),
        "closed": Count("status", filter=Q(status=Status.CLOSED)),
        **{f"category_{c}": Count("status", filter=Q(category=c)) for c in CATEGORIES},
    }
    if with_overdue:
        aggregates["overdue"] = Count("status", filter=overdue_q(now))
    result = {}
    for row in incidents.order_by().values(key).annotate(**aggregates):
        result[row[key]] = Counts(
            total=row["total"],
            open=row["open"],
            overdue=row.get("overdue", 0),
            closed=row["closed"],
            by_category={c: row[f"category_{c}"] for c in CATEGORIES},
        )
    if with_median:
        for value, median in medians_from_incidents(incidents, key).items():
            result[value].median_hours_to_close = median
    return result


def medians_from_incidents(incidents: QuerySet[Incident], key: str) -> dict:
    """Median of closed_at - created_at over the closed cases, in hours, per `key`."""
    closed = incidents.filter(_closed_q()).order_by()
    if connection.vendor == "postgresql":
        duration = F("closed_at") - F("created_at")
        rows = closed.values(key).annotate(
            median=PercentileCont(duration, output_field=DurationField())
        )
        return {row[key]: _hours(row["median"]) for row in rows}
    # SQLite has no percentile function: the durations of the closed cases are fetched, which
    # the small embedded deployments can afford (supervisors on SQLite use the rollups).
    durations = defaultdict(list)
    for value, created_at, closed_at in closed.values_list(key, "created_at", "closed_at"):
        durations[value].append(closed_at - created_at)
    return {value: _hours(statistics.median(spans)) for value, spans in durations.items()}


def counts_from_rollups(
    incidents: QuerySet[Incident],
    key: str,
    *,
    scope: RollupScope,
    created_from: datetime | None,
    created_to: datetime | None,
    now: datetime,
) -> dict:
    """The same numbers as `counts_from_incidents` over the cases of `incidents` created in
    [created_from, created_to); `incidents` are exactly the cases in `scope`, of any date."""
    dated = created_in(incidents, created_from, created_to)
    rollup_key = _rollup_key(key)
    first_day, end_day = _whole_days(created_from, created_to)
    # A day cut by `from` or `to` is counted from the incidents: the part in the period, or,
    # when that is the larger part, the whole day's tally less the part outside the period.
    # So a cut day costs at most half a day of cases.
    inside, outside = Q(), Q()
    if created_from is not None and created_from < _midnight(first_day):
        day_start = _midnight(first_day - timedelta(days=1))
        rest_of_day_in_period = created_to is None or created_to >= _midnight(first_day)
        if rest_of_day_in_period and created_from - day_start < _midnight(first_day) - created_from:
            outside |= Q(created_at__gte=day_start, created_at__lt=created_from)
            first_day -= timedelta(days=1)
        else:
            inside |= Q(created_at__lt=_midnight(first_day))
    if created_to is not None and _midnight(end_day) < created_to:
        day_end = _midnight(end_day + timedelta(days=1))
        start_of_day_in_period = created_from is None or created_from <= _midnight(end_day)
        if start_of_day_in_period and day_end - created_to < created_to - _midnight(end_day):
            outside |= Q(created_at__gte=created_to, created_at__lt=day_end)
            end_day += timedelta(days=1)
        else:
            inside |= Q(created_at__gte=_midnight(end_day))
    result: dict = defaultdict(Counts)
    for value, counts in _tally_counts(scope, rollup_key, first_day, end_day).items():
        result[value].add(counts)
    plain = {"now": now, "with_overdue": False, "with_median": False}
    if inside:
        for value, counts in counts_from_incidents(dated.filter(inside), key, **plain).items():
            result[value].add(counts)
    if outside:
        for value, counts in counts_from_incidents(incidents.filter(outside), key, **plain).items():
            result[value].take(counts)
    overdue = dated.filter(overdue_q(now)).order_by().values(key).annotate(n=Count("*"))
    for row in overdue:
        result[row[key]].overdue = row["n"]
    if created_from is None and created_to is None:
        medians = _medians_from_close_hours(scope, rollup_key)
    else:
        medians = medians_from_incidents(dated, key)
    for value, median in medians.items():
        result[value].median_hours_to_close = median
    return dict(result)


def created_in(
    incidents: QuerySet[Incident], created_from: datetime | None, created_to: datetime | None
) -> QuerySet[Incident]:
    if created_from is not None:
        incidents = incidents.filter(created_at__gte=created_from)
    if created_to is not None:
        incidents = incidents.filter(created_at__lt=created_to)
    return incidents


def _whole_days(
    created_from: datetime | None, created_to: datetime | None
) -> tuple[date | None, date | None]:
    """The local days lying wholly in [created_from, created_to): first, and the one after the
    last (None: unbounded). When none does, the first is set to the end, so none is read."""
    first_day = end_day = None
    if created_from is not None:
        first_day = timezone.localdate(created_from)
        if _midnight(first_day) < created_from:
            first_day += timedelta(days=1)
    if created_to is not None:
        end_day = timezone.localdate(created_to)
        if first_day is not None and end_day < first_day:
            end_day = first_day
    return first_day, end_day


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _rollup_key(key: str) -> str:
    return {"grid_id": "grid_key", "street_id": "street_key"}[key]


# The rollups are read with hand-written SQL: they are our own small tables, and building
# these queries with the ORM took longer than running them (the one-grid statistics asked
# three of them).


def _rollup_where(
    scope: RollupScope, first_day: date | None = None, end_day: date | None = None
) -> tuple[str, list]:
    """The WHERE clause and parameters narrowing a rollup table to `scope` (and day tallies to
    the days in [first_day, end_day))."""
    conditions, params = ["1 = 1"], []
    if scope.street_ids is not None:
        conditions.append(_in("street_key", scope.street_ids, params))
    if scope.grid_id is not None:
        conditions.append("grid_key = %s")
        params.append(scope.grid_id)
    if scope.categories:
        conditions.append(_in("category", scope.categories, params))
    if first_day is not None:
        conditions.append("day >= %s")
        params.append(connection.ops.adapt_datefield_value(first_day))
    if end_day is not None:
        conditions.append("day < %s")
        params.append(connection.ops.adapt_datefield_value(end_day))
    return " AND ".join(conditions), params


def _in(column: str, values, params: list) -> str:
    if not values:
        return "1 = 0"
    params.extend(values)
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


def _tally_counts(
    scope: RollupScope, key: str, first_day: date | None, end_day: date | None
) -> dict:
    """Per key, the cases created on the whole days [first_day, end_day), from the tallies."""
    where, params = _rollup_where(scope, first_day, end_day)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key}, status, category, SUM(n) FROM {GridDayTally._meta.db_table} "
            f"WHERE {where} GROUP BY {key}, status, category",
            params,
        )
        rows = cursor.fetchall()
    result: dict = defaultdict(Counts)
    for value, status, category, n in rows:
        counts = result[value or None]
        counts.total += n
        counts.open += n if status not in FINAL_STATUSES else 0
        counts.closed += n if status == Status.CLOSED else 0
        if category in counts.by_category:
            counts.by_category[category] += n
    return dict(result)


def _medians_from_close_hours(scope: RollupScope, key: str) -> dict:
    """Per key, the middle value(s) of the hour histogram, read with a running sum.

    With `upto` the cases up to and including a bucket and `total` all of them, the lower middle
    case lies in the first bucket with 2 * upto >= total, the upper in the first with
    2 * upto > total (the same bucket when `total` is odd).
    """
    where, params = _rollup_where(scope)
    sql = (
        f"SELECT k, MIN(hours) FILTER (WHERE 2 * upto >= total),"
        f" MIN(hours) FILTER (WHERE 2 * upto > total)"
        f" FROM (SELECT k, hours,"
        f"  SUM(n) OVER (PARTITION BY k ORDER BY hours) AS upto,"
        f"  SUM(n) OVER (PARTITION BY k) AS total"
        f"  FROM (SELECT {key} AS k, hours, SUM(n) AS n"
        f"   FROM {GridCloseHours._meta.db_table} WHERE {where}"
        f"   GROUP BY {key}, hours HAVING SUM(n) > 0) AS histogram) AS running"
        f" GROUP BY k"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            value or None: round((lower + upper) / 2 + 0.5, 2)
            for value, lower, upper in cursor.fetchall()
        }


def _hours(span: timedelta) -> float:
    return round(span.total_seconds() / 3600, 2)
