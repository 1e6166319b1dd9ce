import numpy as np
import pytest
import shapely
from pyproj import Geod

from gis.coords import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    point_to_wgs84,
    transform_geometry,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

GEOD = Geod(ellps="WGS84")

# wandergis/coordtransform, test/app.js: the point (116.404, 39.915) near Tiananmen, Beijing.
COORDTRANSFORM_WGS_TO_GCJ = ((116.404, 39.915), (116.41024449916938, 39.91640428150164))
COORDTRANSFORM_GCJ_TO_BD = ((116.404, 39.915), (116.41036949371029, 39.92133699351021))
COORDTRANSFORM_BD_TO_GCJ = ((116.404, 39.915), (116.39762729119315, 39.90865673957631))
# googollee/eviltransform, python/test.py: (wgs lon, wgs lat) -> (gcj lon, gcj lat).
EVILTRANSFORM_WGS_TO_GCJ = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
]


def china_lattice() -> tuple[np.ndarray, np.ndarray]:
    lons, lats = np.meshgrid(np.arange(73.0, 135.01, 0.5), np.arange(18.0, 53.51, 0.5))
    return lons.ravel(), lats.ravel()


def distance_m(lon_a, lat_a, lon_b, lat_b) -> np.ndarray:
    return GEOD.inv(lon_a, lat_a, lon_b, lat_b)[2]


def test_wgs84_to_gcj02_matches_coordtransform_tiananmen_vector():
    (lon, lat), expected = COORDTRANSFORM_WGS_TO_GCJ
    assert wgs84_to_gcj02(lon, lat) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(("wgs", "gcj"), EVILTRANSFORM_WGS_TO_GCJ)
def test_wgs84_to_gcj02_matches_eviltransform_city_vectors(wgs, gcj):
    assert wgs84_to_gcj02(*wgs) == pytest.approx(gcj, abs=1e-6)


@pytest.mark.parametrize(("wgs", "gcj"), EVILTRANSFORM_WGS_TO_GCJ)
def test_gcj02_to_wgs84_recovers_eviltransform_city_vectors_within_half_a_metre(wgs, gcj):
    lon, lat = gcj02_to_wgs84(*gcj)
    assert distance_m(lon, lat, *wgs) < 0.5


def test_gcj02_to_wgs84_inverts_the_tiananmen_vector():
    expected, (gcj_lon, gcj_lat) = COORDTRANSFORM_WGS_TO_GCJ
    lon, lat = gcj02_to_wgs84(gcj_lon, gcj_lat)
    assert distance_m(lon, lat, *expected) < 0.01


def test_gcj02_to_bd09_matches_coordtransform_vector():
    (lon, lat), expected = COORDTRANSFORM_GCJ_TO_BD
    assert gcj02_to_bd09(lon, lat) == pytest.approx(expected, abs=1e-9)


def test_bd09_to_gcj02_is_within_ten_centimetres_of_the_closed_form_vector():
    # Ours refines the usual closed-form inverse by iteration, so it may differ by centimetres.
    (lon, lat), expected = COORDTRANSFORM_BD_TO_GCJ
    assert distance_m(*bd09_to_gcj02(lon, lat), *expected) < 0.1


def test_wgs_gcj_wgs_round_trip_is_within_half_a_metre_across_china():
    lons, lats = china_lattice()
    back_lons, back_lats = gcj02_to_wgs84(*wgs84_to_gcj02(lons, lats))
    assert distance_m(lons, lats, back_lons, back_lats).max() < 0.5


def test_wgs_bd_wgs_round_trip_is_within_half_a_metre_across_china():
    lons, lats = china_lattice()
    back_lons, back_lats = bd09_to_wgs84(*wgs84_to_bd09(lons, lats))
    assert distance_m(lons, lats, back_lons, back_lats).max() < 0.5


def test_gcj02_shifts_points_in_china_by_hundreds_of_metres():
    lons, lats = china_lattice()
    shift = distance_m(lons, lats, *wgs84_to_gcj02(lons, lats))
    assert 50 < np.median(shift) < 1000


@pytest.mark.parametrize(
    "func",
    [wgs84_to_gcj02, gcj02_to_wgs84, gcj02_to_bd09, bd09_to_gcj02, wgs84_to_bd09, bd09_to_wgs84],
)
def test_points_outside_china_pass_unchanged(func):
    lons = np.array([2.35, -74.0, 151.2, 0.0])  # Paris, New York, Sydney, null island
    lats = np.array([48.85, 40.7, -33.9, 0.0])
    out_lons, out_lats = func(lons, lats)
    assert np.array_equal(out_lons, lons)
    assert np.array_equal(out_lats, lats)
    assert func(2.35, 48.85) == (2.35, 48.85)


def test_scalar_input_gives_floats_and_array_input_gives_arrays():
    lon, lat = wgs84_to_gcj02(116.404, 39.915)
    assert type(lon) is float and type(lat) is float
    lons, lats = wgs84_to_gcj02(np.array([116.404]), np.array([39.915]))
    assert isinstance(lons, np.ndarray) and lons.shape == (1,)
    assert isinstance(lats, np.ndarray) and lats.shape == (1,)


def test_nan_passes_through_without_error():
    lons, lats = gcj02_to_wgs84(np.array([np.nan, 116.4]), np.array([39.9, 39.9]))
    assert np.isnan(lons[0]) and np.isfinite(lons[1])
    assert lats[0] == 39.9


def test_transform_geometry_converts_every_vertex():
    square = shapely.box(123.8, 41.8, 123.81, 41.81)
    converted = transform_geometry(square, gcj02_to_wgs84)
    coords = shapely.get_coordinates(square)
    expected = np.column_stack(gcj02_to_wgs84(coords[:, 0], coords[:, 1]))
    assert np.allclose(shapely.get_coordinates(converted), expected, rtol=0, atol=1e-12)
    assert converted.geom_type == "Polygon"


def test_gcj_wgs_gcj_round_trip_is_within_half_a_metre_across_china():
    # The other direction: the iterated inverse, pushed forward again, lands on its input.
    lons, lats = china_lattice()
    again_lons, again_lats = wgs84_to_gcj02(*gcj02_to_wgs84(lons, lats))
    assert distance_m(lons, lats, again_lons, again_lats).max() < 0.5


def test_bd_wgs_bd_round_trip_is_within_half_a_metre_across_china():
    lons, lats = china_lattice()
    again_lons, again_lats = wgs84_to_bd09(*bd09_to_wgs84(lons, lats))
    assert distance_m(lons, lats, again_lons, again_lats).max() < 0.5


def test_the_lattice_covers_china_from_hainan_to_heilongjiang():
    lons, lats = china_lattice()
    assert lons.min() <= 73.5 and lons.max() >= 134.9
    assert lats.min() <= 18.2 and lats.max() >= 53.4
    assert len(lons) >= 9000  # every half degree


@pytest.mark.parametrize(
    ("crs", "convert"), [("gcj02", gcj02_to_wgs84), ("bd09", bd09_to_wgs84), ("wgs84", None)]
)
def test_point_to_wgs84_picks_the_conversion_by_name(crs, convert):
    lon, lat = point_to_wgs84(116.404, 39.915, crs)
    expected = (116.404, 39.915) if convert is None else convert(116.404, 39.915)
    assert (lon, lat) == pytest.approx(expected, abs=1e-12)
    assert type(lon) is float


def test_point_to_wgs84_refuses_an_unknown_system():
    with pytest.raises(ValueError, match="unknown crs"):
        point_to_wgs84(116.404, 39.915, "epsg:3857")
