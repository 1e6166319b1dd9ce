"""Where a request's time goes: CPU per request in process, and a per-function breakdown.

Run: .venv/bin/python bench/request_profile.py [--requests 300]
     .venv/bin/python bench/request_profile.py --stats [--requests 30]   (after bench/stats.py)
Requests go through Django's whole stack in this process (test Client: middleware, bearer
token, ninja, services, JSON), on PostgreSQL with the Redis channel layer as production has
them (DATABASE_URL's server, REDIS_URL), without Uvicorn or a network client. For each case
it prints the process's CPU time per request (psycopg's side of the database included, the
PostgreSQL server's not) with the machine pace beside it, then cProfile's time per request
(wall clock: waiting for PostgreSQL and Redis included) of the slowest functions of our own
code (`backend/`, `gis/`).

Default cases: `GET /api/v1/health` and `POST /api/v1/incidents` as the demo worker, in a
fresh database of their own (`gridgov_bench_profile`, demo zone). `--stats`: the three cases of
`bench/stats.py` (`GET /api/v1/stats/grids` as a zone supervisor) on its database
(`gridgov_bench`, 1,000,000 incidents), which that script loads.
"""

import argparse
import cProfile
import os
import pstats
import random
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import PACE_NOTE, REPO, database_create, database_url, paced, progress

DATABASE = "gridgov_bench_profile"
OURS = (str(REPO / "backend") + os.sep, str(REPO / "gis") + os.sep)


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.gridgov.settings")
    os.environ.setdefault("GRIDGOV_HTTPS", "0")
    import django

    django.setup()


def request_cases() -> dict[str, Callable[[], int]]:
    from django.core.management import call_command
    from django.test import Client
    from ingest import report_body

    from backend.accounts.services import token_issue
    from backend.demo.services import demo_accounts_create, demo_zone_load

    progress(f"migrating {DATABASE}, loading the demo zone")
    call_command("migrate", verbosity=0, interactive=False)
    demo_zone_load()
    demo_accounts_create()
    token = token_issue(username="worker", password="gridgov-demo", address="127.0.0.1").token
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
    rng = random.Random(7)
    return {
        "GET /api/v1/health": lambda: client.get("/api/v1/health").status_code,
        "POST /api/v1/incidents": lambda: (
            client.post(
                "/api/v1/incidents", report_body(rng), content_type="application/json"
            ).status_code
        ),
    }


def stats_cases() -> dict[str, Callable[[], int]]:
    from django.test import Client
    from django.utils import timezone
    from stats import NUMBER_PREFIX, token_for_supervisor

    from backend.boundaries.models import Grid
    from backend.incidents.models import Incident

    if not Incident.objects.filter(number__startswith=NUMBER_PREFIX).exists():
        sys.exit("no bench incidents in gridgov_bench: run bench/stats.py first")
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token_for_supervisor()}")
    codes = list(Grid.objects.order_by("code").values_list("code", flat=True))
    week_ago = (timezone.now() - timedelta(days=7)).isoformat()
    cases = {
        "stats: whole zone, all time": {},
        "stats: whole zone, last 7 days": {"from": week_ago},
        "stats: one grid, all time": {"grid": codes[len(codes) // 2]},
    }
    return {
        name: (lambda params=params: client.get("/api/v1/stats/grids", params).status_code)
        for name, params in cases.items()
    }


def cpu_per_request(run: Callable[[], int], requests: int) -> tuple[float, float]:
    """(CPU ms, wall ms) per request over `requests` requests."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(requests):
        status = run()
        assert status < 400, status
    return (
        (time.process_time() - cpu) / requests * 1000,
        (time.perf_counter() - wall) / requests * 1000,
    )


def breakdown(run: Callable[[], int], requests: int, top: int) -> list[tuple[float, float, str]]:
    """(cumulative ms, own ms) per request and name of our slowest functions, under cProfile
    (which slows Python code about twofold: compare rows with each other, not with the CPU
    figures)."""
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(requests):
        run()
    profile.disable()
    rows = []
    for (path, line, name), (_, _, own, cumulative, _) in pstats.Stats(profile).stats.items():
        if path.startswith(OURS):
            label = f"{Path(path).relative_to(REPO)}:{line} {name}"
            rows.append((cumulative / requests * 1000, own / requests * 1000, label))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=None, help="default 300, 30 with --stats")
    parser.add_argument("--stats", action="store_true", help="the statistics cases")
    parser.add_argument("--top", type=int, default=12, help="functions listed per case")
    args = parser.parse_args()
    if args.stats:
        django_setup(database_url("gridgov_bench"))
        cases = stats_cases()
    else:
        url = database_url(DATABASE)
        database_create(url, fresh=True)
        django_setup(url)
        cases = request_cases()
    requests = args.requests or (30 if args.stats else 300)

    print(f"in process, Django test client, PostgreSQL + Redis, {requests} requests a case")
    print(f"{'case':<34}{'CPU ms/req':>11}{'wall ms/req':>12}{'pace':>9}")
    figures = []
    for name, run in cases.items():
        progress(f"{name}: warm-up, {requests} timed requests, {requests} profiled")
        for _ in range(max(3, requests // 10)):
            run()
        (cpu_ms, wall_ms), pace = paced(lambda run=run: cpu_per_request(run, requests))
        print(f"{name:<34}{cpu_ms:>11.2f}{wall_ms:>12.2f}{pace:>9}")
        figures.append((name, breakdown(run, requests, args.top)))
    print(PACE_NOTE)
    for name, rows in figures:
        print(f"\n{name}: our functions under cProfile, wall ms per request")
        print(f"{'cumulative':>10}{'own':>8}  function")
        for cumulative, own, label in rows:
            print(f"{cumulative:>10.2f}{own:>8.2f}  {label}")


if __name__ == "__main__":
    main()
