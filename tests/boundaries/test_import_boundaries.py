"""`gridgov import-boundaries`: idempotent upsert by code; a file with any defect is refused
with one line per problem naming the feature, and the database is left exactly as it was."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from shapely.geometry import shape

from backend.boundaries.models import BoundaryVersion, Grid, Street
from gis.measure import geodesic_area_m2
from tests.conftest import WEST, grid_code


def rectangle(x: float, y: float, width: float, height: float) -> dict:
    ring = [[x, y], [x + width, y], [x + width, y + height], [x, y + height], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def square(x: float, y: float, size: float = 0.005) -> dict:
    return rectangle(x, y, size, size)


def feature(code, geometry, name="网格", **props) -> dict:
    properties = {"name": name, **props}
    if code is not None:
        properties["code"] = code
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def write(tmp_path, features, name="grids.geojson") -> str:
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return str(path)


def run_import(path: str, level: str = "grid", **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_boundaries", path, level=level, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def snapshot() -> tuple:
    return (
        list(Street.objects.values_list("code", "name", "geometry")),
        list(Grid.objects.values_list("code", "name", "geometry", "households")),
        BoundaryVersion.objects.values_list("version", flat=True).first(),
    )


def refused(path: str, level: str = "grid") -> str:
    err = StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_boundaries", path, level=level, stdout=StringIO(), stderr=err)
    return err.getvalue()


NEW_GRID = grid_code(WEST, 5)
BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [
            [123.801, 41.801],
            [123.809, 41.809],
            [123.809, 41.801],
            [123.801, 41.809],
            [123.801, 41.801],
        ]
    ],
}


def half(x: float) -> dict:
    return rectangle(x, 41.80, 0.005, 0.01)


def test_new_grids_are_created_and_existing_ones_updated(two_streets, tmp_path):
    # Grid 1 gives up its east half to the new grid: a file whose grids overlap is refused.
    path = write(
        tmp_path,
        [
            feature(NEW_GRID, half(123.805), name="新网格", households=350),
            feature(grid_code(WEST, 1), half(123.80), name="改名网格"),
        ],
    )

    out, _ = run_import(path)

    assert "1 new, 1 updated" in out
    assert Grid.objects.get(code=NEW_GRID).households == 350
    assert Grid.objects.get(code=grid_code(WEST, 1)).name == "改名网格"


def test_importing_the_same_file_twice_changes_nothing_the_second_time(two_streets, tmp_path):
    # Grid 1 renamed: a new grid anywhere in the street would overlap one of its four grids.
    path = write(tmp_path, [feature(grid_code(WEST, 1), square(123.80, 41.80, 0.01), name="新")])
    run_import(path)
    grids_before = list(Grid.objects.values_list("code", "name", "geometry"))

    out, _ = run_import(path)

    assert "0 new, 1 updated" in out
    assert list(Grid.objects.values_list("code", "name", "geometry")) == grids_before


def test_streets_import_from_geojson(db, tmp_path):
    path = write(tmp_path, [feature("210404009", square(123.9, 41.9, 0.02), name="新街道")])

    run_import(path, level="street")

    street = Street.objects.get(code="210404009")
    assert street.name == "新街道"
    assert 3.0e6 < street.area_m2 < 4.0e6  # 0.02 deg x 0.02 deg at 41.9 N: about 1.66 x 2.22 km


def test_file_with_an_invalid_geometry_is_refused_naming_the_feature(two_streets, tmp_path):
    before = snapshot()
    path = write(
        tmp_path, [feature(NEW_GRID, square(123.801, 41.801)), feature(grid_code(WEST, 6), BOWTIE)]
    )

    message = refused(path)

    assert "feature 2" in message and grid_code(WEST, 6) in message
    assert "invalid" in message.lower()
    assert snapshot() == before


def test_file_with_a_missing_code_is_refused(two_streets, tmp_path):
    before = snapshot()
    path = write(
        tmp_path,
        [feature(NEW_GRID, square(123.801, 41.801)), feature(None, square(123.802, 41.802))],
    )

    message = refused(path)

    assert "feature 2" in message and "code" in message
    assert snapshot() == before


def test_file_with_a_duplicate_code_is_refused(two_streets, tmp_path):
    before = snapshot()
    path = write(
        tmp_path,
        [feature(NEW_GRID, square(123.801, 41.801)), feature(NEW_GRID, square(123.802, 41.802))],
    )

    message = refused(path)

    assert "duplicate" in message.lower() and NEW_GRID in message
    assert snapshot() == before


def test_file_with_a_malformed_code_is_refused(two_streets, tmp_path):
    before = snapshot()
    path = write(tmp_path, [feature("2104040010100X", square(123.801, 41.801))])

    message = refused(path)

    assert "2104040010100X" in message
    assert snapshot() == before


def test_grid_outside_every_street_is_refused(two_streets, tmp_path):
    before = snapshot()
    path = write(
        tmp_path,
        [
            feature(NEW_GRID, square(123.801, 41.801)),
            feature(grid_code(WEST, 7), square(125.0, 43.0)),
        ],
    )

    message = refused(path)

    assert grid_code(WEST, 7) in message and "street" in message.lower()
    assert snapshot() == before


def test_grid_whose_code_names_an_unknown_street_is_refused(two_streets, tmp_path):
    before = snapshot()
    path = write(tmp_path, [feature("21040400901001", square(123.801, 41.801))])

    message = refused(path)

    assert "21040400901001" in message
    assert snapshot() == before


def test_every_problem_of_a_file_is_listed_at_once(two_streets, tmp_path):
    path = write(
        tmp_path,
        [
            feature(None, square(123.801, 41.801)),
            feature(grid_code(WEST, 6), BOWTIE),
            feature(grid_code(WEST, 8), square(123.802, 41.802)),
            feature(grid_code(WEST, 8), square(123.803, 41.803)),
        ],
    )

    message = refused(path)

    assert len([line for line in message.splitlines() if "feature" in line]) >= 3


def test_unreadable_file_is_an_error_naming_the_file(db, tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text("{this is not json")

    with pytest.raises(CommandError, match=r"broken\.geojson"):
        run_import(str(path))


def test_file_in_cgcs2000_is_imported_in_wgs84(db, tmp_path):
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}},
        "features": [feature("210404009", square(123.9, 41.9, 0.02), name="新街道")],
    }
    path = tmp_path / "cgcs2000.geojson"
    path.write_text(json.dumps(collection))

    run_import(str(path), level="street")

    street = Street.objects.get(code="210404009")
    assert abs(street.min_lon - 123.9) < 1e-6 and abs(street.min_lat - 41.9) < 1e-6


def test_a_file_of_more_grids_than_one_batch_is_imported_and_updated_whole(db, tmp_path):
    # Rows are written 500 to a statement: 600 grids cross a batch boundary both ways. The
    # street is new and empty: the grids may not overlap grids it already has.
    run_import(write(tmp_path, [feature(WEST, square(123.80, 41.80, 0.02))]), level="street")
    size = 0.0008
    features = [
        feature(
            f"{WEST}{20 + k // 100:02d}{k % 100 + 1:03d}",
            square(123.80 + k % 25 * size, 41.80 + k // 25 * size, size),
            households=300,
        )
        for k in range(600)
    ]
    out, _ = run_import(write(tmp_path, features))
    assert "600 new, 0 updated" in out
    for item in features:
        item["properties"]["households"] = 301
    out, _ = run_import(write(tmp_path, features))

    assert "0 new, 600 updated" in out
    imported = Grid.objects.filter(code__startswith=f"{WEST}2")
    assert set(imported.values_list("households", flat=True)) == {301}
    area = imported.get(code=features[0]["properties"]["code"]).area_m2
    assert area == pytest.approx(geodesic_area_m2(shape(features[0]["geometry"])), rel=1e-6)
