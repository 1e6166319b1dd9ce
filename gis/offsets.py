"""Grids outside their streets by a steady few hundred metres: a GCJ-02 or BD-09 file read as
WGS-84. Finds which set moved, so the message can say which `--source-crs` was forgotten.

GCJ-02 (AMap, Tencent) is WGS-84 plus an offset of 300-700 m that varies smoothly over China;
BD-09 (Baidu) adds its own on top. When grids lie partly outside their streets and moving one
set by exactly that offset puts them back inside, the offset is the likely cause: a shift that
fits the whole outline by chance is not plausible.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from gis import coords
from gis.i18n import _
from gis.measure import to_metres, utm_crs_for

# Moving the grids by the offset must remove at least this share of what lies outside.
MIN_IMPROVEMENT = 0.9

# (system, which set was read in it, how to bring the grids to where they would then fit):
# grids in GCJ-02 move back to WGS-84; streets in GCJ-02 mean the grids must move into it.
_CANDIDATES: tuple[tuple[str, str, Callable], ...] = (
    ("gcj02", "grids", coords.gcj02_to_wgs84),
    ("bd09", "grids", coords.bd09_to_wgs84),
    ("gcj02", "streets", coords.wgs84_to_gcj02),
    ("bd09", "streets", coords.wgs84_to_bd09),
)


@dataclass(frozen=True)
class OffsetFit:
    """An offset system that explains why grids (or points) lie outside their streets."""

    system: str  # "gcj02" or "bd09"
    moved: str  # the set read in that system as if WGS-84: "grids", "streets" or "points"
    offset_m: float  # the size of the offset there, metres
    outside_before: float  # share of the grids' area (or of the points) outside the streets
    outside_after: float  # the same once the offset is undone

    def hint(self, streets_option: str = "--source-crs") -> str:
        """One line naming the forgotten --source-crs (`streets_option` where a command reads
        the street file with an option of its own)."""
        names = {"gcj02": _("GCJ-02 (AMap, Tencent)"), "bd09": _("BD-09 (Baidu)")}
        name = names[self.system]
        values = {
            "name": name,
            "offset_m": self.offset_m,
            "before": self.outside_before,
            "after": self.outside_after,
            "crs": self.system,
            "option": streets_option,
        }
        if self.moved == "streets":
            text = _(
                "hint: the streets lie about {offset_m:,.0f} m off, as {name} coordinates do "
                "({before:.1%} of the grids outside them, {after:.1%} with the offset undone): "
                "was the street file {name} read without {option} {crs}?"
            )
        elif self.moved == "points":
            text = _(
                "hint: the points lie about {offset_m:,.0f} m off, as {name} coordinates do "
                "({before:.1%} outside the street, {after:.1%} with the offset undone): "
                "give --source-crs {crs}"
            )
        else:
            text = _(
                "hint: the grids lie about {offset_m:,.0f} m off, as {name} coordinates do "
                "({before:.1%} of their area outside the streets, {after:.1%} with the offset "
                "undone): read the grid file with --source-crs {crs}"
            )
        return text.format(**values)


def grids_offset_fit(
    grids: Sequence[BaseGeometry | None], streets: Sequence[BaseGeometry | None]
) -> OffsetFit | None:
    """The offset (GCJ-02 or BD-09, of grids or streets) that puts grids lying outside their
    streets back inside, or None. EPSG:4326 geometries; None and non-polygons are skipped."""
    grid_shapes = _polygonal(grids)
    street_shapes = _polygonal(streets)
    if len(grid_shapes) == 0 or len(street_shapes) == 0:
        return None
    crs = utm_crs_for(street_shapes)
    streets_m = shapely.union_all(_metres(street_shapes, crs))
    shapely.prepare(streets_m)
    grid_areas = shapely.area(_metres(grid_shapes, crs))
    outside = _outside_areas(_metres(grid_shapes, crs), streets_m)
    total = float(grid_areas.sum())
    # Only the grids that stick out can tell: the others would fit either way.
    out = outside > 1e-6 * np.maximum(grid_areas, 1.0)
    if not out.any() or total <= 0:
        return None
    before = float(outside[out].sum())
    best: OffsetFit | None = None
    for system, moved, move in _CANDIDATES:
        shifted = _metres(coords.transform_geometry(grid_shapes[out], move), crs)
        after = float(_outside_areas(shifted, streets_m).sum())
        if after > (1 - MIN_IMPROVEMENT) * before:
            continue
        if best is None or after / total < best.outside_after:
            offset = _offset_m(grid_shapes[out], move)
            best = OffsetFit(system, moved, offset, before / total, after / total)
    return best


def points_offset_fit(lons: np.ndarray, lats: np.ndarray, street: BaseGeometry) -> OffsetFit | None:
    """The offset (GCJ-02 or BD-09) that puts points lying outside a street inside, or None.

    Needs at least 5% of the points outside, and undoing the offset to leave under a tenth of
    those outside: a points file of a whole district has most points outside any one street,
    with or without an offset.
    """
    lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    if len(lons) == 0:
        return None
    before = 1 - float(shapely.contains_xy(street, lons, lats).mean())
    if before < 0.05:
        return None
    best: OffsetFit | None = None
    for system, moved, move in _CANDIDATES:
        if moved != "grids":  # the street's own offset is the street command's business
            continue
        moved_lons, moved_lats = move(lons, lats)
        after = 1 - float(shapely.contains_xy(street, moved_lons, moved_lats).mean())
        if after > 0.1 * before or (best is not None and after >= best.outside_after):
            continue
        offset = _offset_m(shapely.points(lons, lats), move)
        best = OffsetFit(system, "points", offset, before, after)
    return best


def _polygonal(geometries: Sequence[BaseGeometry | None]) -> np.ndarray:
    shapes = [g for g in geometries if g is not None and not g.is_empty]
    shapes = [g for g in shapes if g.geom_type in ("Polygon", "MultiPolygon")]
    return np.array([shapely.make_valid(g) if not g.is_valid else g for g in shapes], dtype=object)


def _metres(geometries: np.ndarray, crs) -> np.ndarray:
    # Shares of area need no densified edges: the same error falls on both sides of a ratio.
    projected = to_metres(geometries, crs, densify=False)
    # A grid valid in lon/lat may not be once projected or shifted (vertices centimetres apart
    # after a coarse rounding cross): overlay would stop on it with a TopologyException.
    invalid = ~shapely.is_valid(projected)
    if invalid.any():
        projected[invalid] = shapely.make_valid(
            projected[invalid], method="structure", keep_collapsed=False
        )
    return projected


def _outside_areas(grids_m: np.ndarray, streets_m: BaseGeometry) -> np.ndarray:
    return shapely.area(shapely.difference(grids_m, streets_m))


def _offset_m(geometries: np.ndarray, move: Callable) -> float:
    """The median distance, in metres, that `move` carries the geometries' centres."""
    centres = shapely.get_coordinates(shapely.centroid(geometries))
    moved_lon, moved_lat = move(centres[:, 0], centres[:, 1])
    crs = utm_crs_for(list(shapely.points(centres)))
    before = _metres(shapely.points(centres), crs)
    after = _metres(shapely.points(moved_lon, moved_lat), crs)
    return float(np.median(shapely.distance(before, after)))
