"""Boundary quality report: what is wrong with a set of grids (and their streets), where, how big.

Every problem has a kind, a severity, the codes (or feature numbers) involved, an area in m²
measured in the local UTM zone, a location (lon/lat of a point on the problem) and the problem
geometry in EPSG:4326, so a report can be read as text, JSON or a GeoJSON layer in QGIS.

Kinds, errors first (an error means the file must not be imported as is):
- missing_code, malformed_code, duplicate_code: codes per DOMAIN.md (`gis.codes`)
- missing_geometry, not_polygon: no area at all
- self_intersection, invalid_ring: GEOS validity, at the point GEOS names
- overlap: two grids share area
- gap: part of a street (or a hole enclosed by the grids) that no grid covers
- outside_street: part of a grid outside the street its code names
- unknown_street: a grid code names a street that is not among the streets
Warnings (worth a look, not wrong in themselves):
- sliver: a grid part thinner than `sliver_width_m` everywhere, or barely compact
- multipart: a grid in several separate pieces
- households_low, households_high: far outside the 300-500 households norm (DOMAIN.md)
"""

import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

from gis.codes import Level, code_problem, is_grid_code, level_name, street_code_of
from gis.i18n import _
from gis.io import Boundary, read_features
from gis.measure import to_metres, utm_crs_for
from gis.offsets import grids_offset_fit
from gis.problems import (
    ERROR,
    WARNING,
    BoundaryProblem,
    CheckOptions,
    CheckReport,
    Severity,
    is_polygonal,
    polygonal_parts,
)
from gis.tolerances import BORDER_SNAP_DEG, MIN_BORDER_DEG, NODE_SNAP_DEG

__all__ = [
    "BORDER_SNAP_DEG",
    "BoundaryProblem",
    "CheckOptions",
    "CheckReport",
    "check_boundaries",
    "check_file",
    "is_polygonal",
    "measure_noise",
    "polygonal_parts",
    "shared_borders",
]


def measure_noise(
    metric_pieces: Sequence[BaseGeometry] | np.ndarray, options: CheckOptions
) -> tuple[np.ndarray, np.ndarray]:
    """(m², is noise) of each piece in metres: noise is under `min_area_m2`, or on average
    (2 × area / perimeter) thinner than `noise_width_m`. The one rule of the check and repair."""
    areas, perimeters = shapely.area(metric_pieces), shapely.length(metric_pieces)
    with np.errstate(divide="ignore", invalid="ignore"):
        widths = np.where(perimeters > 0, 2 * areas / perimeters, 0.0)
    return areas, (areas < options.min_area_m2) | (widths < options.noise_width_m)


def shared_borders(
    piece: BaseGeometry, shapes: Sequence[BaseGeometry], tree: STRtree
) -> list[tuple[int, float]]:
    """(index into shapes, length in degrees) of each lon/lat shape sharing an edge with piece,
    longest first; `tree` is the STRtree of `shapes`."""
    near = tree.query(piece, predicate="dwithin", distance=BORDER_SNAP_DEG)
    if len(near) == 0:
        return []
    band = shapely.buffer(piece.boundary, BORDER_SNAP_DEG)
    edges = shapely.boundary(np.array([shapes[k] for k in near], dtype=object))
    lengths = shapely.length(shapely.intersection(edges, band))
    found = [(int(k), float(n)) for k, n in zip(near, lengths, strict=True) if n > MIN_BORDER_DEG]
    return sorted(found, key=lambda kn: (-kn[1], kn[0]))


