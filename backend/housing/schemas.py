"""What goes in and out of the housing API, and how a project is shown to a given viewer.

Everyone signed in sees a project's basic fields: id, name, developer, lon, lat, footprint,
street, grid, total_units, planned_delivery, created_at. The figures (delivered_units,
revised_delivery, progress_percent, funding_status, risk_level, responsible_officer, open_cases,
last_update_at, days_late, at_risk, and the detail's history and cases) are null for those who
do not follow the project (residents, staff outside it); `figures_visible` says which applies.
"""

import json
import math
import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import shapely
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator, Field, field_validator
from shapely.errors import GEOSException

from backend.core.schemas import Latitude, Longitude, TextWithoutNul, local_time
from backend.incidents.models import Incident
from backend.incidents.selectors import is_overdue

from .models import HousingProject, ProgressPhoto, ProgressUpdate
from .selectors import HousingSummary, days_late, is_at_risk

RiskLevelName = Literal["low", "medium", "high"]
FundingStatusName = Literal["secured", "special_loan", "shortfall", "frozen"]
MAX_UNITS = 1_000_000
MAX_FOOTPRINT_POINTS = 10_000
# Delivery dates outside these are typos.
EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2100, 1, 1)


def _iso_date_text(value: object) -> object:
    # Only "YYYY-MM-DD": lax parsing would also take a number as seconds since 1970.
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise ValueError(_("must be a date written YYYY-MM-DD"))
    return value


def _plausible_date(value: date | None) -> date | None:
    if value is not None and not EARLIEST_DATE <= value < LATEST_DATE:
        raise ValueError(
            _("must be between %(first)s and %(last)s")
            % {"first": f"{EARLIEST_DATE:%Y}", "last": f"{LATEST_DATE:%Y}"}
        )
    return value


DeliveryDate = Annotated[date, BeforeValidator(_iso_date_text)]


def checked_footprint(geometry: dict) -> str:
    """The footprint as GeoJSON text, once it is a valid, non-empty WGS-84 (Multi)Polygon."""
    if geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValueError(_("must be a GeoJSON Polygon or MultiPolygon geometry"))
    try:
        # GEOS's own parser: malformed coordinates are one GEOSException, whatever their shape.
        shape = shapely.from_geojson(json.dumps(geometry, allow_nan=True))
    except (GEOSException, ValueError, TypeError, RecursionError) as error:
        raise ValueError(_("is not readable GeoJSON")) from error
    if shape.is_empty or shapely.get_num_coordinates(shape) > MAX_FOOTPRINT_POINTS:
        raise ValueError(
            _("must not be empty, and have at most %(points)s points")
            % {"points": MAX_FOOTPRINT_POINTS}
        )
    # Heights, if sent, mean nothing on a map of the zone.
    shape = shapely.force_2d(shape)
    min_lon, min_lat, max_lon, max_lat = shape.bounds
    in_range = -180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90
    if not all(math.isfinite(v) for v in shape.bounds) or not in_range:
        raise ValueError(_("must lie within WGS-84 longitude and latitude ranges"))
    if not shape.is_valid:
        raise ValueError(
            _("is not a valid polygon (%(reason)s)") % {"reason": shapely.is_valid_reason(shape)}
        )
    return shapely.to_geojson(shape)


class HousingProjectIn(Schema):
    name: TextWithoutNul = Field(min_length=1, max_length=200)
    developer: TextWithoutNul = Field(min_length=1, max_length=200)
    lon: float = Longitude
    lat: float = Latitude
    footprint: dict | None = Field(
        default=None, description="GeoJSON Polygon or MultiPolygon (WGS-84)"
    )
    total_units: int = Field(ge=1, le=MAX_UNITS, strict=True)
    planned_delivery: DeliveryDate
    responsible_officer: TextWithoutNul | None = Field(
        default=None, max_length=150, description="Username of a worker, supervisor or admin"
    )
    funding_status: FundingStatusName = "secured"
    risk_level: RiskLevelName = "low"

    @field_validator("name", "developer")
    @classmethod
    def not_blank(cls, text: str) -> str:
        if not text.strip():
            raise ValueError(_("must not be blank"))
        return text.strip()

    @field_validator("planned_delivery")
    @classmethod
    def plausible_planned(cls, value: date) -> date:
        return _plausible_date(value)

    @field_validator("footprint")
    @classmethod
    def valid_footprint(cls, value: dict | None) -> dict | None:
        if value is not None:
            checked_footprint(value)
        return value

    def footprint_text(self) -> str:
        return checked_footprint(self.footprint) if self.footprint is not None else ""


