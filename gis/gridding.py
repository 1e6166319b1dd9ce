"""Cutting a street into grids: square or hexagon lattices of a target area, or groups of about
N households that follow roads; every method tiles the street exactly (EPSG:4326 lon/lat)."""

import math
from collections.abc import Sequence

import numpy as np
import shapely
from shapely import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from gis.codes import make_grid_code
from gis.i18n import _
from gis.io import Boundary
from gis.measure import geodesic_area_m2

# The grid part of a code has three digits (GB/T 30428.1, `gis.codes`).
MAX_GRIDS_PER_COMMUNITY = 999


# Metres per degree on the WGS-84 ellipsoid at a latitude (series good to centimetres per degree).
def _metres_per_degree(lat: float) -> tuple[float, float]:
    phi = math.radians(lat)
    per_lat = 111_132.954 - 559.822 * math.cos(2 * phi) + 1.175 * math.cos(4 * phi)
    per_lon = 111_412.84 * math.cos(phi) - 93.5 * math.cos(3 * phi) + 0.118 * math.cos(5 * phi)
    return per_lon, per_lat


def lattice_cells_estimate(polygon: Polygon | MultiPolygon, *, cell_area_m2: float) -> int:
    """About how many cells `lattice_cut` makes of a lon/lat polygon, in microseconds: its area
    over the cell's (edge pieces under a third of a cell join a neighbour, larger ones count
    whole, and the two roughly cancel: within a tenth for a street)."""
    return math.ceil(geodesic_area_m2(polygon) / cell_area_m2)


def lattice_refusal(polygon: Polygon | MultiPolygon, *, cell_area_m2: float) -> str | None:
    """Why cutting a lon/lat polygon into cells of cell_area_m2 m² would make more grids than a
    community holds, or None; from the estimate, so a street is refused at once rather than
    after minutes of cutting."""
    estimate = lattice_cells_estimate(polygon, cell_area_m2=cell_area_m2)
    if estimate <= MAX_GRIDS_PER_COMMUNITY:
        return None
    area_m2 = geodesic_area_m2(polygon)
    # A tenth to spare for the edge pieces that count as cells of their own.
    least_m2 = math.ceil(area_m2 / (0.9 * MAX_GRIDS_PER_COMMUNITY) / 10_000) * 10_000
    return _(
        "{area_km2:,.1f} km² in cells of {cell_m2:,.0f} m² makes about {estimate:,} grids, "
        "more than the {most} a community holds: give --cell-area-m2 {least_m2} or more"
    ).format(
        area_km2=area_m2 / 1e6,
        cell_m2=cell_area_m2,
        estimate=estimate,
        most=MAX_GRIDS_PER_COMMUNITY,
        least_m2=least_m2,
    )


def lattice_cut(
    polygon: Polygon | MultiPolygon,
    *,
    cell_area_m2: float,
    shape: str = "square",
    min_share: float = 0.3,
) -> list[Polygon]:
    """Cut a lon/lat polygon (EPSG:4326) into square or hexagon cells of about cell_area_m2 m².

    The lattice is laid on the polygon's bounds and clipped to it; clipped cells smaller than
    min_share of a full cell (edge slivers) join the neighbour they share the longest border
    with, so cells along the edge are between min_share and about 1 + min_share of the target.
    The cells tile the polygon exactly. Vertices come from integer lattice indices, so cells
    that share an edge share its exact coordinates.
    """
    if cell_area_m2 <= 0:
        raise ValueError(f"cell_area_m2 must be positive, not {cell_area_m2}")
    if shape not in ("square", "hex"):
        raise ValueError(f"shape must be square or hex, not {shape!r}")
    if polygon.is_empty:
        raise ValueError("cannot cut an empty polygon")
    min_x, min_y, max_x, max_y = polygon.bounds
    per_lon, per_lat = _metres_per_degree((min_y + max_y) / 2)
    width_m, height_m = (max_x - min_x) * per_lon, (max_y - min_y) * per_lat
    if shape == "square":
        side = math.sqrt(cell_area_m2)
        step_x, step_y = side, side
        columns, rows = math.ceil(width_m / side) + 1, math.ceil(height_m / side) + 1
        cells_ij = _square_cells(columns, rows)
    else:
        # Pointy-top hexagons of side s: area 3√3/2 s², columns √3 s apart, rows 1.5 s apart.
        side = math.sqrt(2 * cell_area_m2 / (3 * math.sqrt(3)))
        step_x, step_y = math.sqrt(3) * side / 2, side / 2  # half-column, half-side units
        columns = math.ceil(width_m / (math.sqrt(3) * side)) + 2
        rows = math.ceil(height_m / (1.5 * side)) + 2
        cells_ij = _hex_cells(columns, rows)
    # Start half a cell west and south of the bounds so the lattice covers the whole polygon.
    origin_x = min_x - step_x / per_lon
    origin_y = min_y - step_y / per_lat
    cells = shapely.polygons(
        [
            [(origin_x + i * step_x / per_lon, origin_y + j * step_y / per_lat) for i, j in ring]
            for ring in cells_ij
        ]
    )
    tree = shapely.STRtree(cells)
    clipped = shapely.intersection(cells[tree.query(polygon, predicate="intersects")], polygon)
    pieces = [
        part
        for part in shapely.get_parts(clipped)
        if part.geom_type == "Polygon" and not part.is_empty
    ]
    per_deg2 = per_lon * per_lat
    return merge_small_cells(pieces, min_area=min_share * cell_area_m2 / per_deg2)


