"""Import and check of 10,000 grids: the library steps, then the two commands on PostgreSQL.

Run: .venv/bin/python bench/boundaries.py [--grids 10000] [--db]
The grids are `gis.generate.voronoi_cut` cells of one street-sized polygon (a 1° x 0.75° box
is a county; 10,000 grids of ~1 km² is a large city), written as GeoJSON in a temporary
directory with their street. Without `--db` only the library steps are timed. `--db` runs what
a person runs, in this process (Python and Django start-up not counted):
`gridgov check-boundaries grids.geojson --streets streets.geojson`, then
`gridgov import-boundaries grids.geojson --level grid` into a fresh PostgreSQL database of its
own (`gridgov_bench_boundaries`, DATABASE_URL's server; REDIS_URL as production has it), and
prints their total against the target (docs/performance.md): under 10 s together. A second
import of the same file (every grid updated) is timed too.

The round trip (issue 14): the grids written in every format we write (GeoJSON, GeoPackage,
Shapefile, and GeoPackage in CGCS2000 / 3-degree Gauss-Krüger EPSG:4550), read back and checked
with their street, one row per format with the errors found (target 0) and the seconds. With
`--db` the same through the commands: `gridgov export --what grids --out FILE [--crs]`, `gridgov
import-boundaries FILE --level grid` (every grid updated, after the import's own check),
`gridgov check-boundaries db`.
"""

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from functools import partial
from io import StringIO
from pathlib import Path

import shapely
from shapely import MultiPolygon

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import PACE_NOTE, database_create, database_url, paced, progress, verdict

from gis.check import check_boundaries
from gis.codes import make_grid_code
from gis.export import write_boundaries
from gis.generate import voronoi_cut
from gis.io import Boundary, read_boundaries, write_geojson
from gis.repair import repair_grids

STREET = "210404001"
# (file name, CRS) of each round trip: a zipped Shapefile is one file, as it is mailed; the
# CGCS2000 Gauss-Krüger zone of the bench's box (EPSG:4550) is what a survey office works in.
ROUND_TRIP_FILES = {
    "GeoJSON": ("round-trip.geojson", None),
    "GeoPackage": ("round-trip.gpkg", None),
    "Shapefile": ("round-trip.shp.zip", None),
    "GeoPackage EPSG:4550": ("round-trip-4550.gpkg", "EPSG:4550"),
}
DATABASE = "gridgov_bench_boundaries"
TARGET_S = 10.0


def timed(label: str, rows: list, run):
    """Run and time `run`, with the machine pace beside it; one row of the table."""

    def clocked():
        start = time.perf_counter()
        result = run()
        return result, time.perf_counter() - start

    (result, seconds), pace = paced(clocked)
    rows.append((label, seconds, pace))
    progress(f"  {label}: {seconds:.2f} s (pace {pace})")
    return result


