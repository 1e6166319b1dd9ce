"""GET /locate?crs=: points from Chinese map SDKs are converted to WGS-84 before the lookup."""

import pytest

from gis.coords import wgs84_to_bd09, wgs84_to_gcj02
from tests.conftest import WEST, ApiClient, grid_code

IN_1_01 = (123.805, 41.805)  # WGS-84, well inside grid 1-01 (about 400 m from its edges)
# The same ground as AMap or Baidu would report it: several hundred metres off in WGS-84 terms.
# Near the corner of grid 1-04, so the raw offset point falls in another grid.
NEAR_CORNER = (123.8095, 41.8095)


def locate(lon, lat, **params):
    return ApiClient().get("/locate", {"lon": lon, "lat": lat, **params})


@pytest.mark.parametrize(("crs", "forward"), [("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09)])
def test_offset_point_is_converted_before_the_lookup(two_streets, crs, forward):
    lon, lat = forward(*NEAR_CORNER)
    converted = locate(lon, lat, crs=crs).json()
    assert converted["grid"]["code"] == grid_code(WEST, 1)
    # Taken as WGS-84, the same numbers land somewhere else: that is the bug crs= prevents.
    assert locate(lon, lat).json()["grid"] != converted["grid"]


def test_wgs84_is_the_default_and_may_be_named(two_streets):
    assert locate(*IN_1_01).json() == locate(*IN_1_01, crs="wgs84").json()
    assert locate(*IN_1_01).json()["grid"]["code"] == grid_code(WEST, 1)


@pytest.mark.parametrize("crs", ["epsg:4326", "GCJ02", "", "mercator"])
def test_unknown_crs_is_422_in_the_error_shape(two_streets, crs):
    response = locate(*IN_1_01, crs=crs)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["detail"]
    assert any(e["field"].endswith("crs") for e in body["errors"]), body
