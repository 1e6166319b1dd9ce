"""gis.check: each defect kind is found on a crafted fixture, with its location and size."""

import json

import pytest
import shapely
from shapely import MultiPolygon, Polygon, box

from gis.check import CheckOptions, check_boundaries, check_file
from gis.io import Boundary
from gis.measure import geodesic_area_m2

STREET = "210404001"
# A 3 x 2 block of 0.01° squares (about 830 m x 1,110 m each) that fills the street exactly.
STREET_BOX = box(123.80, 41.80, 123.83, 41.82)
M_LON = 1 / 83_000  # about a metre of longitude at 41.8° N, in degrees
M_LAT = 1 / 111_000  # about a metre of latitude


def code(seq: int, street: str = STREET) -> str:
    return f"{street}01{seq:03d}"


def grid(seq: int, geometry, *, households: int | None = 400, feature: int | None = None, **kw):
    properties = {} if households is None else {"households": households}
    if isinstance(geometry, Polygon):
        geometry = MultiPolygon([geometry])
    return Boundary(
        kw.get("code", code(seq)), f"网格{seq}", geometry, properties, feature or seq - 1
    )


def cell(col: int, row: int) -> Polygon:
    return box(123.80 + 0.01 * col, 41.80 + 0.01 * row, 123.81 + 0.01 * col, 41.81 + 0.01 * row)


