"""Deadlines of the case stages (DOMAIN.md), in working time where the field counts it so.

Defaults: accept within 1 working hour of the report, dispatch within 1 working hour of
acceptance, handle within 2 hours when urgent or a number of working days by category,
verify within 2 working hours of the feedback. A zone sets its own in `GRIDGOV_DEADLINES`
and `GRIDGOV_WORKING_HOURS`. Public holidays are not known here: a zone that needs them
lists them in `GRIDGOV_HOLIDAYS` (ISO dates).

Petitions run on the statutory clock of the 信访工作条例 instead, in calendar days of the zone's
time zone, each deadline at the end of its last day: the decision to accept is due 15 days after
registration, the answer 60 days after *acceptance* (not after the report), extendable once by
at most 30 days; a review (复查) may be asked for within 30 days of the answer and is due 30 days
after the request.

A major safety hazard (重大隐患) must be accepted and dispatched within 30 minutes and handled
within 2 hours (it is urgent).
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from .models import FINAL_STATUSES, CategoryCode, Incident, Priority, Severity, Status

DEFAULT_DEADLINES = {
    "accept_working_hours": 1,
    "dispatch_working_hours": 1,
    "urgent_handling_hours": 2,
    "handling_working_days": {
        CategoryCode.SAFETY: 1,
        CategoryCode.HOUSING: 5,
        CategoryCode.OTHER: 3,
    },
    "verify_working_hours": 2,
    "petition_accept_days": 15,
    "petition_answer_days": 60,
    "petition_max_extension_days": 30,
    "petition_review_request_days": 30,
    "petition_review_answer_days": 30,
    "major_hazard_minutes": 30,
}


def deadlines() -> dict:
    return {**DEFAULT_DEADLINES, **getattr(settings, "GRIDGOV_DEADLINES", {})}


def stage_due_at(incident: Incident, status: str, *, now: datetime) -> datetime | None:
    """When the stage that `incident` enters at `now` with `status` must be done."""
    if status in FINAL_STATUSES:
        return None
    limits = deadlines()
    if incident.category == CategoryCode.PETITION:
        return _petition_due_at(incident, status, now=now, limits=limits)
    major = incident.severity == Severity.MAJOR
    if status in (Status.REPORTED, Status.ACCEPTED) and major:
        return now + timedelta(minutes=limits["major_hazard_minutes"])
    if status == Status.REPORTED:
        return add_working_time(now, timedelta(hours=limits["accept_working_hours"]))
    if status == Status.ACCEPTED:
        return add_working_time(now, timedelta(hours=limits["dispatch_working_hours"]))
    if status == Status.RESOLVED:
        return add_working_time(now, timedelta(hours=limits["verify_working_hours"]))
    return handling_due_at(incident, now=now)


def handling_due_at(incident: Incident, *, now: datetime) -> datetime:
    limits = deadlines()
    if incident.priority == Priority.URGENT:
        return now + timedelta(hours=limits["urgent_handling_hours"])
    days = incident.subcategory.handling_days if incident.subcategory_id else None
    days = days or limits["handling_working_days"].get(incident.category, 3)
    return add_working_time(now, working_day_length() * days)


def _petition_due_at(incident: Incident, status: str, *, now: datetime, limits: dict) -> datetime:
    if status == Status.REPORTED:
        return end_of_day_after(incident.created_at or now, limits["petition_accept_days"])
    if status == Status.RESOLVED:
        return add_working_time(now, timedelta(hours=limits["verify_working_hours"]))
    if incident.review_requested_at is not None:
        return end_of_day_after(incident.review_requested_at, limits["petition_review_answer_days"])
    days = limits["petition_answer_days"] + incident.extended_days
    return end_of_day_after(incident.accepted_at or now, days)


def end_of_day_after(start: datetime, days: int) -> datetime:
    """The last moment of the zone-local day that is `days` calendar days after `start`'s."""
    last_day = timezone.localtime(start, _zone()).date() + timedelta(days=days)
    return datetime.combine(last_day, time.max, _zone())


def review_window_closes_at(incident: Incident) -> datetime | None:
    if incident.answered_at is None:
        return None
    return end_of_day_after(incident.answered_at, deadlines()["petition_review_request_days"])


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _working_hours() -> tuple[time, time]:
    start, end = getattr(settings, "GRIDGOV_WORKING_HOURS", ("08:30", "17:30"))
    return time.fromisoformat(start), time.fromisoformat(end)


def working_day_length() -> timedelta:
    start, end = _working_hours()
    return datetime.combine(date.min, end) - datetime.combine(date.min, start)


def is_working_day(day: date) -> bool:
    holidays = getattr(settings, "GRIDGOV_HOLIDAYS", ())
    return day.weekday() < 5 and day.isoformat() not in holidays


def add_working_time(start: datetime, amount: timedelta) -> datetime:
    """`start` plus `amount` of working time (weekdays, office hours, zone time zone)."""
    zone = _zone()
    opens, closes = _working_hours()
    cursor = start.astimezone(zone)
    remaining = amount
    while True:
        day = cursor.date()
        day_open = datetime.combine(day, opens, zone)
        day_close = datetime.combine(day, closes, zone)
        if not is_working_day(day) or cursor >= day_close:
            cursor = datetime.combine(day + timedelta(days=1), opens, zone)
            continue
        cursor = max(cursor, day_open)
        available = day_close - cursor
        if remaining <= available:
            return cursor + remaining
        remaining -= available
        cursor = datetime.combine(day + timedelta(days=1), opens, zone)
