"""Import and validation of 10,000 grids: read the file, check it, optionally load the database.

Run: .venv/bin/python bench/boundaries.py [--grids 10000] [--db]
The grids are `gis.generate.voronoi_cut` cells of one street-sized polygon (a 1° x 0.75° box
is a county; 10,000 grids of ~1 km² is a large city), written as GeoJSON in a temporary
directory. `--db` also times `grids_import` into a throwaway SQLite database.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import shapely
from shapely import MultiPolygon

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import progress

from gis.check import check_boundaries
from gis.codes import make_grid_code
from gis.generate import voronoi_cut
from gis.io import Boundary, read_boundaries, write_geojson
from gis.repair import repair_grids

STREET = "210404001"


def timed(label: str, rows: list, run):
    start = time.perf_counter()
    result = run()
    rows.append((label, time.perf_counter() - start))
    progress(f"  {label}: {rows[-1][1]:.2f} s")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grids", type=int, default=10_000)
    parser.add_argument("--db", action="store_true", help="also time grids_import (SQLite)")
    args = parser.parse_args()
    rows: list[tuple[str, float]] = []
    progress(f"generating {args.grids} grids")
    street, grids = build(args.grids)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "grids.geojson"
        write_geojson(grids, path)
        size_mb = path.stat().st_size / 1e6
        loaded = timed(
            "read_boundaries (GeoJSON)", rows, lambda: read_boundaries(path, level="grid")
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
        if args.db:
            timed("grids_import (SQLite)", rows, lambda: import_into_db(tmp, street, loaded))
    print(f"{'step':<32} {'seconds':>8} {'grids/s':>10}")
    for label, seconds in rows:
        print(f"{label:<32} {seconds:>8.2f} {args.grids / seconds:>10,.0f}")
    read_and_check = rows[0][1] + rows[1][1]
    print(
        f"summary: {args.grids} grids ({size_mb:.1f} MB GeoJSON) read and checked in "
        f"{read_and_check:.1f} s; {report.summary()}"
    )


def import_into_db(tmp: str, street: Boundary, loaded) -> None:
    os.environ["GRIDGOV_DATA_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.gridgov.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from backend.boundaries.services import grids_import, streets_import

    streets_import(boundaries=[street])
    grids_import(boundaries=loaded.boundaries)


if __name__ == "__main__":
    main()
