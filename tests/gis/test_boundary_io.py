import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely import MultiPolygon

from gis.coords import transform_geometry, wgs84_to_gcj02
from gis.io import (
    BoundaryFileError,
    Problem,
    read_boundaries,
    write_geojson,
)

GRID_A = "21040400101001"
GRID_B = "21040400101002"
STREET = "210404001"


def square(lon: float, lat: float, size: float = 0.01) -> dict:
    return shapely.geometry.mapping(shapely.box(lon, lat, lon + size, lat + size))


def feature(code, geometry, name="网格", **properties) -> dict:
    props = {"name": name, **properties}
    if code is not ...:
        props["code"] = code
    return {"type": "Feature", "properties": props, "geometry": geometry}


def write_features(path: Path, features: list[dict]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def clean_features() -> list[dict]:
    return [
        feature(GRID_A, square(123.80, 41.85), households=400),
        feature(GRID_B, square(123.81, 41.85), households=320),
    ]


def bowtie() -> dict:
    return {
        "type": "Polygon",
        "coordinates": [
            [[123.8, 41.8], [123.81, 41.81], [123.81, 41.8], [123.8, 41.81], [123.8, 41.8]]
        ],
    }


def spike() -> dict:
    # A square with a zero-width spike out of its east side: invalid, but the area is intact.
    ring = [[123.8, 41.8], [123.81, 41.8], [123.81, 41.805], [123.815, 41.805], [123.81, 41.805]]
    ring += [[123.81, 41.81], [123.8, 41.81], [123.8, 41.8]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_clean_geojson_has_no_problems_and_gives_multipolygons(tmp_path):
    result = read_boundaries(write_features(tmp_path / "g.geojson", clean_features()), level="grid")
    assert result.problems == [] and result.repairs == [] and result.ok
    assert [b.code for b in result.boundaries] == [GRID_A, GRID_B]
    first = result.boundaries[0]
    assert isinstance(first.geometry, MultiPolygon)
    assert first.name == "网格" and first.properties == {"households": 400} and first.feature == 1
    assert result.crs == "EPSG:4326"


def test_problem_prints_one_line_with_feature_code_and_field():
    problem = Problem(3, GRID_A, "code", "missing code")
    assert str(problem) == "feature 3 (code 21040400101001), field 'code': missing code"
    assert str(Problem(None, None, None, "no CRS")) == "file: no CRS"


@pytest.mark.parametrize("code", [None, "", ...])
def test_missing_or_empty_code_is_a_problem(tmp_path, code):
    features = [feature(code, square(123.8, 41.85)), *clean_features()]
    result = read_boundaries(write_features(tmp_path / "g.geojson", features), level="grid")
    [problem] = result.problems
    assert (problem.feature, problem.field) == (1, "code")
    assert "missing" in problem.message
    assert len(result.boundaries) == 2


def test_malformed_code_is_a_problem_naming_the_level(tmp_path):
    features = [feature("123", square(123.8, 41.85))]
    result = read_boundaries(write_features(tmp_path / "g.geojson", features), level="grid")
    assert [str(p) for p in result.problems] == [
        "feature 1 (code 123), field 'code': grid code '123' must be 14 digits"
    ]


def test_grid_code_in_a_street_file_is_malformed(tmp_path):
    path = write_features(tmp_path / "s.geojson", [feature(GRID_A, square(123.8, 41.85))])
    [problem] = read_boundaries(path, level="street").problems
    assert "must be 9 digits" in problem.message


def test_integer_code_with_the_right_digits_is_read_as_a_string(tmp_path):
    path = write_features(tmp_path / "g.geojson", [feature(int(GRID_A), square(123.8, 41.85))])
    result = read_boundaries(path, level="grid")
    assert result.problems == [] and result.boundaries[0].code == GRID_A


def test_integer_code_that_lost_digits_is_a_problem(tmp_path):
    path = write_features(tmp_path / "s.geojson", [feature(10404001, square(123.8, 41.85))])
    [problem] = read_boundaries(path, level="street").problems
    assert problem.code == "10404001" and "must be 9 digits" in problem.message


def test_duplicate_code_is_a_problem_naming_both_features(tmp_path):
    features = [*clean_features(), feature(GRID_A, square(123.82, 41.85))]
    result = read_boundaries(write_features(tmp_path / "g.geojson", features), level="grid")
    [problem] = result.problems
    assert problem.feature == 3 and problem.code == GRID_A
    assert "also used by feature 1" in problem.message
    assert [b.feature for b in result.boundaries] == [1, 2]


def test_missing_geometry_is_a_problem(tmp_path):
    path = write_features(tmp_path / "g.geojson", [feature(GRID_A, None)])
    [problem] = read_boundaries(path, level="grid").problems
    assert (problem.field, problem.message) == ("geometry", "missing geometry")


def test_non_polygon_geometry_is_a_problem(tmp_path):
    line = {"type": "LineString", "coordinates": [[123.8, 41.8], [123.9, 41.9]]}
    path = write_features(tmp_path / "g.geojson", [feature(GRID_A, line)])
    [problem] = read_boundaries(path, level="grid").problems
    assert problem.message == "non-polygon geometry: LineString"


def test_bowtie_cannot_be_repaired_safely(tmp_path):
    path = write_features(tmp_path / "g.geojson", [feature(GRID_A, bowtie())])
    result = read_boundaries(path, level="grid")
    [problem] = result.problems
    assert problem.message.startswith("invalid geometry: Self-intersection at (123.805")
    assert problem.message.endswith("cannot be repaired safely")
    assert result.boundaries == []


def test_spike_is_repaired_kept_and_noted(tmp_path):
    path = write_features(tmp_path / "g.geojson", [feature(GRID_A, spike())])
    result = read_boundaries(path, level="grid")
    assert result.problems == []
    [repair] = result.repairs
    assert repair.feature == 1 and repair.code == GRID_A and "repaired" in repair.message
    [boundary] = result.boundaries
    assert boundary.geometry.is_valid and isinstance(boundary.geometry, MultiPolygon)
    assert boundary.geometry.area == pytest.approx(0.0001, rel=1e-9)


def defect_frame(crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": [GRID_A, GRID_A, "12345"],
            "name": ["a", "b", "c"],
            "geometry": [
                shapely.box(123.80, 41.85, 123.81, 41.86),
                shapely.box(123.81, 41.85, 123.82, 41.86),
                shapely.box(123.82, 41.85, 123.83, 41.86),
            ],
        },
        crs=crs,
    )


def assert_duplicate_and_malformed(result) -> None:
    assert [(p.feature, p.code) for p in result.problems] == [(2, GRID_A), (3, "12345")]
    assert [b.code for b in result.boundaries] == [GRID_A]


def test_geopackage_defects_are_found(tmp_path):
    path = tmp_path / "grids.gpkg"
    defect_frame().to_file(path, layer="grids", driver="GPKG")
    assert_duplicate_and_malformed(read_boundaries(path, level="grid", layer="grids"))


def test_shapefile_defects_are_found(tmp_path):
    path = tmp_path / "grids.shp"
    defect_frame().to_file(path, driver="ESRI Shapefile", encoding="utf-8")
    assert_duplicate_and_malformed(read_boundaries(path, level="grid"))


def test_zipped_shapefile_is_read(tmp_path):
    defect_frame().to_file(tmp_path / "grids.shp", driver="ESRI Shapefile")
    archive = tmp_path / "grids.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in tmp_path.glob("grids.*"):
            if part != archive:
                zipped.write(part, part.name)
    assert_duplicate_and_malformed(read_boundaries(archive, level="grid"))


def test_cgcs2000_file_is_reprojected_to_wgs84(tmp_path):
    path = tmp_path / "grids.gpkg"
    defect_frame(crs="EPSG:4490").to_file(path, driver="GPKG")
    result = read_boundaries(path, level="grid")
    assert result.crs == "EPSG:4490"
    # CGCS2000 and WGS-84 agree to about a metre: the lon/lat barely move.
    expected = shapely.box(123.80, 41.85, 123.81, 41.86)
    assert shapely.hausdorff_distance(result.boundaries[0].geometry, expected) < 2e-5


def test_projected_file_is_reprojected_to_lon_lat(tmp_path):
    path = tmp_path / "grids.gpkg"
    defect_frame().to_crs("EPSG:32651").to_file(path, driver="GPKG")  # UTM 51N, metres
    result = read_boundaries(path, level="grid")
    assert result.crs == "EPSG:32651"
    expected = shapely.box(123.80, 41.85, 123.81, 41.86)
    corners = shapely.points(shapely.get_coordinates(expected))
    assert shapely.distance(result.boundaries[0].geometry.boundary, corners).max() < 1e-9
    # The edges are straight in UTM, as the file drew them: in lon/lat they bow by about 1 cm.
    assert shapely.hausdorff_distance(result.boundaries[0].geometry, expected) < 2e-7


def test_lon_lat_file_without_crs_is_taken_as_wgs84(tmp_path):
    defect_frame().to_file(tmp_path / "grids.shp")
    (tmp_path / "grids.prj").unlink()
    result = read_boundaries(tmp_path / "grids.shp", level="grid")
    assert result.crs == "EPSG:4326" and len(result.boundaries) == 1


def test_projected_file_without_crs_is_a_problem(tmp_path):
    defect_frame().to_crs("EPSG:32651").to_file(tmp_path / "grids.shp")
    (tmp_path / "grids.prj").unlink()
    result = read_boundaries(tmp_path / "grids.shp", level="grid")
    [problem] = result.problems
    assert problem.feature is None and "not longitude/latitude" in problem.message
    assert "--source-crs" in problem.message
    assert result.boundaries == []


def test_given_source_crs_overrides_a_missing_one(tmp_path):
    defect_frame().to_crs("EPSG:32651").to_file(tmp_path / "grids.shp")
    (tmp_path / "grids.prj").unlink()
    result = read_boundaries(tmp_path / "grids.shp", level="grid", source_crs="EPSG:32651")
    assert len(result.boundaries) == 1 and result.crs == "EPSG:32651"


def test_gcj02_source_is_converted_to_wgs84(tmp_path):
    wgs = shapely.box(123.80, 41.85, 123.81, 41.86)
    gcj = transform_geometry(wgs, wgs84_to_gcj02)
    features = [feature(GRID_A, shapely.geometry.mapping(gcj))]
    path = write_features(tmp_path / "amap.geojson", features)
    result = read_boundaries(path, level="grid", source_crs="gcj02")
    assert result.crs == "gcj02"
    corners = shapely.points(shapely.get_coordinates(wgs))
    assert shapely.distance(result.boundaries[0].geometry.boundary, corners).max() < 1e-8
    # The edges are straight in GCJ-02, as the file drew them: in WGS-84 they bow by about 2 cm.
    assert shapely.hausdorff_distance(result.boundaries[0].geometry, wgs) < 5e-7


def test_unreadable_file_raises_boundary_file_error(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text("{not json")
    with pytest.raises(BoundaryFileError) as raised:
        read_boundaries(path, level="grid")
    assert raised.value.path == str(path)


def test_missing_file_raises_boundary_file_error(tmp_path):
    with pytest.raises(BoundaryFileError):
        read_boundaries(tmp_path / "nowhere.geojson", level="grid")


def test_file_without_the_code_field_is_a_problem(tmp_path):
    path = write_features(tmp_path / "g.geojson", [feature(..., square(123.8, 41.85))])
    [problem] = read_boundaries(path, level="grid", code_field="grid_code").problems
    assert problem.field == "grid_code" and "no such field" in problem.message


def test_written_geojson_reads_back_the_same_boundaries(tmp_path):
    original = read_boundaries(
        write_features(tmp_path / "a.geojson", clean_features()), level="grid"
    )
    write_geojson(original.boundaries, tmp_path / "b.geojson")
    again = read_boundaries(tmp_path / "b.geojson", level="grid")
    assert again.problems == []
    for before, after in zip(original.boundaries, again.boundaries, strict=True):
        assert (before.code, before.name, before.properties) == (
            after.code,
            after.name,
            after.properties,
        )
        assert before.geometry.equals(after.geometry)
