"""Hazard sites (an enterprise, a building) whose safety hazards are followed together."""

from django.db import transaction

from backend.accounts.models import User
from backend.boundaries.locator import locate
from backend.boundaries.models import Grid, Street

from ..models import HazardSite
from ..selectors import hazard_sites_check_staff


@transaction.atomic
def hazard_site_create(
    *, user: User, name: str, kind: str, address: str, lon: float, lat: float
) -> HazardSite:
    """A new site, placed in its street and grid."""
    hazard_sites_check_staff(user)
    location = locate(lon, lat)
    return HazardSite.objects.create(
        name=name,
        kind=kind,
        address=address,
        lon=lon,
        lat=lat,
        street=Street.objects.filter(code=location.street.code).first()
        if location.street
        else None,
        grid=Grid.objects.filter(code=location.grid.code).first() if location.grid else None,
    )
