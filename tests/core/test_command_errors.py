"""Ordinary mistakes on the command line: one line naming what is wrong, exit status 2.

The commands run as the console runs them (tests/gridgov_cli.py): Django's run_from_argv and our
parser print what a person sees.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from shapely import MultiPolygon, box

from gis.export import write_boundaries
from gis.io import Boundary
from tests.conftest import WEST
from tests.gridgov_cli import gridgov, gridgov_run

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def english(monkeypatch):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def projected_geojson(path, code: str = WEST) -> str:
    # CGCS2000 3° Gauss-Krüger zone 41 (EPSG:4529) metres, and no crs member: GDAL calls it
    # EPSG:4326 all the same.
    x, y = 41_500_000, 4_630_000
    ring = [[x, y], [x + 1000, y], [x + 1000, y + 1000], [x, y + 1000], [x, y]]
    feature = {
        "type": "Feature",
        "properties": {"code": code, "name": "x"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return str(path)


@pytest.mark.parametrize("community", ["100", "0", "-1", "two"])
def test_a_community_outside_1_to_99_is_refused_before_any_work(community, capsys):
    status, err = gridgov(
        "generate-grids", "--street", WEST, "--method", "hex",
        "--community", community, "--out", "g.geojson", capsys=capsys,
    )  # fmt: skip
    assert status == 2
    assert err.count("\n") == 1
    assert "--community" in err and community in err and "Traceback" not in err


def test_projected_geojson_without_crs_is_refused_naming_file_field_and_a_crs(tmp_path, db, capsys):
    path = projected_geojson(tmp_path / "streets.geojson")
    status, err = gridgov("import-boundaries", path, "--level", "street", capsys=capsys)
    assert status == 2
    assert path in err and "'geometry'" in err and "not longitude/latitude" in err
    assert "--source-crs EPSG:4529" in err  # zone 41 read from the eastings


def test_projected_geojson_without_crs_checks_as_one_file_error_not_nan(tmp_path, capsys):
    path = projected_geojson(tmp_path / "grids.geojson", code=f"{WEST}01001")
    status, out, _err = gridgov_run("check-boundaries", path, capsys=capsys)
    assert status == 1  # a check's result: the file has errors
    assert "not longitude/latitude" in out and "nan" not in out


def test_zone_numbered_eastings_under_a_crs_without_the_zone_are_refused_in_one_line(
    tmp_path, db, capsys
):
    # EPSG:4529 eastings (zone 41 in front) read as EPSG:4550 (no zone number): pyproj gives
    # inf, which reached the database check as "Invalid Coordinate" per feature and the
    # check as a NaN traceback.
    path = projected_geojson(tmp_path / "grids.geojson", code=f"{WEST}01001")
    status, err = gridgov(
        "import-boundaries", path, "--level", "grid", "--source-crs", "EPSG:4550", capsys=capsys
    )
    assert status == 2 and "Traceback" not in err and "Invalid Coordinate" not in err
    assert "feature 1" not in err  # one line on the file, not one per feature
    assert path in err and "'geometry'" in err and "EPSG:4550" in err
    assert "--source-crs EPSG:4529" in err
    status, out, err = gridgov_run(
        "check-boundaries", path, "--source-crs", "EPSG:4550", capsys=capsys
    )
    assert status == 1 and "Traceback" not in err
    assert "--source-crs EPSG:4529" in out and "nan" not in out


def test_projected_file_is_imported_when_its_crs_is_given(tmp_path, db, capsys):
    path = projected_geojson(tmp_path / "streets.geojson")
    call_command("import_boundaries", path, level="street", source_crs="EPSG:4529")
    assert "imported 1 streets" in capsys.readouterr().out


def test_a_csv_without_geometry_is_refused_as_a_boundary_file(tmp_path, capsys):
    path = tmp_path / "streets.csv"
    path.write_text("code,name,households\n210404001,west,300\n")
    status, err = gridgov("import-boundaries", str(path), "--level", "street", capsys=capsys)
    assert status == 2
    assert err.count("\n") == 1
    assert str(path) in err and "no geometry" in err and "code, name, households" in err


def test_a_missing_input_file_is_one_line(tmp_path, capsys):
    path = str(tmp_path / "nowhere.geojson")
    status, err = gridgov("check-boundaries", path, capsys=capsys)
    assert (status, err) == (2, f"gridgov check-boundaries: {path}: no such file\n")


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--what", "grids", "--out", "{missing}/grids.geojson"],
        ["generate-grids", "--street", WEST, "--method", "hex", "--out", "{missing}/g.geojson"],
        ["check-boundaries", "db", "--json", "{missing}/report.json"],
        ["check-boundaries", "db", "--geojson", "{missing}/spots.geojson"],
        ["check-boundaries", "db", "--repair", "{missing}/fixed.geojson"],
        ["map-report", "--out", "{missing}/map.pdf"],
    ],
    ids=lambda argv: f"{argv[0]} {argv[-2]}",
)
def test_an_output_in_a_missing_folder_is_refused_before_any_work(argv, tmp_path, capsys):
    missing = tmp_path / "not-made"
    status, err = gridgov(*(a.format(missing=missing) for a in argv), capsys=capsys)
    assert status == 2
    assert f"folder {missing} does not exist" in err and err.count("\n") == 1


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--what", "grids", "--out", "/proc/gridgov-grids.geojson"],
        ["export", "--what", "grids", "--out", "/proc/gridgov-grids.gpkg"],
        ["export", "--what", "grids", "--out", "/proc/gridgov-grids.shp"],
        ["export", "--what", "grids", "--out", "/proc/gridgov-grids.shp.zip"],
        ["export", "--what", "grids", "--out", "/proc/gridgov-grids.csv"],
        ["export", "--what", "grid-stats", "--out", "/proc/gridgov-grids.xlsx"],
        ["generate-grids", "--street", WEST, "--method", "hex", "--out", "/proc/gridgov.geojson"],
        ["check-boundaries", "db", "--json", "/proc/gridgov-report.json"],
        ["check-boundaries", "db", "--problems", "/proc/gridgov-problems.gpkg"],
        ["check-boundaries", "db", "--repair", "/proc/gridgov-fixed.geojson"],
        ["map-report", "--out", "/proc/gridgov-map.png"],
    ],
    ids=lambda argv: f"{argv[0]} {argv[-2]} {Path(argv[-1]).suffix}",
)
def test_an_output_that_cannot_be_written_is_one_line_naming_it(argv, two_streets, capsys):
    # A folder that exists but takes no new file (no permission, a read-only disk): /proc
    # refuses even root, which these tests may run as.
    status, err = gridgov(*argv, capsys=capsys)
    assert status == 2 and "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"gridgov {argv[0]}: cannot write {argv[-1]}: "), err
    assert last.count(argv[-1]) == 1  # GDAL's repetitions of the path are left out


def test_a_check_that_finds_errors_still_exits_1_a_result_not_a_mistake(tmp_path, capsys):
    path = projected_geojson(tmp_path / "grids.geojson", code="not-a-code")
    status, _err = gridgov("check-boundaries", path, capsys=capsys)
    assert status == 1


def test_a_street_too_big_for_999_grids_is_refused_at_once_saying_what_to_change(tmp_path, capsys):
    # About 722 km², near Hunnan's 808, at the default 250,000 m² cells.
    street = Boundary(WEST, "big", MultiPolygon([box(123.2, 41.65, 123.54, 41.88)]), {}, 0)
    streets = tmp_path / "streets.geojson"
    write_boundaries([street], streets)
    started = time.monotonic()
    status, err = gridgov(
        "generate-grids", "--street", WEST, "--streets", str(streets), "--method", "square",
        "--out", str(tmp_path / "g.geojson"), capsys=capsys,
    )  # fmt: skip
    assert time.monotonic() - started < 10
    assert status == 2 and err.count("\n") == 1
    assert WEST in err and "about 2,889 grids" in err and "--cell-area-m2 810000 or more" in err


def test_an_unknown_command_is_one_line_with_the_nearest_one(capsys):
    status, err = gridgov("import-boundary", "x.geojson", capsys=capsys)
    assert status == 2
    assert err == (
        "gridgov: no command 'import-boundary' (did you mean import-boundaries?); "
        "`gridgov help` lists them\n"
    )


def test_lon_lat_given_a_projected_crs_is_refused_not_imported_into_the_ocean(tmp_path, db, capsys):
    streets = tmp_path / "streets.geojson"
    write_boundaries(
        [Boundary(WEST, "w", MultiPolygon([box(123.80, 41.80, 123.82, 41.82)]), {}, 1)], streets
    )
    status, err = gridgov(
        "import-boundaries", str(streets), "--level", "street", "--source-crs", "EPSG:4550",
        capsys=capsys,
    )  # fmt: skip
    assert status == 2
    assert "look like longitude/latitude" in err and "not the metres of EPSG:4550" in err


def test_a_command_before_migrate_says_to_migrate(tmp_path):
    # A fresh SQLite file of its own: the first day's slip, without touching the test database.
    env = {"PYTHONPATH": str(REPO), "GRIDGOV_DATA_DIR": str(tmp_path), "LANG": "C.UTF-8"}
    done = subprocess.run(
        [sys.executable, "-m", "backend.cli", "escalate"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr == (
        "gridgov escalate: the database is not set up for this version "
        "(no such table: incidents_incident): run gridgov migrate\n"
    )
