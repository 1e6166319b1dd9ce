"""The case detail carries links that open a map app at the case, the point converted by
gis.coords for the apps that read GCJ-02 (AMap) or BD-09 (Baidu)."""

from urllib.parse import parse_qs, urlsplit

import pytest

from gis.coords import wgs84_to_bd09, wgs84_to_gcj02

from .conftest import IN_GRID_1_01, submit


def test_the_detail_gives_geo_amap_and_baidu_links_at_the_converted_point(as_worker):
    incident = submit(as_worker, at=IN_GRID_1_01)
    nav = as_worker.get(f"/incidents/{incident['id']}").json()["nav"]
    lon, lat = IN_GRID_1_01

    assert nav["geo"].startswith(f"geo:{lat:.6f},{lon:.6f}?q=")
    assert nav["gcj02"] == pytest.approx(wgs84_to_gcj02(lon, lat), abs=5e-7)
    assert nav["bd09"] == pytest.approx(wgs84_to_bd09(lon, lat), abs=5e-7)
    position = parse_qs(urlsplit(nav["amap"]).query)["position"][0]
    assert [float(v) for v in position.split(",")] == nav["gcj02"]
    bd_lat, bd_lon = (
        float(v) for v in parse_qs(urlsplit(nav["baidu"]).query)["location"][0].split(",")
    )
    assert [bd_lon, bd_lat] == nav["bd09"]


def test_an_action_answers_with_the_links_too(as_resident, as_supervisor):
    incident = submit(as_resident)
    response = as_supervisor.post(f"/incidents/{incident['id']}/actions", {"action": "accept"})
    assert response.json()["nav"]["geo"].startswith("geo:")
