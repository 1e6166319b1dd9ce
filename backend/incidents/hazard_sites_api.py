"""`/api/v1/hazard-sites`: places whose safety hazards are followed together, with history."""

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from backend.accounts.auth import REQUIRED
from backend.core.schemas import Latitude, Longitude, error_responses

from .models import HazardSite
from .schemas import incident_out
from .selectors import hazard_site_detail, hazard_sites_list
from .services.hazard_sites import hazard_site_create

router = Router(tags=["hazard sites"], auth=REQUIRED)
ERRORS = error_responses(400, 401, 403, 404, 422)


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


def _site_out(site: HazardSite) -> dict:
    return {
        "id": site.pk,
        "name": site.name,
        "kind": site.kind,
        "address": site.address,
        "lon": site.lon,
        "lat": site.lat,
        "street": site.street.code if site.street_id else None,
        "grid": site.grid.code if site.grid_id else None,
        # Counted by the selectors; a site just created has no cases yet.
        "hazards": getattr(site, "hazards", 0),
        "open_hazards": getattr(site, "open_hazards", 0),
    }


@router.post("/hazard-sites", response={201: HazardSiteOut, **ERRORS})
def site_create(request: HttpRequest, site: HazardSiteIn):
    created = hazard_site_create(user=request.auth, **site.model_dump())
    return Status(201, _site_out(created))


@router.get("/hazard-sites", response={200: list[HazardSiteOut], **ERRORS})
def site_list(request: HttpRequest, query: Query[SitesQuery]):
    return [_site_out(site) for site in hazard_sites_list(user=request.auth, street=query.street)]


@router.get("/hazard-sites/{site_id}", response={200: HazardSiteDetailOut, **ERRORS})
def site_detail(request: HttpRequest, site_id: str):
    site, history = hazard_site_detail(user=request.auth, site_id=site_id)
    return {
        **_site_out(site),
        "history": [incident_out(incident, request.auth) for incident in history],
    }
