"""What goes in and out of the incidents API, and how a case is shown to a given viewer."""

from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AwareDatetime, Field, field_validator

from backend.accounts.models import User
from backend.accounts.scope import scope_of
from backend.boundaries.schemas import CRS_NOTE, PointCrs
from backend.core.schemas import (
    Latitude,
    Longitude,
    ObjectId,
    TextWithoutNul,
    local_time,
    plausible_moment,
)
from gis.navigation import navigation_links

from . import workflow
from .masking import case_as_seen_by
from .models import CategoryCode, Incident, Status, TimelineEntry
from .selectors import is_overdue

# The category and status tables are the models' choices; these only name them for schemas.
Category = Literal[tuple(CategoryCode.values)]  # type: ignore[valid-type]
StatusName = Literal[tuple(Status.values)]  # type: ignore[valid-type]
CLOCK_SKEW = timedelta(minutes=10)


class IncidentIn(Schema):
    client_id: UUID
    category: Category
    subcategory: TextWithoutNul | None = Field(default=None, max_length=40)
    title: TextWithoutNul = Field(min_length=1, max_length=200)
    description: TextWithoutNul = Field(default="", max_length=5000)
    lon: float = Longitude
    lat: float = Latitude
    crs: PointCrs = Field(default="wgs84", description=CRS_NOTE)
    address: TextWithoutNul = Field(default="", max_length=300)
    occurred_at: AwareDatetime | None = None
    housing_project: ObjectId | None = None
    severity: Literal["general", "serious", "major"] | None = None
    people_count: int = Field(
        default=1, ge=1, le=100_000, description="Petitions: how many people signed (联名信访)"
    )
    repeat_of: ObjectId | None = Field(
        default=None, description="Petitions: id of the earlier petition this one repeats"
    )
    hazard_site: ObjectId | None = Field(
        default=None, description="Safety hazards: id of the hazard site (enterprise, building)"
    )

    @field_validator("title")
    @classmethod
    def title_not_blank(cls, title: str) -> str:
        if not title.strip():
            raise ValueError(_("must not be blank"))
        return title

    @field_validator("occurred_at")
    @classmethod
    def not_in_the_future(cls, occurred_at: datetime | None) -> datetime | None:
        if occurred_at is not None and occurred_at > timezone.now() + CLOCK_SKEW:
            raise ValueError(_("must not be in the future"))
        return plausible_moment(occurred_at)


class ActionIn(Schema):
    action: Literal[workflow.ACTION_NAMES]  # type: ignore[valid-type]
    note: TextWithoutNul = Field(default="", max_length=5000)
    assignee: TextWithoutNul | None = Field(default=None, max_length=150)
    due_at: AwareDatetime | None = None
    repeat_of: ObjectId | None = Field(default=None, description="mark_repeat: the earlier case")

    @field_validator("due_at")
    @classmethod
    def plausible_due_at(cls, due_at: datetime | None) -> datetime | None:
        return plausible_moment(due_at)


class SubcategoryOut(Schema):
    code: str
    name: str
    name_en: str


class CategoryOut(Schema):
    code: Category
    name: str
    name_en: str
    subcategories: list[SubcategoryOut]


class StatusOut(Schema):
    code: StatusName
    name: str
    open: bool = Field(description="A case in this status is still being handled")


class ReporterOut(Schema):
    username: str | None
    display_name: str | None
    phone: str | None
    role: str


class TimelineOut(Schema):
    at: datetime
    actor: str | None
    system: bool = Field(description="Taken by the system (an escalation); its actor is null")
    actor_display_name: str | None = Field(
        description="The actor's name to show (their username when they gave none); "
        "null exactly when `actor` is"
    )
    action: str
    from_status: str | None
    to_status: str | None
    note: str
    due_at: datetime | None = Field(
        description="On a move: the deadline of the stage it ended, as it stood then"
    )
    met: bool | None = Field(description="On a move: the stage ended by that deadline")


class IncidentOut(Schema):
    id: int
    number: str
    category: Category
    subcategory: str | None
    severity: str | None
    title: str
    description: str
    lon: float
    lat: float
    address: str
    street: str | None
    grid: str | None
    grid_name: str | None = Field(
        default=None,
        description=(
            "The name of the grid the case is in: after a re-gridding, an old case keeps the "
            "retired grid it was filed in, whose code a new grid may have taken"
        ),
    )
    status: StatusName
    priority: str
    reporter: ReporterOut
    assignee: str | None
    assignee_display_name: str | None = Field(
        description="The assignee's name to show (their username when they gave none)"
    )
    occurred_at: datetime | None
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None
    overdue: bool
    closed_on_time: bool | None = Field(
        description="Closed cases: resolved by the handling deadline in force (按期办结); "
        "null for cases not closed"
    )
    photos: list[str]
    people_count: int
    repeat_of: int | None
    hazard_site: int | None
    housing_project: int | None


