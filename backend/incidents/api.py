from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import AwareDatetime, Field, ValidationInfo, field_validator

from backend.accounts.auth import OPTIONAL, REQUIRED
from backend.core.errors import NotFound
from backend.core.images import MAX_PHOTO_BYTES, PhotoTooLarge, Upload
from backend.core.media import stored_photo_response
from backend.core.schemas import ErrorOut, error_responses, parse_id, plausible_moment
from gis.coords import point_to_wgs84

from . import selectors, services, workflow
from .models import CategoryCode
from .models import Status as CaseStatus
from .schemas import (
    ActionIn,
    CategoryOut,
    IncidentDetailOut,
    IncidentIn,
    IncidentOut,
    IncidentPage,
    PhotoOut,
    StatusOut,
    incident_detail_out,
    incident_out,
    photo_url,
)
from .services.actions import ActionRequest
from .services.create import NewIncident

router = Router(tags=["incidents"], auth=REQUIRED)

ERRORS = error_responses(401, 403, 404, 409, 422)
# A body that does not parse at all (not JSON, broken multipart) is Ninja's 400.
BODY_ERRORS = error_responses(400, *ERRORS)


class ListQuery(Schema):
    status: str | None = Field(default=None, description="One status, or several comma-separated")
    category: str | None = Field(
        default=None, description="One category, or several comma-separated"
    )
    grid: str | None = Field(default=None, pattern=r"^\d{14}$")
    street: str | None = Field(default=None, pattern=r"^\d{9}$")
    bbox: str | None = Field(default=None, description="minlon,minlat,maxlon,maxlat (WGS-84)")
    since: AwareDatetime | None = Field(default=None, description="Changed at or after")
    from_: AwareDatetime | None = Field(
        default=None, alias="from", description="Created at or after (ISO 8601 with offset)"
    )
    to: AwareDatetime | None = Field(
        default=None, description="Created before (ISO 8601 with offset); not before `from`"
    )
    ordering: Literal["newest", "overdue"] = Field(
        default="newest",
        description="newest: created_at descending (the default); overdue: the oldest deadline "
        "first (the most overdue), then cases without a deadline, newest first",
    )
    page: int = Field(default=1, ge=1, le=1_000_000)
    page_size: int = Field(default=20, ge=1, le=100)

    @field_validator("status")
    @classmethod
    def known_statuses(cls, value: str | None) -> str | None:
        return _known(value, set(CaseStatus.values))

    @field_validator("category")
    @classmethod
    def known_categories(cls, value: str | None) -> str | None:
        return _known(value, set(CategoryCode.values))

    @field_validator("since", "from_", "to")
    @classmethod
    def plausible_since(cls, value: datetime | None) -> datetime | None:
        return plausible_moment(value)

    @field_validator("to")
    @classmethod
    def not_before_from(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        start = info.data.get("from_")
        if value is not None and start is not None and start > value:
            raise ValueError("must not be before from")
        return value

    @field_validator("bbox")
    @classmethod
    def well_formed_bbox(cls, value: str | None) -> str | None:
        if value is not None:
            _bbox(value)
        return value

    def filters(self) -> selectors.IncidentFilters:
        return selectors.IncidentFilters(
            status=_split(self.status),
            category=_split(self.category),
            grid=self.grid,
            street=self.street,
            bbox=_bbox(self.bbox) if self.bbox else None,
            since=self.since,
            created_from=self.from_,
            created_to=self.to,
        )


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in value.split(",")] if value else []


def _known(value: str | None, allowed: set[str]) -> str | None:
    unknown = [part for part in _split(value) if part not in allowed]
    if unknown:
        raise ValueError(
            _("unknown value(s) %(unknown)s; one of %(known)s")
            % {"unknown": ", ".join(unknown), "known": ", ".join(sorted(allowed))}
        )
    return value