def _square_cells(columns: int, rows: int) -> list[list[tuple[int, int]]]:
    return [
        [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1), (i, j)]
        for j in range(rows)
        for i in range(columns)
    ]


def _hex_cells(columns: int, rows: int) -> list[list[tuple[int, int]]]:
    # In units of (√3 s / 2, s / 2): a centre at (2i + j % 2, 3j) has its six corners at
    # (±1, ±1) and (0, ±2); integers, so neighbours compute identical corner coordinates.
    cells = []
    for j in range(rows):
        for i in range(columns):
            cx, cy = 2 * i + j % 2, 3 * j
            ring = [(cx, cy - 2), (cx + 1, cy - 1), (cx + 1, cy + 1), (cx, cy + 2)]
            ring += [(cx - 1, cy + 1), (cx - 1, cy - 1), (cx, cy - 2)]
            cells.append(ring)
    return cells


def merge_small_cells(cells: list[Polygon], *, min_area: float) -> list[Polygon]:
    """Join each cell under min_area (in the cells' own units) to the neighbour it shares the
    longest border with, smallest first; cells with no neighbour along an edge stay."""
    cells = list(cells)
    while True:
        areas = np.array([cell.area for cell in cells])
        candidates = [int(k) for k in np.argsort(areas, kind="stable") if areas[k] < min_area]
        for small in candidates:
            shared = shapely.length(
                shapely.intersection(
                    shapely.boundary(np.array(cells, dtype=object)), cells[small].boundary
                )
            )
            shared[small] = 0.0
            if shared.max() <= 0:
                continue
            target = int(np.argmax(shared))
            cells[target] = shapely.union(cells[target], cells[small])
            del cells[small]
            break
        else:
            return cells


def households_cut(
    polygon: Polygon | MultiPolygon,
    lons: np.ndarray,
    lats: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    households_per_grid: float = 400,
    roads: BaseGeometry | None = None,
    min_share: float = 0.5,
) -> list[tuple[Polygon, float]]:
    """Cut a lon/lat polygon into cells of about households_per_grid households each.

    Household (or building, weighted) points in EPSG:4326. With roads (lines), the polygon is
    first split into blocks along them, so cells follow roads. Each block with k ≈ its
    households / households_per_grid > 1 is cut by recursive bisection: along its longer side
    (in metres), at the weighted quantile that leaves round(k/2)·N households on one side.
    Then cells with fewer than min_share × N households join the neighbour they share the
    longest border with. Returns (cell, households) pairs that tile the polygon exactly.
    """
    if households_per_grid <= 0:
        raise ValueError(f"households_per_grid must be positive, not {households_per_grid}")
    lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    weights = np.ones(len(lons)) if weights is None else np.asarray(weights, dtype=float)
    inside = shapely.contains_xy(polygon, lons, lats)
    lons, lats, weights = lons[inside], lats[inside], weights[inside]
    per_lon, per_lat = _metres_per_degree(polygon.centroid.y)
    blocks = split_by_lines(polygon, roads) if roads is not None else _parts(polygon)
    cells: list[Polygon] = []
    for block in blocks:
        mine = shapely.contains_xy(block, lons, lats)
        total = float(weights[mine].sum())
        k = max(1, round(total / households_per_grid))
        cells.extend(_bisect(block, lons[mine], lats[mine], weights[mine], k, (per_lon, per_lat)))
    # Points on a cut line would count twice with covers(); each point counts once, in the
    # first cell that covers it.
    counts = _households_in(cells, lons, lats, weights)
    road_band = None if roads is None else shapely.buffer(roads, 1e-7)  # about a centimetre
    cells, counts = _merge_light_cells(cells, counts, min_share * households_per_grid, road_band)
    return list(zip(cells, counts, strict=True))


def _parts(polygon: Polygon | MultiPolygon) -> list[Polygon]:
    return [p for p in shapely.get_parts(polygon) if not p.is_empty]


def split_by_lines(polygon: Polygon | MultiPolygon, lines: BaseGeometry) -> list[Polygon]:
    """The pieces of a polygon cut along lines (roads, rivers) that cross it; same CRS."""
    # Node whole lines with the outline: a line clipped first ends at a computed point that
    # may miss the outline by a rounding error and then split nothing.
    noded = shapely.union_all([shapely.boundary(polygon), lines])
    pieces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    # polygonize also fills holes of the polygon: keep only the pieces that lie inside it.
    inside = shapely.contains_xy(
        polygon, *shapely.get_coordinates(shapely.point_on_surface(pieces)).T
    )
    return [p for p, keep in zip(pieces, inside, strict=True) if keep] or _parts(polygon)


