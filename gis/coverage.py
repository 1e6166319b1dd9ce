"""Keeping a set of polygons that tile (grids, streets) tiled once written: neighbours are made
to share every vertex of their common edges, so rounding or reprojecting each vertex on its own
moves both sides of an edge alike (EPSG:4326 lon/lat in and out)."""

from collections.abc import Sequence

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

from gis.tolerances import NODE_SNAP_DEG


def coverage_noded(geometries: Sequence[BaseGeometry | None] | np.ndarray) -> np.ndarray:
    """Each polygon with the vertices of its neighbours that lie on its edges inserted there.

    A vertex of one grid on a neighbour's edge (a T-junction, as a clip or a bisection leaves)
    is exact only while nothing moves: rounded to 7 decimals or projected point by point it
    leaves the neighbour's straight edge and opens an overlap or a gap. Inserted into the
    neighbour too, it moves with both. None and empty geometries pass through.
    """
    array = np.asarray(geometries, dtype=object)
    result = array.copy()
    present = np.flatnonzero(~(shapely.is_missing(array) | shapely.is_empty(array)))
    if len(present) < 2:
        return result
    shapes = array[present]
    tree = STRtree(shapes)
    # Not "intersects": neighbours cut apart (two streets' grids) may miss touching by 1e-15°.
    left, right = tree.query(shapes, predicate="dwithin", distance=NODE_SNAP_DEG)
    keep = left != right
    left, right = left[keep], right[keep]
    coordinates, owner = shapely.get_coordinates(shapes, return_index=True)
    starts = np.searchsorted(owner, np.arange(len(shapes) + 1))
    order = np.argsort(left, kind="stable")
    left, right = left[order], right[order]
    bounds = np.searchsorted(left, np.arange(len(shapes) + 1))
    for position in range(len(shapes)):
        neighbours = right[bounds[position] : bounds[position + 1]]
        if len(neighbours) == 0:
            continue
        points = np.concatenate([coordinates[starts[n] : starts[n + 1]] for n in neighbours])
        snapped = shapely.snap(shapes[position], shapely.multipoints(points), NODE_SNAP_DEG)
        # GEOS snapping can fold a ring in a corner case; the drawing as it was is then better.
        if snapped.is_valid:
            result[present[position]] = snapped
    return result


def coverage_rounded(
    geometries: Sequence[BaseGeometry | None] | np.ndarray, decimals: int
) -> np.ndarray:
    """Noded polygons with every coordinate rounded to `decimals`, as a writer would round them.

    Rounding the same vertex gives the same result in every polygon that holds it, so shared
    edges stay shared. A polygon that rounding makes invalid (a spike thinner than the step)
    is snap-rounded by GEOS instead, which keeps it valid on the same grid.
    """
    noded = coverage_noded(geometries)
    rounded = shapely.transform(noded, lambda xy: np.round(xy, decimals))
    invalid = np.flatnonzero(~shapely.is_valid(rounded) & ~shapely.is_missing(rounded))
    if len(invalid):
        rounded[invalid] = shapely.set_precision(noded[invalid], 10.0**-decimals)
    return rounded
