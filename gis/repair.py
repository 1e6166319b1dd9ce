"""Safe repairs of grid boundaries, each one reported: nothing is changed silently.

What is safe: `make_valid` when it moves under 1% of a grid's area (a bow-tie is not safe, the
drawer's intent is unknown); and moving pieces thinner than `tolerance_m` metres, which are
digitising slop, not decisions: an overlap sliver stays with the lower grid code (the same
rule the locator uses for a point on a shared border) and leaves the other grid; a gap sliver
joins the grid it shares the longest border with; a sliver of a grid outside its street is cut
off. Anything wider is left as it is and listed as not repaired, for a person to decide.

Geometry stays in EPSG:4326 lon/lat, so edges the repair does not touch keep their exact
vertices; only widths and areas are measured in the local UTM zone.
"""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import MultiPolygon, STRtree
from shapely.geometry.base import BaseGeometry

from gis.check import CheckOptions, is_polygonal, polygonal_parts
from gis.codes import is_grid_code, street_code_of
from gis.io import MAX_REPAIR_AREA_CHANGE, Boundary
from gis.measure import to_metres, utm_crs_for


@dataclass(frozen=True)
class Change:
    """One repair (or a refusal to repair): what, which grids, how big (m²), where."""

    kind: str  # make_valid, clipped_to_street, overlap_assigned, gap_filled, not_repaired
    codes: tuple[str, ...]
    area_m2: float
    lon: float | None
    lat: float | None
    message: str

    def __str__(self) -> str:
        where = "" if self.lon is None else f" at ({self.lon:.6f}, {self.lat:.6f})"
        return f"{self.kind:<17} {', '.join(self.codes)}: {self.message}{where}"

    @property
    def applied(self) -> bool:
        return self.kind != "not_repaired"


@dataclass
class RepairResult:
    """The grids after repair (same order, same codes) and every change made or refused."""

    grids: list[Boundary]
    changes: list[Change]

    @property
    def applied(self) -> list[Change]:
        return [c for c in self.changes if c.applied]


def repair_grids(
    grids: Sequence[Boundary],
    streets: Sequence[Boundary] | None = None,
    *,
    tolerance_m: float = 1.0,
    options: CheckOptions | None = None,
) -> RepairResult:
    """Repair what is safe in EPSG:4326 grids (see the module docstring); report every change."""
    if tolerance_m < 0:
        raise ValueError(f"tolerance_m must not be negative, not {tolerance_m}")
    return _Repair(grids, streets or [], tolerance_m, options or CheckOptions()).run()