def _bisect(
    block: Polygon,
    lons: np.ndarray,
    lats: np.ndarray,
    weights: np.ndarray,
    k: int,
    scale: tuple[float, float],
) -> list[Polygon]:
    if k <= 1 or len(lons) < 2:
        return [block]
    min_x, min_y, max_x, max_y = block.bounds
    along_x = (max_x - min_x) * scale[0] >= (max_y - min_y) * scale[1]
    values = lons if along_x else lats
    order = np.argsort(values, kind="stable")
    share = (k // 2) / k
    cumulative = np.cumsum(weights[order])
    split = int(np.searchsorted(cumulative, share * cumulative[-1]))
    split = min(max(split, 0), len(order) - 2)
    # Cut halfway between two neighbouring points, so no point lies on the line.
    cut = (values[order[split]] + values[order[split + 1]]) / 2
    if not (values.min() < cut < values.max()):
        return [block]
    pad = 1.0
    if along_x:
        low = shapely.box(min_x - pad, min_y - pad, cut, max_y + pad)
        high = shapely.box(cut, min_y - pad, max_x + pad, max_y + pad)
    else:
        low = shapely.box(min_x - pad, min_y - pad, max_x + pad, cut)
        high = shapely.box(min_x - pad, cut, max_x + pad, max_y + pad)
    result: list[Polygon] = []
    for half, side, parts in ((low, values < cut, k // 2), (high, values > cut, k - k // 2)):
        piece = shapely.intersection(block, half)
        for part in _parts(piece):
            if part.geom_type != "Polygon":
                continue
            mine = side & shapely.contains_xy(part, lons, lats)
            # A concave block cut in two pieces on one side: each piece gets its share.
            share_of = weights[mine].sum() / max(weights[side].sum(), 1e-12)
            result.extend(
                _bisect(
                    part,
                    lons[mine],
                    lats[mine],
                    weights[mine],
                    max(1, round(parts * share_of)),
                    scale,
                )
            )
    return result


def _households_in(
    cells: list[Polygon], lons: np.ndarray, lats: np.ndarray, weights: np.ndarray
) -> list[float]:
    counts = [0.0] * len(cells)
    if len(lons) == 0:
        return counts
    points = shapely.points(lons, lats)
    point_index, cell_index = shapely.STRtree(cells).query(points, predicate="intersects")
    seen = np.zeros(len(lons), dtype=bool)
    for p, c in zip(point_index, cell_index, strict=True):
        if not seen[p]:
            seen[p] = True
            counts[c] += float(weights[p])
    return counts


def _merge_light_cells(
    cells: list[Polygon],
    counts: list[float],
    min_households: float,
    road_band: BaseGeometry | None,
) -> tuple[list[Polygon], list[float]]:
    cells, counts = list(cells), list(counts)
    while len(cells) > 1:
        order = np.argsort(counts, kind="stable")
        for small in order:
            small = int(small)
            if counts[small] >= min_households:
                return cells, counts
            borders = shapely.intersection(
                shapely.boundary(np.array(cells, dtype=object)), cells[small].boundary
            )
            shared = shapely.length(borders)
            shared[small] = 0.0
            if shared.max() <= 0:
                continue
            if road_band is not None:
                # Prefer a neighbour in the same block: a border along a road counts only
                # when there is no other.
                off_road = shapely.length(shapely.difference(borders, road_band))
                off_road[small] = 0.0
                if off_road.max() > 0:
                    shared = off_road
            target = int(np.argmax(shared))
            cells[target] = shapely.union(cells[target], cells[small])
            counts[target] += counts[small]
            del cells[small], counts[small]
            break
        else:
            return cells, counts
    return cells, counts


def coded_grids(
    street_code: str,
    cells: Sequence[BaseGeometry],
    *,
    households: Sequence[float] | None = None,
    community: int = 1,
    name_prefix: str = "",
) -> list[Boundary]:
    """Grids with GB/T 30428.1 codes (street + community + sequence) for cells of one street.

    Numbered north to south, then west to east (by centre, to about 100 m rows), the way
    people read a map; at most 999 grids per community.
    """
    if len(cells) > MAX_GRIDS_PER_COMMUNITY:
        message = _("{count} cells: a community holds at most {most} grids")
        raise ValueError(message.format(count=len(cells), most=MAX_GRIDS_PER_COMMUNITY))
    order = sorted(
        range(len(cells)),
        key=lambda k: (-round(cells[k].centroid.y, 3), cells[k].centroid.x),
    )
    grids = []
    for seq, k in enumerate(order, start=1):
        properties: dict = {"community": f"{community:02d}"}
        if households is not None:
            properties["households"] = round(households[k])
        geometry = cells[k]
        if geometry.geom_type == "Polygon":
            geometry = MultiPolygon([geometry])
        grids.append(
            Boundary(
                make_grid_code(street_code, community, seq),
                f"{name_prefix}第{seq}网格",
                geometry,
                properties,
                seq,  # the feature number once written: grids are written in code order
            )
        )
    return grids
