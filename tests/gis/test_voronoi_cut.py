import itertools

import pytest
import shapely

from gis.generate import voronoi_cut

# A comb: cells straddling its teeth are cut into pieces that must be merged back.
COMB = shapely.Polygon(
    [
        (0, 0),
        (10, 0),
        (10, 10),
        (8, 10),
        (8, 1),
        (6, 1),
        (6, 10),
        (4, 10),
        (4, 1),
        (2, 1),
        (2, 10),
        (0, 10),
    ]
)
LON_LAT_AREA = shapely.Polygon(
    [(123.70, 41.80), (123.95, 41.81), (123.93, 41.90), (123.80, 41.88), (123.72, 41.90)]
)


def assert_tiles_exactly(polygon, cells) -> None:
    assert abs(shapely.union_all(cells).area - polygon.area) / polygon.area < 1e-9
    assert abs(sum(c.area for c in cells) - polygon.area) / polygon.area < 1e-9
    for a, b in itertools.combinations(cells, 2):
        assert shapely.intersection(a, b).area < 1e-12 * polygon.area


@pytest.mark.parametrize("n", [2, 7, 30])
def test_cells_cover_the_polygon_without_gaps_or_overlaps(n):
    cells = voronoi_cut(LON_LAT_AREA, n, seed=1)
    assert len(cells) == n
    assert_tiles_exactly(LON_LAT_AREA, cells)


@pytest.mark.parametrize("seed", range(10))
def test_pieces_cut_off_by_a_concave_outline_are_merged_into_single_polygons(seed):
    cells = voronoi_cut(COMB, 4, seed=seed)
    assert all(c.geom_type == "Polygon" and c.is_valid for c in cells)
    assert_tiles_exactly(COMB, cells)


def test_same_seed_gives_the_same_cells():
    first = voronoi_cut(LON_LAT_AREA, 12, seed=42)
    again = voronoi_cut(LON_LAT_AREA, 12, seed=42)
    assert all(a.equals_exact(b, 0) for a, b in zip(first, again, strict=True))


def test_different_seeds_give_different_cells():
    first = voronoi_cut(LON_LAT_AREA, 12, seed=1)
    other = voronoi_cut(LON_LAT_AREA, 12, seed=2)
    assert not all(a.equals(b) for a, b in zip(first, other, strict=True))


def test_lloyd_relaxation_evens_out_cell_sizes():
    def spread(cells) -> float:
        areas = [c.area for c in cells]
        return max(areas) / min(areas)

    raw = voronoi_cut(LON_LAT_AREA, 20, seed=4, relax_steps=0)
    relaxed = voronoi_cut(LON_LAT_AREA, 20, seed=4, relax_steps=10)
    assert spread(relaxed) < spread(raw)


def test_one_cell_is_the_polygon_itself():
    assert voronoi_cut(LON_LAT_AREA, 1, seed=0) == [LON_LAT_AREA]


def test_multipart_polygon_is_rejected():
    islands = shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 0, 3, 1)])
    with pytest.raises(ValueError):
        voronoi_cut(islands, 3, seed=0)
