"""POST /incidents with crs=: a report from an AMap/Baidu-based app is stored in WGS-84."""

import pytest
from pyproj import Geod

from backend.incidents.models import Incident
from gis.coords import wgs84_to_bd09, wgs84_to_gcj02
from tests.conftest import WEST, grid_code

from .conftest import assert_error, nothing_written, report_body

GEOD = Geod(ellps="WGS84")
AT = (123.8095, 41.8095)  # WGS-84, in grid 1-01 near its corner


def metres(a, b) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


@pytest.mark.parametrize(("crs", "forward"), [("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09)])
def test_offset_point_is_stored_and_returned_in_wgs84(as_resident, crs, forward):
    response = as_resident.post("/incidents", report_body(at=forward(*AT), crs=crs))
    assert response.status_code == 201, response.content
    body = response.json()
    assert metres((body["lon"], body["lat"]), AT) < 0.5
    assert body["grid"] == grid_code(WEST, 1)
    stored = Incident.objects.get(pk=body["id"])
    assert metres((stored.lon, stored.lat), AT) < 0.5
    assert "crs" not in body


def test_retry_of_a_gcj02_report_returns_the_same_incident(as_resident):
    body = report_body(at=wgs84_to_gcj02(*AT), crs="gcj02")
    first = as_resident.post("/incidents", body)
    again = as_resident.post("/incidents", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]


def test_without_crs_the_point_is_taken_as_wgs84(as_resident):
    response = as_resident.post("/incidents", report_body(at=AT))
    assert (response.json()["lon"], response.json()["lat"]) == AT


def test_unknown_crs_is_422_and_nothing_is_written(as_resident):
    with nothing_written():
        response = as_resident.post("/incidents", report_body(at=AT, crs="epsg:3857"))
    assert_error(response, 422, code="invalid", field="crs")
