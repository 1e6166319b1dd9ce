"""Writes to streets and grids. Every change bumps `BoundaryVersion` in the same transaction."""

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely
from django.db import transaction
from shapely.geometry import shape

from backend.core.errors import Invalid
from gis.codes import street_code_of
from gis.io import Boundary, Problem, boundaries_outside
from gis.measure import areas_m2

from .models import Area, BoundaryVersion, Grid, Street

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int


class BoundaryImportRefused(Invalid):
    """The file has problems; nothing was written. `problems` has one line each."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s); nothing imported.", code="bad_boundaries")
        self.problems = problems


def boundaries_version_bump() -> None:
    # A random number, not a counter: a counter restarts when the row is lost (a restore, a
    # flushed test database) and a process could then take new boundaries for ones it cached.
    version = secrets.randbits(62)
    if not BoundaryVersion.objects.filter(pk=1).update(version=version):
        BoundaryVersion.objects.update_or_create(pk=1, defaults={"version": version})


@transaction.atomic
def streets_import(
    *,
    boundaries: list[Boundary],
    households_field: str | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Upsert streets by code; all or nothing."""
    return _upsert(Street, boundaries, households_field, progress, extra=lambda _b: {})


@transaction.atomic
def grids_import(
    *,
    boundaries: list[Boundary],
    households_field: str | None = "households",
    community_field: str | None = "community",
    progress: Progress | None = None,
) -> ImportSummary:
    """Upsert grids by code into the streets their codes name; all or nothing.

    A grid must lie inside a street already in the database, and its code must start with that
    street's code; otherwise the whole file is refused.
    """
    streets = {street.code: street for street in Street.objects.all()}
    problems = boundaries_outside(boundaries, [_as_boundary(s) for s in streets.values()])
    if problems:
        raise BoundaryImportRefused(problems)

    def extra(boundary: Boundary) -> dict:
        community = boundary.properties.get(community_field) if community_field else None
        return {
            "street": streets[street_code_of(boundary.code)],
            "community": str(community or "")[:100],
        }

    return _upsert(Grid, boundaries, households_field, progress, extra=extra)


# Rows written per statement: one statement per row cost more than the rest of an import
# together, and much larger batches gain nothing.
_BATCH = 500


def _upsert(
    model: type[Area],
    boundaries: list[Boundary],
    households_field: str | None,
    progress: Progress | None,
    *,
    extra: Callable[[Boundary], dict],
) -> ImportSummary:
    geometries = np.array([b.geometry for b in boundaries], dtype=object)
    texts = shapely.to_geojson(geometries)
    bounds = shapely.bounds(geometries).tolist()
    areas = areas_m2(geometries).tolist()
    existing = set(model.objects.values_list("code", flat=True))
    rows = [
        model(
            code=boundary.code,
            name=boundary.name[:100],
            geometry=str(text),
            min_lon=min_lon,
            min_lat=min_lat,
            max_lon=max_lon,
            max_lat=max_lat,
            area_m2=area,
            households=_households(boundary, households_field),
            **extra(boundary),
        )
        for boundary, text, (min_lon, min_lat, max_lon, max_lat), area in zip(
            boundaries, texts, bounds, areas, strict=True
        )
    ]
    fields = [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name != "code"]
    for start in range(0, len(rows), _BATCH):
        # INSERT ... ON CONFLICT (code) DO UPDATE: one statement inserts new codes and updates
        # known ones (Django's bulk_update built a CASE per field and row, seconds per batch).
        # It sends no post_save, so the version is bumped once, after the last batch.
        model.objects.bulk_create(
            rows[start : start + _BATCH],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=fields,
        )
        if progress:
            progress(min(start + _BATCH, len(rows)), len(rows))
    boundaries_version_bump()
    created = len({b.code for b in boundaries} - existing)
    return ImportSummary(created=created, updated=len(boundaries) - created)


def _households(boundary: Boundary, field: str | None) -> int:
    value = boundary.properties.get(field) if field else None
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def _as_boundary(area: Area) -> Boundary:
    return Boundary(
        code=area.code,
        name=area.name,
        geometry=shape(json.loads(area.geometry)),
        properties={},
        feature=-1,
    )
