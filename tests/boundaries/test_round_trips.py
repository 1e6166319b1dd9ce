"""`gridgov export` → `gridgov import-boundaries` → `gridgov check-boundaries db` is clean in
every format we write, and the import refuses what the check calls an error, writing nothing."""

from io import StringIO

import geopandas as gpd
import pytest
import shapely
from django.core.management import CommandError, call_command

from backend.boundaries.models import Grid
from backend.demo.services import demo_zone_load
from tests.boundaries.test_import_boundaries import feature, rectangle, snapshot, write
from tests.conftest import WEST, grid_code

METRE_LAT = 1 / 111_100  # a metre of latitude, in degrees


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def refused(path: str) -> str:
    err = StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_boundaries", path, level="grid", stdout=StringIO(), stderr=err)
    return err.getvalue()


@pytest.mark.parametrize("name", ["grids.geojson", "grids.gpkg", "grids.shp", "grids.shp.zip"])
def test_demo_grids_exported_and_imported_again_check_clean(db, tmp_path, name):
    demo_zone_load()
    path = tmp_path / name

    run("export", what="grids", out=str(path))
    run("import_boundaries", str(path), level="grid")

    assert "80 grids, 4 streets: 0 errors, 0 warnings" in run("check_boundaries", "db")


@pytest.mark.parametrize("name", ["grids.gpkg", "grids.shp"])
def test_demo_grids_exported_in_cgcs2000_gauss_kruger_and_imported_again_check_clean(
    db, tmp_path, name
):
    demo_zone_load()
    path = tmp_path / name

    run("export", what="grids", out=str(path), crs="EPSG:4550")
    run("import_boundaries", str(path), level="grid")

    assert gpd.read_file(path).crs.to_epsg() == 4550
    assert "80 grids, 4 streets: 0 errors, 0 warnings" in run("check_boundaries", "db")


def test_geojson_in_a_projected_crs_is_refused_before_anything_is_written(db, tmp_path):
    path = tmp_path / "grids.geojson"

    with pytest.raises(CommandError, match="EPSG:4326 only"):
        run("export", what="grids", out=str(path), crs="EPSG:4550")

    assert not path.exists()


def test_grid_files_with_overlapping_grids_are_refused_and_nothing_is_written(
    two_streets, tmp_path
):
    before = snapshot()
    # Grid 1 grows 10 m east, into grid 2, which the file renews as it is.
    grown = rectangle(123.80, 41.80, 0.01 + 10 / 83_000, 0.01)
    path = write(
        tmp_path,
        [
            feature(grid_code(WEST, 1), grown),
            feature(grid_code(WEST, 2), rectangle(123.81, 41.80, 0.01, 0.01)),
        ],
    )

    message = refused(path)

    assert "overlap" in message and grid_code(WEST, 1) in message and grid_code(WEST, 2) in message
    assert snapshot() == before


def test_a_grid_half_a_metre_past_its_street_is_refused(two_streets, tmp_path):
    before = snapshot()
    past = rectangle(123.80, 41.81, 0.01, 0.01 + 0.5 * METRE_LAT)
    path = write(tmp_path, [feature(grid_code(WEST, 3), past)])

    message = refused(path)

    assert "outside_street" in message and grid_code(WEST, 3) in message
    assert snapshot() == before


def test_a_grid_a_centimetre_past_its_street_is_within_the_tolerance(two_streets, tmp_path):
    past = rectangle(123.80, 41.81, 0.01, 0.01 + 0.01 * METRE_LAT)
    path = write(tmp_path, [feature(grid_code(WEST, 3), past)])

    assert "0 new, 1 updated" in run("import_boundaries", path, level="grid")


def test_grids_enclosing_a_hole_are_refused(two_streets, tmp_path):
    before = snapshot()
    # Grid 1 with a 20 m notch cut from its north-east corner, which no grid of the file covers.
    notch = 20 / 83_000
    notched = shapely.Polygon(
        [
            (123.80, 41.80),
            (123.81, 41.80),
            (123.81, 41.81 - notch),
            (123.81 - notch, 41.81 - notch),
            (123.81 - notch, 41.81),
            (123.80, 41.81),
        ]
    )
    path = write(
        tmp_path,
        [
            feature(grid_code(WEST, 1), shapely.geometry.mapping(notched)),
            feature(grid_code(WEST, 2), rectangle(123.81, 41.80, 0.01, 0.01)),
            feature(grid_code(WEST, 3), rectangle(123.80, 41.81, 0.01, 0.01)),
            feature(grid_code(WEST, 4), rectangle(123.81, 41.81, 0.01, 0.01)),
        ],
    )

    message = refused(path)

    assert "gap" in message
    assert snapshot() == before


def test_a_tiling_drawn_in_cgcs2000_gauss_kruger_imports_and_checks_clean(db, tmp_path):
    # One 10 km grid over two of 5 km, drawn in EPSG:4550 metres: the middle corner lies on the
    # long edge, which bows 1.7 m once in lon/lat unless it is densified before reprojecting.
    x0, y0 = 530_000.0, 4_620_000.0
    street = "210112001"
    cells = {
        f"{street}01001": shapely.box(x0, y0 + 2_000, x0 + 10_000, y0 + 4_000),
        f"{street}01002": shapely.box(x0, y0, x0 + 5_000, y0 + 2_000),
        f"{street}01003": shapely.box(x0 + 5_000, y0, x0 + 10_000, y0 + 2_000),
    }
    streets_path, grids_path = tmp_path / "streets.gpkg", tmp_path / "grids.gpkg"
    outline = shapely.box(x0, y0, x0 + 10_000, y0 + 4_000)
    gpd.GeoDataFrame({"code": [street]}, geometry=[outline], crs=4550).to_file(streets_path)
    gpd.GeoDataFrame({"code": list(cells)}, geometry=list(cells.values()), crs=4550).to_file(
        grids_path
    )

    run("import_boundaries", str(streets_path), level="street")
    run("import_boundaries", str(grids_path), level="grid")

    assert Grid.objects.count() == 3
    assert "3 grids, 1 streets: 0 errors" in run("check_boundaries", "db")


def test_grids_of_a_street_not_in_the_database_are_refused_naming_it(db, tmp_path):
    path = write(tmp_path, [feature(grid_code(WEST, 1), rectangle(123.80, 41.80, 0.01, 0.01))])

    message = refused(path)

    assert f"street {WEST} is not in the database" in message
    assert not Grid.objects.exists()


def test_a_new_grid_over_a_grid_the_street_keeps_is_refused(two_streets, tmp_path):
    before = snapshot()
    # The file names only grid 5; grid 1, which the street keeps, already covers this square.
    path = write(tmp_path, [feature(grid_code(WEST, 5), rectangle(123.801, 41.801, 0.005, 0.005))])

    message = refused(path)

    assert "overlap" in message and grid_code(WEST, 1) in message and grid_code(WEST, 5) in message
    assert snapshot() == before


def test_exported_streets_and_grids_files_check_clean_together(db, tmp_path):
    demo_zone_load()
    grids_path, streets_path = tmp_path / "grids.geojson", tmp_path / "streets.geojson"
    run("export", what="grids", out=str(grids_path))
    run("export", what="streets", out=str(streets_path))

    report = run("check_boundaries", str(grids_path), streets=str(streets_path))

    assert "80 grids, 4 streets: 0 errors, 0 warnings" in report
