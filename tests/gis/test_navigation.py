from urllib.parse import parse_qs, urlsplit

import pytest

from gis.coords import wgs84_to_bd09, wgs84_to_gcj02
from gis.navigation import navigation_links

# A point of the demo zone (Wanghua, Fushun): GCJ-02 sits a few hundred metres off WGS-84 here.
LON, LAT = 123.746396, 41.890214


def test_the_links_carry_the_point_converted_by_gis_coords():
    links = navigation_links(LON, LAT, "井盖缺失")
    gcj = wgs84_to_gcj02(LON, LAT)
    bd = wgs84_to_bd09(LON, LAT)

    assert links["gcj02"] == pytest.approx(gcj, abs=5e-7)
    assert links["bd09"] == pytest.approx(bd, abs=5e-7)
    amap = parse_qs(urlsplit(links["amap"]).query)
    assert [float(v) for v in amap["position"][0].split(",")] == pytest.approx(gcj, abs=5e-7)
    assert amap["coordinate"] == ["gaode"] and amap["name"] == ["井盖缺失"]
    baidu = parse_qs(urlsplit(links["baidu"]).query)
    lat, lon = (float(v) for v in baidu["location"][0].split(","))
    assert (lon, lat) == pytest.approx(bd, abs=5e-7)
    assert baidu["coord_type"] == ["bd09ll"]


def test_the_geo_uri_keeps_wgs84_and_quotes_the_label():
    links = navigation_links(LON, LAT, "东门 (路灯)")
    assert links["geo"] == (
        "geo:41.890214,123.746396?q=41.890214,123.746396(%E4%B8%9C%E9%97%A8%20%28%E8%B7%AF%E7%81%AF%29)"
    )
    assert links["gcj02"] != [LON, LAT]
