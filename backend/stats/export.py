"""The grid statistics as CSV, for spreadsheets."""

import csv
import io

from .selectors import CATEGORIES, StatsTable

COLUMNS = ("code", "name", "street", "total", "open", "overdue", "closed", *CATEGORIES)
UNASSIGNED_NAME = "(outside every grid)"


def grid_stats_csv(table: StatsTable) -> str:
    """One row per grid, then one for cases outside every grid (empty code), with a BOM so
    that Excel reads the Chinese names as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow((*COLUMNS, "median_hours_to_close"))
    for row in table.rows:
        writer.writerow((row.area.code, row.area.name, row.area.street.code, *_cells(row.counts)))
    writer.writerow(("", UNASSIGNED_NAME, "", *_cells(table.unassigned)))
    return out.getvalue()


def _cells(counts) -> tuple:
    median = "" if counts.median_hours_to_close is None else counts.median_hours_to_close
    by_category = [counts.by_category[category] for category in CATEGORIES]
    return (counts.total, counts.open, counts.overdue, counts.closed, *by_category, median)
