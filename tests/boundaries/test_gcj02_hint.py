"""The real Wanghua outline (GCJ-02, gis/data) read without --source-crs gcj02: the commands
refuse or fail as before, and a hint line names the file and the option that was forgotten."""

from io import StringIO

import pytest
import shapely
from django.core.management import CommandError, call_command

from backend.boundaries.models import Grid
from gis import coords
from gis.export import write_boundaries
from gis.gridding import coded_grids, lattice_cut
from gis.io import Boundary, read_features
from tests.gis.test_offsets import DATA, STREET


def run(command: str, *args, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def street_file(tmp_path) -> str:
    """The outline as a street file, in GCJ-02 as AMap gives it (no CRS says so)."""
    outline = shapely.from_geojson(DATA.read_text())
    [geometry] = shapely.get_parts(outline)
    path = tmp_path / "street-gcj02.geojson"
    write_boundaries([Boundary(STREET, "望花街道", geometry, {}, 1)], path)
    return str(path)


def grid_file(tmp_path, *, in_gcj02: bool) -> str:
    [outline] = shapely.get_parts(shapely.from_geojson(DATA.read_text()))
    if not in_gcj02:
        outline = coords.transform_geometry(outline, coords.gcj02_to_wgs84)
    cells = lattice_cut(outline, cell_area_m2=4_000_000, shape="hex")
    path = tmp_path / "grids.geojson"
    write_boundaries(coded_grids(STREET, cells), path)
    return str(path)


def refused_import(path: str) -> str:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_boundaries", path, level="grid", stdout=StringIO(), stderr=err)
    return err.getvalue()


def test_grids_on_a_street_imported_without_gcj02_hint_at_the_street_file(db, tmp_path):
    run("import_boundaries", street_file(tmp_path), level="street")  # the mistake
    err = refused_import(grid_file(tmp_path, in_gcj02=False))
    [hint] = [line for line in err.splitlines() if "hint" in line]
    assert "street file" in hint and "--source-crs gcj02" in hint and " m off" in hint
    assert not Grid.objects.exists()


def test_gcj02_grids_hint_at_the_grid_file_and_import_with_the_option(db, tmp_path):
    run("import_boundaries", street_file(tmp_path), level="street", source_crs="gcj02")
    grids = grid_file(tmp_path, in_gcj02=True)
    err = refused_import(grids)
    assert "read the grid file with --source-crs gcj02" in err
    run("import_boundaries", grids, level="grid", source_crs="gcj02")
    assert Grid.objects.count() > 50


def test_check_of_wgs84_grids_against_the_gcj02_street_file_hints(db, tmp_path):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "check_boundaries",
            grid_file(tmp_path, in_gcj02=False),
            streets=street_file(tmp_path),
            stdout=StringIO(),
            stderr=err,
        )
    assert "street file" in err.getvalue() and "--streets-source-crs gcj02" in err.getvalue()


def test_check_of_wgs84_grids_with_the_street_file_read_as_gcj02_is_clean(db, tmp_path):
    # The hint followed: the street file's CRS alone, the grids (cut from the street as the
    # option reads it, in WGS-84) as they are.
    streets = street_file(tmp_path)
    [street] = read_features(streets, source_crs="gcj02").boundaries
    grids = tmp_path / "grids.geojson"
    write_boundaries(
        coded_grids(STREET, lattice_cut(street.geometry, cell_area_m2=4_000_000, shape="hex")),
        grids,
    )
    out, err = run("check_boundaries", str(grids), streets=streets, streets_source_crs="gcj02")
    assert " 0 errors" in out and "hint" not in err


def test_the_hint_follows_the_problems_where_a_reader_of_the_console_ends(db, tmp_path):
    # Hundreds of outside_street lines would push a hint printed before them off the screen.
    run("import_boundaries", street_file(tmp_path), level="street", source_crs="gcj02")
    grids = grid_file(tmp_path, in_gcj02=True)
    assert "--source-crs gcj02" in refused_import(grids).strip().splitlines()[-1]
    console = StringIO()  # stdout and stderr as a terminal shows them, one after the other
    with pytest.raises(CommandError):
        call_command(
            "check_boundaries",
            grid_file(tmp_path, in_gcj02=False),
            streets=street_file(tmp_path),
            stdout=console,
            stderr=console,
        )
    assert "source-crs gcj02" in console.getvalue().strip().splitlines()[-1]