def check_file(
    path: str | Path,
    *,
    streets_path: str | Path | None = None,
    code_field: str = "code",
    name_field: str = "name",
    layer: str | int | None = None,
    source_crs: str | None = None,
    streets_source_crs: str | None = None,
    encoding: str | None = None,
    options: CheckOptions | None = None,
) -> CheckReport:
    """Check a grid file (GeoJSON, GeoPackage, Shapefile; any CRS), optionally with its streets.

    `source_crs` is the grid file's CRS and `streets_source_crs` the street file's, each where
    the file does not say or says wrong: streets traced on AMap (GCJ-02) and grids a surveyor
    drew in CGCS2000 are the usual pair. A Shapefile's text encoding is `encoding`, or detected
    (`gis.io.read_boundaries`); the report's notes say when it was detected.
    """
    read = dict(code_field=code_field, name_field=name_field, encoding=encoding)
    grids = read_features(path, layer=layer, source_crs=source_crs, **read)
    streets = (
        read_features(streets_path, source_crs=streets_source_crs, **read)
        if streets_path is not None
        else None
    )
    file_problems = [
        BoundaryProblem("file", ERROR, f"{source.path}: {problem}")
        for source in (grids, streets)
        if source is not None
        for problem in source.problems
    ]
    report = check_boundaries(
        grids.boundaries,
        None if streets is None else streets.boundaries,
        options=options,
        streets_crs_option="--streets-source-crs",
    )
    report.problems[:0] = file_problems
    report.crs = grids.crs
    report.notes[:0] = [
        f"{source.path}: {source.encoding_note}"
        for source in (grids, streets)
        if source is not None and source.encoding_note
    ]
    return report


def check_boundaries(
    grids: Sequence[Boundary],
    streets: Sequence[Boundary] | None = None,
    *,
    options: CheckOptions | None = None,
    street_gaps: bool = True,
    streets_crs_option: str = "--source-crs",
) -> CheckReport:
    """Check grids (and, given them, their streets) for every defect kind; EPSG:4326 input.
    A GCJ-02 hint about the streets names `streets_crs_option` as the one forgotten.

    Geometries may be anything a file holds (None, invalid, lines): each is reported, and invalid
    ones take part in the topology checks in their `make_valid` form, so one bad ring does not
    hide an overlap next to it. Without streets, or with `street_gaps=False` (a file holding
    some of a street's grids, as an import may), gaps are the holes the grids enclose.
    """
    options = options or CheckOptions()
    streets = list(streets or [])
    problems: list[BoundaryProblem] = []
    usable = [g.geometry for g in [*grids, *streets] if is_polygonal(g.geometry)]
    crs = utm_crs_for(usable) if usable else utm_crs_for([shapely.Point(0, 0)])
    checker = _Checker(crs, options, problems)

    checker.codes(grids, "grid")
    checker.codes(streets, "street")
    grid_shapes = checker.geometries(grids)
    street_shapes = checker.geometries(streets)
    checker.slivers(grids, grid_shapes)
    checker.households(grids)
    checker.overlaps(grids, grid_shapes)
    if streets and street_gaps:
        checker.gaps_in_streets(grids, streets, street_shapes, grid_shapes)
    else:
        checker.enclosed_gaps(grids, grid_shapes)
    if streets:
        checker.outside_streets(grids, grid_shapes, streets, street_shapes)

    order = {ERROR: 0, WARNING: 1}
    problems.sort(key=lambda p: (order[p.severity], p.kind, p.codes, p.features))
    notes = []
    if any(p.kind == "outside_street" for p in problems):
        # A steady few hundred metres is a GCJ-02/BD-09 file read as WGS-84: say which.
        fit = grids_offset_fit([g.geometry for g in grids], [s.geometry for s in streets])
        if fit is not None:
            notes.append(fit.hint(streets_option=streets_crs_option))
    return CheckReport(
        problems,
        len(grids),
        len(streets),
        metric_crs=crs.to_string(),
        options=options,
        notes=notes,
    )


def _label(boundary: Boundary) -> str:
    return boundary.code or f"feature {boundary.feature}"


_WHERE = re.compile(r"\[\s*([-+\d.eE]+)\s+([-+\d.eE]+)")


