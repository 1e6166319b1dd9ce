"""Generating irregular cells (fictional streets and grids) that tile a polygon exactly."""

import math

import numpy as np
import shapely
from shapely import MultiPolygon, Polygon


def voronoi_cut(
    polygon: Polygon | MultiPolygon, n: int, *, seed: int, relax_steps: int = 2
) -> list[Polygon]:
    """Cut a lon/lat polygon into n single-part Voronoi cells that tile it exactly (EPSG:4326).

    Seeds are drawn uniformly inside the polygon with numpy's default_rng(seed), then moved to
    their cells' centres relax_steps times (Lloyd) so the cells come out of similar size. A cell
    that the polygon's outline splits into pieces keeps its largest piece; each smaller piece
    joins the neighbour it shares the longest border with. The result is deterministic for a
    given seed and ordered as the seeds were drawn.
    """
    polygon = _single_polygon(polygon)
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    if n == 1:
        return [polygon]
    shapely.prepare(polygon)
    rng = np.random.default_rng(seed)
    # Degrees of longitude shrink with cos(lat): Voronoi in raw degrees would stretch cells
    # north-south, so the diagram is built on x scaled to roughly equal metres.
    x_scale = math.cos(math.radians(polygon.centroid.y))
    seeds = _sample_inside(polygon, n, rng)
    for _ in range(relax_steps):
        seeds = _cell_centres(polygon, _clipped_cells(polygon, seeds, x_scale))
    cells = _clipped_cells(polygon, seeds, x_scale)
    return _merge_stray_pieces(list(cells))


def _single_polygon(polygon: Polygon | MultiPolygon) -> Polygon:
    if polygon.geom_type == "MultiPolygon" and len(polygon.geoms) == 1:
        polygon = polygon.geoms[0]
    if polygon.geom_type != "Polygon" or polygon.is_empty:
        # Islands would each need their own cells; nothing in gridgov needs that yet.
        raise ValueError(f"voronoi_cut needs one non-empty Polygon, not {polygon.geom_type}")
    return polygon


def _sample_inside(polygon: Polygon, n: int, rng: np.random.Generator) -> np.ndarray:
    min_x, min_y, max_x, max_y = polygon.bounds
    found: list[np.ndarray] = []
    count = 0
    while count < n:
        batch = rng.uniform((min_x, min_y), (max_x, max_y), size=(max(2 * n, 64), 2))
        inside = batch[shapely.contains_xy(polygon, batch[:, 0], batch[:, 1])]
        found.append(inside)
        count += len(inside)
    return np.concatenate(found)[:n]


def _clipped_cells(polygon: Polygon, seeds: np.ndarray, x_scale: float) -> np.ndarray:
    scale = np.array([x_scale, 1.0])
    min_x, min_y, max_x, max_y = polygon.bounds
    frame = shapely.box(min_x * x_scale, min_y, max_x * x_scale, max_y).buffer(1.0)
    regions = shapely.voronoi_polygons(
        shapely.multipoints(seeds * scale), extend_to=frame, ordered=True
    )
    cells = shapely.transform(shapely.get_parts(regions), lambda xy: xy / scale)
    return shapely.intersection(cells, polygon)


def _cell_centres(polygon: Polygon, cells: np.ndarray) -> np.ndarray:
    centres = shapely.get_coordinates(shapely.centroid(cells))
    # A concave cell's centroid can fall outside the polygon; its seed would then own nothing.
    outside = ~shapely.contains_xy(polygon, centres[:, 0], centres[:, 1])
    if outside.any():
        centres[outside] = shapely.get_coordinates(shapely.point_on_surface(cells[outside]))
    return centres


def _merge_stray_pieces(cells: list) -> list[Polygon]:
    for i in range(len(cells)):
        if cells[i].geom_type == "Polygon":
            continue
        pieces = sorted(shapely.get_parts(cells[i]), key=lambda p: p.area, reverse=True)
        cells[i] = pieces[0]
        for piece in pieces[1:]:
            j = _longest_border_neighbour(cells, i, piece)
            cells[j] = shapely.union(cells[j], piece)
    if any(cell.geom_type != "Polygon" for cell in cells):
        # A piece touching its neighbour only at a point would leave a MultiPolygon: go again.
        return _merge_stray_pieces(cells)
    return cells


def _longest_border_neighbour(cells: list, own: int, piece: Polygon) -> int:
    shared = shapely.length(
        shapely.intersection(shapely.boundary(np.array(cells, dtype=object)), piece.boundary)
    )
    shared[own] = -1.0
    return int(np.argmax(shared))
