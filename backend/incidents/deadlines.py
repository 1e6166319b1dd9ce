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

Each move keeps, on its timeline entry, the deadline of the stage it ended and whether it was
met; `closed_on_time` (按期办结) is read off those entries when the case closes.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from .models import (
    FINAL_STATUSES,
    CategoryCode,
    Incident,
    Priority,
    Severity,
    Status,
    TimelineEntry,
)

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


def stage_met(ended_at: datetime, due_at: datetime | None) -> bool | None:
    """A stage that ended at `ended_at` met its deadline; None for a stage without one."""
    return None if due_at is None else ended_at <= due_at


def closed_on_time(timeline: Iterable[TimelineEntry]) -> bool:
    """按期办结: every time the case was resolved (the handler's feedback; a petition's answer),
    the deadline then in force for the stage it ended had not passed. That is the handling
    deadline (办理时限) set at dispatch or on rework, as a supervisor's extension moved it, or
    the accept deadline for a case handled on the spot. Acceptance, dispatch and verification
    are the command centre's own steps, kept on their entries for the rates that count them.
    A stage whose deadline is not known (`met` None) does not count against the case."""
    return not any(
        entry.met is False
        for entry in timeline
        if entry.to_status == Status.RESOLVED and entry.from_status != Status.RESOLVED
    )


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
