"""gis.export writes files QGIS reads back; gis.report draws a page, with or without CJK fonts."""

import io
import warnings

import geopandas as gpd
import pytest
import shapely
from PIL import Image

from gis.demo import NOTICE, build_demo_zone
from gis.export import features_frame, format_for, write_boundaries, write_frame
from gis.report import GridCounts, MapReport, cjk_font_path, render_map_report


@pytest.fixture(scope="module")
def zone():
    return build_demo_zone()


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_boundaries_read_back_with_fields_and_count(zone, tmp_path, fmt):
    path = write_boundaries(zone.grids, tmp_path / f"grids.{fmt}")
    frame = gpd.read_file(path, engine="pyogrio")
    assert len(frame) == len(zone.grids)
    assert {"code", "name", "households", "community", "street"} <= set(frame.columns)
    assert list(frame["code"]) == [g.code for g in zone.grids]  # codes stay text
    if fmt != "csv":
        assert frame.crs.to_epsg() == 4326
    first = zone.grids[0].geometry
    assert shapely.hausdorff_distance(frame.geometry.iloc[0], first) < 1e-6


def test_nested_properties_become_columns(tmp_path):
    features = [
        {
            "type": "Feature",
            "properties": {"code": "21040400101001", "by_category": {"safety": 2, "other": 1}},
            "geometry": shapely.geometry.mapping(shapely.box(0, 0, 1, 1)),
        }
    ]
    frame = gpd.read_file(write_frame(features_frame(features), tmp_path / "s.gpkg"))
    assert (frame["safety"].iloc[0], frame["other"].iloc[0]) == (2, 1)


def test_format_comes_from_the_suffix_or_is_refused():
    assert format_for("a.GPKG") == "gpkg" and format_for("a.json") == "geojson"
    with pytest.raises(ValueError):
        format_for("a.kml")
    with pytest.raises(ValueError):
        format_for("a.gpkg", "kml")


def report(zone) -> MapReport:
    grids = [
        GridCounts(g.code, g.name, g.geometry, k % 7, k % 3) for k, g in enumerate(zone.grids[:20])
    ]
    return MapReport(
        "启明街道 210404001",
        "2026-01-01 至 2026-03-31",
        grids,
        NOTICE,
        outline=zone.streets[0].geometry,
    )


@pytest.mark.skipif(cjk_font_path() is None, reason="no CJK font installed")
def test_png_renders_with_the_cjk_font(zone):
    data = render_map_report(report(zone))
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size[0] > image.size[1] > 1000


def test_without_a_cjk_font_it_warns_and_still_renders(zone, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render_map_report(report(zone), tmp_path / "en.png", font_path=None)
    messages = [str(w.message) for w in caught]
    assert any("no CJK font" in m for m in messages)
    assert not any("missing from font" in m for m in messages), messages  # no tofu
    assert Image.open(tmp_path / "en.png").format == "PNG"


def test_pdf_renders(zone):
    assert render_map_report(report(zone), fmt="pdf").startswith(b"%PDF")


def test_empty_map_still_renders(zone):
    empty = MapReport("无网格", "全部时间 all time", [])
    assert Image.open(io.BytesIO(render_map_report(empty))).format == "PNG"
