"""Period options shared by the `export` and `map-report` commands (not a command itself)."""

from datetime import date, datetime, timedelta

from django.core.management.base import CommandError

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
        return day_start(day + timedelta(days=1) if end else day)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r} is neither a date (2026-01-31) nor ISO 8601") from error
    if moment.utcoffset() is None:
        raise CommandError(f"{value!r} needs an offset, e.g. +08:00")
    return moment


def command_user() -> User:
    """An unsaved admin: the command line sees what an admin sees, and nothing is written."""
    return User(username="gridgov-cli", role=Role.ADMIN)
