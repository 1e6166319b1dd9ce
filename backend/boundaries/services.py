"""Writes to streets and grids. Every change bumps `BoundaryVersion` in the same transaction.

Grids are never overwritten under the records that point at them: re-gridding a street
(`replace=True`) retires its grids in a new `Generation` and adds the new ones beside them.
"""

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from django.db import models, transaction
from django.utils.translation import gettext as _
from shapely import STRtree

from backend.boundaries.selectors import area_shape
from backend.core.errors import Invalid
from gis.check import BoundaryProblem, check_boundaries
from gis.codes import street_code_of
from gis.io import Boundary, Problem
from gis.measure import areas_m2

from .models import Area, BoundaryVersion, Generation, Grid, Street, latest_generation_id

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    # Filled by a replacing grid import (re-gridding) only.
    generation: int | None = None
    street_ids: tuple[int, ...] = ()
    retired_ids: tuple[int, ...] = ()
    # (worker, retired grid) assignments carried over to the new grids.
    assignments_moved: int = 0


# An existing grid with records (cases, sites, projects) may have its outline redrawn in place by
# at most this share of its area (measured as the symmetric difference): enough for coordinates
# rounded by a file format or a surveyor's small correction, far too little for a new grid under
# an old code, which must be a new generation (`replace=True`).
RESHAPE_TOLERANCE = 0.01


class BoundaryImportRefused(Invalid):
    """The file has problems; nothing was written. `problems` has one line each."""

    def __init__(self, problems: Sequence[Problem | BoundaryProblem]):
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
    replace: bool = False,
    note: str = "",
) -> ImportSummary:
    """Upsert grids by code into the streets their codes name; all or nothing.

    The grids must pass the check (`gis.check`, its tolerances): no overlaps, no holes among
    them, each inside the street already in the database that its code names; otherwise the
    whole file is refused, and what the check calls an error is never stored. Without
    `replace`, an existing grid that records point at may not change its outline by more than
    `RESHAPE_TOLERANCE`. With `replace`, every current grid of the streets the file names is
    retired in a new generation (`note` says why) and the file's grids are added as that
    generation, codes reused or not; the workers of a retired grid move to the new grids that
    lie mostly in it.
    """
    named = {street_code_of(b.code) for b in boundaries}
    streets = {street.code: street for street in Street.objects.filter(code__in=named)}
    if boundaries and not streets:
        # The check names unknown streets only beside known ones: with none, say it here.
        homeless = [
            Problem(b.feature, b.code, "code", _street_missing(street_code_of(b.code)))
            for b in boundaries
        ]
        raise BoundaryImportRefused(homeless)
    # Only the holes the file's grids enclose count as gaps: a file may renew part of a street.
    # A replacing file retires all the street's grids, so it must cover the whole street.
    # Otherwise the street keeps its other grids, and the file is checked beside them: what it
    # adds must not overlap them either. An error among those old grids alone is not the file's.
    file_codes = {b.code for b in boundaries}
    kept = (
        []
        if replace
        else [
            _as_boundary(grid)
            for grid in Grid.objects.filter(street__code__in=streets).exclude(code__in=file_codes)
        ]
    )
    report = check_boundaries(
        [*boundaries, *kept], [_as_boundary(s) for s in streets.values()], street_gaps=replace
    )
    errors = [p for p in report.errors if not kept or file_codes.intersection(p.codes)]
    if errors:
        raise BoundaryImportRefused(errors)
    street_ids = sorted({streets[street_code_of(b.code)].pk for b in boundaries})
    retired: list[Grid] = []
    if replace:
        generation_id = Generation.objects.create(note=note[:300]).pk
        retired = list(Grid.objects.filter(street_id__in=street_ids).prefetch_related("workers"))
        Grid.objects.filter(pk__in=[g.pk for g in retired]).update(retired_in_id=generation_id)
    else:
        problems = _reshaped_with_records(boundaries)
        if problems:
            raise BoundaryImportRefused(problems)
        generation_id = latest_generation_id()

    def extra(boundary: Boundary) -> dict:
        community = boundary.properties.get(community_field) if community_field else None
        return {
            "street": streets[street_code_of(boundary.code)],
            "community": str(community or "")[:100],
            "generation_id": generation_id,
        }

    summary = _upsert(Grid, boundaries, households_field, progress, extra=extra)
    if not replace:
        return summary
    return ImportSummary(
        created=summary.created,
        updated=summary.updated,
        generation=generation_id,
        street_ids=tuple(street_ids),
        retired_ids=tuple(g.pk for g in retired),
        assignments_moved=_workers_follow(
            retired, list(Grid.objects.filter(generation_id=generation_id))
        ),
    )


