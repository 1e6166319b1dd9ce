"""Real-time fan-out: 1,000 sockets on one server process, and what SIGTERM leaves.

Run: .venv/bin/python bench/fanout.py [--shape grid|zone] [--embedded] [--sockets 1000]
     [--reports 100] [--rate 10] [--database gridgov_bench_fanout]
Without `--embedded` it needs PostgreSQL and Redis (DATABASE_URL / REDIS_URL, defaults on
127.0.0.1) and builds a database of its own (`--database`, `gridgov_bench_fanout` by default:
demo zone, a worker per grid). With `--embedded` it measures the embedded default instead: a
fresh SQLite file under a temporary directory, migrated and loaded the same way, and the
in-memory channel layer (REDIS_URL removed from the server's environment).

It starts one `gridgov serve` process and opens the sockets in one burst from `--listeners`
processes of their own, which note when each event reaches each socket on the machine's
monotonic clock. The sockets, by `--shape`:
- `grid` (default, issue 16's shape): a fifth are zone supervisors' maps, half of the rest
  phones signed with the token of the one worker of the grid that every report is filed into,
  the other half phones of the workers of the other grids; so each report must reach the maps
  and that worker's phones (600 of 1,000 sockets, 6,000 deliveries a second at 10 reports/s).
- `zone`: four in five are workers' phones spread over every demo grid, the rest zone maps,
  and the reports are spread over all grids (each reaches about 210 of 1,000 sockets).
Which sockets must receive a report is worked out from that plan, never assumed.

This process files reports through the REST API at a steady rate and notes the clock just
before each POST is sent and when its answer is received: the POST's latency during the
fan-out. A report's delivery time is its slowest socket's: the latest arrival, among the
sockets that had to receive it, less the moment its POST was sent, signed (an arrival before
the sending would show as negative, never as 0). Then, with Redis only, it stops servers with
SIGTERM (Uvicorn, and Daphne for comparison) and counts the group subscriptions left in Redis;
the embedded run skips that check (the in-memory layer keeps nothing outside the process).

Targets (docs/performance.md): p99 of the reports' delivery times < 250 ms, no delivery
lost, POST p99 < 150 ms while the events fan out, the burst of connects < 5 s with no error,
no subscription left after SIGTERM.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import pstats
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import redis
import websockets
from harness import (
    PACE_NOTE,
    REPO,
    clock,
    cpu_seconds,
    database_create,
    database_url,
    free_port,
    grid_points,
    gridgov,
    paced,
    percentile,
    progress,
    server_start,
    verdict,
)

from backend.gridgov.channel_layer import group_channels_pattern

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
DATABASE = "gridgov_bench_fanout"
DELIVERY_TARGET_MS = 250
POST_TARGET_MS = 150
CONNECT_TARGET_S = 5.0
SETUP = """
import json, secrets
from datetime import timedelta
from django.utils import timezone
from backend.accounts.models import AuthToken, User, hash_token
from backend.demo.services import demo_zone_load, demo_accounts_create, demo_people_create
demo_zone_load(); demo_accounts_create(); demo_people_create()
def token(user):
    key = secrets.token_urlsafe(32)
    AuthToken.objects.create(key_hash=hash_token(key), user=user,
                             expires_at=timezone.now() + timedelta(hours=2))
    return key
workers = [(u.username, sorted(g.code for g in u.grids.all()))
           for u in User.objects.filter(role="worker").order_by("username")]
