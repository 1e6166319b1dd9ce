"""The process-wide point → grid/street locator, rebuilt when the boundaries change.

Building a locator takes tens of milliseconds for a zone, a lookup microseconds; so each process
builds one and checks the shared `BoundaryVersion` (one primary-key read) before each use, which
is how a change made by another process or in the admin reaches this one.
"""

import threading
from dataclasses import dataclass

from django.db import connection
from shapely import from_geojson

from gis.locator import GridLocator

from .models import BoundaryVersion, Grid, Street


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    pk: int


@dataclass(frozen=True)
class Location:
    street: Place | None
    grid: Place | None


@dataclass(frozen=True)
class Locators:
    version: int
    grids: GridLocator
    streets: GridLocator
    grid_places: dict[str, tuple[Place, str]]
    street_places: dict[str, Place]

    def locate(self, lon: float, lat: float) -> Location:
        grid_code = self.grids.locate(lon, lat)
        if grid_code is not None:
            grid, street_code = self.grid_places[grid_code]
            return Location(street=self.street_places[street_code], grid=grid)
        # A point inside a street but in no grid (a gap in the grids) still has its street.
        street_code = self.streets.locate(lon, lat)
        return Location(street=self.street_places.get(street_code), grid=None)


_lock = threading.Lock()
_current: Locators | None = None


def boundaries_version() -> int:
    # Asked before every report is placed: one row by primary key, in SQL written by hand
    # (the ORM took longer to build this query than the database to answer it).
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {BoundaryVersion._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row is not None else 0


def current_locators() -> Locators:
    """The locator for the boundaries as they are in the database now."""
    global _current
    version = boundaries_version()
    locators = _current
    if locators is not None and locators.version == version:
        return locators
    with _lock:
        if _current is None or _current.version != version:
            _current = _build(version)
        return _current


def locate(lon: float, lat: float) -> Location:
    return current_locators().locate(lon, lat)


def _build(version: int) -> Locators:
    streets = list(Street.objects.values_list("code", "name", "pk", "geometry"))
    grids = list(Grid.objects.values_list("code", "name", "pk", "street__code", "geometry"))
    return Locators(
        version=version,
        # from_geojson is GEOS's own parser: much faster than json.loads + shape on long rings.
        grids=GridLocator([g[0] for g in grids], [from_geojson(g[-1]) for g in grids]),
        streets=GridLocator([s[0] for s in streets], [from_geojson(s[-1]) for s in streets]),
        grid_places={code: (Place(code, name, pk), street) for code, name, pk, street, _ in grids},
        street_places={code: Place(code, name, pk) for code, name, pk, _ in streets},
    )
