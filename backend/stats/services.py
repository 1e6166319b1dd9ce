"""Keeping the rollups (`models.py`) exact: moved with every incident change, or rebuilt."""

import math
from collections import Counter
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from backend.incidents.models import Incident, Status

from .models import GridCloseHours, GridDayTally

# What the rollups depend on; a change to anything else leaves them alone.
STATE_FIELDS = ("grid_id", "street_id", "category", "status", "created_at", "closed_at")

_TALLY_UPSERT = (
    "INSERT INTO stats_griddaytally (grid_key, day, category, status, street_key, n) "
    "VALUES (%s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (grid_key, day, category, status, street_key) "
    "DO UPDATE SET n = stats_griddaytally.n + excluded.n"
)
_CLOSE_HOURS_UPSERT = (
    "INSERT INTO stats_gridclosehours (grid_key, hours, category, street_key, n) "
    "VALUES (%s, %s, %s, %s, %s) "
    "ON CONFLICT (grid_key, hours, category, street_key) "
    "DO UPDATE SET n = stats_gridclosehours.n + excluded.n"
)


def grid_rollup_apply(*, incident: Incident) -> None:
    """Move `incident`'s counts from its stored state to the one it is about to be saved with.

    Called inside the incident's transaction, just before `incident.save()` (on the incidents'
    `incident_saving`, `signals.py`): the stored row (locked by the service for an update; none
    for a new incident) is the state to take away.
    """
    before = None
    if incident.pk is not None:
        before = Incident.objects.filter(pk=incident.pk).values(*STATE_FIELDS).first()
    after = {name: getattr(incident, name) for name in STATE_FIELDS}
    if before == after:
        return
    tallies: Counter = Counter()
    close_hours: Counter = Counter()
    for state, delta in ((before, -1), (after, +1)):
        if state is None:
            continue
        grid_key, street_key = state["grid_id"] or 0, state["street_id"] or 0
        day = timezone.localdate(state["created_at"])
        tallies[(grid_key, day, state["category"], state["status"], street_key)] += delta
        if state["status"] == Status.CLOSED and state["closed_at"] is not None:
            hours = hours_bucket(state["closed_at"] - state["created_at"])
            close_hours[(grid_key, hours, state["category"], street_key)] += delta
    with connection.cursor() as cursor:
        # Rows in a fixed order, so that two concurrent changes cannot deadlock on them.
        for key, delta in sorted(tallies.items()):
            if delta:
                cursor.execute(_TALLY_UPSERT, [*key, delta])
        for key, delta in sorted(close_hours.items()):
            if delta:
                cursor.execute(_CLOSE_HOURS_UPSERT, [*key, delta])


def hours_bucket(span: timedelta) -> int:
    """Whole hours in a timedelta, rounded down."""
    return math.floor(span.total_seconds() / 3600)


@transaction.atomic
def grid_rollup_rebuild() -> tuple[int, int]:
    """Recount both rollups from the incidents; returns the numbers of rows written."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Writers wait until the recount is committed, so no change slips between.
            cursor.execute("LOCK TABLE incidents_incident IN SHARE MODE")
    GridDayTally.objects.all().delete()
    GridCloseHours.objects.all().delete()
    incidents = Incident.objects.order_by()
    per_day = (
        incidents.annotate(day=TruncDate("created_at"))
        .values("grid_id", "street_id", "day", "category", "status")
        .annotate(n=Count("*"))
    )
    tallies = [
        GridDayTally(
            grid_key=row["grid_id"] or 0,
            street_key=row["street_id"] or 0,
            day=row["day"],
            category=row["category"],
            status=row["status"],
            n=row["n"],
        )
        for row in per_day
    ]
    GridDayTally.objects.bulk_create(tallies, batch_size=5000)
    if connection.vendor == "postgresql":
        written = _close_hours_rebuild_in_database()
    else:
        written = _close_hours_rebuild_in_python(incidents)
    return len(tallies), written


def _close_hours_rebuild_in_database() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO stats_gridclosehours (grid_key, category, hours, street_key, n) "
            "SELECT COALESCE(grid_id, 0), category,"
            " FLOOR(EXTRACT(EPOCH FROM closed_at - created_at) / 3600), COALESCE(street_id, 0),"
            " COUNT(*) FROM incidents_incident"
            " WHERE status = %s AND closed_at IS NOT NULL GROUP BY 1, 2, 3, 4",
            [Status.CLOSED],
        )
        return cursor.rowcount


def _close_hours_rebuild_in_python(incidents) -> int:
    counts: Counter = Counter()
    closed = incidents.filter(status=Status.CLOSED, closed_at__isnull=False)
    for grid_id, street_id, category, created_at, closed_at in closed.values_list(
        "grid_id", "street_id", "category", "created_at", "closed_at"
    ).iterator(chunk_size=10_000):
        counts[(grid_id or 0, category, hours_bucket(closed_at - created_at), street_id or 0)] += 1
    GridCloseHours.objects.bulk_create(
        [
            GridCloseHours(grid_key=g, category=c, hours=h, street_key=s, n=n)
            for (g, c, h, s), n in counts.items()
        ],
        batch_size=5000,
    )
    return len(counts)