print(json.dumps({
    "supervisor": token(User.objects.get(username="supervisor")),
    "workers": [{"name": name, "grids": grids, "token": token(User.objects.get(username=name))}
                for name, grids in workers],
}))
"""


def prepare(env: dict) -> dict:
    if env["DATABASE_URL"].startswith("postgres"):
        database_create(env["DATABASE_URL"], fresh=True)
    subprocess.run(gridgov("migrate", "-v0"), cwd=REPO, env=env, check=True)
    out = subprocess.run(
        gridgov("shell", "-c", SETUP),
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def uvicorn_command(port: int) -> list[str]:
    return gridgov("serve", "--port", str(port))


def daphne_command(port: int) -> list[str]:
    return [
        str(Path(sys.executable).parent / "daphne"),
        "-b",
        "127.0.0.1",
        "-p",
        str(port),
        "backend.gridgov.asgi:application",
    ]


def group_members(client: redis.Redis) -> int:
    """Group subscriptions over all processes (the pub/sub layer keeps memberships there)."""
    channels = client.pubsub_channels(group_channels_pattern(REDIS_URL))
    return sum(count for _, count in client.pubsub_numsub(*channels)) if channels else 0


def plan_zone(accounts: dict, count: int, grids: list[str]) -> tuple[list[dict], list[str]]:
    """(sockets, the grids the reports are filed into in turn): four in five sockets are grid
    workers' phones, spread over every grid; the rest are supervisors' maps of the whole zone;
    the reports go to every grid."""
    supervisors = count // 5
    workers = accounts["workers"]
    phones = [
        {**workers[n % len(workers)], "kind": "worker phones, all grids"}
        for n in range(count - supervisors)
    ]
    maps = [{"grids": None, "token": accounts["supervisor"], "kind": "supervisor maps"}]
    return phones + maps * supervisors, grids


def plan_grid(accounts: dict, count: int, grids: list[str]) -> tuple[list[dict], list[str]]:
    """(sockets, [the one grid every report is filed into]): a fifth of the sockets are
    supervisors' maps of the whole zone, half of the rest phones of the one worker of that
    grid (signed with their token), the other half phones of the workers of the other grids.
    The grid is the first (by code) that has one worker only; the three kinds are interleaved,
    so that any leading part of the plan (the ghost check's) holds them in proportion."""
    workers = accounts["workers"]
    patrolled_by = {grid: [w for w in workers if grid in w["grids"]] for grid in grids}
    grid = next(grid for grid in grids if len(patrolled_by[grid]) == 1)
    own = patrolled_by[grid][0]
    others = [w for w in workers if grid not in w["grids"]]
    supervisors = count // 5
    own_count = (count - supervisors) // 2
    kinds = [
        [{"grids": None, "token": accounts["supervisor"], "kind": "supervisor maps"}] * supervisors,
        [{**own, "kind": f"phones of '{own['name']}', the reporting grid's worker"}] * own_count,
        [
            {**others[n % len(others)], "kind": "phones of other grids' workers"}
            for n in range(count - supervisors - own_count)
        ],
    ]
    # Each kind's k-th of n sockets at (k + 0.5) / n of the way: a proportional mix.
    placed = [
        ((k + 0.5) / len(kind), j, entry)
        for j, kind in enumerate(kinds)
        for k, entry in enumerate(kind)
    ]
    return [entry for _, _, entry in sorted(placed, key=lambda p: p[:2])], [grid]


SHAPES = {"grid": plan_grid, "zone": plan_zone}


async def open_sockets(url: str, plan: list[dict]) -> tuple[list, list[int]]:
    """(the sockets that opened, their positions in `plan`), all opened at once."""

    async def connect(entry: dict):
        ws = await websockets.connect(
            f"{url}?token={entry['token']}", open_timeout=60, max_queue=None
        )
        hello = json.loads(await ws.recv())
        assert hello["type"] == "hello"
        return ws

    results = await asyncio.gather(*(connect(entry) for entry in plan), return_exceptions=True)
    opened = [k for k, r in enumerate(results) if not isinstance(r, BaseException)]
    return [results[k] for k in opened], opened


def listener(url: str, entries: list[tuple[int, dict]], go, stop, out, heard) -> None:
    """A process of its own holding sockets: opens them when `go` is set, reports ("open",
    opened, failed, clock when all were open), notes each incident.created event's arrival
    (counting them in `heard`) until `stop` is set, then reports ("arrivals", [(incident id,
    socket index, clock)])."""

    async def run() -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, go.wait)
        sockets, opened = await open_sockets(url, [entry for _, entry in entries])
        out.put(("open", len(sockets), len(entries) - len(sockets), clock()))
        arrivals: list[tuple[int, int, float]] = []

        async def listen(index: int, ws) -> None:
            try:
                async for raw in ws:
                    arrived = clock()
                    message = json.loads(raw)
                    if message.get("type") == "incident.created":
                        arrivals.append((message["incident"]["id"], index, arrived))
                        heard.value += 1
            except websockets.ConnectionClosed:
                pass

        listeners = [
            asyncio.create_task(listen(entries[k][0], ws))
            for k, ws in zip(opened, sockets, strict=True)
        ]
        await loop.run_in_executor(None, stop.wait)
        for task in listeners:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
        out.put(("arrivals", arrivals))

    asyncio.run(run())