def clean_grids() -> list[Boundary]:
    return [grid(k + 1, cell(k % 3, k // 3)) for k in range(6)]


def street() -> list[Boundary]:
    return [Boundary(STREET, "启明街道", MultiPolygon([STREET_BOX]), {}, 0)]


def only(report, kind):
    found = [p for p in report.problems if p.kind == kind]
    assert len(found) == 1, report.problems
    return found[0]


def assert_at(problem, region: Polygon) -> None:
    assert region.buffer(1e-9).covers(shapely.Point(problem.lon, problem.lat)), problem


def test_clean_grids_and_street_pass():
    report = check_boundaries(clean_grids(), street())
    assert report.problems == [] and report.ok
    assert report.summary().startswith("6 grids, 1 streets: 0 errors, 0 warnings")
    assert report.metric_crs == "EPSG:32651"


def test_overlap_is_an_error_with_its_area_and_place():
    grids = clean_grids()
    grids[1] = grid(2, box(123.809, 41.80, 123.82, 41.81))  # 0.001° (about 83 m) into grid 1
    report = check_boundaries(grids, street())
    problem = only(report, "overlap")
    overlap = box(123.809, 41.80, 123.81, 41.81)
    assert problem.severity == "error" and problem.codes == (code(1), code(2))
    assert problem.area_m2 == pytest.approx(geodesic_area_m2(overlap), rel=2e-3)
    assert 90_000 < problem.area_m2 < 95_000
    assert_at(problem, overlap)
    assert shapely.equals(problem.geometry, overlap)
    assert not report.ok


def test_grid_inside_another_is_an_overlap():
    grids = [*clean_grids(), grid(7, box(123.801, 41.801, 123.802, 41.802))]
    problem = only(check_boundaries(grids, street()), "overlap")
    assert problem.codes == (code(1), code(7))


def test_gap_in_a_street_is_an_error_with_its_area_and_place():
    grids = clean_grids()
    grids[0] = grid(1, box(123.80, 41.80, 123.809, 41.81))
    report = check_boundaries(grids, street())
    problem = only(report, "gap")
    gap = box(123.809, 41.80, 123.81, 41.81)
    # Named by the grids around it (west, east, and north along its top edge), not the street.
    assert problem.codes == (code(1), code(2), code(4)) and problem.severity == "error"
    assert STREET in problem.message
    assert problem.area_m2 == pytest.approx(geodesic_area_m2(gap), rel=2e-3)
    assert_at(problem, gap)


def test_street_without_grids_is_one_gap_the_size_of_the_street():
    problem = only(check_boundaries([], street()), "gap")
    assert problem.area_m2 == pytest.approx(geodesic_area_m2(STREET_BOX), rel=2e-3)


def test_hole_enclosed_by_grids_is_a_gap_without_streets():
    grids = clean_grids()
    hole = box(123.812, 41.802, 123.814, 41.804)
    grids[1] = grid(2, cell(1, 0).difference(hole))
    problem = only(check_boundaries(grids), "gap")
    assert problem.area_m2 == pytest.approx(geodesic_area_m2(hole), rel=2e-3)
    assert_at(problem, hole)
    assert problem.codes == (code(2),)  # the grid around the hole


def test_gap_names_the_grids_sharing_an_edge_with_it_not_one_touching_a_corner():
    grids = clean_grids()
    notch = box(123.809, 41.809, 123.81, 41.81)  # grid 1's north-east corner, cut away
    grids[0] = grid(1, cell(0, 0).difference(notch))
    problem = only(check_boundaries(grids, street()), "gap")
    # Grids 2 (east) and 4 (north) share an edge with the notch; 5 meets it at one point.
    assert problem.codes == (code(1), code(2), code(4))
    assert problem.features == tuple(grids[k].feature for k in (0, 1, 3))


def test_grid_crossing_its_street_edge_is_an_error_with_the_part_outside():
    grids = clean_grids()
    grids[0] = grid(1, box(123.80, 41.799, 123.81, 41.81))
    problem = only(check_boundaries(grids, street()), "outside_street")
    outside = box(123.80, 41.799, 123.81, 41.80)
    assert problem.codes == (code(1),)
    assert problem.area_m2 == pytest.approx(geodesic_area_m2(outside), rel=2e-3)
    assert_at(problem, outside)


def test_grid_of_an_unknown_street_is_an_error():
    grids = [*clean_grids()[:5], grid(6, cell(2, 1), code=code(6, "210404009"))]
    problem = only(check_boundaries(grids, street()), "unknown_street")
    assert problem.codes == (code(6, "210404009"),) and "210404009" in problem.message


def test_self_intersection_is_an_error_at_the_crossing():
    bowtie = Polygon([(123.80, 41.80), (123.81, 41.81), (123.81, 41.80), (123.80, 41.81)])
    grids = [grid(1, bowtie), *clean_grids()[1:]]
    problem = only(check_boundaries(grids, street()), "self_intersection")
    assert problem.codes == (code(1),)
    assert (problem.lon, problem.lat) == pytest.approx((123.805, 41.805))
    # The valid part of a bow-tie is its two triangles: half the square.
    assert problem.area_m2 == pytest.approx(geodesic_area_m2(cell(0, 0)) / 2, rel=2e-3)


def test_hole_outside_its_shell_is_an_invalid_ring():
    shell = cell(0, 0).exterior.coords
    bad = Polygon(shell, [box(123.90, 41.90, 123.91, 41.91).exterior.coords])
    grids = [grid(1, bad), *clean_grids()[1:]]
    problem = only(check_boundaries(grids, street()), "invalid_ring")
    assert "Hole lies outside shell" in problem.message
    assert problem.lon == pytest.approx(123.90, abs=0.011)


def test_thin_grid_is_a_sliver_warning_with_its_area():
    grids = clean_grids()
    strip = box(123.80, 41.8195, 123.81, 41.8195 + 3 * M_LAT)  # 3 m wide, 830 m long
    grids[3] = grid(4, cell(0, 1).difference(strip))
    grids.append(grid(7, strip))
    report = check_boundaries(grids, street())
    problem = only(report, "sliver")
    assert problem.codes == (code(7),) and problem.severity == "warning"
    assert problem.area_m2 == pytest.approx(geodesic_area_m2(strip), rel=1e-2)
    assert 2_000 < problem.area_m2 < 3_000
    assert_at(problem, strip)
    assert report.ok  # warnings only


def test_grid_in_two_pieces_is_a_multipart_warning():
    grids = clean_grids()[:5]
    island = box(123.825, 41.815, 123.83, 41.82)
    grids[4] = grid(5, MultiPolygon([cell(1, 1), island]))
    problem = only(check_boundaries(grids), "multipart")
    assert "2 separate pieces" in problem.message and problem.codes == (code(5),)
    assert problem.area_m2 == pytest.approx(geodesic_area_m2(island), rel=2e-3)
    assert_at(problem, island)


@pytest.mark.parametrize(
    ("households", "kind"), [(40, "households_low"), (1500, "households_high")]
)
def test_households_far_from_the_norm_are_warnings(households, kind):
    grids = clean_grids()
    grids[2] = grid(3, cell(2, 0), households=households)
    problem = only(check_boundaries(grids, street()), kind)
    assert problem.codes == (code(3),) and problem.severity == "warning"
    assert str(households) in problem.message
    assert_at(problem, cell(2, 0))


@pytest.mark.parametrize("households", [None, 0, 100, 1000])
def test_unknown_or_acceptable_households_pass(households):
    grids = clean_grids()
    grids[2] = grid(3, cell(2, 0), households=households)
    assert check_boundaries(grids, street()).problems == []


def test_duplicate_code_is_an_error_naming_both_features():
    grids = clean_grids()
    grids[5] = grid(6, cell(2, 1), code=code(5), feature=5)
    problem = only(check_boundaries(grids, street()), "duplicate_code")
    assert problem.codes == (code(5), code(5)) and problem.features == (4, 5)
    assert_at(problem, cell(2, 1))


@pytest.mark.parametrize(
    ("bad", "kind"), [("2104040010100", "malformed_code"), (None, "missing_code")]
)
def test_malformed_or_missing_code_is_an_error(bad, kind):
    grids = clean_grids()
    grids[5] = grid(6, cell(2, 1), code=bad)
    problem = only(check_boundaries(grids, street()), kind)
    assert problem.features == (5,)
    assert problem.area_m2 == pytest.approx(geodesic_area_m2(cell(2, 1)), rel=2e-3)


def test_options_change_the_thresholds():
    grids = clean_grids()
    grids[2] = grid(3, cell(2, 0), households=150)
    assert check_boundaries(grids, street()).problems == []
    strict = CheckOptions(households_low=200)
    assert only(check_boundaries(grids, street(), options=strict), "households_low")


def write(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def feature(code_value, geometry, **properties):
    geometry = None if geometry is None else shapely.geometry.mapping(geometry)
    return {
        "type": "Feature",
        "properties": {"code": code_value, "name": "x", **properties},
        "geometry": geometry,
    }


def test_clean_file_passes(tmp_path):
    grids = write(
        tmp_path / "g.geojson", [feature(g.code, g.geometry, households=400) for g in clean_grids()]
    )
    streets = write(tmp_path / "s.geojson", [feature(STREET, STREET_BOX)])
    report = check_file(grids, streets_path=streets)
    assert report.problems == [] and report.crs == "EPSG:4326"


def test_file_with_defects_reports_them_with_geojson_spots(tmp_path):
    features = [feature(g.code, g.geometry, households=400) for g in clean_grids()]
    features[0] = feature(code(1), box(123.80, 41.80, 123.809, 41.81), households=400)
    features.append(feature(code(7), None))
    features.append(feature(code(8), shapely.LineString([(123.8, 41.8), (123.9, 41.9)])))
    grids = write(tmp_path / "g.geojson", features)
    streets = write(tmp_path / "s.geojson", [feature(STREET, STREET_BOX)])
    report = check_file(grids, streets_path=streets)
    assert report.counts() == {"gap": 1, "missing_geometry": 1, "not_polygon": 1}
    spots = report.to_geojson()
    assert len(spots["features"]) == 3
    gap = next(f for f in spots["features"] if f["properties"]["kind"] == "gap")
    assert gap["geometry"]["type"] == "Point"
    assert gap["properties"]["area_m2"] > 90_000
    [area] = report.areas_to_geojson()["features"]
    assert area["properties"]["kind"] == "gap" and area["geometry"]["type"] == "MultiPolygon"
    assert json.loads(json.dumps(report.to_json()))["errors"] == 3


def test_file_without_the_code_field_is_a_file_error(tmp_path):
    path = write(tmp_path / "g.geojson", [{"type": "Feature", "properties": {}, "geometry": None}])
    report = check_file(path)
    assert [p.kind for p in report.problems] == ["file"] and not report.ok


def test_projected_file_is_checked_in_lon_lat(tmp_path):
    import geopandas as gpd

    frame = gpd.GeoDataFrame(
        {"code": [g.code for g in clean_grids()], "households": [400] * 6},
        geometry=[g.geometry for g in clean_grids()],
        crs="EPSG:4326",
    )
    frame.iloc[[0]] = frame.iloc[[0]].assign(geometry=[box(123.80, 41.80, 123.809, 41.81)])
    path = tmp_path / "g.gpkg"
    frame.to_crs("EPSG:4490").to_file(path)
    report = check_file(path)
    assert report.crs == "EPSG:4490"
    assert [p.kind for p in report.problems] == []  # a gap on the outer edge is no hole
