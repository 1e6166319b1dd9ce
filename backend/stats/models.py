"""Rollups of incidents that keep the statistics fast on a million cases.

Both tables are kept exact in the same transaction as every incident change
(`services.grid_rollup_apply`, on the incidents' `incident_saving`, just before a case is
saved), and can be rebuilt from the incidents at any time (`manage.py stats_rollup_rebuild`).
`grid_key` and `street_key` hold the grid's and street's id, or 0 for a case outside every grid
(street): a zero rather than NULL so that the unique constraints, which the upserts rely on,
hold for those rows too.

`overdue` is not rolled up, since it depends on the moment of asking; it is counted from the
open incidents themselves (a partial index covers them, see migration 0001).
"""

from django.db import models


class GridDayTally(models.Model):
    """How many cases were created on `day` (the zone's local date) in a grid, per category and
    current status."""

    grid_key = models.BigIntegerField()
    street_key = models.BigIntegerField()
    day = models.DateField()
    category = models.CharField(max_length=16)
    status = models.CharField(max_length=16)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grid_key", "day", "category", "status", "street_key"],
                name="stats_tally_one_row_per_key",
            )
        ]
        indexes = [models.Index(fields=["day"], name="stats_tally_day_idx")]

    def __str__(self) -> str:
        return f"grid {self.grid_key} {self.day} {self.category}/{self.status}: {self.n}"


class GridCloseHours(models.Model):
    """How many closed cases of a grid and category took `hours` whole hours to close
    (closed_at - created_at, rounded down): the median over all time is read from it, exact
    to the hour bucket."""

    grid_key = models.BigIntegerField()
    street_key = models.BigIntegerField()
    category = models.CharField(max_length=16)
    hours = models.IntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        # Grid, then hours: the median reads each grid's buckets in order straight off this
        # index, with no sort.
        constraints = [
            models.UniqueConstraint(
                fields=["grid_key", "hours", "category", "street_key"],
                name="stats_close_hours_one_row_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"grid {self.grid_key} {self.category} {self.hours} h: {self.n}"
