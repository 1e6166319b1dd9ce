"""Which grid is this point in: an STRtree over grid polygons with a deterministic tie rule."""

import math
from collections.abc import Sequence

import numpy as np
import shapely
from shapely import MultiPolygon, Point, Polygon, STRtree


class GridLocator:
    """Point-in-grid lookup over EPSG:4326 lon/lat polygons.

    Tie rule: a point belongs to every polygon that *covers* it, so a point on a border or
    vertex is never lost; when several do (a shared edge or vertex), the grid with the lowest
    code wins. `locate` and `locate_many` give the same answer for the same point. NaN input,
    and points in no polygon, give None.
    """

    def __init__(self, codes: Sequence[str], polygons: Sequence[Polygon | MultiPolygon]) -> None:
        if len(codes) != len(polygons):
            raise ValueError(f"{len(codes)} codes but {len(polygons)} polygons")
        # Sorted by code, the lowest tree index is the lowest code: ties resolve with a min().
        order = sorted(range(len(codes)), key=lambda i: codes[i])
        self._codes = np.array([codes[i] for i in order], dtype=object)
        self._polygons = np.array([polygons[i] for i in order], dtype=object)
        self._code_list: list[str] = list(self._codes)
        # For a point, "intersects" equals "covered_by" and GEOS evaluates it faster.
        self._tree = STRtree(self._polygons)

    def __len__(self) -> int:
        return len(self._codes)

    @property
    def codes(self) -> list[str]:
        """The grid codes, sorted."""
        return list(self._code_list)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(min_lon, min_lat, max_lon, max_lat) of all grids, EPSG:4326 degrees."""
        min_x, min_y, max_x, max_y = shapely.total_bounds(self._polygons)
        return float(min_x), float(min_y), float(max_x), float(max_y)

    def locate(self, lon: float, lat: float) -> str | None:
        """Code of the grid covering (lon, lat) in EPSG:4326 degrees, or None."""
        if not (math.isfinite(lon) and math.isfinite(lat)):
            return None
        hits = self._tree.query(Point(lon, lat), predicate="intersects")
        # Most points hit one grid: skip numpy min() there, it is a visible share of a lookup.
        if hits.size == 1:
            return self._code_list[hits[0]]
        if hits.size == 0:
            return None
        return self._code_list[hits.min()]

    def locate_many(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """Grid code (or None) for each EPSG:4326 lon/lat pair, as an object array."""
        lons = np.asarray(lons, dtype=np.float64)
        lats = np.asarray(lats, dtype=np.float64)
        if lons.shape != lats.shape:
            raise ValueError(f"lons shape {lons.shape} differs from lats shape {lats.shape}")
        flat_lons, flat_lats = lons.ravel(), lats.ravel()
        result = np.full(flat_lons.shape, None, dtype=object)
        points = shapely.points(flat_lons, flat_lats)
        # A NaN point is not empty to GEOS; a missing geometry matches nothing in the tree.
        unusable = ~(np.isfinite(flat_lons) & np.isfinite(flat_lats))
        if unusable.any():
            points[unusable] = None
        point_index, tree_index = self._tree.query(points, predicate="intersects")
        if len(point_index) == 0:
            return result.reshape(lons.shape)
        if np.any(point_index[1:] < point_index[:-1]):
            order = np.argsort(point_index, kind="stable")
            point_index, tree_index = point_index[order], tree_index[order]
        # One run per point; the minimum tree index of a run is that point's lowest code.
        starts = np.flatnonzero(np.r_[True, point_index[1:] != point_index[:-1]])
        if len(starts) == len(point_index):
            winners = tree_index
        else:
            winners = np.minimum.reduceat(tree_index, starts)
        result[point_index[starts]] = self._codes[winners]
        return result.reshape(lons.shape)
