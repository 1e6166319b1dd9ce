"""The printable map of open and overdue cases per grid (`gis.report`), fed by the statistics.

For supervisors and admins, the people who take a map to a meeting; workers and residents get
403. Counts cover exactly what `selectors.grid_stats` gives the caller.
"""

from datetime import date, datetime, time, timedelta
from typing import Literal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.scope import scope_of
from backend.boundaries.models import Street
from backend.boundaries.selectors import area_shape
from backend.core.errors import Forbidden
from gis.demo import NOTICE, is_demo_street
from gis.report import GridCounts, MapReport, StreetArea, render_map_report

from . import selectors
from .selectors import StatsFilters


def grid_map_report(
    *,
    user: User,
    filters: StatsFilters,
    fmt: Literal["png", "pdf"] = "png",
) -> bytes:
    """The map page as PNG or PDF bytes: the grids of `filters.street`, or all in scope."""
    if not scope_of(user).may_print_map_report:
        raise Forbidden(_("The map report is for supervisors and admins."))
    street, created_from, created_to = filters.street, filters.created_from, filters.created_to
    table = selectors.grid_stats(user=user, filters=filters)
    grids = [
        GridCounts(
            row.area.code,
            row.area.name,
            area_shape(row.area),
            row.counts.open,
            row.counts.overdue,
        )
        for row in table.rows
        # A retired grid lies under the grids that replaced it: the map draws the current ones.
        if row.area.is_current
    ]
    # Every street a shown grid lies in, outlined (and named when there are several).
    streets = {row.area.street.code: row.area.street for row in table.rows}
    title, outline, notice = "全部网格 all grids", None, None
    if street is not None:
        found = Street.objects.get(code=street)  # grid_stats raised NotFound if missing
        title, outline = f"{found.name} {found.code}", area_shape(found)
        notice = NOTICE if is_demo_street(found.code, found.name) else None
    elif any(is_demo_street(s.code, s.name) for s in Street.objects.all()):
        notice = NOTICE
    report = MapReport(
        title=title,
        period=period_text(created_from, created_to),
        grids=grids,
        notice=notice,
        counted_at=timezone.localtime(table.counted_at).strftime("%Y-%m-%d %H:%M"),
        outline=outline,
        streets=[StreetArea(s.code, s.name, area_shape(s)) for _, s in sorted(streets.items())],
    )
    # The command's --language (or the API's Chinese default): zh prints Chinese then English.
    return render_map_report(report, fmt=fmt, language=translation.get_language() or "zh-hans")


def period_text(created_from: datetime | None, created_to: datetime | None) -> str:
    """The period as local dates: `to` is exclusive, so midnight reads as the day before."""
    start = timezone.localtime(created_from).date().isoformat() if created_from else "…"
    if created_to is None:
        end = "…"
    else:
        local = timezone.localtime(created_to)
        day = local.date() - timedelta(days=1) if local.time() == time(0) else local.date()
        end = day.isoformat()
    if created_from is None and created_to is None:
        return "全部时间 all time"
    return f"{start} 至 {end}（按上报时间 by date reported）"


def day_start(day: date) -> datetime:
    """Local midnight at the start of a day, aware."""
    return timezone.make_aware(datetime.combine(day, time(0)))
