import numpy as np
import pytest
import shapely

from gis.generate import voronoi_cut
from gis.measure import areas_m2, geodesic_area_m2


def test_areas_of_many_grids_at_once_equal_their_geodesic_areas():
    cells = voronoi_cut(shapely.box(123.7, 41.8, 123.9, 41.9), 40, seed=3)
    big = shapely.box(100.0, 20.0, 101.0, 20.75)
    expected = [geodesic_area_m2(g) for g in [*cells, big]]
    assert areas_m2(cells) == pytest.approx(expected[:-1], rel=1e-6)
    assert areas_m2([big])[0] == pytest.approx(expected[-1], rel=1e-4)


def test_areas_of_no_geometries_is_an_empty_array():
    assert areas_m2([]).shape == (0,)
    assert areas_m2(np.array([], dtype=object)).dtype == np.float64
