"""Reads of streets and grids, shaped as GeoJSON features or as `gis.io.Boundary` objects."""

import json
from functools import lru_cache

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from backend.accounts.models import User
from backend.accounts.scope import scope_of
from backend.core.errors import NotFound
from gis.io import Boundary

from .models import Area, Grid, Street


def street_features() -> list[dict]:
    # A join counts retired grids too; the street's grids are its current ones.
    current = Q(grids__retired_in__isnull=True)
    streets = Street.objects.annotate(grid_count=Count("grids", filter=current)).order_by("code")
    return [
        area_feature(
            street,
            code=street.code,
            name=street.name,
            grid_count=street.grid_count,
            households=street.households or None,
            area_km2=round(street.area_m2 / 1e6, 3),
        )
        for street in streets
    ]


def grid_features(*, street_code: str | None, viewer: User | AnonymousUser) -> list[dict]:
    """Grids, of one street when asked; `workers` is filled only for those who may know who
    patrols a grid (`Scope.sees_grid_workers`)."""
    with_workers = viewer.is_authenticated and scope_of(viewer).sees_grid_workers
    grids = Grid.objects.select_related("street").order_by("code")
    if street_code is not None:
        if not Street.objects.filter(code=street_code).exists():
            raise NotFound(_("No street with code %(code)s.") % {"code": street_code})
        grids = grids.filter(street__code=street_code)
    if with_workers:
        grids = grids.prefetch_related(
            Prefetch("workers", queryset=User.objects.filter(is_active=True).order_by("username"))
        )
    return [
        area_feature(
            grid,
            code=grid.code,
            name=grid.name,
            street=grid.street.code,
            community=grid.community,
            households=grid.households,
            area_km2=round(grid.area_m2 / 1e6, 3),
            workers=[worker.username for worker in grid.workers.all()] if with_workers else None,
            worker_names=(
                {worker.username: worker.shown_name for worker in grid.workers.all()}
                if with_workers
                else None
            ),
        )
        for grid in grids
    ]


def area_feature(area: Street | Grid, **properties) -> dict:
    """A street or grid as a GeoJSON feature with the given properties."""
    return {
        "type": "Feature",
        "id": area.code,
        "bbox": [area.min_lon, area.min_lat, area.max_lon, area.max_lat],
        "geometry": _parsed_geometry(area.geometry),
        "properties": properties,
    }


@lru_cache(maxsize=4096)
def _parsed_geometry(geojson: str) -> dict:
    # Boundaries change rarely and are read on every map refresh: parse each version once.
    # Callers only read the result, never change it.
    return json.loads(geojson)


def area_shape(area: Area) -> BaseGeometry:
    """A stored street's or grid's outline as a shapely geometry (EPSG:4326)."""
    return shape(json.loads(area.geometry))


def area_as_boundary(area: Area, feature: int = -1) -> Boundary:
    """A stored street or grid as the `gis` library reads one (geometry in EPSG:4326)."""
    properties = {"households": area.households}
    if isinstance(area, Grid):
        properties["community"] = area.community
    return Boundary(area.code, area.name, area_shape(area), properties, feature)


def boundaries_for_gis(*, street_code: str | None = None) -> tuple[list[Boundary], list[Boundary]]:
    """(streets, grids) as stored, of one street when a code is given, for the GIS commands."""
    streets = Street.objects.order_by("code")
    grids = Grid.objects.order_by("code")
    if street_code is not None:
        streets = streets.filter(code=street_code)
        grids = grids.filter(street__code=street_code)
    return (
        [area_as_boundary(s, k) for k, s in enumerate(streets, start=1)],
        [area_as_boundary(g, k) for k, g in enumerate(grids, start=1)],
    )