class _Repair:
    def __init__(
        self,
        grids: Sequence[Boundary],
        streets: Sequence[Boundary],
        tolerance_m: float,
        options: CheckOptions,
    ) -> None:
        self.grids = list(grids)
        self.streets = [s for s in streets if is_polygonal(s.geometry) and s.geometry.is_valid]
        self.tolerance_m = tolerance_m
        self.options = options
        self.changes: list[Change] = []
        usable = [g.geometry for g in [*self.grids, *self.streets] if is_polygonal(g.geometry)]
        self.crs = utm_crs_for(usable or [shapely.Point(0, 0)])
        # Working shapes: None for a grid the repair must leave alone (no usable geometry).
        self.shapes: list[BaseGeometry | None] = []
        self.changed: set[int] = set()

    def run(self) -> RepairResult:
        self.make_valid()
        if self.streets:
            self.clip_to_streets()
        self.assign_overlaps()
        self.fill_gaps()
        repaired = [
            dataclasses.replace(grid, geometry=_as_multipolygon(self.shapes[i]))
            if i in self.changed
            else grid
            for i, grid in enumerate(self.grids)
        ]
        return RepairResult(repaired, self.changes)

    def note(
        self, kind: str, indices: Sequence[int], piece: BaseGeometry, area: float, message: str
    ):
        point = shapely.point_on_surface(piece) if not piece.is_empty else None
        codes = tuple(self.grids[i].code or f"feature {self.grids[i].feature}" for i in indices)
        self.changes.append(
            Change(
                kind,
                codes,
                area,
                None if point is None else float(point.x),
                None if point is None else float(point.y),
                message,
            )
        )

    def measure(self, pieces: Sequence[BaseGeometry]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(m², is noise, is thinner than the tolerance) for each lon/lat piece."""
        if len(pieces) == 0:
            empty = np.zeros(0)
            return empty, empty.astype(bool), empty.astype(bool)
        metric = to_metres(pieces, self.crs)
        areas, perimeters = shapely.area(metric), shapely.length(metric)
        with np.errstate(divide="ignore", invalid="ignore"):
            widths = np.where(perimeters > 0, 2 * areas / perimeters, 0.0)
        noise = (areas < self.options.min_area_m2) | (widths < self.options.noise_width_m)
        thin = shapely.is_empty(shapely.buffer(metric, -self.tolerance_m / 2))
        return areas, noise, thin

    def make_valid(self) -> None:
        for i, grid in enumerate(self.grids):
            geometry = grid.geometry
            if not is_polygonal(geometry):
                self.shapes.append(None)
                continue
            if geometry.is_valid:
                self.shapes.append(geometry)
                continue
            reason = shapely.is_valid_reason(geometry).split("[")[0]
            valid = polygonal_parts(shapely.make_valid(geometry))
            before = geometry.area
            change = abs(valid.area - before) / before if before > 0 else np.inf
            area_m2 = self.measure([valid])[0][0] if not valid.is_empty else 0.0
            if valid.is_empty or change > MAX_REPAIR_AREA_CHANGE:
                message = f"{reason}: make_valid would change the area by more than 1%; fix by hand"
                self.note("not_repaired", [i], geometry, float(area_m2), message)
                self.shapes.append(None)
                continue
            self.note("make_valid", [i], valid, float(area_m2), f"{reason} made valid")
            self.shapes.append(valid)
            self.changed.add(i)

    def clip_to_streets(self) -> None:
        by_code = {s.code: s.geometry for s in self.streets}
        for i, grid in enumerate(self.grids):
            shape = self.shapes[i]
            if shape is None or not is_grid_code(grid.code):
                continue
            street = by_code.get(street_code_of(grid.code))
            if street is None:
                continue
            outside = polygonal_parts(shapely.difference(shape, street))
            if outside.is_empty:
                continue
            [area], [noise], [thin] = self.measure([outside])
            if noise:
                continue
            if not thin:
                message = f"{area:,.2f} m² outside its street, wider than {self.tolerance_m:g} m"
                self.note("not_repaired", [i], outside, float(area), message)
                continue
            self.shapes[i] = polygonal_parts(shapely.intersection(shape, street))
            self.changed.add(i)
            message = f"{area:,.2f} m² outside street {street_code_of(grid.code)} cut off"
            self.note("clipped_to_street", [i], outside, float(area), message)

    def assign_overlaps(self) -> None:
        present = [i for i, s in enumerate(self.shapes) if s is not None]
        if len(present) < 2:
            return
        array = np.array([self.shapes[i] for i in present], dtype=object)
        left, right = STRtree(array).query(array, predicate="intersects")
        for a, b in zip(left, right, strict=True):
            if a >= b:
                continue
            i, j = present[a], present[b]
            shape_i, shape_j = self.shapes[i], self.shapes[j]
            if not shapely.relate_pattern(shape_i, shape_j, "2********"):
                continue
            piece = polygonal_parts(shapely.intersection(shape_i, shape_j))
            [area], [noise], [thin] = self.measure([piece])
            if noise:
                continue
            if not thin:
                message = f"overlap of {area:,.2f} m², wider than {self.tolerance_m:g} m"
                self.note("not_repaired", [i, j], piece, float(area), message)
                continue
            keeper, loser = (
                (i, j) if (self.grids[i].code or "") <= (self.grids[j].code or "") else (j, i)
            )
            self.shapes[loser] = polygonal_parts(shapely.difference(self.shapes[loser], piece))
            self.changed.add(loser)
            message = (
                f"overlap of {area:,.2f} m² kept by {self.grids[keeper].code}, "
                f"removed from {self.grids[loser].code}"
            )
            self.note("overlap_assigned", [keeper, loser], piece, float(area), message)

    def gap_pieces(self) -> list[BaseGeometry]:
        present = [s for s in self.shapes if s is not None]
        if not present:
            return []
        if self.streets:
            tree = STRtree(present)
            gaps = []
            for street in self.streets:
                near = tree.query(street.geometry, predicate="intersects")
                covered = shapely.union_all([present[k] for k in near])
                gaps.append(polygonal_parts(shapely.difference(street.geometry, covered)))
            parts = shapely.get_parts(np.array(gaps, dtype=object))
        else:
            union = shapely.union_all(present)
            parts = [
                shapely.Polygon(ring)
                for polygon in shapely.get_parts(union)
                for ring in polygon.interiors
            ]
        return [p for p in parts if not p.is_empty]

    def fill_gaps(self) -> None:
        pieces = self.gap_pieces()
        if not pieces:
            return
        areas, noise, thin = self.measure(pieces)
        present = [i for i, s in enumerate(self.shapes) if s is not None]
        for piece, area, is_noise, is_thin in zip(pieces, areas, noise, thin, strict=True):
            if is_noise:
                continue
            if not is_thin:
                message = f"gap of {area:,.2f} m², wider than {self.tolerance_m:g} m"
                self.note("not_repaired", [], piece, float(area), message)
                continue
            boundaries = shapely.boundary(np.array([self.shapes[i] for i in present], dtype=object))
            shared = shapely.length(shapely.intersection(boundaries, piece.boundary))
            if not shared.max() > 0:
                message = f"gap of {area:,.2f} m² touches no grid along an edge"
                self.note("not_repaired", [], piece, float(area), message)
                continue
            owner = present[int(np.argmax(shared))]
            self.shapes[owner] = polygonal_parts(shapely.union(self.shapes[owner], piece))
            self.changed.add(owner)
            message = f"gap of {area:,.2f} m² joined to the grid with the longest shared border"
            self.note("gap_filled", [owner], piece, float(area), message)


def _as_multipolygon(geometry: BaseGeometry) -> MultiPolygon:
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type == "Polygon"]
    return MultiPolygon(parts)
