"""Safe repairs of grid boundaries, each one reported: nothing is changed silently, and nothing
wrong is left unsaid.

What is safe: `make_valid` when it moves under 1% of a grid's area (a bow-tie is not safe, the
drawer's intent is unknown); and moving pieces thinner than `tolerance_m` metres, which are
digitising slop, not decisions: an overlap sliver stays with the lower grid code (the same
rule the locator uses for a point on a shared border) and leaves the other grid; a gap sliver
joins the grid it shares the longest border with; a sliver of a grid outside its street is cut
off. Anything wider is left as it is for a person to decide.

The repaired grids are checked again (`gis.check`), and every error that check still finds is
listed as a `not_repaired` change with the check's codes, area and place and the reason the
repair left it: the list of changes and the check afterwards never disagree. Grid codes used
twice stop the repair before it changes anything: each change names grids by code, and a person
must first choose which grid keeps the code.

Geometry stays in EPSG:4326 lon/lat, so edges the repair does not touch keep their exact
vertices; only widths and areas are measured in the local UTM zone.
"""

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import MultiPolygon, STRtree
from shapely.geometry.base import BaseGeometry

from gis.check import (
    BORDER_SNAP_DEG,
    BoundaryProblem,
    CheckOptions,
    CheckReport,
    check_boundaries,
    is_polygonal,
    measure_noise,
    polygonal_parts,
    shared_borders,
)
from gis.codes import is_grid_code, street_code_of
from gis.i18n import _
from gis.io import MAX_REPAIR_AREA_CHANGE, Boundary
from gis.measure import to_metres, utm_crs_for
from gis.tolerances import REPAIR_TOLERANCE_M


@dataclass(frozen=True)
class Change:
    """One repair (or an error left): what, which grids, how big (m²), where (lon/lat)."""

    kind: str  # make_valid, clipped_to_street, overlap_assigned, gap_filled, not_repaired
    codes: tuple[str, ...]
    area_m2: float | None
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
    """The grids after repair (same order, same codes), every change made, every error left
    (as `not_repaired` changes) and the check of the repaired grids those come from."""

    grids: list[Boundary]
    changes: list[Change]
    check: CheckReport
    # Why the repair changed nothing at all (codes used twice), or None when it ran.
    refused: str | None = None

    @property
    def applied(self) -> list[Change]:
        return [c for c in self.changes if c.applied]

    @property
    def not_repaired(self) -> list[Change]:
        return [c for c in self.changes if not c.applied]


def repair_grids(
    grids: Sequence[Boundary],
    streets: Sequence[Boundary] | None = None,
    *,
    tolerance_m: float = REPAIR_TOLERANCE_M,
    options: CheckOptions | None = None,
) -> RepairResult:
    """Repair what is safe in EPSG:4326 grids (see the module docstring); report every change
    and every error left."""
    if tolerance_m < 0:
        raise ValueError(f"tolerance_m must not be negative, not {tolerance_m}")
    return _Repair(grids, streets or [], tolerance_m, options or CheckOptions()).run()


def _left_because(kind: str) -> str:
    """Why the repair leaves an error of this kind, when no step of it gave a particular reason."""
    invalid = _("make_valid would change the area by more than 1%; fix by hand")
    reasons = {
        "missing_code": _("the repair does not invent codes: give the grid its code"),
        "malformed_code": _("the repair does not change codes: correct it by hand"),
        "duplicate_code": _("a person must choose which grid keeps the code"),
        "unknown_street": _("the repair does not change codes: correct the code or the streets"),
        "missing_geometry": _("nothing to repair: draw the grid"),
        "not_polygon": _("nothing to repair: draw the grid as a polygon"),
        "self_intersection": invalid,
        "invalid_ring": invalid,
    }
    return reasons.get(kind, _("no safe repair found here; fix by hand"))


@dataclass(frozen=True)
class _Refusal:
    """A step of the repair saw an error and left it: which check kind, where, and why."""

    kind: str
    features: frozenset[int]
    piece: BaseGeometry | None
    reason: str

    def explains(self, problem: BoundaryProblem) -> bool:
        if problem.kind != self.kind:
            return False
        if self.piece is None or problem.geometry is None:
            return bool(self.features & set(problem.features))
        return bool(shapely.intersects(self.piece, problem.geometry))


