"""Latency of `GET /api/v1/stats/grids` on PostgreSQL with a million incidents.

Run: .venv/bin/python bench/stats.py [--incidents 1000000] [--runs 30] [--reload]
     (DATABASE_URL picks the server; its database name is replaced by `gridgov_bench`; REDIS_URL
     as production has it.) Each case's p50 is printed beside its target and the machine pace.

The script creates the database `gridgov_bench`, migrates it, loads the demo zone and inserts
the incidents with COPY; a second run reuses them. Requests go through the whole HTTP stack
(Django's test Client: middleware, bearer-token auth, ninja, the selector, JSON rendering) as
the zone-wide supervisor. The generated data is shaped like a working zone: cases spread evenly
over 90 days, most older ones closed (with lognormal times to close), recent ones still open,
some of those overdue, and 2 % outside every grid.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import numpy as np
from harness import PACE_NOTE, database_create, database_url, paced, percentile, progress, verdict

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BENCH_DB = "gridgov_bench"
NUMBER_PREFIX = "BN-"
CATEGORY_WEIGHTS = {"other": 0.70, "safety": 0.15, "housing": 0.08, "petition": 0.07}
OPEN_STATUSES = ["reported", "accepted", "dispatched", "in_progress", "resolved"]
TARGETS_MS = {"whole zone, all time": 150, "whole zone, last 7 days": 50, "one grid, all time": 5}


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.gridgov.settings")
    os.environ.setdefault("GRIDGOV_HTTPS", "0")
    import django

    django.setup()


def incidents_generate(n: int, seed: int = 7):
    """Rows for COPY, as numpy columns: (grid index or -1, created, status, category, ...)."""
    from django.utils import timezone

    from backend.boundaries.models import Grid

    rng = np.random.default_rng(seed)
    grids = list(Grid.objects.order_by("code").values("pk", "street_id", "min_lon", "min_lat"))
    now = timezone.now()
    age_s = rng.uniform(0, 90 * 86400, n)
    grid_index = rng.integers(0, len(grids), n)
    outside = rng.random(n) < 0.02
    categories = np.array(list(CATEGORY_WEIGHTS))
    category = categories[rng.choice(len(categories), n, p=list(CATEGORY_WEIGHTS.values()))]
    # Older cases are mostly finished: the share closed grows with age.
    age_days = age_s / 86400
    p_closed = np.clip(age_days / 7, 0.1, 0.95)
    draw = rng.random(n)
    rejected = draw < 0.05
    closed = ~rejected & (draw < 0.05 + p_closed * 0.95)
    open_status = np.array(OPEN_STATUSES)[rng.integers(0, len(OPEN_STATUSES), n)]
    status = np.where(rejected, "rejected", np.where(closed, "closed", open_status))
    hours_to_close = np.minimum(rng.lognormal(np.log(30), 1.0, n), age_s / 3600)
    due_in_hours = rng.uniform(1, 5 * 24, n)
    return grids, now, age_s, grid_index, outside, category, status, hours_to_close, due_in_hours


def incidents_copy(n: int) -> None:
    from django.db import connection

    from backend.accounts.models import Role, User

    reporter, _ = User.objects.get_or_create(username="bench", defaults={"role": Role.WORKER})
    grids, now, age_s, grid_index, outside, category, status, hours, due_h = incidents_generate(n)
    columns = (
        "number, category, severity, title, description, lon, lat, address, street_id, grid_id,"
        " status, priority, reporter_id, client_id, client_fingerprint, created_at, updated_at,"
        " due_at, closed_at, extended_days, people_count"
    )
    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.connection.cursor() as raw,
        raw.copy(f"COPY incidents_incident ({columns}) FROM STDIN") as copy,
    ):
        for i in range(n):
            grid = grids[grid_index[i]]
            created = now - timedelta(seconds=float(age_s[i]))
            st = str(status[i])
            closed_at = created + timedelta(hours=float(hours[i])) if st == "closed" else None
            due_at = (
                None if st in ("closed", "rejected") else created + timedelta(hours=float(due_h[i]))
            )
            copy.write_row(
                (
                    f"{NUMBER_PREFIX}{i:09d}",
                    str(category[i]),
                    "",
                    "bench",
                    "",
                    grid["min_lon"],
                    grid["min_lat"],
                    "",
                    None if outside[i] else grid["street_id"],
                    None if outside[i] else grid["pk"],
                    st,
                    "normal",
                    reporter.pk,
                    uuid.UUID(int=i),
                    "",
                    created,
                    closed_at or created,
                    due_at,
                    closed_at,
                    0,
                    1,
                )
            )
            if (i + 1) % 100_000 == 0:
                rate = (i + 1) / (time.perf_counter() - started)
                progress(f"  copied {i + 1:,} / {n:,} incidents ({rate:,.0f}/s)")
    from backend.stats.services import grid_rollup_rebuild

    # COPY bypasses the services that keep the rollups, so they are recounted once.
    progress("rebuilding the stats rollups")
    tallies, close_hours = grid_rollup_rebuild()
    progress(f"  {tallies:,} day tallies, {close_hours:,} close-hour buckets")


def tables_vacuum() -> None:
    """Every run, not only after a load: a migration that rewrites the incidents (a backfill)
    leaves dead rows and a stale visibility map, and index-only scans then read the heap."""
    from django.db import connection

    progress("vacuum analyze (visibility map for index-only scans, fresh statistics)")
    with connection.cursor() as cursor:
        for table in ("incidents_incident", "stats_griddaytally", "stats_gridclosehours"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def data_prepare(n: int, reload: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    from backend.boundaries.models import Grid
    from backend.demo.services import demo_zone_load
    from backend.incidents.models import Incident

    progress("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    if not Grid.objects.exists():
        progress("loading the demo zone")
        demo_zone_load()
    loaded = Incident.objects.filter(number__startswith=NUMBER_PREFIX)
    if reload:
        progress("deleting the old bench incidents")
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE incidents_incident CASCADE")
    count = loaded.count()
    if count == n:
        progress(f"reusing {count:,} incidents already loaded")
        tables_vacuum()
        return
    if count == 0 and reload is False and Incident.objects.exists():
        sys.exit(f"{BENCH_DB} holds incidents that are not the bench's: run with --reload")
    if count:
        sys.exit(f"{count:,} bench incidents are loaded, not {n:,}: run with --reload")
    progress(f"inserting {n:,} incidents with COPY")
    with connection.constraint_checks_disabled():
        incidents_copy(n)
    tables_vacuum()


def token_for_supervisor() -> str:
    from backend.accounts.models import Role, User
    from backend.accounts.services import token_issue

    password = uuid.uuid4().hex
    user, _ = User.objects.get_or_create(username="bench-supervisor")
    user.role = Role.SUPERVISOR
    user.set_password(password)
    user.save()
    user.streets.clear()  # no streets: the whole zone
    return token_issue(username=user.username, password=password, address="127.0.0.1").token


def measure(client, path: str, params: dict, runs: int) -> tuple[float, float]:
    for _ in range(3):
        response = client.get(path, params)
        assert response.status_code == 200, response.content[:500]
    times_ms = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path, params)
        times_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    times_ms.sort()
    return statistics.median(times_ms), percentile(times_ms, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reload", action="store_true", help="delete and insert the data again")
    args = parser.parse_args()

    url = database_url(BENCH_DB)
    database_create(url, fresh=False)
    django_setup(url)
    data_prepare(args.incidents, args.reload)

    from django.test import Client
    from django.utils import timezone

    from backend.boundaries.models import Grid

    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token_for_supervisor()}")
    codes = list(Grid.objects.order_by("code").values_list("code", flat=True))
    one_grid = codes[len(codes) // 2]
    week_ago = (timezone.now() - timedelta(days=7)).isoformat()
    cases = {
        "whole zone, all time": {},
        "whole zone, last 7 days": {"from": week_ago},
        "one grid, all time": {"grid": one_grid},
    }
    rows = []
    for name, params in cases.items():
        progress(f"measuring {name} ({args.runs} runs after warm-up)")
        (p50, p95), pace = paced(
            lambda params=params: measure(client, "/api/v1/stats/grids", params, args.runs)
        )
        rows.append((name, p50, p95, TARGETS_MS[name], pace))

    print(f"GET /api/v1/stats/grids, {args.incidents:,} incidents, {args.runs} runs, HTTP stack")
    print(f"{'case':<26} {'p50 ms':>8} {'p95 ms':>8} {'target p50':>11}  {'':<6} {'pace':>8}")
    for name, p50, p95, target, pace in rows:
        print(
            f"{name:<26} {p50:>8.1f} {p95:>8.1f} {'< ' + str(target):>11}  "
            f"{verdict(p50 < target):<6} {pace:>8}"
        )
    print(PACE_NOTE)
    summary = ", ".join(f"{name} p50 {p50:.1f} ms" for name, p50, *_ in rows)
    met = sum(p50 < target for _, p50, _, target, _ in rows)
    print(f"summary: {summary}; {met}/{len(rows)} targets met")


if __name__ == "__main__":
    main()
