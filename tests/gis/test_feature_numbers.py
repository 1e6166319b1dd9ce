"""Messages name features as QGIS does: "feature 1" is the first row (QGIS fid 1); in a
GeoPackage, the feature's own fid."""

import json
import sqlite3

import geopandas as gpd
import shapely

from gis.check import check_file
from gis.io import read_boundaries

GRID = "21040400101001"


def frame(codes: list) -> gpd.GeoDataFrame:
    squares = [
        shapely.box(123.80 + 0.01 * k, 41.8, 123.81 + 0.01 * k, 41.81) for k in range(len(codes))
    ]
    return gpd.GeoDataFrame({"code": codes}, geometry=squares, crs="EPSG:4326")


def test_first_feature_of_a_geojson_is_feature_1(tmp_path):
    path = tmp_path / "g.geojson"
    frame(["bad", GRID]).to_file(path)
    [problem] = read_boundaries(path, level="grid").problems
    assert str(problem).startswith("feature 1 (code bad)")


def test_shapefile_features_count_from_1(tmp_path):
    path = tmp_path / "g.shp"
    frame([GRID, "bad"]).to_file(path)
    [problem] = read_boundaries(path, level="grid").problems
    assert problem.feature == 2


def test_geopackage_features_are_named_by_their_fid(tmp_path):
    path = tmp_path / "g.gpkg"
    frame([GRID, "21040400101002", "bad"]).to_file(path, layer="grids")
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM grids WHERE fid = 2")  # fids are now 1 and 3, as QGIS shows
    result = read_boundaries(path, level="grid")
    assert [(p.feature, p.code) for p in result.problems] == [(3, "bad")]
    assert [b.feature for b in result.boundaries] == [1]


def test_check_json_and_lines_number_features_from_1(tmp_path):
    path = tmp_path / "g.geojson"
    frame([GRID, GRID]).to_file(path)
    report = check_file(path)
    [problem] = [p for p in report.problems if p.kind == "duplicate_code"]
    assert problem.features == (1, 2) and "features 1 and 2" in str(problem)
    assert json.loads(json.dumps(report.to_json()))["problems"][0]["features"] == [1, 2]