async def file_reports(
    base: str, token: str, reports: int, rate: float, grids: list[str], grid_points: dict
) -> list[tuple[int, str, float, float]]:
    """File `reports` reports at `rate` a second, into `grids` in turn: (incident id, grid,
    clock just before sending, clock when the answer was received)."""
    filed: list[tuple[int, str, float, float]] = []
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as http:

        async def file(n: int) -> None:
            grid = grids[n * 7 % len(grids)]
            lon, lat = grid_points[grid]
            body = {
                "client_id": str(uuid.uuid4()),
                "category": "other",
                "title": "路灯不亮",
                "lon": lon,
                "lat": lat,
            }
            request = http.build_request("POST", "/api/v1/incidents", json=body)
            sent = clock()
            response = await http.send(request)
            answered = clock()
            response.raise_for_status()
            filed.append((response.json()["id"], grid, sent, answered))

        started = clock()
        tasks = []
        for n in range(reports):
            await asyncio.sleep(max(0.0, started + n / rate - clock()))
            tasks.append(asyncio.create_task(file(n)))
        await asyncio.gather(*tasks)
    return filed


def expected_sockets(plan: list[dict], grid: str) -> set[int]:
    """The sockets that must hear of a report in `grid`: its workers' and every zone map."""
    return {i for i, entry in enumerate(plan) if entry["grids"] is None or grid in entry["grids"]}


def wait_for_stragglers(heard: list, due: int, quiet_s: float) -> None:
    """Until `due` arrivals are counted, or none has come for `quiet_s` seconds: a server that
    fell behind is waited for, and what is still missing after that counts as lost."""
    last, last_change = -1, clock()
    while (total := sum(count.value for count in heard)) < due:
        if total != last:
            last, last_change = total, clock()
        elif clock() - last_change > quiet_s:
            return
        time.sleep(0.05)


def delivery_times(
    filed: list[tuple[int, str, float, float]],
    arrivals: list[tuple[int, int, float]],
    plan: list[dict],
) -> dict:
    """Per report, its slowest socket's arrival less the moment its POST was sent (seconds,
    signed), over the sockets that had to receive it; each delivery's time likewise; and the
    deliveries that never came. A report with a lost delivery has no delivery time."""
    got: dict[int, dict[int, float]] = {}
    for incident_id, index, arrived in arrivals:
        got.setdefault(incident_id, {})[index] = arrived
    slowest, each, missing = [], [], 0
    for incident_id, grid, sent, _ in filed:
        expected = expected_sockets(plan, grid)
        came = got.get(incident_id, {})
        times = [came[i] - sent for i in expected if i in came]
        missing += len(expected) - len(times)
        each += times
        if times and len(times) == len(expected):
            slowest.append(max(times))
    return {
        "slowest": sorted(slowest),
        "each": sorted(each),
        "missing": missing,
        "post": sorted(answered - sent for _, _, sent, answered in filed),
        "due": [len(expected_sockets(plan, grid)) for _, grid, _, _ in filed],
    }


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def ghosts_after_sigterm(name: str, command, env: dict, plan: list[dict], client) -> tuple:
    port = free_port()
    server = server_start(command(port), env, port)
    before = group_members(client)

    async def hold() -> tuple[int, int]:
        sockets, opened = await open_sockets(f"ws://127.0.0.1:{port}/ws/events", plan)
        during = group_members(client)
        server.send_signal(signal.SIGTERM)
        await asyncio.get_running_loop().run_in_executor(None, server.wait)
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
        return during, len(plan) - len(opened)

    during, failures = asyncio.run(hold())
    return name, len(plan), failures, during - before, group_members(client) - before


