"""Every gridgov command, given garbage, answers with a message and exit status 1 or 2: never a
traceback. A new command fails `test_every_command_has_garbage_to_chew_on` until it gets some.

`serve` is left out: it has no file or date arguments, and what it does is start a server.
"""

import json
from pathlib import Path

import pytest

from tests.conftest import WEST
from tests.gridgov_cli import gridgov

REPO = Path(__file__).resolve().parents[2]
GRID = f"{WEST}01001"

# {missing}: a path in a folder that does not exist; {nofile}: a file that does not exist;
# {projected}, {plain_csv}, {junk}, {empty}, {not_features}, {no_features}, {points}: files made
# below; {folder}: a folder where a file is expected.
GARBAGE: dict[str, list[str]] = {
    "import_boundaries": [
        "{nofile} --level street",
        "{plain_csv} --level street",
        "{projected} --level street",
        "{junk} --level grid",
        "{empty} --level grid",
        "{not_features} --level street",
        "{no_features} --level street",
        "{folder} --level street",
        "{points} --level grid",
        "{points} --level street --code-field nope",
        "{projected} --level street --source-crs EPSG:999999",
        "{projected} --level street --source-crs nonsense",
        "{projected} --level street --source-crs EPSG:4550",  # zone-41 eastings: off its map
        "{projected} --level grid --layer nope",
        "{projected} --level grid --encoding no-such-encoding",
        "{projected} --level county",
        "{projected} --level street --replace",
        "{projected} --level grid --relocate-open",
        "--level street",
    ],
    "check_boundaries": [
        "{nofile}",
        "{plain_csv}",
        "{junk}",
        "{empty}",
        "{not_features}",
        "{no_features}",
        "{points}",
        "{projected} --streets {nofile}",
        "{projected} --streets {junk}",
        "{projected} --source-crs nonsense",
        "{projected} --source-crs EPSG:4550",
        "{projected} --streets {street} --streets-source-crs nonsense",
        "{projected} --streets {projected} --streets-source-crs EPSG:4550",
        "db --json {missing}/r.json",
        "db --geojson {missing}/p.gpkg",
        "db --problems {missing}/p.gpkg",
        "db --problems p.geojson",
        "db --repair {missing}/fixed.geojson",
        "db --repair fixed.txt",
        "db --repair fixed.xlsx",
        "db --tolerance-m abc",
        "db --tolerance-m -1",
        "db --tolerance-m nan",
        "db --sliver-width-m inf",
        "db --households-low many",
        "db --households-low 900 --households-high 100",
    ],
    "generate_grids": [
        f"--street {WEST} --method hex --community 100 --out g.geojson",
        f"--street {WEST} --method hex --community 0 --out g.geojson",
        f"--street {WEST} --method hex --community -1 --out g.geojson",
        f"--street {WEST} --method hex --community 1.5 --out g.geojson",
        f"--street {WEST} --method triangle --out g.geojson",
        "--street 12 --method hex --out g.geojson",
        "--street 21040400x --method hex --out g.geojson",
        f"--street {WEST} --method hex --out g.geojson",  # no such street in the database
        f"--street {WEST} --method hex",  # neither --out nor --import
        f"--street {WEST} --method square --cell-area-m2 0 --out g.geojson",
        f"--street {WEST} --method square --cell-area-m2 -5 --out g.geojson",
        f"--street {WEST} --method square --cell-area-m2 nan --out g.geojson",
        f"--street {WEST} --method square --cell-area-m2 inf --out g.geojson",
        f"--street {WEST} --method square --out {{missing}}/g.geojson",
        f"--street {WEST} --method square --out g.txt",
        f"--street {WEST} --method square --out g.xlsx",
        f"--street {WEST} --streets {{nofile}} --method hex --out g.geojson",
        f"--street {WEST} --streets {{plain_csv}} --method hex --out g.geojson",
        f"--street {WEST} --streets {{projected}} --method hex --out g.geojson",
        f"--street {WEST} --streets {{junk}} --method hex --out g.geojson",
        f"--street {WEST} --method households --out g.geojson",
        f"--street {WEST} --method households --households {{nofile}} --out g.geojson",
        f"--street {WEST} --method households --households-per-grid 0 --out g.geojson",
        f"--street {WEST} --streets {{street}} --method households --households {{bad_points}} "
        "--out g.geojson",
        f"--street {WEST} --streets {{street}} --method households --households {{plain_csv}} "
        "--out g.geojson",
        f"--street {WEST} --streets {{street}} --method households --households {{points}} "
        "--households-field nope --out g.geojson",
        f"--street {WEST} --streets {{street}} --method households --households {{junk}} "
        "--out g.geojson",
        f"--street {WEST} --streets {{street}} --method households --households {{points}} "
        "--roads {junk} --out g.geojson",
        f"--street {WEST} --streets {{street}} --method square --cell-area-m2 1 --out g.geojson",
        f"--street {WEST} --method hex --empty-grid-max-km2 -1 --out g.geojson",
        f"--street {WEST} --method hex --out g.geojson --replace --relocate-open --import",
        f"--street {WEST} --method hex --out g.geojson --relocate-open",
    ],
    "export": [
        "--what nothing --out x.geojson",
        "--what grids --format kml --out x.kml",
        "--what grids --out x.kml",
        "--what grids --out {missing}/x.geojson",
        "--what grids --format gpkg --out x.geojson",
        "--what grids --street 12 --out x.geojson",
        "--what grids --street 999999999 --out x.geojson",
        "--what grid-stats --street 999999999 --out x.geojson",
        "--what grid-stats --from 2026-13-01 --out x.geojson",
        "--what grid-stats --from yesterday --out x.geojson",
        "--what grid-stats --from 2026-01-01T08:00 --out x.geojson",
        "--what grid-stats --from 2026-02-01 --to 2026-01-01 --out x.geojson",
        "--what grid-stats --to 9999-12-31 --out x.geojson",
        "--what grid-stats --from 0001-01-01 --out x.geojson",
        "--what grid-stats --from 0001-01-01T00:00+08:00 --out x.geojson",
        "--what grids",
        "--what grids --out x.gpkg --crs nonsense",
        "--what grids --out x.gpkg --crs EPSG:999999",
        "--what grids --out x.csv --crs EPSG:4550",
        "--what grids --format shp --out x.geojson",
    ],
    "map_report": [
        "--out map.svg",
        "--out {missing}/map.png",
        "--out map.png --street 12",
        "--out map.png --street 999999999",
        "--out map.png --from 2026-02-30",
        "--out map.png --from 2026-02-01 --to 2026-01-01",
        "--out map.png --to 9999-12-31",
        "--out map.png --language klingon",
        "--out .",
    ],
    "demo": ["--no-such-option", "surplus"],
    "escalate": ["--no-such-option", "surplus"],
    "stats_rollup_rebuild": ["--no-such-option", "surplus"],
}


