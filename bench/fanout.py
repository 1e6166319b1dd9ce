"""Real-time fan-out: 1,000 sockets on one server process with Redis, and what SIGTERM leaves.

Run: .venv/bin/python bench/fanout.py [--sockets 1000] [--reports 100] [--rate 10]
Needs PostgreSQL and Redis (DATABASE_URL / REDIS_URL, defaults on 127.0.0.1). It builds a
database of its own (`gridgov_bench_fanout`: demo zone, a worker per grid), starts one
`gridgov serve` process, opens the sockets in one burst (workers of every demo grid and zone
supervisors), files reports through the REST API at a steady rate and times, for every socket
that must hear of a report, the delay from the POST's answer to the event's arrival. Then it
stops servers with SIGTERM (Uvicorn, and Daphne for comparison) and counts the group subscriptions
left in Redis.
"""

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import redis
import websockets
from harness import (
    REPO,
    database_create,
    database_url,
    free_port,
    gridgov,
    machine_pace_ms,
    percentile,
    progress,
    server_start,
)

DATABASE = "gridgov_bench_fanout"
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
workers = [(u.username, [g.code for g in u.grids.all()])
           for u in User.objects.filter(role="worker")]
print(json.dumps({
    "supervisor": token(User.objects.get(username="supervisor")),
    "workers": [{"grids": grids, "token": token(User.objects.get(username=name))}
                for name, grids in workers],
}))
"""


def prepare(env: dict) -> dict:
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
    channels = client.pubsub_channels("asgi__group__*")
    return sum(count for _, count in client.pubsub_numsub(*channels)) if channels else 0


def plan_sockets(accounts: dict, count: int) -> list[dict]:
    """Four in five sockets are grid workers' phones, spread over every grid; the rest are
    supervisors' maps of the whole zone."""
    supervisors = count // 5
    workers = accounts["workers"]
    phones = [workers[n % len(workers)] for n in range(count - supervisors)]
    maps = [{"grids": None, "token": accounts["supervisor"]}] * supervisors
    return phones + maps


async def open_sockets(url: str, plan: list[dict]) -> tuple[list, int]:
    async def connect(entry: dict):
        ws = await websockets.connect(
            f"{url}?token={entry['token']}", open_timeout=60, max_queue=None
        )
        hello = json.loads(await ws.recv())
        assert hello["type"] == "hello"
        return ws

    results = await asyncio.gather(*(connect(entry) for entry in plan), return_exceptions=True)
    opened = [r for r in results if not isinstance(r, BaseException)]
    return opened, len(results) - len(opened)


async def measure_fanout(
    base: str, plan: list[dict], sockets: list, reports: int, rate: float, grid_points: dict
) -> dict:
    """File `reports` reports at `rate` per second and time every delivery they owe."""
    arrivals: dict[int, dict[int, float]] = {}

    async def listen(index: int, ws) -> None:
        async for raw in ws:
            message = json.loads(raw)
            if message.get("type") == "incident.created":
                arrivals.setdefault(message["incident"]["id"], {})[index] = time.perf_counter()

    listeners = [asyncio.create_task(listen(i, ws)) for i, ws in enumerate(sockets)]
    grids = sorted(grid_points)
    headers = {"Authorization": f"Bearer {plan[-1]['token']}"}
    filed: list[tuple[int, str, float, float]] = []
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
            sent = time.perf_counter()
            response = await http.post("/api/v1/incidents", json=body)
            filed.append((response.json()["id"], grid, sent, time.perf_counter()))

        started = time.perf_counter()
        tasks = []
        for n in range(reports):
            await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(file(n)))
        await asyncio.gather(*tasks)
    await asyncio.sleep(5)  # stragglers
    for task in listeners:
        task.cancel()
    delays, from_sent, missing = [], [], 0
    for incident_id, grid, sent, answered in filed:
        expected = {i for i, e in enumerate(plan) if e["grids"] is None or grid in e["grids"]}
        got = arrivals.get(incident_id, {})
        missing += len(expected - set(got))
        # An event often reaches the sockets before the POST's own answer: that counts as 0.
        delays += [max(0.0, got[i] - answered) for i in expected if i in got]
        from_sent += [got[i] - sent for i in expected if i in got]
    progress(f"  {len(filed)} reports at {rate:g}/s, {len(delays)} deliveries")
    return {"delays": delays, "from_sent": from_sent, "missing": missing}


