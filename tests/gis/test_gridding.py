"""gis.gridding: every method cuts a street into grids that cover it exactly, with DOMAIN codes."""

import itertools

import numpy as np
import pytest
import shapely

from gis.check import check_boundaries
from gis.codes import code_problem
from gis.demo import build_demo_zone
from gis.gridding import coded_grids, households_cut, lattice_cut, split_by_lines
from gis.io import Boundary
from gis.measure import geodesic_area_m2


@pytest.fixture(scope="module")
def street() -> Boundary:
    """The demo zone's first street: about 26 km² of real, irregular outline."""
    return build_demo_zone().streets[0]


def assert_covers_exactly(polygon, cells) -> None:
    union = shapely.union_all(cells)
    assert abs(union.area - polygon.area) / polygon.area < 1e-9
    assert abs(sum(c.area for c in cells) - polygon.area) / polygon.area < 1e-9
    assert shapely.symmetric_difference(union, polygon).area < 1e-9 * polygon.area
    tree = shapely.STRtree(cells)
    for a, b in zip(*tree.query(cells, predicate="intersects"), strict=True):
        if a < b:
            assert shapely.intersection(cells[a], cells[b]).area < 1e-12 * polygon.area
    assert all(c.is_valid for c in cells)


def household_points(polygon, n: int, seed: int):
    rng = np.random.default_rng(seed)
    min_x, min_y, max_x, max_y = polygon.bounds
    xy = rng.uniform((min_x, min_y), (max_x, max_y), size=(n, 2))
    return xy[:, 0], xy[:, 1], rng.integers(1, 30, size=n).astype(float)


@pytest.mark.parametrize("shape", ["square", "hex"])
def test_lattice_cells_cover_the_street_exactly(street, shape):
    cells = lattice_cut(street.geometry, cell_area_m2=400_000, shape=shape)
    assert_covers_exactly(street.geometry, cells)
    areas = np.array([geodesic_area_m2(c) for c in cells])
    # Edge slivers under 30% of a cell were merged into neighbours.
    assert areas.min() >= 0.3 * 400_000 * 0.99
    assert np.median(areas) == pytest.approx(400_000, rel=0.02)


@pytest.mark.parametrize("shape", ["square", "hex"])
def test_lattice_cells_on_a_plain_box_are_the_target_size(shape):
    square = shapely.box(123.80, 41.80, 123.85, 41.84)
    cells = lattice_cut(square, cell_area_m2=250_000, shape=shape)
    assert_covers_exactly(square, cells)
    inner = [geodesic_area_m2(c) for c in cells if not c.intersects(square.exterior)]
    assert inner and all(a == pytest.approx(250_000, rel=0.01) for a in inner)


def test_lattice_refuses_a_bad_size_or_shape(street):
    with pytest.raises(ValueError):
        lattice_cut(street.geometry, cell_area_m2=0)
    with pytest.raises(ValueError):
        lattice_cut(street.geometry, cell_area_m2=1000, shape="triangle")


def test_household_grids_cover_the_street_exactly_with_about_n_households(street):
    lons, lats, weights = household_points(street.geometry, 8000, seed=1)
    result = households_cut(street.geometry, lons, lats, weights, households_per_grid=400)
    cells = [cell for cell, _ in result]
    assert_covers_exactly(street.geometry, cells)
    counts = np.array([households for _, households in result])
    inside = shapely.contains_xy(street.geometry, lons, lats)
    assert counts.sum() == pytest.approx(weights[inside].sum())
    assert counts.min() >= 200 and counts.max() <= 650
    assert np.median(counts) == pytest.approx(400, rel=0.15)


def test_household_grids_follow_roads(street):
    min_x, min_y, max_x, max_y = street.geometry.bounds
    mid_x, mid_y = (min_x + max_x) / 2, (min_y + max_y) / 2
    roads = shapely.MultiLineString(
        [
            [(min_x - 0.01, mid_y), (max_x + 0.01, mid_y + 0.01)],
            [(mid_x, min_y - 0.01), (mid_x + 0.005, max_y + 0.01)],
        ]
    )
    lons, lats, weights = household_points(street.geometry, 8000, seed=2)
    result = households_cut(
        street.geometry, lons, lats, weights, households_per_grid=400, roads=roads
    )
    cells = [cell for cell, _ in result]
    assert_covers_exactly(street.geometry, cells)
    # No grid has a road through it (a centimetre in from its edges).
    assert all(shapely.length(shapely.intersection(c.buffer(-1e-7), roads)) == 0 for c in cells)


def test_roads_split_a_polygon_into_blocks():
    square = shapely.box(0, 0, 10, 10)
    cross = shapely.MultiLineString([[(-1, 5), (11, 5)], [(5, -1), (5, 11)]])
    blocks = split_by_lines(square, cross)
    assert sorted(b.area for b in blocks) == [25, 25, 25, 25]


def test_empty_street_is_one_grid_with_no_households():
    square = shapely.box(123.80, 41.80, 123.81, 41.81)
    [(cell, households)] = households_cut(square, [], [], households_per_grid=400)
    assert cell.equals(square) and households == 0


def test_coded_grids_number_north_to_south_with_valid_unique_codes(street):
    cells = lattice_cut(street.geometry, cell_area_m2=1_000_000, shape="square")
    grids = coded_grids(street.code, cells, community=2, name_prefix="启明")
    codes = [g.code for g in grids]
    assert all(code_problem(c, "grid") is None for c in codes) and len(set(codes)) == len(codes)
    assert codes[0] == f"{street.code}02001" and grids[0].name == "启明第1网格"
    assert grids[0].geometry.centroid.y >= grids[-1].geometry.centroid.y
    report = check_boundaries(grids, [street])
    assert [p.kind for p in report.errors] == []


def test_more_than_999_cells_is_refused():
    cells = [shapely.box(i, 0, i + 1, 1) for i in range(1000)]
    with pytest.raises(ValueError):
        coded_grids("210404001", cells)


def test_cells_never_overlap_pairwise_on_a_small_example():
    square = shapely.box(123.80, 41.80, 123.82, 41.81)
    cells = lattice_cut(square, cell_area_m2=100_000, shape="hex")
    for a, b in itertools.combinations(cells, 2):
        assert shapely.intersection(a, b).area < 1e-15
