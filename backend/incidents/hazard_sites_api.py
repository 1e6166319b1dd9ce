"""`/api/v1/hazard-sites`: places whose safety hazards are followed together, with history."""

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from backend.accounts.auth import REQUIRED
from backend.accounts.models import User
from backend.accounts.schemas import ErrorOut
from backend.core.errors import NotFound

from .models import CategoryCode, HazardSite
from .schemas import Latitude, Longitude, incident_out
from .selectors import incidents_visible_to
from .services.hazard_sites import hazard_site_create, staff_only

router = Router(tags=["hazard sites"], auth=REQUIRED)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class HazardSiteIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: HazardSite.Kind = HazardSite.Kind.ENTERPRISE
    address: str = Field(default="", max_length=300)
    lon: float = Longitude
    lat: float = Latitude


class HazardSiteOut(Schema):
    id: int
    name: str
    kind: str
    address: str
    lon: float
    lat: float
    street: str | None
    grid: str | None
    hazards: int = Field(description="Safety cases of this site the caller may see")
    open_hazards: int


class HazardSiteDetailOut(HazardSiteOut):
    history: list[dict] = Field(description="Its safety cases, newest first")


class SitesQuery(Schema):
    street: str | None = Field(default=None, pattern=r"^\d{9}$")


def _site_out(site: HazardSite, user: User) -> dict:
    hazards = incidents_visible_to(user).filter(hazard_site=site, category=CategoryCode.SAFETY)
    return {
        "id": site.pk,
        "name": site.name,
        "kind": site.kind,
        "address": site.address,
        "lon": site.lon,
        "lat": site.lat,
        "street": site.street.code if site.street_id else None,
        "grid": site.grid.code if site.grid_id else None,
        "hazards": hazards.count(),
        "open_hazards": hazards.exclude(status__in=["closed", "rejected"]).count(),
    }


@router.post("/hazard-sites", response={201: HazardSiteOut, **ERRORS})
def site_create(request: HttpRequest, site: HazardSiteIn):
    created = hazard_site_create(user=request.auth, **site.model_dump())
    return Status(201, _site_out(created, request.auth))


@router.get("/hazard-sites", response={200: list[HazardSiteOut], **ERRORS})
def site_list(request: HttpRequest, query: Query[SitesQuery]):
    staff_only(request.auth)
    sites = HazardSite.objects.select_related("street", "grid")
    if query.street:
        sites = sites.filter(street__code=query.street)
    return [_site_out(site, request.auth) for site in sites[:500]]


@router.get("/hazard-sites/{site_id}", response={200: HazardSiteDetailOut, **ERRORS})
def site_detail(request: HttpRequest, site_id: str):
    staff_only(request.auth)
    site = (
        HazardSite.objects.select_related("street", "grid")
        .filter(
            pk=int(site_id) if site_id.isascii() and site_id.isdigit() and len(site_id) < 19 else 0
        )
        .first()
    )
    if site is None:
        raise NotFound("No such hazard site.")
    history = (
        incidents_visible_to(request.auth)
        .filter(hazard_site=site, category=CategoryCode.SAFETY)
        .select_related("street", "grid", "reporter", "assignee", "subcategory")
        .prefetch_related("photos")
        .order_by("-created_at")[:200]
    )
    return {
        **_site_out(site, request.auth),
        "history": [incident_out(incident, request.auth) for incident in history],
    }
