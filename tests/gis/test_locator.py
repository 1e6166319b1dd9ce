import numpy as np
import pytest
import shapely

from gis.generate import voronoi_cut
from gis.locator import GridLocator

# A 2x2 block of unit squares; codes given out of order so input order cannot decide ties.
SQUARES = {
    "21040400101004": shapely.box(1, 1, 2, 2),
    "21040400101002": shapely.box(1, 0, 2, 1),
    "21040400101003": shapely.box(0, 1, 1, 2),
    "21040400101001": shapely.box(0, 0, 1, 1),
}


def block_locator() -> GridLocator:
    return GridLocator(list(SQUARES), list(SQUARES.values()))


def test_representative_point_of_each_polygon_returns_its_code():
    cells = voronoi_cut(shapely.box(123.7, 41.8, 123.9, 41.9), 50, seed=3)
    codes = [f"2104040010{i:04d}" for i in range(len(cells))]
    locator = GridLocator(codes, cells)
    for code, cell in zip(codes, cells, strict=True):
        point = cell.representative_point()
        assert locator.locate(point.x, point.y) == code


def test_point_on_shared_edge_belongs_to_lower_code():
    locator = block_locator()
    assert locator.locate(1.0, 0.5) == "21040400101001"
    assert locator.locate(1.5, 1.0) == "21040400101002"
    assert list(locator.locate_many(np.array([1.0, 1.5]), np.array([0.5, 1.0]))) == [
        "21040400101001",
        "21040400101002",
    ]


def test_point_on_shared_vertex_belongs_to_lowest_code():
    locator = block_locator()
    assert locator.locate(1.0, 1.0) == "21040400101001"
    assert locator.locate_many(np.array([1.0]), np.array([1.0]))[0] == "21040400101001"


def test_point_on_outer_border_is_not_lost():
    locator = block_locator()
    assert locator.locate(2.0, 1.5) == "21040400101004"
    assert locator.locate(0.0, 0.0) == "21040400101001"


def test_point_outside_every_grid_is_none():
    locator = block_locator()
    assert locator.locate(5.0, 5.0) is None
    assert locator.locate_many(np.array([5.0, -1.0]), np.array([5.0, 0.5])).tolist() == [None, None]


@pytest.mark.parametrize(("lon", "lat"), [(np.nan, 0.5), (0.5, np.nan), (np.inf, 0.5)])
def test_nan_or_infinite_input_is_none_not_an_error(lon, lat):
    locator = block_locator()
    assert locator.locate(lon, lat) is None
    assert locator.locate_many(np.array([lon, 0.5]), np.array([lat, 0.5])).tolist() == [
        None,
        "21040400101001",
    ]


def test_vectorised_result_equals_per_point_result_on_random_points():
    cells = voronoi_cut(shapely.box(0, 0, 1, 1), 200, seed=11)
    codes = [f"21040400{i % 9 + 1}{i:05d}" for i in range(len(cells))]
    locator = GridLocator(codes, cells)
    rng = np.random.default_rng(5)
    lons, lats = rng.uniform(-0.1, 1.1, 5000), rng.uniform(-0.1, 1.1, 5000)
    # Shared vertices are where ties happen: include every vertex of every cell.
    vertices = shapely.get_coordinates(cells)
    lons, lats = np.r_[lons, vertices[:, 0]], np.r_[lats, vertices[:, 1]]
    many = locator.locate_many(lons, lats)
    single = [locator.locate(x, y) for x, y in zip(lons, lats, strict=True)]
    assert many.dtype == object
    assert many.tolist() == single
    assert sum(code is None for code in single) > 0


def test_locate_many_keeps_the_input_shape():
    result = block_locator().locate_many(np.full((2, 3), 0.5), np.full((2, 3), 0.5))
    assert result.shape == (2, 3) and set(result.ravel()) == {"21040400101001"}


def test_length_codes_and_bounds_describe_the_grids():
    locator = block_locator()
    assert len(locator) == 4
    assert locator.codes == sorted(SQUARES)
    assert locator.bounds == (0.0, 0.0, 2.0, 2.0)


def test_mismatched_codes_and_polygons_are_rejected():
    with pytest.raises(ValueError):
        GridLocator(["21040400101001"], [])


def test_a_far_off_grid_does_not_change_the_vectorised_answers():
    # One grid far away stretches the extent until all the others share a bucket: the batch
    # then takes another road, which must give the same answers, ties included.
    cells = voronoi_cut(shapely.box(0, 0, 1, 1), 200, seed=11)
    cells.append(shapely.box(1000, 1000, 1001, 1001))
    codes = [f"21040400{i % 9 + 1}{i:05d}" for i in range(len(cells))]
    locator = GridLocator(codes, cells)
    rng = np.random.default_rng(6)
    vertices = shapely.get_coordinates(cells)
    lons = np.r_[rng.uniform(-0.1, 1.1, 2000), vertices[:, 0], 1000.5, np.nan]
    lats = np.r_[rng.uniform(-0.1, 1.1, 2000), vertices[:, 1], 1000.5, 0.5]
    single = [locator.locate(x, y) for x, y in zip(lons, lats, strict=True)]
    assert locator.locate_many(lons, lats).tolist() == single
    assert single[-2] == codes[-1] and single[-1] is None


def test_a_batch_larger_than_one_chunk_is_answered_whole():
    # Past a quarter of a million points the batch is looked up in chunks.
    lons = np.tile([0.5, 1.5, 0.5, 1.5, 5.0], 60_000)
    lats = np.tile([0.5, 0.5, 1.5, 1.5, 0.5], 60_000)
    result = block_locator().locate_many(lons, lats)
    expected = ["21040400101001", "21040400101002", "21040400101003", "21040400101004", None]
    assert result.tolist() == expected * 60_000


def test_an_empty_polygon_is_never_the_answer():
    locator = GridLocator(["21040400101000", *SQUARES], [shapely.Polygon(), *SQUARES.values()])
    assert locator.locate(0.5, 0.5) == "21040400101001"
    assert locator.locate_many(np.array([0.5, 9.0]), np.array([0.5, 9.0])).tolist() == [
        "21040400101001",
        None,
    ]


def test_lookups_equal_a_search_of_every_grid_in_code_order():
    cells = voronoi_cut(shapely.box(0, 0, 1, 1), 60, seed=4)
    codes = [f"21040400{i % 9 + 1}{i:05d}" for i in range(len(cells))]
    locator = GridLocator(codes, cells)
    by_code = sorted(zip(codes, cells, strict=True))
    rng = np.random.default_rng(8)
    vertices = shapely.get_coordinates(cells)
    lons = np.r_[rng.uniform(-0.1, 1.1, 500), vertices[:, 0]]
    lats = np.r_[rng.uniform(-0.1, 1.1, 500), vertices[:, 1]]

    def searched(lon: float, lat: float) -> str | None:
        point = shapely.Point(lon, lat)
        return next((code for code, cell in by_code if cell.intersects(point)), None)

    expected = [searched(x, y) for x, y in zip(lons, lats, strict=True)]
    assert [locator.locate(x, y) for x, y in zip(lons, lats, strict=True)] == expected
    assert locator.locate_many(lons, lats).tolist() == expected
