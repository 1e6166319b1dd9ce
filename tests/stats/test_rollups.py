"""The rollups move with every change in the same transaction, and a rebuild gives the same."""

from backend.stats.models import GridCloseHours, GridDayTally
from backend.stats.services import grid_rollup_rebuild


def _snapshot() -> tuple[set, set]:
    tallies = {
        (t.grid_key, t.street_key, t.day, t.category, t.status, t.n)
        for t in GridDayTally.objects.exclude(n=0)
    }
    hours = {
        (h.grid_key, h.street_key, h.category, h.hours, h.n)
        for h in GridCloseHours.objects.exclude(n=0)
    }
    return tallies, hours


def test_rollups_kept_by_the_services_equal_a_rebuild(cases):
    kept = _snapshot()
    assert kept[0] and kept[1]
    grid_rollup_rebuild()
    assert _snapshot() == kept


def test_no_rollup_row_goes_negative(cases):
    assert not GridDayTally.objects.filter(n__lt=0).exists()
    assert not GridCloseHours.objects.filter(n__lt=0).exists()
