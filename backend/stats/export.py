"""The grid statistics as CSV, for spreadsheets, with headers in the reader's language."""

import csv
import io

from backend.incidents.models import CategoryCode
from backend.incidents.selectors import CATEGORY_NAMES_EN

from .selectors import CATEGORIES, StatsTable

LANGUAGES = ("zh-hans", "en")
# Chinese first: the people who open this file in a spreadsheet read Chinese.
HEADERS = {
    "zh-hans": {
        "code": "网格编码",
        "name": "网格名称",
        "street": "街道编码",
        "street_name": "街道名称",
        "total": "案件总数",
        "open": "未结案",
        "overdue": "超期",
        "closed": "已结案",
        "median_hours_to_close": "结案时长中位数（小时）",
    },
    "en": {
        "code": "Grid code",
        "name": "Grid name",
        "street": "Street code",
        "street_name": "Street name",
        "total": "Total",
        "open": "Open",
        "overdue": "Overdue",
        "closed": "Closed",
        "median_hours_to_close": "Median hours to close",
    },
}
UNASSIGNED_NAME = {"zh-hans": "（不在任何网格内）", "en": "(outside every grid)"}
# A grid retired by a re-gridding, listed for the cases filed in it, may share its code with the
# new grid that took it: the name says which is which.
RETIRED_SUFFIX = {"zh-hans": "（已撤销）", "en": " (retired)"}


def csv_language(requested: str | None) -> str:
    """One of LANGUAGES for a language tag (`zh-Hans`, `zh-CN`, `en-GB`...); Chinese otherwise."""
    return "en" if (requested or "").lower().startswith("en") else "zh-hans"


def _category_header(category: str, language: str) -> str:
    if language == "en":
        return CATEGORY_NAMES_EN[category]
    return str(CategoryCode(category).label)


def grid_stats_csv(table: StatsTable, language: str = "zh-hans") -> str:
    """One row per grid, then one for cases outside every grid (empty code), with a BOM so
    that Excel reads the Chinese names as UTF-8. Streets are given by code and by name."""
    headers = HEADERS[language]
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        (
            *(headers[c] for c in ("code", "name", "street", "street_name")),
            *(headers[c] for c in ("total", "open", "overdue", "closed")),
            *(_category_header(c, language) for c in CATEGORIES),
            headers["median_hours_to_close"],
        )
    )
    for row in table.rows:
        street = row.area.street
        name = row.area.name if row.area.is_current else row.area.name + RETIRED_SUFFIX[language]
        writer.writerow((row.area.code, name, street.code, street.name, *_cells(row.counts)))
    writer.writerow(("", UNASSIGNED_NAME[language], "", "", *_cells(table.unassigned)))
    return out.getvalue()


def _cells(counts) -> tuple:
    median = "" if counts.median_hours_to_close is None else counts.median_hours_to_close
    by_category = [counts.by_category[category] for category in CATEGORIES]
    return (counts.total, counts.open, counts.overdue, counts.closed, *by_category, median)
