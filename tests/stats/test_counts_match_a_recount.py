"""The statistics equal a recount of the visible cases in Python, for every grid and street,
over all time and over periods, from the rollups (supervisors) and from the incidents."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from backend.boundaries.models import Grid
from backend.incidents.services import incident_create
from backend.incidents.services.create import NewIncident
from backend.stats.selectors import StatsFilters, grid_stats, street_stats
from tests.conftest import WEST, grid_code

from .conftest import EMPTY_GRID, ZERO, _centre, assert_same_counts, recount

# From the rollups the median over all time is read from hour buckets (the middle of a bucket
# stands for its values); from the incidents, and over any period, it is exact.
BUCKET_TOLERANCE_H = 0.5


def _periods():
    now = timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return {
        "all time": (None, None),
        "last 7 days": (now - timedelta(days=7), None),
        "whole days": (midnight - timedelta(days=12), midnight - timedelta(days=2)),
        "ragged ends": (now - timedelta(days=20, hours=5), now - timedelta(days=3, hours=7)),
        "within one day": (now - timedelta(days=5, hours=9), now - timedelta(days=5, hours=2)),
        # A cut day is counted from its part in the period or, when that is the larger part,
        # as the whole day less its part outside: both ways, at each end.
        "cut days, mostly in": (
            midnight - timedelta(days=10) + timedelta(hours=1),
            midnight - timedelta(days=3) + timedelta(hours=23),
        ),
        "cut days, mostly out": (
            midnight - timedelta(days=10) + timedelta(hours=23),
            midnight - timedelta(days=3) + timedelta(hours=1),
        ),
        "until": (None, now - timedelta(days=9, hours=3)),
        "empty": (now - timedelta(days=4), now - timedelta(days=4)),
    }


@pytest.mark.parametrize("period", list(_periods()))
@pytest.mark.parametrize("use_rollups", [True, False], ids=["rollups", "incidents"])
@pytest.mark.parametrize("categories", [(), ("safety", "other")], ids=["all", "two-categories"])
def test_grid_counts_equal_a_recount(cases, supervisor, period, use_rollups, categories):
    created_from, created_to = _periods()[period]
    now = timezone.now()
    filters = StatsFilters(categories=categories, created_from=created_from, created_to=created_to)
    table = grid_stats(user=supervisor, filters=filters, now=now, use_rollups=use_rollups)
    expected = recount(
        supervisor,
        "grid",
        now=now,
        categories=categories,
        created_from=created_from,
        created_to=created_to,
    )
    tolerance = BUCKET_TOLERANCE_H if use_rollups and created_from is created_to is None else 0
    assert len(table.rows) == 8
    for row in table.rows:
        got = row.counts.as_dict()
        assert_same_counts(got, expected.get(row.area.code, ZERO), median_tolerance_h=tolerance)
    assert_same_counts(
        table.unassigned.as_dict(), expected.get(None, ZERO), median_tolerance_h=tolerance
    )


@pytest.mark.parametrize("period", ["cut days, mostly in", "cut days, mostly out"])
def test_a_cut_day_counts_its_cases_on_the_right_side_of_the_cut(
    cases, supervisor, resident, period
):
    created_from, created_to = _periods()[period]
    half_hour = timedelta(minutes=30)
    lon, lat = _centre(Grid.objects.get(code=grid_code(WEST, 1)))
    for moment in (created_from, created_to):
        for filed_at in (moment - half_hour, moment + half_hour):
            incident_create(
                reporter=resident,
                report=NewIncident(
                    client_id=uuid.uuid4(), category="other", title="cut", lon=lon, lat=lat
                ),
                now=filed_at,
            )
    now = timezone.now()
    filters = StatsFilters(created_from=created_from, created_to=created_to)

    table = grid_stats(user=supervisor, filters=filters, now=now)

    expected = recount(
        supervisor, "grid", now=now, created_from=created_from, created_to=created_to
    )
    for row in table.rows:
        assert_same_counts(
            row.counts.as_dict(), expected.get(row.area.code, ZERO), median_tolerance_h=0
        )


@pytest.mark.parametrize("period", ["all time", "ragged ends"])
@pytest.mark.parametrize("use_rollups", [True, False], ids=["rollups", "incidents"])
def test_street_counts_equal_a_recount(cases, supervisor, period, use_rollups):
    created_from, created_to = _periods()[period]
    now = timezone.now()
    filters = StatsFilters(created_from=created_from, created_to=created_to)
    table = street_stats(user=supervisor, filters=filters, now=now, use_rollups=use_rollups)
    expected = recount(
        supervisor, "street", now=now, created_from=created_from, created_to=created_to
    )
    tolerance = BUCKET_TOLERANCE_H if use_rollups and created_from is None else 0
    assert [row.area.code for row in table.rows] == ["210404001", "210404002"]
    for row in table.rows:
        assert_same_counts(
            row.counts.as_dict(), expected[row.area.code], median_tolerance_h=tolerance
        )
    # Cases in a street but outside its grids count for the street.
    west = next(row for row in table.rows if row.area.code == WEST)
    west_filters = StatsFilters(street=WEST, created_from=created_from, created_to=created_to)
    by_grid = grid_stats(user=supervisor, filters=west_filters, now=now)
    assert west.counts.total == sum(r.counts.total for r in by_grid.rows) + by_grid.unassigned.total
    if period == "all time":
        assert by_grid.unassigned.total == 3
    assert_same_counts(table.unassigned.as_dict(), expected[None], median_tolerance_h=tolerance)


def test_one_grid_and_one_street(cases, supervisor):
    now = timezone.now()
    code = grid_code(WEST, 2)
    one = grid_stats(user=supervisor, filters=StatsFilters(grid=code), now=now)
    assert [row.area.code for row in one.rows] == [code]
    assert_same_counts(
        one.rows[0].counts.as_dict(),
        recount(supervisor, "grid", now=now)[code],
        median_tolerance_h=BUCKET_TOLERANCE_H,
    )
    assert one.unassigned.total == 0
    street = grid_stats(user=supervisor, filters=StatsFilters(street=WEST), now=now)
    assert [row.area.code for row in street.rows] == [grid_code(WEST, n) for n in (1, 2, 3, 4)]


def test_grid_without_cases_appears_with_zeros(cases, supervisor):
    table = grid_stats(user=supervisor, filters=StatsFilters())
    empty = next(row for row in table.rows if row.area.code == EMPTY_GRID)
    assert empty.counts.as_dict() == ZERO


def test_overdue_is_the_same_rule_as_the_incident_list(cases, admin_user):
    now = timezone.now()
    table = grid_stats(user=admin_user, filters=StatsFilters(), now=now)
    overdue = sum(row.counts.overdue for row in table.rows) + table.unassigned.overdue
    from backend.incidents.models import Incident
    from backend.incidents.selectors import is_overdue

    expected = sum(is_overdue(incident, now=now) for incident in Incident.objects.all())
    assert overdue == expected > 0
    assert sum(row.counts.open for row in table.rows) - overdue > 0