def build(n: int) -> tuple[Boundary, list[Boundary]]:
    area = shapely.box(123.5, 41.6, 124.5, 42.35)
    cells = voronoi_cut(area, n, seed=7, relax_steps=1)
    grids = [
        Boundary(
            make_grid_code(STREET, 1 + k // 999, 1 + k % 999),
            f"grid {k}",
            MultiPolygon([cell]),
            {"households": 400},
            k,
        )
        for k, cell in enumerate(cells)
    ]
    return Boundary(STREET, "bench", MultiPolygon([area]), {}, 0), grids


def django_setup(tmp: str) -> None:
    os.environ["DATABASE_URL"] = database_url(DATABASE)
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ["GRIDGOV_DATA_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.gridgov.settings")
    database_create(os.environ["DATABASE_URL"], fresh=True)
    import django
    from django.core.management import call_command

    django.setup()
    progress(f"migrating {DATABASE}")
    call_command("migrate", verbosity=0)


def command(*args: str, **options) -> str:
    """A management command's output, run in this process."""
    from django.core.management import call_command

    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue().strip().splitlines()[-1]


def library_round_trip(
    grids: list[Boundary], street: Boundary, path: Path, crs: str | None
) -> tuple[int, float]:
    """(errors, seconds) of write_boundaries, read_boundaries and check_boundaries (+ street)."""
    start = time.perf_counter()
    write_boundaries(grids, path, crs=crs)
    loaded = read_boundaries(path, level="grid")
    report = check_boundaries(loaded.boundaries, [street])
    return len(report.errors) + len(loaded.problems), time.perf_counter() - start


def command_round_trip(path: Path, crs: str | None) -> tuple[int, float]:
    """(errors, seconds) of gridgov export, import-boundaries and check-boundaries db."""
    from django.core.management import CommandError

    report_path = path.with_name("round-trip-report.json")
    start = time.perf_counter()
    command("export", what="grids", out=str(path), crs=crs)
    command("import_boundaries", str(path), level="grid")
    # Exit status 1 on errors: the count is in the report either way.
    with contextlib.suppress(CommandError):
        command("check_boundaries", "db", json_out=str(report_path))
    seconds = time.perf_counter() - start
    return json.loads(report_path.read_text(encoding="utf-8"))["errors"], seconds


def round_trips(label: str, run, tmp: str, trips: list) -> None:
    """One row per format: (label, errors, seconds, pace)."""
    for fmt, (name, crs) in ROUND_TRIP_FILES.items():
        (errors, seconds), pace = paced(lambda name=name, crs=crs: run(Path(tmp) / name, crs))
        trips.append((f"{label} {fmt}", errors, seconds, pace))
        progress(f"  round trip {label} {fmt}: {errors} errors, {seconds:.2f} s (pace {pace})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grids", type=int, default=10_000)
    parser.add_argument("--db", action="store_true", help="also run the commands (PostgreSQL)")
    args = parser.parse_args()
    rows: list[tuple[str, float, str]] = []
    trips: list[tuple[str, int, float, str]] = []
    progress(f"generating {args.grids} grids")
    street, grids = build(args.grids)
    with tempfile.TemporaryDirectory() as tmp:
        grids_path, streets_path = Path(tmp) / "grids.geojson", Path(tmp) / "streets.geojson"
        write_geojson(grids, grids_path)
        write_geojson([street], streets_path)
        size_mb = grids_path.stat().st_size / 1e6
        loaded = timed(
            "read_boundaries (GeoJSON)", rows, lambda: read_boundaries(grids_path, level="grid")
        )
        assert loaded.ok and len(loaded.boundaries) == args.grids
        report = timed(
            "check_boundaries (+ street)",
            rows,
            lambda: check_boundaries(loaded.boundaries, [street]),
        )
        timed("check_boundaries (no street)", rows, lambda: check_boundaries(loaded.boundaries))
        timed(
            "repair_grids (nothing to do)", rows, lambda: repair_grids(loaded.boundaries, [street])
        )
        library = partial(library_round_trip, grids, street)
        round_trips("library", library, tmp, trips)
        total = None
        if args.db:
            django_setup(tmp)
            command("import_boundaries", str(streets_path), level="street")
            check = ("check_boundaries", str(grids_path))
            checked = timed(
                "gridgov check-boundaries", rows, lambda: command(*check, streets=str(streets_path))
            )
            imported = timed(
                "gridgov import-boundaries (new)",
                rows,
                lambda: command("import_boundaries", str(grids_path), level="grid"),
            )
            progress(f"  {checked}\n  {imported}")
            total = rows[-2][1] + rows[-1][1]
            again = timed(
                "gridgov import-boundaries (again)",
                rows,
                lambda: command("import_boundaries", str(grids_path), level="grid"),
            )
            progress(f"  {again}")
            round_trips("gridgov", command_round_trip, tmp, trips)
    print(f"{args.grids:,} grids, {size_mb:.1f} MB GeoJSON")
    print(f"{'step':<36} {'seconds':>8} {'grids/s':>10} {'pace':>9}")
    for label, seconds, pace in rows:
        print(f"{label:<36} {seconds:>8.2f} {args.grids / seconds:>10,.0f} {pace:>9}")
    print("round trip: write, read, check with the street (target 0 errors)")
    print(f"{'round trip':<36} {'errors':>8} {'seconds':>8} {'pace':>9}")
    for label, errors, seconds, pace in trips:
        print(f"{label:<36} {errors:>8} {seconds:>8.2f} {pace:>9}")
    print(PACE_NOTE)
    if total is None:
        target = f"import not measured (run with --db for the target, < {TARGET_S:g} s)"
    else:
        target = (
            f"check + import {total:.1f} s (target < {TARGET_S:g} s: {verdict(total < TARGET_S)})"
        )
    worst = max((errors for _label, errors, _seconds, _pace in trips), default=0)
    print(
        f"summary: {args.grids} grids: {target}; {report.summary()}; {len(trips)} round trips, "
        f"most errors {worst} (target 0: {verdict(worst == 0)})"
    )


if __name__ == "__main__":
    main()