class ProgressUpdateIn(Schema):
    progress_percent: int = Field(ge=0, le=100, strict=True)
    delivered_units: int = Field(ge=0, le=MAX_UNITS, strict=True)
    revised_delivery: DeliveryDate | None = Field(
        default=None, description="Left out: the current revised date carries over"
    )
    funding_status: FundingStatusName | None = None
    risk_level: RiskLevelName | None = None
    note: TextWithoutNul = Field(default="", max_length=5000)
    client_id: uuid.UUID | None = Field(
        default=None,
        description="Sending the same client_id again returns the first record (200), "
        "never a second one; with a different body it is 422",
    )

    @field_validator("revised_delivery")
    @classmethod
    def plausible_revised(cls, value: date | None) -> date | None:
        return _plausible_date(value)


class ProjectListQuery(Schema):
    street: str | None = Field(default=None, pattern=r"^\d{9}$")
    risk_level: RiskLevelName | None = Field(
        default=None, description="Matches only projects whose figures the caller sees"
    )
    followed: bool = Field(default=False, description="Only projects whose figures the caller sees")
    order: Literal["name", "risk"] = Field(
        default="name",
        description="risk: projects whose figures the caller sees first, at risk before the "
        "rest, then by risk level (high first), days late (most first) and name",
    )


class ProgressUpdateOut(Schema):
    id: int
    at: datetime
    author: str | None
    author_display_name: str | None = Field(
        description="The author's name to show (their username when they gave none)"
    )
    progress_percent: int
    delivered_units: int
    revised_delivery: date | None
    funding_status: FundingStatusName
    risk_level: RiskLevelName
    note: str
    photos: list[str]


class HousingProjectOut(Schema):
    id: int
    name: str
    developer: str
    lon: float
    lat: float
    footprint: dict | None
    street: str | None
    grid: str | None
    total_units: int
    planned_delivery: date
    created_at: datetime
    figures_visible: bool
    delivered_units: int | None
    revised_delivery: date | None
    progress_percent: int | None
    funding_status: FundingStatusName | None
    risk_level: RiskLevelName | None
    responsible_officer: str | None
    responsible_officer_display_name: str | None = Field(
        description="The officer's name to show (their username when they gave none)"
    )
    open_cases: int | None = Field(description="Housing cases linked to it, not closed/rejected")
    last_update_at: datetime | None
    days_late: int | None = Field(
        description="Days past the revised (else planned) delivery date; 0 once all delivered"
    )
    at_risk: bool | None = Field(description="Risk level high, or days late > 0")


class LinkedCaseOut(Schema):
    id: int
    number: str
    title: str
    status: str
    overdue: bool
    created_at: datetime


class HousingProjectDetailOut(HousingProjectOut):
    history: list[ProgressUpdateOut] | None = Field(description="Progress records, oldest first")
    cases: list[LinkedCaseOut] | None = Field(
        description="Cases linked to it that the caller may see, newest first"
    )
    may_record_progress: bool = Field(description="The caller may add a progress record")


class HousingChoicesOut(Schema):
    risk_level: list[RiskLevelName]
    funding_status: list[FundingStatusName]


class ProgressPhotoOut(Schema):
    id: int
    url: str
    content_type: str


class ProjectBriefOut(Schema):
    id: int
    name: str
    street: str | None
    grid: str | None
    risk_level: RiskLevelName
    funding_status: FundingStatusName
    days_late: int
    open_cases: int


class UnitsOut(Schema):
    total: int = Field(description="Units of every project")
    planned: int = Field(description="Units of projects whose delivery date is before today")
    delivered: int = Field(description="Delivered units of every project")
    delivered_of_planned: int = Field(description="Delivered units of those due projects")


