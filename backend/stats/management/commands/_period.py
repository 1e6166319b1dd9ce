"""Period options shared by the `export` and `map-report` commands (not a command itself)."""

from datetime import date, datetime, timedelta

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from backend.accounts.models import Role, User
from backend.stats.map_report import day_start


def parse_moment(value: str | None, *, end: bool) -> datetime | None:
    """A local day (`--to` inclusive: up to the next midnight) or ISO 8601 with an offset."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        pass
    else:
        _check_year(value, day.year)
        return day_start(day + timedelta(days=1) if end else day)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            _("%(value)r is neither a date (2026-01-31) nor ISO 8601") % {"value": value}
        ) from error
    if moment.utcoffset() is None:
        raise CommandError(_("%(value)r needs an offset, e.g. +08:00") % {"value": value})
    _check_year(value, moment.year)
    return moment


def _check_year(value: str, year: int) -> None:
    # Year 1 or 9999 overflows once moved to UTC or to the next day (the API's rule too).
    if not 2 <= year <= 9998:
        raise CommandError(
            _("%(value)r is out of range: give a date between the years 2 and 9998")
            % {"value": value}
        )


def parse_period(date_from: str | None, date_to: str | None) -> tuple[datetime | None, ...]:
    """(start, end) of `--from`/`--to`; a period that ends before it starts is a mistake, not
    an empty answer (an export of nothing would look like a quiet month)."""
    start, end = parse_moment(date_from, end=False), parse_moment(date_to, end=True)
    if start is not None and end is not None and start >= end:
        raise CommandError(
            _("--from %(start)s is after --to %(end)s") % {"start": date_from, "end": date_to}
        )
    return start, end


def command_user() -> User:
    """An unsaved admin: the command line sees what an admin sees, and nothing is written."""
    return User(username="gridgov-cli", role=Role.ADMIN)