class _Checker:
    def __init__(self, crs: Any, options: CheckOptions, problems: list[BoundaryProblem]) -> None:
        self.crs = crs
        self.options = options
        self.problems = problems

    def add(
        self,
        kind: str,
        severity: Severity,
        message: str,
        boundaries: Sequence[Boundary] = (),
        *,
        geometry: BaseGeometry | None = None,
        area_m2: float | None = None,
        where: BaseGeometry | None = None,
    ) -> None:
        point = where
        if point is None and geometry is not None and not geometry.is_empty:
            point = shapely.point_on_surface(geometry)
        self.problems.append(
            BoundaryProblem(
                kind,
                severity,
                message,
                codes=tuple(b.code for b in boundaries if b.code),
                features=tuple(b.feature for b in boundaries),
                area_m2=area_m2,
                lon=None if point is None else float(point.x),
                lat=None if point is None else float(point.y),
                geometry=geometry,
            )
        )

    def areas_m2(self, geometries: Sequence[BaseGeometry]) -> np.ndarray:
        if len(geometries) == 0:
            return np.zeros(0)
        return shapely.area(to_metres(geometries, self.crs))

    def area_m2(self, geometry: BaseGeometry | None) -> float | None:
        if not is_polygonal(geometry):
            return None
        return float(self.areas_m2([geometry])[0])

    def codes(self, boundaries: Sequence[Boundary], level: Level) -> None:
        first: dict[str, Boundary] = {}
        for boundary in boundaries:
            geometry = boundary.geometry if is_polygonal(boundary.geometry) else None
            message = code_problem(boundary.code, level)
            if message is not None:
                missing = boundary.code is None or not str(boundary.code).strip()
                kind = "missing_code" if missing else "malformed_code"
                self.add(
                    kind,
                    ERROR,
                    message,
                    [boundary],
                    geometry=geometry,
                    area_m2=self.area_m2(geometry),
                )
                continue
            if boundary.code in first:
                other = first[boundary.code]
                message = _("{level} code used by features {first} and {second}").format(
                    level=level_name(level), first=other.feature, second=boundary.feature
                )
                self.add(
                    "duplicate_code",
                    ERROR,
                    message,
                    [other, boundary],
                    geometry=geometry,
                    area_m2=self.area_m2(geometry),
                )
            else:
                first[boundary.code] = boundary

    def geometries(self, boundaries: Sequence[Boundary]) -> list[BaseGeometry | None]:
        """Each boundary's polygonal geometry, made valid where needed; None if it has none."""
        shapes: list[BaseGeometry | None] = []
        for boundary in boundaries:
            geometry = boundary.geometry
            if geometry is None or geometry.is_empty:
                self.add("missing_geometry", ERROR, _("feature has no geometry"), [boundary])
                shapes.append(None)
                continue
            if not is_polygonal(geometry):
                where = shapely.point_on_surface(geometry)
                self.add(
                    "not_polygon",
                    ERROR,
                    _("{kind}, not a polygon").format(kind=geometry.geom_type),
                    [boundary],
                    geometry=geometry,
                    where=where,
                )
                shapes.append(None)
                continue
            if geometry.is_valid:
                shapes.append(geometry)
                continue
            reason = shapely.is_valid_reason(geometry)
            valid = polygonal_parts(shapely.make_valid(geometry))
            found = _WHERE.search(reason)
            where = shapely.Point(float(found[1]), float(found[2])) if found else None
            kind = "self_intersection" if "elf-intersection" in reason else "invalid_ring"
            area = self.area_m2(valid) if not valid.is_empty else 0.0
            label = reason.split("[")[0]
            message = _("{reason} (the valid part covers {area:,.1f} m²)").format(
                reason=label, area=area
            )
            self.add(
                kind,
                ERROR,
                message,
                [boundary],
                geometry=where or geometry,
                area_m2=area,
                where=where,
            )
            shapes.append(valid if not valid.is_empty else None)
        return shapes

    def slivers(self, grids: Sequence[Boundary], shapes: list[BaseGeometry | None]) -> None:
        owners = [i for i, s in enumerate(shapes) if s is not None]
        if not owners:
            return
        metric = to_metres([shapes[i] for i in owners], self.crs)
        parts, index = shapely.get_parts(metric, return_index=True)
        areas = shapely.area(parts)
        perimeters = shapely.length(parts)
        with np.errstate(divide="ignore", invalid="ignore"):
            compactness = np.where(perimeters > 0, 4 * math.pi * areas / perimeters**2, 0.0)
        width = self.options.sliver_width_m
        # A part thinner than `width` everywhere has area under width × perimeter / 2: only
        # those few are worth the cost of a negative buffer.
        maybe_thin = areas < width * perimeters / 2
        thin = np.zeros(len(parts), dtype=bool)
        if maybe_thin.any():
            shrunk = shapely.buffer(parts[maybe_thin], -width / 2)
            thin[maybe_thin] = shapely.is_empty(shrunk)
        sliver = thin | (compactness < self.options.sliver_compactness)
        lon_lat_parts = None
        for k in np.flatnonzero(sliver):
            grid = grids[owners[index[k]]]
            if lon_lat_parts is None:
                lon_lat_parts = shapely.get_parts([shapes[i] for i in owners])
            why = (
                _("thinner than {width:g} m").format(width=width)
                if thin[k]
                else _("compactness {value:.3f}").format(value=compactness[k])
            )
            self.add(
                "sliver",
                WARNING,
                _("sliver part: {why}").format(why=why),
                [grid],
                geometry=lon_lat_parts[k],
                area_m2=float(areas[k]),
            )
        counts = np.bincount(index, minlength=len(owners))
        for position in np.flatnonzero(counts > 1):
            grid = grids[owners[position]]
            pieces = sorted(shapely.get_parts(shapes[owners[position]]), key=lambda p: -p.area)
            smaller = shapely.multipolygons(pieces[1:])
            message = _("grid is in {count} separate pieces").format(count=counts[position])
            self.add(
                "multipart",
                WARNING,
                message,
                [grid],
                geometry=smaller,
                area_m2=self.area_m2(smaller),
            )

    def households(self, grids: Sequence[Boundary]) -> None:
        name = self.options.households_field
        low, high = self.options.households_low, self.options.households_high
        for grid in grids:
            try:
                households = int(grid.properties.get(name))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                continue
            # 0 is how the database says "unknown"; a special grid (school, park) may have none.
            if households <= 0 or low <= households <= high:
                continue
            kind, template = (
                ("households_low", _("{households} households, below the {low}-{high} range"))
                if households < low
                else ("households_high", _("{households} households, above the {low}-{high} range"))
            )
            message = template.format(households=households, low=low, high=high)
            message += _(" (norm 300-500)")
            geometry = grid.geometry if is_polygonal(grid.geometry) else None
            self.add(
                kind, WARNING, message, [grid], geometry=geometry, area_m2=self.area_m2(geometry)
            )

    def overlaps(self, grids: Sequence[Boundary], shapes: list[BaseGeometry | None]) -> None:
        owners = [i for i, s in enumerate(shapes) if s is not None]
        if len(owners) < 2:
            return
        array = np.array([shapes[i] for i in owners], dtype=object)
        tree = STRtree(array)
        left, right = tree.query(array, predicate="intersects")
        keep = left < right
        left, right = left[keep], right[keep]
        # Interiors meeting (dimension 2) is an overlap; a shared edge or corner is not.
        inside = shapely.relate_pattern(array[left], array[right], "2********")
        left, right = left[inside], right[inside]
        if len(left) == 0:
            return
        pieces = [polygonal_parts(p) for p in shapely.intersection(array[left], array[right])]
        for k, area in self._real_pieces(pieces):
            a, b, piece = left[k], right[k], pieces[k]
            pair = [grids[owners[a]], grids[owners[b]]]
            message = _("grids overlap by {area:,.2f} m²").format(area=area)
            self.add("overlap", ERROR, message, pair, geometry=piece, area_m2=float(area))

    def _real_pieces(self, pieces: Sequence[BaseGeometry]) -> list[tuple[int, float]]:
        """(index, m²) of the pieces that are not floating-point noise."""
        if len(pieces) == 0:
            return []
        metric = to_metres(pieces, self.crs)
        areas, noise = measure_noise(metric, self.options)
        return [(int(i), float(areas[i])) for i in np.flatnonzero(~noise)]

    def _gap_pieces(self, gap: BaseGeometry) -> list[tuple[BaseGeometry, float]]:
        pieces = [p for p in shapely.get_parts(polygonal_parts(gap)) if not p.is_empty]
        return [(pieces[i], area) for i, area in self._real_pieces(pieces)]

    def gaps_in_streets(
        self,
        grids: Sequence[Boundary],
        streets: Sequence[Boundary],
        street_shapes: list[BaseGeometry | None],
        grid_shapes: list[BaseGeometry | None],
    ) -> None:
        owners = [i for i, s in enumerate(grid_shapes) if s is not None]
        present = [grid_shapes[i] for i in owners]
        tree = STRtree(present) if present else None
        for street, shape in zip(streets, street_shapes, strict=True):
            if shape is None:
                continue
            near = [] if tree is None else tree.query(shape, predicate="intersects")
            if len(near) == 0:
                self.add(
                    "gap",
                    ERROR,
                    _("street {street} has no grids at all").format(street=_label(street)),
                    [street],
                    geometry=shape,
                    area_m2=self.area_m2(shape),
                )
                continue
            covered = shapely.union_all([present[i] for i in near])
            for piece, area in self._gap_pieces(shapely.difference(shape, covered)):
                bordering = [
                    grids[owners[k]] for k, _length in shared_borders(piece, present, tree)
                ]
                message = _("{area:,.2f} m² of street {street} is in no grid").format(
                    area=area, street=_label(street)
                )
                # Named by the grids around it, as an overlap is by its pair: they are the ones
                # a person redraws; the street stands in only when no grid borders the gap.
                who = sorted(bordering, key=lambda g: (g.code or "", g.feature)) or [street]
                self.add("gap", ERROR, message, who, geometry=piece, area_m2=area)

    def enclosed_gaps(
        self, grids: Sequence[Boundary], grid_shapes: list[BaseGeometry | None]
    ) -> None:
        owners = [i for i, s in enumerate(grid_shapes) if s is not None]
        present = [grid_shapes[i] for i in owners]
        if not present:
            return
        tree = STRtree(present)
        union = shapely.union_all(present)
        # A rim left open by a float's width (two grids' edges 1e-15° apart) still encloses the
        # hole: close the rims by NODE_SNAP_DEG, then take each hole back out of the grids.
        closed = shapely.buffer(union, NODE_SNAP_DEG, join_style="mitre")
        holes = [
            shapely.Polygon(ring)
            for polygon in shapely.get_parts(closed)
            for ring in polygon.interiors
        ]
        for hole in holes:
            gap = shapely.difference(shapely.buffer(hole, NODE_SNAP_DEG, join_style="mitre"), union)
            for piece, area in self._gap_pieces(gap):
                bordering = [
                    grids[owners[k]] for k, _length in shared_borders(piece, present, tree)
                ]
                who = sorted(bordering, key=lambda g: (g.code or "", g.feature))
                message = _("{area:,.2f} m² enclosed by grids is in no grid").format(area=area)
                self.add("gap", ERROR, message, who, geometry=piece, area_m2=area)

    def outside_streets(
        self,
        grids: Sequence[Boundary],
        grid_shapes: list[BaseGeometry | None],
        streets: Sequence[Boundary],
        street_shapes: list[BaseGeometry | None],
    ) -> None:
        by_code = {
            s.code: shape
            for s, shape in zip(streets, street_shapes, strict=True)
            if shape is not None and s.code
        }
        for grid, shape in zip(grids, grid_shapes, strict=True):
            if shape is None or not is_grid_code(grid.code):
                continue
            street_code = street_code_of(grid.code)
            street = by_code.get(street_code)
            if street is None:
                message = _("code names street {street}, which is not among the streets")
                message = message.format(street=street_code)
                self.add(
                    "unknown_street",
                    ERROR,
                    message,
                    [grid],
                    geometry=shape,
                    area_m2=self.area_m2(shape),
                )
                continue
            outside = shapely.difference(shape, street)
            for piece, area in self._gap_pieces(outside):
                message = _("{area:,.2f} m² of the grid lies outside street {street}").format(
                    area=area, street=street_code
                )
                self.add("outside_street", ERROR, message, [grid], geometry=piece, area_m2=area)