class NavOut(Schema):
    geo: str = Field(description="geo: URI (RFC 5870) at the WGS-84 point")
    amap: str = Field(description="AMap marker link, the point in GCJ-02")
    baidu: str = Field(description="Baidu Map marker link, the point in BD-09")
    gcj02: list[float] = Field(description="[lon, lat] in GCJ-02 degrees")
    bd09: list[float] = Field(description="[lon, lat] in BD-09 degrees")


class AllowedActionOut(Schema):
    action: str
    needs: dict[str, workflow.Need] = Field(
        description="What to send with it: note, assignee, due_at, repeat_of (request fields) "
        "and photo (an upload to .../photos), each required or optional"
    )
    photo_after: bool = Field(
        description="Upload the photo after the action (it shows the action's result), "
        "else before it (the action looks for it)"
    )


class IncidentDetailOut(IncidentOut):
    timeline: list[TimelineOut]
    nav: NavOut = Field(description="Links that open a map app at the case, for finding it")
    actions: list[str] = Field(description="What the caller may do to this case now")
    allowed_actions: list[AllowedActionOut] = Field(
        description="The same actions, each with what it needs"
    )


class IncidentPage(Schema):
    items: list[IncidentOut]
    count: int
    page: int


class PhotoOut(Schema):
    id: int
    url: str
    content_type: str
    width: int
    height: int


def photo_url(incident_id: int, photo_id: int) -> str:
    return f"/api/v1/incidents/{incident_id}/photos/{photo_id}"


def incident_out(incident: Incident, viewer: User) -> dict:
    """The case as `viewer` may see it: the reporter masked unless they may see them."""
    return _as_seen_by(viewer, incident, incident_payload(incident))


def _as_seen_by(viewer: User, incident: Incident, case: dict) -> dict:
    return case_as_seen_by(
        scope_of(viewer), case, category=incident.category, reporter_id=incident.reporter_id
    )


def incident_payload(incident: Incident) -> dict:
    """The case as a supervisor sees it (the reporter named), as the REST API renders it."""
    reporter = incident.reporter
    payload = {
        "id": incident.pk,
        "number": incident.number,
        "category": incident.category,
        "subcategory": incident.subcategory.code if incident.subcategory_id else None,
        "severity": incident.severity or None,
        "title": incident.title,
        "description": incident.description,
        "lon": incident.lon,
        "lat": incident.lat,
        "address": incident.address,
        "street": incident.street.code if incident.street_id else None,
        "grid": incident.grid.code if incident.grid_id else None,
        "grid_name": incident.grid.name if incident.grid_id else None,
        "status": incident.status,
        "priority": incident.priority,
        "reporter": {
            "username": reporter.username,
            "display_name": reporter.display_name,
            "phone": reporter.phone,
            "role": reporter.role,
        },
        "assignee": incident.assignee.username if incident.assignee_id else None,
        "assignee_display_name": incident.assignee.shown_name if incident.assignee_id else None,
        "occurred_at": local_time(incident.occurred_at),
        "created_at": local_time(incident.created_at),
        "updated_at": local_time(incident.updated_at),
        "due_at": local_time(incident.due_at),
        "overdue": is_overdue(incident),
        "closed_on_time": incident.closed_on_time,
        "photos": [photo_url(incident.pk, photo.pk) for photo in incident.photos.all()],
        "people_count": incident.people_count,
        "repeat_of": incident.repeat_of_id,
        "hazard_site": incident.hazard_site_id,
        "housing_project": incident.housing_project_id,
    }
    return payload


def incident_detail_out(incident: Incident, viewer: User) -> dict:
    """The case with its timeline as `viewer` may see it: the reporter masked, in the timeline
    too, unless they may see them."""
    entries = incident.timeline.select_related("actor")
    parties = workflow.parties_of(viewer, incident)
    actions = workflow.allowed_actions(incident, parties)
    detail = {
        **incident_payload(incident),
        "timeline": [_entry_out(entry) for entry in entries],
        "nav": navigation_links(incident.lon, incident.lat, incident.title),
        "actions": actions,
        "allowed_actions": [
            {
                "action": name,
                "needs": workflow.needs_of(name, incident),
                "photo_after": workflow.ACTIONS[name].photo_after,
            }
            for name in actions
        ],
    }
    return _as_seen_by(viewer, incident, detail)


def _entry_out(entry: TimelineEntry) -> dict:
    actor = entry.actor
    return {
        "at": local_time(entry.at),
        "actor": actor.username if actor else None,
        "actor_display_name": actor.shown_name if actor else None,
        "system": entry.system,
        "action": entry.action,
        "from_status": entry.from_status or None,
        "to_status": entry.to_status or None,
        "note": entry.note,
        "due_at": local_time(entry.due_at),
        "met": entry.met,
    }