def _bbox(value: str) -> tuple[float, float, float, float]:
    try:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in value.split(","))
    except ValueError as error:
        raise ValueError(_("must be four numbers: minlon,minlat,maxlon,maxlat")) from error
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValueError(_("must be minlon,minlat,maxlon,maxlat within WGS-84 ranges, min <= max"))
    return min_lon, min_lat, max_lon, max_lat


def _incident_id(raw: str) -> int:
    # Ids are opaque to clients: anything that is not one of ours is simply not found.
    if (found := parse_id(raw)) is None:
        raise NotFound(_("No such incident."))
    return found


@router.get("/categories", response={200: list[CategoryOut], 401: ErrorOut}, auth=OPTIONAL)
def categories(request: HttpRequest):
    """The four categories and their active subcategories, for report forms (no sign-in)."""
    return selectors.categories_list()


@router.get("/statuses", response={200: list[StatusOut], 401: ErrorOut}, auth=OPTIONAL)
def statuses(request: HttpRequest):
    """The workflow's statuses in the order of the loop, each open or not, for clients' filters."""
    return workflow.statuses_list()


@router.post("/incidents", response={200: IncidentOut, 201: IncidentOut, **BODY_ERRORS})
def incident_submit(request: HttpRequest, report: IncidentIn):
    fields = report.model_dump(exclude={"crs"})
    # Stored and returned in WGS-84 whatever the client's map SDK gave.
    fields["lon"], fields["lat"] = point_to_wgs84(report.lon, report.lat, report.crs)
    incident, created = services.incident_create(
        reporter=request.auth, report=NewIncident(**fields)
    )
    return Status(201 if created else 200, incident_out(incident, request.auth))


@router.get("/incidents", response={200: IncidentPage, **ERRORS})
def incident_list(request: HttpRequest, query: Query[ListQuery]):
    items, count = selectors.incidents_list(
        user=request.auth,
        filters=query.filters(),
        page=query.page,
        page_size=query.page_size,
        ordering=query.ordering,
    )
    return {
        "items": [incident_out(item, request.auth) for item in items],
        "count": count,
        "page": query.page,
    }


@router.get("/incidents/{incident_id}", response={200: IncidentDetailOut, **ERRORS})
def incident_detail(request: HttpRequest, incident_id: str):
    incident = selectors.incident_get(user=request.auth, incident_id=_incident_id(incident_id))
    return incident_detail_out(incident, request.auth)


@router.post("/incidents/{incident_id}/actions", response={200: IncidentDetailOut, **BODY_ERRORS})
def incident_action(request: HttpRequest, incident_id: str, action: ActionIn):
    incident = services.incident_apply_action(
        user=request.auth,
        incident_id=_incident_id(incident_id),
        request=ActionRequest(**action.model_dump()),
    )
    return incident_detail_out(incident, request.auth)


@router.post(
    "/incidents/{incident_id}/photos",
    response={201: PhotoOut, 413: ErrorOut, 415: ErrorOut, **BODY_ERRORS},
)
def incident_photo_add(request: HttpRequest, incident_id: str, file: File[UploadedFile]):
    if file.size > MAX_PHOTO_BYTES:
        raise PhotoTooLarge(_("A photo may be at most 10 MB."))
    photo = services.photo_add(
        user=request.auth,
        incident_id=_incident_id(incident_id),
        upload=Upload(name=file.name or "", content_type=file.content_type or "", data=file.read()),
    )
    return Status(
        201,
        {
            "id": photo.pk,
            "url": photo_url(photo.incident_id, photo.pk),
            "content_type": photo.content_type,
            "width": photo.width,
            "height": photo.height,
        },
    )


@router.get("/incidents/{incident_id}/photos/{photo_id}", response={200: None, **ERRORS})
def incident_photo(request: HttpRequest, incident_id: str, photo_id: str):
    photo = selectors.photo_get(
        user=request.auth, incident_id=_incident_id(incident_id), photo_id=_incident_id(photo_id)
    )
    stored = photo.original if selectors.sees_original_photos(request.auth) else photo.stripped
    return stored_photo_response(
        stored, content_type=photo.content_type, cache_control="private, max-age=86400"
    )
