"""`gridgov generate-grids --method households` says which points it used and dropped, and
refuses (exit status 2, one line, nothing written) a result no street office could use."""

from io import StringIO

import numpy as np
import pytest
import shapely
from django.core.management import CommandError, call_command
from shapely import box

from backend.cli import main
from gis.coords import wgs84_to_gcj02
from gis.export import write_boundaries
from gis.io import Boundary, read_boundaries
from tests.conftest import WEST

INSIDE = [
    (123.8 + 0.0005 * i + 0.0002, 41.80 + 0.0005 * j + 0.0002) for i in range(40) for j in range(40)
]
OUTSIDE = [(123.9 + 0.001 * i, 41.9) for i in range(100)]


def street_file(tmp_path, *parts) -> str:
    geometry = shapely.MultiPolygon(list(parts) or [box(123.80, 41.80, 123.82, 41.82)])
    path = tmp_path / "streets.geojson"
    write_boundaries([Boundary(WEST, "西街道", geometry, {}, 1)], path)
    return str(path)


def points_file(tmp_path, points, households=2) -> str:
    path = tmp_path / "homes.csv"
    path.write_text(
        "\n".join(["lon,lat,households", *(f"{x},{y},{households}" for x, y in points)])
    )
    return str(path)


def generate(tmp_path, streets, points, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(
        "generate_grids",
        street=WEST,
        streets=streets,
        method="households",
        households=points,
        out=str(tmp_path / "grids.geojson"),
        stdout=out,
        stderr=err,
        **{"households_per_grid": 400, **options},
    )
    return out.getvalue(), err.getvalue()


def refusal(tmp_path, streets, points, **options) -> str:
    with pytest.raises(CommandError) as raised:
        generate(tmp_path, streets, points, **options)
    assert raised.value.returncode == 2
    assert not (tmp_path / "grids.geojson").exists()
    return str(raised.value)


def test_points_outside_the_street_are_counted_as_dropped(db, tmp_path):
    out, _err = generate(tmp_path, street_file(tmp_path), points_file(tmp_path, INSIDE + OUTSIDE))
    assert (
        "1,700 points (3,400 households) read: 1,600 (3,200 households) inside street "
        f"{WEST} used, 100 (200 households) outside it dropped" in out
    )
    assert len(read_boundaries(tmp_path / "grids.geojson", level="grid").boundaries) == 8


def test_an_empty_points_file_is_refused(db, tmp_path):
    message = refusal(tmp_path, street_file(tmp_path), points_file(tmp_path, []))
    assert "has no points" in message


def test_points_all_outside_the_street_are_refused(db, tmp_path):
    message = refusal(tmp_path, street_file(tmp_path), points_file(tmp_path, OUTSIDE))
    assert f"none of the 100 points lies inside street {WEST}" in message


def test_fewer_households_than_half_a_grid_are_refused(db, tmp_path):
    message = refusal(tmp_path, street_file(tmp_path), points_file(tmp_path, INSIDE[:50]))
    assert "only 100 households inside street" in message and "target of 400" in message


def test_a_large_grid_without_households_is_refused_unless_allowed(db, tmp_path):
    # A detached part of the street (about 2 km²) with no household points in it.
    streets = street_file(
        tmp_path, box(123.80, 41.80, 123.82, 41.82), box(123.83, 41.80, 123.845, 41.815)
    )
    points = points_file(tmp_path, INSIDE)
    message = refusal(tmp_path, streets, points)
    assert "1 grid(s) with no households larger than 1 km²" in message
    out, _err = generate(tmp_path, streets, points, empty_grid_max_km2=3)
    assert "households per grid 0-" in out


def test_a_refusal_is_in_chinese_under_a_chinese_locale(db, tmp_path, monkeypatch, capsys):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    argv = ["gridgov", "generate-grids", "--street", WEST, "--method", "households"]
    argv += ["--streets", street_file(tmp_path), "--households", points_file(tmp_path, OUTSIDE)]
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--out", str(tmp_path / "grids.geojson")])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"100 个点没有一个在街道 {WEST} 内" in err and "未写出任何内容" in err


def test_points_in_gcj02_get_a_hint_and_fit_with_source_crs(db, tmp_path):
    lons, lats = wgs84_to_gcj02(*np.array(INSIDE).T)
    points = points_file(tmp_path, zip(lons, lats, strict=True))
    out, err = generate(tmp_path, street_file(tmp_path), points)
    assert "outside it dropped" in out and "--source-crs gcj02" in err
    out, err = generate(tmp_path, street_file(tmp_path), points, source_crs="gcj02")
    assert "0 (0 households) outside it dropped" in out and "hint" not in err


def test_a_households_field_named_but_not_in_the_file_is_refused(db, tmp_path):
    # Without the field every point would count as one household: grids of 400 points, not of
    # 400 households, and no word said.
    points = points_file(tmp_path, INSIDE)
    message = refusal(tmp_path, street_file(tmp_path), points, households_field="户数")
    assert points in message and "'户数'" in message and "lon, lat, households" in message


def test_points_without_the_default_households_field_count_one_household_each(db, tmp_path):
    path = tmp_path / "homes.csv"
    path.write_text("\n".join(["lon,lat", *(f"{x},{y}" for x, y in INSIDE)]))
    out, _err = generate(tmp_path, street_file(tmp_path), str(path))
    assert "1,600 points (1,600 households) read" in out


def test_more_grids_than_a_community_holds_are_refused_before_cutting_saying_what_fits(
    db, tmp_path
):
    # 3,200 households at 3 a grid: about 1,067 grids, and a community holds 999.
    message = refusal(
        tmp_path, street_file(tmp_path), points_file(tmp_path, INSIDE), households_per_grid=3
    )
    assert "1,067" in message and "999" in message and "--households-per-grid 4" in message