class HousingSummaryOut(Schema):
    today: date
    project_count: int
    units: UnitsOut
    by_risk_level: dict[str, int]
    by_funding_status: dict[str, int]
    at_risk: list[ProjectBriefOut] = Field(description="Risk level high, or days late > 0")
    with_open_cases: list[ProjectBriefOut]


def progress_photo_url(photo: ProgressPhoto, update: ProgressUpdate) -> str:
    return f"/api/v1/housing-projects/{update.project_id}/updates/{update.pk}/photos/{photo.pk}"


def progress_update_out(update: ProgressUpdate) -> dict:
    return {
        "id": update.pk,
        "at": local_time(update.at),
        "author": update.author.username if update.author_id else None,
        "author_display_name": update.author.shown_name if update.author_id else None,
        "progress_percent": update.progress_percent,
        "delivered_units": update.delivered_units,
        "revised_delivery": update.revised_delivery,
        "funding_status": update.funding_status,
        "risk_level": update.risk_level,
        "note": update.note,
        "photos": [progress_photo_url(photo, update) for photo in update.photos.all()],
    }


def project_out(project: HousingProject, *, today: date | None = None) -> dict:
    """The project as its viewer may see it (`figures_visible`, annotated by the selectors)."""
    today = today or timezone.localdate()
    shown = project.figures_visible
    basic = {
        "id": project.pk,
        "name": project.name,
        "developer": project.developer,
        "lon": project.lon,
        "lat": project.lat,
        "footprint": json.loads(project.footprint) if project.footprint else None,
        "street": project.street.code if project.street_id else None,
        "grid": project.grid.code if project.grid_id else None,
        "total_units": project.total_units,
        "planned_delivery": project.planned_delivery,
        "created_at": local_time(project.created_at),
        "figures_visible": shown,
    }
    officer = project.responsible_officer
    figures = {
        "delivered_units": project.delivered_units,
        "revised_delivery": project.revised_delivery,
        "progress_percent": project.progress_percent,
        "funding_status": project.funding_status,
        "risk_level": project.risk_level,
        "responsible_officer": officer.username if officer else None,
        "responsible_officer_display_name": officer.shown_name if officer else None,
        "open_cases": project.open_cases,
        "last_update_at": local_time(project.last_update_at),
        "days_late": days_late(project, today=today),
        "at_risk": is_at_risk(project, today=today),
    }
    return {**basic, **{name: value if shown else None for name, value in figures.items()}}


def project_detail_out(project: HousingProject) -> dict:
    history = getattr(project, "history", None)
    cases = getattr(project, "cases", None)
    return {
        **project_out(project),
        "history": [progress_update_out(u) for u in history] if history is not None else None,
        "cases": [linked_case_out(case) for case in cases] if cases is not None else None,
        "may_record_progress": project.may_record_progress,
    }


def linked_case_out(incident: Incident) -> dict:
    return {
        "id": incident.pk,
        "number": incident.number,
        "title": incident.title,
        "status": incident.status,
        "overdue": is_overdue(incident),
        "created_at": local_time(incident.created_at),
    }


def project_brief_out(project: HousingProject) -> dict:
    return {
        "id": project.pk,
        "name": project.name,
        "street": project.street.code if project.street_id else None,
        "grid": project.grid.code if project.grid_id else None,
        "risk_level": project.risk_level,
        "funding_status": project.funding_status,
        "days_late": project.days_late,
        "open_cases": project.open_cases,
    }


def summary_out(summary: HousingSummary) -> dict:
    return {
        "today": summary.today,
        "project_count": summary.project_count,
        "units": {
            "total": summary.units_total,
            "planned": summary.units_planned,
            "delivered": summary.units_delivered,
            "delivered_of_planned": summary.units_delivered_of_planned,
        },
        "by_risk_level": summary.by_risk_level,
        "by_funding_status": summary.by_funding_status,
        "at_risk": [project_brief_out(p) for p in summary.at_risk],
        "with_open_cases": [project_brief_out(p) for p in summary.with_open_cases],
    }