def percentile_ms(ordered: list[float], fraction: float) -> float:
    """The percentile of sorted seconds, in milliseconds."""
    return percentile(ordered, fraction) * 1000


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def grid_points(env: dict) -> dict:
    script = (
        "import json;from shapely import from_geojson;from backend.boundaries.models import Grid;"
        "print(json.dumps({g.code: [from_geojson(g.geometry).representative_point().x,"
        "from_geojson(g.geometry).representative_point().y] for g in Grid.objects.all()}))"
    )
    out = subprocess.run(
        gridgov("shell", "-c", script),
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def ghosts_after_sigterm(name: str, command, env: dict, plan: list[dict], client) -> tuple:
    port = free_port()
    server = server_start(command(port), env, port)
    before = group_members(client)

    async def hold() -> tuple[int, int]:
        sockets, failures = await open_sockets(f"ws://127.0.0.1:{port}/ws/events", plan)
        during = group_members(client)
        server.send_signal(signal.SIGTERM)
        await asyncio.get_running_loop().run_in_executor(None, server.wait)
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
        return during, failures

    during, failures = asyncio.run(hold())
    return name, len(plan), failures, during - before, group_members(client) - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--rate", type=float, default=10, help="reports per second")
    parser.add_argument("--ghost-sockets", type=int, default=300)
    args = parser.parse_args()
    pace_ms = machine_pace_ms()
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(DATABASE),
        "REDIS_URL": redis_url,
        "GRIDGOV_HTTPS": "0",
        "LOG_LEVEL": "WARNING",
    }
    client = redis.Redis.from_url(redis_url)
    progress(f"preparing {DATABASE} (demo zone, a worker per grid, tokens)…")
    accounts = prepare(env)
    points = grid_points(env)
    plan = plan_sockets(accounts, args.sockets)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = server_start(uvicorn_command(port), env, port)
    try:
        progress(f"opening {args.sockets} sockets at once…")
        started = time.perf_counter()

        async def run() -> tuple:
            sockets, failures = await open_sockets(f"ws://127.0.0.1:{port}/ws/events", plan)
            connect_s = time.perf_counter() - started
            progress(
                f"  {len(sockets)} open, {failures} failed, in {connect_s:.1f} s; filing reports…"
            )
            memory_kib = rss_kib(server.pid) - rss_before
            result = await measure_fanout(base, plan, sockets, args.reports, args.rate, points)
            await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
            return failures, connect_s, memory_kib, result

        rss_before = rss_kib(server.pid)
        failures, connect_s, memory_kib, result = asyncio.run(run())
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)

    delays = sorted(result["delays"])
    p99 = percentile_ms(delays, 0.99)
    from_sent = sorted(result["from_sent"])
    print(
        f"sockets {args.sockets} ({len(plan) - args.sockets // 5} worker phones, "
        f"{args.sockets // 5} supervisor maps), burst connect {connect_s:.1f} s, "
        f"{failures} connect errors, server memory {memory_kib / args.sockets:.0f} KiB a socket, "
        f"{args.reports} reports at {args.rate:g}/s"
    )
    print(f"{'from':<14}{'deliveries':>12}{'missing':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for label, series in (("POST answered", delays), ("POST sent", from_sent)):
        print(
            f"{label:<14}{len(series):>12,}{result['missing']:>9}"
            f"{percentile_ms(series, 0.50):>9.1f}{percentile_ms(series, 0.99):>9.1f}"
            f"{series[-1] * 1000:>9.1f}"
        )

    progress("ghost check: hold sockets, SIGTERM the server, count group subscriptions left…")
    ghost_plan = plan[: args.ghost_sockets]
    rows = [
        ghosts_after_sigterm("uvicorn", uvicorn_command, env, ghost_plan, client),
        ghosts_after_sigterm("daphne", daphne_command, env, ghost_plan, client),
    ]
    print(f"{'server':<9}{'sockets':>8}{'errors':>8}{'members':>9}{'ghosts':>8}")
    for name, count, errors, members, ghosts in rows:
        print(f"{name:<9}{count:>8}{errors:>8}{members:>9}{ghosts:>8}")
    print(f"machine pace: {pace_ms:.0f} ms for a 2M-step Python loop (lower is faster)")
    print(
        f"summary: {args.sockets} sockets in {connect_s:.1f} s, {failures} connect errors, "
        f"{result['missing']} missed deliveries, p99 {p99:.1f} ms after the POST's answer "
        f"({percentile_ms(from_sent, 0.99):.0f} ms after sending it); "
        f"ghosts after SIGTERM: uvicorn {rows[0][4]}, daphne {rows[1][4]}"
    )


if __name__ == "__main__":
    main()
