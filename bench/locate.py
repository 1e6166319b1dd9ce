"""Point-in-grid lookup speed: GridLocator against a bare STRtree asked the same predicate.

Run: .venv/bin/python bench/locate.py [--points 1000000] [--single 20000] [--rounds 5]
Target (docs/performance.md): the locator answers at least 0.80 as many lookups a second as a
bare `shapely.STRtree` over the same polygons queried with `predicate="intersects"` (the
predicate the locator's rule needs: a point on a border counts), one point at a time and in a
batch. Both sides start from lon/lat floats, so both timings include making what they query
with; the bare tree has no tie rule. The two sides run in alternation, `--rounds` times each,
and each keeps its fastest round, so a slow spell of the machine does not land on one side only.
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

from harness import PACE_NOTE, paced, progress, verdict

from gis.demo import build_demo_zone
from gis.generate import voronoi_cut
from gis.locator import GridLocator

TARGET_RATIO = 0.80


def best_rates(
    ours: Callable[[], object], raw: Callable[[], object], count: int, rounds: int
) -> tuple[float, float]:
    """Lookups a second of each side's fastest round, the sides alternating round by round."""
    best = {ours: float("inf"), raw: float("inf")}
    for _ in range(rounds):
        for run in (ours, raw):
            start = time.perf_counter()
            run()
            best[run] = min(best[run], time.perf_counter() - start)
    return count / best[ours], count / best[raw]


def random_points(bounds: tuple[float, float, float, float], n: int, seed: int) -> np.ndarray:
    min_x, min_y, max_x, max_y = bounds
    rng = np.random.default_rng(seed)
    return rng.uniform((min_x, min_y), (max_x, max_y), size=(n, 2))


def bench_case(
    name: str, codes: list[str], polygons: list, n_single: int, n_batch: int, rounds: int
) -> list[tuple]:
    locator = GridLocator(codes, polygons)
    # Copies: the locator prepares its polygons, and the bare tree gets plain ones.
    tree = STRtree(shapely.from_wkb(shapely.to_wkb(np.array(polygons, dtype=object))))
    single = random_points(locator.bounds, n_single, seed=1)
    batch = random_points(locator.bounds, n_batch, seed=2)
    lons, lats = batch[:, 0].copy(), batch[:, 1].copy()
    single_pairs = [(float(x), float(y)) for x, y in single]

    def ours_single() -> None:
        for lon, lat in single_pairs:
            locator.locate(lon, lat)

    def raw_single() -> None:
        for lon, lat in single_pairs:
            tree.query(Point(lon, lat), predicate="intersects")

    def ours_batch() -> object:
        return locator.locate_many(lons, lats)

    def raw_batch() -> object:
        return tree.query(shapely.points(lons, lats), predicate="intersects")

    rows = []
    progress(f"{name}: single-point lookups ({n_single:,} points, {rounds} rounds a side)")
    (ours, raw), pace = paced(lambda: best_rates(ours_single, raw_single, n_single, rounds))
    rows.append((name, len(codes), f"single x{n_single:,}", ours, raw, pace))
    progress(f"{name}: batch lookups ({n_batch:,} points, {rounds} rounds a side)")
    (ours, raw), pace = paced(lambda: best_rates(ours_batch, raw_batch, n_batch, rounds))
    rows.append((name, len(codes), f"batch x{n_batch:,}", ours, raw, pace))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000, help="points per batch run")
    parser.add_argument("--single", type=int, default=20_000, help="points per single-point run")
    parser.add_argument("--grids", type=int, default=10_000, help="generated grids for case (b)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per side")
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

    rows = bench_case("demo zone", demo_codes, demo_polygons, args.single, args.points, args.rounds)
    rows += bench_case("voronoi 10k", generated_codes, cells, args.single, args.points, args.rounds)

    print("lookups a second: GridLocator (ours) and a bare STRtree asked 'intersects' (raw)")
    print(
        f"{'grids':<12} {'n':>6}  {'lookup':<18} {'ours /s':>12} {'raw /s':>12} {'ratio':>6}"
        f"  {'target':>7}  {'':<6} {'pace':>7}"
    )
    for name, n, kind, ours, raw, pace in rows:
        ratio = ours / raw
        print(
            f"{name:<12} {n:>6}  {kind:<18} {ours:>12,.0f} {raw:>12,.0f} {ratio:>6.2f}"
            f"  {'>= ' + format(TARGET_RATIO, '.2f'):>7}  {verdict(ratio >= TARGET_RATIO):<6}"
            f" {pace:>7}"
        )
    print(PACE_NOTE)
    worst = min(ours / raw for _, _, _, ours, raw, _ in rows)
    print(
        f"summary: GridLocator answers >= {worst:.2f}x as fast as a bare STRtree asked "
        f"'intersects' (target >= {TARGET_RATIO:.2f}: {verdict(worst >= TARGET_RATIO)})"
    )


if __name__ == "__main__":
    main()