class _Repair:
    def __init__(
        self,
        grids: Sequence[Boundary],
        streets: Sequence[Boundary],
        tolerance_m: float,
        options: CheckOptions,
    ) -> None:
        self.grids = list(grids)
        self.all_streets = list(streets)
        self.streets = [s for s in streets if is_polygonal(s.geometry) and s.geometry.is_valid]
        self.tolerance_m = tolerance_m
        self.options = options
        self.changes: list[Change] = []
        self.refusals: list[_Refusal] = []
        usable = [g.geometry for g in [*self.grids, *self.streets] if is_polygonal(g.geometry)]
        self.crs = utm_crs_for(usable or [shapely.Point(0, 0)])
        # Working shapes: None for a grid the repair must leave alone (no usable geometry).
        self.shapes: list[BaseGeometry | None] = []
        self.changed: set[int] = set()

    def run(self) -> RepairResult:
        refused = self.duplicate_codes()
        if refused is None:
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
        check = check_boundaries(repaired, self.all_streets, options=self.options)
        self.changes.extend(self.left(problem, refused) for problem in check.errors)
        return RepairResult(repaired, self.changes, check, refused)

    def duplicate_codes(self) -> str | None:
        """Why the repair must not start (codes used twice), or None."""
        counts = Counter(g.code for g in self.grids if g.code)
        twice = sorted(code for code, n in counts.items() if n > 1)
        if not twice:
            return None
        # Every change names grids by code ("kept by the lower code"): with a code on two grids
        # those lines would be ambiguous, and which grid is meant is the person's call.
        shown = ", ".join(twice[:3]) + (", ..." if len(twice) > 3 else "")
        return _(
            "not repaired: {count} grid code(s) used twice ({codes}); fix the codes first"
        ).format(count=len(twice), codes=shown)

    def left(self, problem: BoundaryProblem, refused: str | None) -> Change:
        """The not_repaired line for an error the check still finds after the repair."""
        if refused is not None and problem.kind != "duplicate_code":
            reason = refused
        else:
            found = next((r for r in self.refusals if r.explains(problem)), None)
            reason = found.reason if found else _left_because(problem.kind)
        codes = problem.codes or tuple(f"feature {f}" for f in problem.features)
        return Change(
            "not_repaired",
            codes,
            problem.area_m2,
            problem.lon,
            problem.lat,
            f"{problem.kind}: {problem.message}; {reason}",
        )

    def refuse(
        self, kind: str, indices: Sequence[int], piece: BaseGeometry | None, reason: str
    ) -> None:
        features = frozenset(self.grids[i].feature for i in indices)
        self.refusals.append(_Refusal(kind, features, piece, reason))

    def note(
        self, kind: str, indices: Sequence[int], piece: BaseGeometry, area: float, message: str
    ) -> None:
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
        areas, noise = measure_noise(metric, self.options)
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
            valid = polygonal_parts(shapely.make_valid(geometry))
            before = geometry.area
            change = abs(valid.area - before) / before if before > 0 else np.inf
            area_m2 = self.measure([valid])[0][0] if not valid.is_empty else 0.0
            if valid.is_empty or change > MAX_REPAIR_AREA_CHANGE:
                why = _("make_valid would change the area by more than 1%; fix by hand")
                for kind in ("self_intersection", "invalid_ring"):
                    self.refuse(kind, [i], None, why)
                self.shapes.append(None)
                continue
            reason = shapely.is_valid_reason(geometry).split("[")[0]
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
            # Piece by piece, as the check measures them: one real piece beside a long strip
            # of noise is not noise on average.
            pieces = list(shapely.get_parts(outside))
            areas, noise, thin = self.measure(pieces)
            wide = [p for p, n, t in zip(pieces, noise, thin, strict=True) if not n and not t]
            cut = [
                (p, a) for p, a, n, t in zip(pieces, areas, noise, thin, strict=True) if t and not n
            ]
            for piece in wide:
                why = _(
                    "wider than {tolerance:g} m: a person decides where the border runs"
                ).format(tolerance=self.tolerance_m)
                self.refuse("outside_street", [i], piece, why)
            if not cut:
                continue
            if wide:
                removed = shapely.union_all([p for p, _area in cut])
                self.shapes[i] = polygonal_parts(shapely.difference(shape, removed))
            else:
                self.shapes[i] = polygonal_parts(shapely.intersection(shape, street))
            self.changed.add(i)
            for piece, area in cut:
                message = f"{area:,.2f} m² outside street {street_code_of(grid.code)} cut off"
                self.note("clipped_to_street", [i], piece, float(area), message)

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
                why = _("wider than {tolerance:g} m: a person decides which grid keeps it").format(
                    tolerance=self.tolerance_m
                )
                self.refuse("overlap", [i, j], piece, why)
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
        shapes = [self.shapes[i] for i in present]
        tree = STRtree(shapes)
        for piece, area, is_noise, is_thin in zip(pieces, areas, noise, thin, strict=True):
            if is_noise:
                continue
            if not is_thin:
                why = _("wider than {tolerance:g} m: a person decides which grid takes it").format(
                    tolerance=self.tolerance_m
                )
                self.refuse("gap", [], piece, why)
                continue
            borders = shared_borders(piece, shapes, tree)
            if not borders:
                self.refuse("gap", [], piece, _("it touches no grid along an edge"))
                continue
            k = borders[0][0]
            owner = present[k]
            # The border may be shared only to within the snap distance (overlay output is
            # snap-rounded): snapped first, the piece joins the grid instead of sitting beside
            # it as a second part.
            snapped = shapely.snap(piece, shapes[k], BORDER_SNAP_DEG)
            joined = snapped if snapped.is_valid else piece
            shapes[k] = polygonal_parts(shapely.union(shapes[k], joined))
            self.shapes[owner] = shapes[k]
            self.changed.add(owner)
            message = f"gap of {area:,.2f} m² joined to the grid with the longest shared border"
            self.note("gap_filled", [owner], piece, float(area), message)


def _as_multipolygon(geometry: BaseGeometry) -> MultiPolygon:
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type == "Polygon"]
    return MultiPolygon(parts)
