"""Point-in-grid lookup speed: GridLocator against raw STRtree queries on the same polygons.

Run: .venv/bin/python bench/locate.py [--points 1000000] [--single 20000]
Both sides start from lon/lat floats, so both timings include building the shapely points.
"""

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely
from shapely import Point, STRtree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import progress

from gis.demo import build_demo_zone
from gis.generate import voronoi_cut
from gis.locator import GridLocator


def best_rate(run: Callable[[], object], count: int, repeats: int) -> float:
    """Lookups per second of the fastest of `repeats` runs (least disturbed by the machine)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return count / best


def random_points(bounds: tuple[float, float, float, float], n: int, seed: int) -> np.ndarray:
    min_x, min_y, max_x, max_y = bounds
    rng = np.random.default_rng(seed)
    return rng.uniform((min_x, min_y), (max_x, max_y), size=(n, 2))


def bench_case(
    name: str, codes: list[str], polygons: list, n_single: int, n_batch: int
) -> list[tuple]:
    locator = GridLocator(codes, polygons)
    tree = STRtree(np.array(polygons, dtype=object))
    single = random_points(locator.bounds, n_single, seed=1)
    batch = random_points(locator.bounds, n_batch, seed=2)
    lons, lats = batch[:, 0].copy(), batch[:, 1].copy()
    single_pairs = [(float(x), float(y)) for x, y in single]

    def ours_single() -> None:
        for lon, lat in single_pairs:
            locator.locate(lon, lat)

    def raw_single() -> None:
        for lon, lat in single_pairs:
            tree.query(Point(lon, lat), predicate="within")

    def ours_batch() -> None:
        locator.locate_many(lons, lats)

    def raw_batch() -> None:
        tree.query(shapely.points(lons, lats), predicate="within")

    rows = []
    progress(f"{name}: single-point lookups ({n_single:,} points)")
    ours, raw = best_rate(ours_single, n_single, 3), best_rate(raw_single, n_single, 3)
    rows.append((name, len(codes), f"single x{n_single:,}", ours, raw))
    progress(f"{name}: vectorised lookups ({n_batch:,} points)")
    ours, raw = best_rate(ours_batch, n_batch, 2), best_rate(raw_batch, n_batch, 2)
    rows.append((name, len(codes), f"batch x{n_batch:,}", ours, raw))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000, help="points per batch run")
    parser.add_argument("--single", type=int, default=20_000, help="points per single-point run")
    parser.add_argument("--grids", type=int, default=10_000, help="generated grids for case (b)")
    args = parser.parse_args()

    progress("building the demo zone")
    zone = build_demo_zone()
    demo_codes = [g.code for g in zone.grids]
    demo_polygons = [g.geometry for g in zone.grids]

    progress(f"cutting a 1 x 0.75 degree box into {args.grids:,} Voronoi grids")
    start = time.perf_counter()
    cells = voronoi_cut(shapely.box(123.5, 41.5, 124.5, 42.25), args.grids, seed=7)
    progress(f"  done in {time.perf_counter() - start:.1f} s")
    generated_codes = [
        f"210404{i // 1000 + 1:03d}{i // 100 % 10 + 1:02d}{i % 100 + 1:03d}"
        for i in range(len(cells))
    ]

    rows = bench_case("demo zone", demo_codes, demo_polygons, args.single, args.points)
    rows += bench_case("voronoi 10k", generated_codes, cells, args.single, args.points)

    print(f"{'grids':<12} {'n':>6}  {'lookup':<18} {'ours /s':>12} {'raw /s':>12} {'ratio':>6}")
    for name, n, kind, ours, raw in rows:
        print(f"{name:<12} {n:>6}  {kind:<18} {ours:>12,.0f} {raw:>12,.0f} {ours / raw:>6.2f}")
    worst = min(ours / raw for *_, ours, raw in rows)
    verdict = "meets" if worst >= 0.8 else "MISSES"
    print(
        f"summary: GridLocator runs at >= {worst:.2f}x raw STRtree 'within' speed ({verdict} 0.80)"
    )


if __name__ == "__main__":
    main()
