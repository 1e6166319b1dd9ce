"""Which grid is this point in: buckets of grid bounding boxes, then point-in-polygon on the
prepared polygons, with a deterministic tie rule."""

import math
from collections.abc import Sequence
from functools import cached_property

import numpy as np
import shapely
from shapely import MultiPolygon, Polygon, STRtree


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
        # Prepared polygons answer point-in-polygon from an index of their edges.
        shapely.prepare(self._polygons)

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
        # A tree query costs a point object and a numpy array a call; the buckets' lists find
        # the candidates with float comparisons alone (NaN and infinities fail them all).
        boxes, polygons = self._box_list, self._polygon_list
        for index in self._buckets.listed_at(lon, lat):
            min_x, min_y, max_x, max_y = boxes[index]
            # Candidates come in code order, so the first grid that covers the point wins.
            if (
                min_x <= lon <= max_x
                and min_y <= lat <= max_y
                and shapely.intersects_xy(polygons[index], lon, lat)
            ):
                return self._code_list[index]
        return None

    def locate_many(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """Grid code (or None) for each EPSG:4326 lon/lat pair, as an object array."""
        lons = np.asarray(lons, dtype=np.float64)
        lats = np.asarray(lats, dtype=np.float64)
        if lons.shape != lats.shape:
            raise ValueError(f"lons shape {lons.shape} differs from lats shape {lats.shape}")
        flat_lons, flat_lats = lons.ravel(), lats.ravel()
        result = np.full(flat_lons.shape, None, dtype=object)
        for start in range(0, len(flat_lons), _CHUNK_POINTS):
            chunk = slice(start, start + _CHUNK_POINTS)
            points, winners = self._winners(flat_lons[chunk], flat_lats[chunk])
            result[start + points] = self._codes[winners]
        return result.reshape(lons.shape)

    @cached_property
    def _buckets(self) -> "_BoxBuckets":
        return _BoxBuckets(shapely.bounds(self._polygons))

    @cached_property
    def _box_list(self) -> list[list[float]]:
        return self._buckets.grid_bounds.tolist()

    @cached_property
    def _polygon_list(self) -> list:
        return list(self._polygons)

    def _winners(self, lons: np.ndarray, lats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(point index, tree index of its lowest-code grid) for the points in some grid."""
        # NaN and infinite input fail the bounds test, so they are never looked up.
        points = self._buckets.inside(lons, lats)
        pair_points, pair_grids = self._buckets.candidates(lons[points], lats[points])
        if len(pair_points) > _MAX_CANDIDATES_PER_POINT * len(points):
            # Boxes piled on one spot (a far-off outlier stretches the buckets): the tree copes.
            return self._winners_by_tree(lons, lats)
        pair_lons, pair_lats = lons[points][pair_points], lats[points][pair_points]
        # Grids that only share a bounding box with the point: a float test, not a GEOS one.
        bounds = self._buckets.grid_bounds[pair_grids]
        near = (
            (pair_lons >= bounds[:, 0])
            & (pair_lons <= bounds[:, 2])
            & (pair_lats >= bounds[:, 1])
            & (pair_lats <= bounds[:, 3])
        )
        pair_points, pair_grids = pair_points[near], pair_grids[near]
        # intersects_xy tests coordinates against prepared polygons: no point objects are made,
        # and a point on a border counts, as in `locate`.
        hit = shapely.intersects_xy(self._polygons[pair_grids], pair_lons[near], pair_lats[near])
        pair_points, pair_grids = pair_points[hit], pair_grids[hit]
        # Pairs run point by point, each point's grids in ascending tree index: the first pair
        # of a point is its lowest code.
        first = _run_starts(pair_points)
        return points[pair_points[first]], pair_grids[first]

    def _winners_by_tree(self, lons: np.ndarray, lats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        points = shapely.points(lons, lats)
        # A NaN point is not empty to GEOS; a missing geometry matches nothing in the tree.
        points[~(np.isfinite(lons) & np.isfinite(lats))] = None
        point_index, tree_index = self._tree.query(points, predicate="intersects")
        order = np.lexsort((tree_index, point_index))
        point_index, tree_index = point_index[order], tree_index[order]
        first = _run_starts(point_index)
        return point_index[first], tree_index[first]


# Points are looked up in chunks so that a batch's candidate pairs stay a few tens of MB.
_CHUNK_POINTS = 262_144
_MAX_CANDIDATES_PER_POINT = 16


class _BoxBuckets:
    """A uniform grid of buckets over the grids' bounding boxes, each listing (in ascending
    index) the grids whose box overlaps it: numpy finds a point's candidates without building
    a point geometry or walking a tree, which is most of what a tree query costs."""

    # About four buckets to a grid: fewer leave several candidates per point to test in GEOS,
    # more cost memory (each grid is listed in every bucket its box touches).
    BUCKETS_PER_GRID = 4

    def __init__(self, grid_bounds: np.ndarray) -> None:
        self.grid_bounds = grid_bounds
        usable = np.flatnonzero(np.isfinite(grid_bounds).all(axis=1))  # empty polygons: NaN
        if len(usable) == 0:
            self.min_x = self.min_y = np.inf
            self.max_x = self.max_y = -np.inf
            self.columns = self.rows = 1
            self.scale_x = self.scale_y = 0.0
            self.offsets = np.zeros(2, dtype=np.int64)
            self.grids = np.zeros(0, dtype=np.int64)
            self._grid_list, self._offset_list = [], [0, 0]
            return
        boxes = grid_bounds[usable]
        self.min_x, self.min_y = boxes[:, 0].min(), boxes[:, 1].min()
        self.max_x, self.max_y = boxes[:, 2].max(), boxes[:, 3].max()
        width, height = self.max_x - self.min_x, self.max_y - self.min_y
        buckets = self.BUCKETS_PER_GRID * len(usable)
        # Buckets about square in degrees; a zero-width extent (one line of grids) gets one.
        if width > 0 and height > 0:
            self.columns = max(1, round(math.sqrt(buckets * width / height)))
            self.rows = max(1, round(buckets / self.columns))
        else:
            self.columns = buckets if width > 0 else 1
            self.rows = buckets if height > 0 else 1
        self.scale_x = self.columns / width if width > 0 else 0.0
        self.scale_y = self.rows / height if height > 0 else 0.0
        first_column, first_row = self._cells(boxes[:, 0], boxes[:, 1])
        last_column, last_row = self._cells(boxes[:, 2], boxes[:, 3])
        widths = last_column - first_column + 1
        counts = widths * (last_row - first_row + 1)
        grids = np.repeat(usable, counts)
        k = _ranks(counts)
        column = np.repeat(first_column, counts) + k % np.repeat(widths, counts)
        row = np.repeat(first_row, counts) + k // np.repeat(widths, counts)
        bucket = row * self.columns + column
        order = np.lexsort((grids, bucket))
        self.grids = grids[order]
        sizes = np.bincount(bucket, minlength=self.columns * self.rows)
        self.offsets = np.r_[0, np.cumsum(sizes)]
        # Python lists for one point at a time: indexing numpy arrays per call costs more.
        self._grid_list: list[int] = self.grids.tolist()
        self._offset_list: list[int] = self.offsets.tolist()

    def _cells(self, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        columns = ((xs - self.min_x) * self.scale_x).astype(np.int64)
        rows = ((ys - self.min_y) * self.scale_y).astype(np.int64)
        # The extent's top and right edges belong to the last bucket.
        return np.minimum(columns, self.columns - 1), np.minimum(rows, self.rows - 1)

    def listed_at(self, x: float, y: float) -> list[int]:
        """The grids listed in the bucket of one point, in ascending index; none outside."""
        if not (self.min_x <= x <= self.max_x and self.min_y <= y <= self.max_y):
            return []
        column = min(int((x - self.min_x) * self.scale_x), self.columns - 1)
        row = min(int((y - self.min_y) * self.scale_y), self.rows - 1)
        bucket = row * self.columns + column
        return self._grid_list[self._offset_list[bucket] : self._offset_list[bucket + 1]]

    def inside(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Indices of the points inside the grids' extent (edges included)."""
        return np.flatnonzero(
            (xs >= self.min_x) & (xs <= self.max_x) & (ys >= self.min_y) & (ys <= self.max_y)
        )

    def candidates(self, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(point index, grid index) pairs of points inside the extent and the grids listed in
        their bucket, by point, then by ascending grid index."""
        columns, rows = self._cells(xs, ys)
        bucket = rows * self.columns + columns
        starts = self.offsets[bucket]
        counts = self.offsets[bucket + 1] - starts
        pair_points = np.repeat(np.arange(len(xs)), counts)
        return pair_points, self.grids[np.repeat(starts, counts) + _ranks(counts)]


def _run_starts(sorted_values: np.ndarray) -> np.ndarray:
    """Mask of the first of each run of equal values."""
    return np.r_[True, sorted_values[1:] != sorted_values[:-1]][: len(sorted_values)]


def _ranks(counts: np.ndarray) -> np.ndarray:
    """0, 1, ... counts[i] - 1 for each i, concatenated."""
    total = int(counts.sum())
    return np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