def measure(
    args, env: dict, plan: list[dict], report_grids: list[str], points: dict, token: str
) -> dict:
    """Open the sockets in listener processes, file the reports, collect the arrivals."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = uvicorn_command(port)
    if args.profile_server:
        # cProfile around the whole server process: its event loop runs in the main thread.
        command = [sys.executable, "-m", "cProfile", "-o", args.profile_server, *command[1:]]
    server = server_start(command, env, port)
    context = multiprocessing.get_context("fork")
    go, stop, out = context.Event(), context.Event(), context.Queue()
    heard = [context.Value("q", 0) for _ in range(args.listeners)]
    url = f"ws://127.0.0.1:{port}/ws/events"
    shares = [list(enumerate(plan))[k :: args.listeners] for k in range(args.listeners)]
    processes = [
        context.Process(target=listener, args=(url, share, go, stop, out, count), daemon=True)
        for share, count in zip(shares, heard, strict=True)
    ]
    try:
        for process in processes:
            process.start()
        rss_before = rss_kib(server.pid)
        progress(f"opening {args.sockets} sockets at once from {args.listeners} processes…")

        def burst() -> tuple[float, int, int]:
            started = clock()
            go.set()
            opens = [out.get(timeout=180) for _ in processes]
            return (
                max(o[3] for o in opens) - started,
                sum(o[1] for o in opens),
                sum(o[2] for o in opens),
            )

        connect_cpu = cpu_seconds(server.pid)
        (connect_s, opened, failures), connect_pace = paced(burst)
        connect_cpu = cpu_seconds(server.pid) - connect_cpu
        memory_kib = rss_kib(server.pid) - rss_before
        progress(f"  {opened} open, {failures} failed, in {connect_s:.1f} s; filing reports…")

        def fan_out() -> list:
            filed = asyncio.run(
                file_reports(base, token, args.reports, args.rate, report_grids, points)
            )
            due = sum(len(expected_sockets(plan, grid)) for _, grid, _, _ in filed)
            wait_for_stragglers(heard, due, args.linger)
            return filed

        def cpu_now() -> tuple[float, float]:
            listening = sum(cpu_seconds(process.pid) for process in processes)
            return cpu_seconds(server.pid), listening

        cpu_before, fanout_started = cpu_now(), clock()
        filed, fanout_pace = paced(fan_out)
        cpu_after = cpu_now()
        server_cpu = (
            cpu_after[0] - cpu_before[0],
            clock() - fanout_started,
            cpu_after[1] - cpu_before[1],
        )
        stop.set()
        arrivals = [item for _ in processes for item in out.get(timeout=120)[1]]
        for process in processes:
            process.join(timeout=30)
    finally:
        stop.set()
        for process in processes:
            if process.is_alive():
                process.kill()
        # Uvicorn raises SIGTERM again once it has shut down, which ends a process before
        # cProfile can write; SIGINT ends it with KeyboardInterrupt, and the file is written.
        server.send_signal(signal.SIGINT if args.profile_server else signal.SIGTERM)
        server.wait(timeout=60)
    return {
        "connect_s": connect_s,
        "failures": failures,
        "memory_kib": memory_kib,
        "connect_pace": connect_pace,
        "connect_cpu": connect_cpu,
        "fanout_pace": fanout_pace,
        "server_cpu": server_cpu,
        **delivery_times(filed, arrivals, plan),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shape",
        choices=sorted(SHAPES),
        default="grid",
        help="grid: every report into one grid, 600 of 1,000 sockets must hear each (issue "
        "16); zone: reports over every grid, about 210 of 1,000 sockets each",
    )
    parser.add_argument(
        "--embedded",
        action="store_true",
        help="the embedded default: a fresh SQLite file and the in-memory channel layer "
        "(no Redis: the SIGTERM ghost check is skipped)",
    )
    parser.add_argument(
        "--database",
        default=DATABASE,
        help=f"PostgreSQL database to build (dropped first; default {DATABASE})",
    )
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--rate", type=float, default=10, help="reports per second")
    parser.add_argument("--listeners", type=int, default=2, help="socket-holding processes")
    parser.add_argument(
        "--linger", type=float, default=5, help="seconds without an arrival before giving up"
    )
    parser.add_argument("--ghost-sockets", type=int, default=300)
    parser.add_argument(
        "--profile-server",
        metavar="FILE",
        help="run the measured server under cProfile, write its stats to FILE and print the "
        "functions that took the most time of their own (slows the server: times not valid)",
    )
    args = parser.parse_args()
    env = {**os.environ, "GRIDGOV_HTTPS": "0", "LOG_LEVEL": "WARNING"}
    scratch = None
    if args.embedded:
        # The embedded default: no REDIS_URL makes the settings pick the in-memory layer, and
        # a sqlite:// DATABASE_URL the SQLite engine with its WAL options, as under var/.
        scratch = tempfile.mkdtemp(prefix="gridgov-bench-fanout-")
        env.pop("REDIS_URL", None)
        env["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
        backing = f"SQLite {scratch}/bench.sqlite3, in-memory channel layer"
    else:
        env["DATABASE_URL"] = database_url(args.database)
        env["REDIS_URL"] = REDIS_URL
        backing = f"PostgreSQL {args.database}, Redis pub/sub layer ({REDIS_URL})"
    try:
        run(args, env, backing)
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


def run(args, env: dict, backing: str) -> None:
    progress(f"preparing {backing} (demo zone, a worker per grid, tokens)…")
    accounts = prepare(env)
    points = grid_points(env)
    plan, report_grids = SHAPES[args.shape](accounts, args.sockets, sorted(points))
    result = measure(args, env, plan, report_grids, points, accounts["supervisor"])

    if args.embedded:
        rows, ghost_pace = [], ""
    else:
        progress("ghost check: hold sockets, SIGTERM the server, count group subscriptions left…")
        client = redis.Redis.from_url(REDIS_URL)
        ghost_plan = plan[: args.ghost_sockets]

        def ghost_rows() -> list:
            return [
                ghosts_after_sigterm("uvicorn", uvicorn_command, env, ghost_plan, client),
                ghosts_after_sigterm("daphne", daphne_command, env, ghost_plan, client),
            ]

        rows, ghost_pace = paced(ghost_rows)
    if args.profile_server:
        print(f"server under cProfile ({args.profile_server}), by time of their own:")
        pstats.Stats(args.profile_server).sort_stats("tottime").print_stats(25)

    slowest, each, missing = result["slowest"], result["each"], result["missing"]
    kinds: dict[str, int] = {}
    for entry in sorted(plan, key=lambda entry: entry["grids"] is not None):  # maps first
        kinds[entry["kind"]] = kinds.get(entry["kind"], 0) + 1
    print(
        f"shape {args.shape}: sockets {args.sockets} "
        f"({', '.join(f'{count} {kind}' for kind, count in kinds.items())}) "
        f"in {args.listeners} processes; {backing}"
    )
    due = result["due"]
    low, high = min(due), max(due)
    reach = f"{low}" if low == high else f"{low}–{high} (mean {sum(due) / len(due):.0f})"
    print(
        f"{args.reports} reports at {args.rate:g}/s into "
        f"{report_grids[0] if len(report_grids) == 1 else f'{len(report_grids)} grids'}, "
        f"each to reach {reach} sockets ({sum(due) / len(due) * args.rate:,.0f} deliveries a "
        f"second); server memory {result['memory_kib'] / args.sockets:.0f} KiB a socket"
    )
    print(
        f"burst connect {result['connect_s']:.1f} s, {result['failures']} connect errors, "
        f"server CPU {result['connect_cpu']:.1f} s"
    )
    print("from the POST's sending to     count  missing   p50 ms   p99 ms   max ms     pace")
    post = result["post"]
    for label, series, lost, pace in (
        ("each delivery", each, missing, ""),
        ("a report's slowest socket", slowest, missing, result["fanout_pace"]),
        ("its answer (POST latency)", post, "", ""),
    ):
        if not series:  # every report lost a delivery: no report has a slowest socket
            print(f"{label:<28}{0:>8}{lost:>9}{'—':>9}{'—':>9}{'—':>9}{pace:>9}")
            continue
        p50, p99 = percentile(series, 0.50) * 1000, percentile(series, 0.99) * 1000
        print(
            f"{label:<28}{len(series):>8,}{lost:>9}{p50:>9.1f}{p99:>9.1f}"
            f"{series[-1] * 1000:>9.1f}{pace:>9}"
        )
    cpu_s, wall_s, listeners_s = result["server_cpu"]
    print(
        f"CPU while filing and delivering ({wall_s:.1f} s): server {cpu_s:.1f} s "
        f"({cpu_s / max(1, len(each)) * 1e6:.0f} us a delivery), listener processes "
        f"{listeners_s:.1f} s; a server that needs more than the CPU it gets falls behind, "
        "and the delivery times grow from report to report"
    )
    if args.embedded:
        print(
            "ghost check after SIGTERM skipped: it counts group subscriptions left in Redis, "
            "and the embedded default's in-memory channel layer has none outside the process"
        )
    else:
        print(f"{'server':<9}{'sockets':>8}{'errors':>8}{'members':>9}{'ghosts':>8}")
        for name, count, errors, members, ghost_count in rows:
            print(f"{name:<9}{count:>8}{errors:>8}{members:>9}{ghost_count:>8}")
    print(PACE_NOTE)
    p99_ms = percentile(slowest, 0.99) * 1000 if slowest else float("inf")
    post_p99_ms = percentile(post, 0.99) * 1000
    connect_ok = result["connect_s"] < CONNECT_TARGET_S and result["failures"] == 0
    if args.embedded:
        ghosts = "ghosts after SIGTERM: skipped (embedded: no Redis)"
    else:
        counts = [row[4] for row in rows]
        ghosts = (
            f"ghosts after SIGTERM uvicorn {counts[0]}, daphne {counts[1]} "
            f"(0: {verdict(not any(counts))}, pace {ghost_pace})"
        )
    print(
        f"targets: delivery, p99 of the reports' slowest sockets {p99_ms:.0f} ms from sending "
        f"the POST (< {DELIVERY_TARGET_MS} ms: {verdict(p99_ms < DELIVERY_TARGET_MS)}); "
        f"{missing} deliveries lost (0: {verdict(missing == 0)}); POST p99 {post_p99_ms:.0f} ms "
        f"during the fan-out (< {POST_TARGET_MS} ms: {verdict(post_p99_ms < POST_TARGET_MS)}); "
        f"burst connect {result['connect_s']:.1f} s with {result['failures']} errors "
        f"(< {CONNECT_TARGET_S:g} s, 0 errors: {verdict(connect_ok)}, "
        f"pace {result['connect_pace']}); {ghosts}"
    )


if __name__ == "__main__":
    main()