def _reshaped_with_records(boundaries: list[Boundary]) -> list[Problem]:
    """A line for each current grid the file would redraw by more than `RESHAPE_TOLERANCE`
    while records (cases, sites, projects) point at it: they were filed in the old outline."""
    # Ids first, outlines only of the grids with records: a re-import of a whole zone reads
    # thousands of codes and, on a quiet day, no outline at all.
    ids = dict(Grid.objects.values_list("code", "pk"))
    referenced = _grids_with_records([ids[b.code] for b in boundaries if b.code in ids])
    stored = {g.code: g for g in Grid.objects.filter(pk__in=list(referenced))}
    problems = []
    for boundary in boundaries:
        grid = stored.get(boundary.code)
        if grid is None:
            continue
        old = area_shape(grid)
        changed = old.symmetric_difference(boundary.geometry)
        changed_m2 = 0.0 if changed.is_empty else float(areas_m2([changed])[0])
        if changed_m2 > RESHAPE_TOLERANCE * grid.area_m2:
            problems.append(
                Problem(
                    feature=boundary.feature,
                    code=boundary.code,
                    field=None,
                    message=_(
                        "redraws grid %(code)s by %(changed)s m² (%(share)s of it), and "
                        "%(records)d record(s) (cases, sites, projects) were filed in it; use "
                        "--replace to retire the street's grids as a new generation and keep "
                        "them where they were filed"
                    )
                    % {
                        "code": grid.code,
                        "changed": f"{changed_m2:,.0f}",
                        "share": f"{changed_m2 / grid.area_m2:.0%}",
                        "records": referenced[grid.pk],
                    },
                )
            )
    return problems


def _grids_with_records(grid_ids: list[int]) -> dict[int, int]:
    """{grid id: rows of other models pointing at it} for the given grids that have any.

    Found through the foreign keys to `Grid` whatever app declares them (cases, hazard sites,
    housing projects), so the boundaries need not know those apps.
    """
    counts: dict[int, int] = {}
    for relation in Grid._meta.get_fields(include_hidden=True):
        if not (relation.one_to_many and relation.auto_created) or relation.related_model is Grid:
            continue
        rows = (
            relation.related_model._base_manager.filter(
                **{f"{relation.field.name}_id__in": grid_ids}
            )
            .values(relation.field.attname)
            .annotate(n=models.Count("pk"))
            .values_list(relation.field.attname, "n")
        )
        for grid_id, n in rows:
            counts[grid_id] = counts.get(grid_id, 0) + n
    return counts


def _workers_follow(retired: list[Grid], new: list[Grid]) -> int:
    """Give each new grid the workers of the retired grid most of it lies in, and a retired
    grid's workers the new grid covering most of it when no new grid lies mostly in it (grids
    merged); returns the assignments made. The retired grids keep no workers: scope, dispatch
    and the map list current grids only."""
    staffed = [g for g in retired if g.workers.all()]
    if not staffed or not new:
        return 0
    old_shapes = [area_shape(g) for g in staffed]
    new_shapes = [area_shape(g) for g in new]
    # Overlap areas in degrees²: only compared with each other, over a street's few kilometres.
    overlap = np.zeros((len(staffed), len(new)))
    # query() pairs (index into old_shapes, index into the tree of new_shapes).
    old_index, new_index = STRtree(new_shapes).query(old_shapes)
    for i, j in zip(old_index, new_index, strict=True):
        overlap[i, j] = old_shapes[i].intersection(new_shapes[j]).area
    owner = overlap.argmax(axis=0)
    made = 0
    for i, old in enumerate(staffed):
        targets = [new[j] for j in range(len(new)) if owner[j] == i and overlap[i, j] > 0]
        if not targets and overlap[i].max() > 0:
            targets = [new[int(overlap[i].argmax())]]
        workers = list(old.workers.all())
        for grid in targets:
            # Through the related managers, so that the sockets of these workers hear of it.
            grid.workers.add(*workers)
            made += len(workers)
        old.workers.remove(*workers)
    return made


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
    existing = dict(model.objects.values_list("code", "pk"))
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
    for row in rows:
        row.pk = existing.get(row.code)
    # An updated grid keeps the generation it was made in.
    fields = [
        f.name
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in ("code", "generation", "retired_in")
    ]
    for start in range(0, len(rows), _BATCH):
        # INSERT ... ON CONFLICT (id) DO UPDATE: one statement inserts new codes and updates
        # known ones (Django's bulk_update built a CASE per field and row, seconds per batch).
        # The conflict is on the id of the current area of that code, looked up above: a grid
        # code is unique among current grids only, and ON CONFLICT cannot name a partial index.
        # It sends no post_save, so the version is bumped once, after the last batch.
        model.objects.bulk_create(
            rows[start : start + _BATCH],
            update_conflicts=True,
            unique_fields=["pk"],
            update_fields=fields,
        )
        if progress:
            progress(min(start + _BATCH, len(rows)), len(rows))
    boundaries_version_bump()
    created = len({b.code for b in boundaries} - existing.keys())
    return ImportSummary(created=created, updated=len(boundaries) - created)


def _street_missing(code: str) -> str:
    return _("street %(code)s is not in the database; import the streets first") % {"code": code}


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
        geometry=area_shape(area),
        properties={},
        feature=-1,
    )
