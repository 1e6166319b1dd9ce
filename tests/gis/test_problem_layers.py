"""A check's problems as map layers: one geometry type per layer, so QGIS opens them as they are."""

import pyogrio
import pytest
import shapely
from shapely import MultiPolygon, box

from gis.check import check_boundaries
from gis.export import write_problems
from gis.io import Boundary

STREET = "210404001"
STREETS = [Boundary(STREET, "街道", MultiPolygon([box(123.80, 41.80, 123.82, 41.81)]), {}, 0)]


def grid(seq: int, geometry) -> Boundary:
    return Boundary(f"{STREET}01{seq:03d}", f"网格{seq}", geometry, {"households": 400}, seq - 1)


def faulty_report():
    """A gap (an area), a grid without geometry (no place) and a line (a place, no area)."""
    grids = [
        grid(1, MultiPolygon([box(123.80, 41.80, 123.809, 41.81)])),
        grid(2, MultiPolygon([box(123.81, 41.80, 123.82, 41.81)])),
        grid(3, None),
        grid(4, shapely.LineString([(123.801, 41.801), (123.802, 41.802)])),
    ]
    return check_boundaries(grids, STREETS)


def test_geojson_spots_are_points_only_one_row_per_problem():
    report = faulty_report()
    spots = report.to_geojson()["features"]
    assert len(spots) == len(report.problems) == 3
    types = {None if f["geometry"] is None else f["geometry"]["type"] for f in spots}
    assert types == {"Point", None}  # the grid without geometry has no place


def test_geopackage_has_a_polygon_layer_of_areas_and_a_point_layer_of_spots(tmp_path):
    path = write_problems(faulty_report(), tmp_path / "problems.gpkg")
    assert [list(layer) for layer in pyogrio.list_layers(path)] == [
        ["problem_areas", "MultiPolygon"],
        ["problem_spots", "Point"],
    ]
    areas = pyogrio.read_dataframe(path, layer="problem_areas")
    spots = pyogrio.read_dataframe(path, layer="problem_spots")
    assert list(areas["kind"]) == ["gap"] and areas.crs.to_epsg() == 4326
    assert areas["codes"][0] == f"{STREET}01001,{STREET}01002"  # the grids around the gap
    assert sorted(spots["kind"]) == ["gap", "missing_geometry", "not_polygon"]
    assert areas["area_m2"][0] == pytest.approx(spots["area_m2"][list(spots["kind"]).index("gap")])


def test_clean_report_still_writes_both_layers_with_their_types(tmp_path):
    clean = [
        grid(1, MultiPolygon([box(123.80, 41.80, 123.81, 41.81)])),
        grid(2, MultiPolygon([box(123.81, 41.80, 123.82, 41.81)])),
    ]
    path = write_problems(check_boundaries(clean, STREETS), tmp_path / "problems.gpkg")
    assert [list(layer) for layer in pyogrio.list_layers(path)] == [
        ["problem_areas", "MultiPolygon"],
        ["problem_spots", "Point"],
    ]


def test_writing_again_replaces_the_layers(tmp_path):
    path = tmp_path / "problems.gpkg"
    write_problems(faulty_report(), path)
    write_problems(faulty_report(), path)
    assert len(pyogrio.read_dataframe(path, layer="problem_spots")) == 3


def test_problems_are_refused_under_a_name_that_is_not_gpkg(tmp_path):
    with pytest.raises(ValueError, match="gpkg"):
        write_problems(faulty_report(), tmp_path / "problems.geojson")
