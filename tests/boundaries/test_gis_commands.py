"""`gridgov check-boundaries` and `gridgov generate-grids` from the command line."""

import json

import pyogrio
import pytest
import shapely
from django.core.management import CommandError, call_command
from shapely import box

from backend.boundaries.models import Grid, Street
from gis.export import write_boundaries
from gis.io import Boundary, read_boundaries
from tests.conftest import WEST

M_LON = 1 / 83_000  # about a metre of longitude at 41.8° N


def grids_file(tmp_path, east_edge_of_first: float):
    grids = [
        Boundary(
            "21040400101001",
            "a",
            shapely.MultiPolygon([box(123.80, 41.80, east_edge_of_first, 41.81)]),
            {"households": 400},
            0,
        ),
        Boundary(
            "21040400101002",
            "b",
            shapely.MultiPolygon([box(123.81, 41.80, 123.82, 41.81)]),
            {"households": 400},
            1,
        ),
    ]
    path = tmp_path / "grids.geojson"
    write_boundaries(grids, path)
    return path


def test_database_check_of_a_clean_map_passes(two_streets, capsys):
    call_command("check_boundaries", "db")
    assert "8 grids, 2 streets: 0 errors, 0 warnings" in capsys.readouterr().out


def test_file_with_an_overlap_fails_and_writes_json_and_geojson(tmp_path, capsys):
    path = grids_file(tmp_path, 123.81 + 50 * M_LON)
    with pytest.raises(CommandError) as raised:
        call_command(
            "check_boundaries",
            str(path),
            json_out=str(tmp_path / "r.json"),
            geojson_out=str(tmp_path / "r.geojson"),
        )
    assert raised.value.returncode == 1
    out = capsys.readouterr().out
    assert "overlap" in out and "1 errors" in out
    report = json.loads((tmp_path / "r.json").read_text())
    [problem] = report["problems"]
    assert problem["kind"] == "overlap" and 40_000 < problem["area_m2"] < 60_000
    spots = json.loads((tmp_path / "r.geojson").read_text())
    assert [f["geometry"]["type"] for f in spots["features"]] == ["Point"]


def test_problems_geopackage_holds_areas_and_spots_as_two_layers(tmp_path, capsys):
    path = grids_file(tmp_path, 123.81 + 50 * M_LON)
    with pytest.raises(CommandError):
        call_command("check_boundaries", str(path), problems_out=str(tmp_path / "p.gpkg"))
    layers = [list(layer) for layer in pyogrio.list_layers(tmp_path / "p.gpkg")]
    assert layers == [["problem_areas", "MultiPolygon"], ["problem_spots", "Point"]]


def test_problems_under_a_name_that_is_not_gpkg_is_refused_before_the_check(tmp_path):
    path = grids_file(tmp_path, 123.81 + 50 * M_LON)
    with pytest.raises(CommandError, match="gpkg") as raised:
        call_command("check_boundaries", str(path), "--problems", str(tmp_path / "p.geojson"))
    assert raised.value.returncode == 2
    assert not (tmp_path / "p.geojson").exists()


def test_repair_of_grids_with_a_duplicate_code_writes_nothing_and_says_why(tmp_path, capsys):
    path = tmp_path / "grids.geojson"
    twins = [
        Boundary("21040400101001", name, shapely.MultiPolygon([cell]), {"households": 400}, k)
        for k, (name, cell) in enumerate(
            [
                ("a", box(123.80, 41.80, 123.81 + 0.5 * M_LON, 41.81)),
                ("b", box(123.81, 41.80, 123.82, 41.81)),
            ]
        )
    ]
    write_boundaries(twins, path)
    out_path = tmp_path / "fixed.geojson"
    with pytest.raises(CommandError):
        call_command("check_boundaries", str(path), repair_out=str(out_path), tolerance_m=1)
    out = capsys.readouterr().out
    assert "not_repaired" in out and "duplicate_code" in out and "overlap_assigned" not in out
    assert "nothing written" in out and not out_path.exists()


def test_repair_fixes_a_thin_overlap_and_says_so(tmp_path, capsys):
    path = grids_file(tmp_path, 123.81 + 0.5 * M_LON)
    out_path = tmp_path / "fixed.geojson"
    call_command("check_boundaries", str(path), repair_out=str(out_path), tolerance_m=1)
    out = capsys.readouterr().out
    assert "overlap_assigned" in out and "0 errors" in out
    assert read_boundaries(out_path, level="grid").ok


def test_generate_square_grids_and_import_them(db, tmp_path, capsys):
    call_command("import_boundaries", str(_street_file(tmp_path)), level="street")
    call_command(
        "generate_grids",
        street=WEST,
        method="square",
        cell_area_m2=200_000,
        out=str(tmp_path / "g.gpkg"),
        do_import=True,
    )
    grids = Grid.objects.filter(street__code=WEST)
    assert grids.count() >= 4
    total = sum(g.area_m2 for g in grids)
    assert total == pytest.approx(Street.objects.get(code=WEST).area_m2, rel=1e-6)
    assert "0 errors" in capsys.readouterr().out


def test_generate_household_grids_from_csv_points(db, tmp_path, capsys):
    streets = _street_file(tmp_path)
    points = tmp_path / "homes.csv"
    rows = ["lon,lat,households"]
    for i in range(40):
        for j in range(40):
            rows.append(f"{123.8 + 0.0005 * i + 0.0002},{41.80 + 0.0005 * j + 0.0002},2")
    points.write_text("\n".join(rows))
    out = tmp_path / "hh.geojson"
    call_command(
        "generate_grids",
        street=WEST,
        streets=str(streets),
        method="households",
        households=str(points),
        households_per_grid=400,
        out=str(out),
    )
    grids = read_boundaries(out, level="grid").boundaries
    assert len(grids) == 8  # 3,200 households / 400
    assert all(300 <= g.properties["households"] <= 500 for g in grids)


def test_generate_needs_an_output(db):
    with pytest.raises(CommandError):
        call_command("generate_grids", street=WEST, method="hex")


def _street_file(tmp_path):
    path = tmp_path / "streets.geojson"
    street = Boundary(
        WEST, "西街道", shapely.MultiPolygon([box(123.80, 41.80, 123.82, 41.82)]), {}, 0
    )
    write_boundaries([street], path)
    return path