def test_every_command_has_garbage_to_chew_on():
    commands = {
        path.stem
        for path in REPO.glob("backend/*/management/commands/*.py")
        if not path.stem.startswith("_")
    }
    assert commands - {"serve"} == set(GARBAGE)


@pytest.fixture
def files(tmp_path, monkeypatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)  # outputs named without a folder land here, if anywhere
    monkeypatch.setenv("LANG", "C.UTF-8")
    x, y = 41_500_000, 4_630_000
    ring = [[x, y], [x + 1000, y], [x + 1000, y + 1000], [x, y + 1000], [x, y]]
    (tmp_path / "projected.geojson").write_text(
        json.dumps(_collection({"code": WEST}, {"type": "Polygon", "coordinates": [ring]}))
    )
    (tmp_path / "points.geojson").write_text(
        json.dumps(_collection({"code": GRID}, {"type": "Point", "coordinates": [123.8, 41.8]}))
    )
    (tmp_path / "plain.csv").write_text("code,name,households\n210404001,west,300\n")
    (tmp_path / "bad-points.csv").write_text("lon,lat\n123.81,41.81\nnorth,east\n")
    square = [[123.80, 41.80], [123.82, 41.80], [123.82, 41.82], [123.80, 41.82], [123.80, 41.80]]
    (tmp_path / "street.geojson").write_text(
        json.dumps(_collection({"code": WEST}, {"type": "Polygon", "coordinates": [square]}))
    )
    (tmp_path / "junk.geojson").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "empty.geojson").write_bytes(b"")
    (tmp_path / "not-features.geojson").write_text('{"hello": [1, 2, 3]}')
    (tmp_path / "no-features.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    return {
        "missing": str(tmp_path / "no-such-folder"),
        "nofile": str(tmp_path / "no-such-file.geojson"),
        "projected": str(tmp_path / "projected.geojson"),
        "points": str(tmp_path / "points.geojson"),
        "plain_csv": str(tmp_path / "plain.csv"),
        "bad_points": str(tmp_path / "bad-points.csv"),
        "street": str(tmp_path / "street.geojson"),
        "junk": str(tmp_path / "junk.geojson"),
        "empty": str(tmp_path / "empty.geojson"),
        "not_features": str(tmp_path / "not-features.geojson"),
        "no_features": str(tmp_path / "no-features.geojson"),
        "folder": str(tmp_path),
    }


def _collection(properties: dict, geometry: dict) -> dict:
    feature = {"type": "Feature", "properties": properties, "geometry": geometry}
    return {"type": "FeatureCollection", "features": [feature]}


@pytest.mark.parametrize(
    ("command", "arguments"),
    [(command, arguments) for command, cases in GARBAGE.items() for arguments in cases],
)
def test_garbage_gets_a_message_and_exit_status_1_or_2_never_a_traceback(
    command, arguments, files, db, capsys
):
    argv = [command.replace("_", "-"), *arguments.format(**files).split()]
    status, err = gridgov(*argv, capsys=capsys)
    assert status in (1, 2), err
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"gridgov {argv[0]}: "), err
