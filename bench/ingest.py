"""Report ingestion under load: POST /api/v1/incidents against a real ASGI server, production
shape (PostgreSQL + Redis), open loop and closed loop, on one server process and on two.

Run: .venv/bin/python bench/ingest.py [--rate 50] [--clients 32] [--seconds 20]
     [--servers 1|2|both] [--database gridgov_bench_ingest]
Builds a database of its own (`--database`, created and loaded with the demo zone on
DATABASE_URL's server) and starts `gridgov serve` with the Redis channel layer (REDIS_URL,
default redis://127.0.0.1:6379/0), so every report's fan-out publishes are timed as in
production. With `--servers both` it measures one Uvicorn process, stops it, then two processes
on two ports (the load generator spreads its connections round-robin across them). For each:
- a baseline: N closed-loop clients on a trivial endpoint of the same server (GET /health);
- open loop: reports sent at fixed instants, `--rate` a second, each on a keep-alive connection
  of its own (a new one is opened when all are busy, so nothing queues in the load generator);
  latency counts from the scheduled instant, so a stall cannot hide behind a late send
  (coordinated omission). Target: p99 < 150 ms;
- closed loop: N clients submitting reports as fast as answered, and the ratio of their rate to
  the baseline's (docs/performance.md: at least 0.50).
During each report phase a separate connection polls PostgreSQL every 20 ms for sessions of the
bench database waiting on a lock (target: none), by lock type. Every row has its p50, p99, max,
the servers' CPU per request and the machine pace. Finally it replays 1,000 submitted
client_ids and counts duplicates (target: none).
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

import httpx
import psycopg
from harness import (
    PACE_NOTE,
    REPO,
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

DATABASE = "gridgov_bench_ingest"
TARGET_RATIO = 0.50
TARGET_OPEN_P99_MS = 150
LOCK_POLL_S = 0.020
# A request unanswered this long counts as an error rather than holding the phase open.
REQUEST_TIMEOUT_S = 30
# Open-loop connections opened per server before the clock starts: enough for the usual case
# (rate x latency), so new connections are the exception a stall causes, not the rule.
OPEN_LOOP_PREOPEN = 8
# Uvicorn closes a keep-alive connection idle for 5 s; the open loop does not send on one
# idle longer than this, which would fail as the server closed it, not as it failed.
IDLE_REUSE_S = 4.0
LOCK_TYPES = ("relation", "tuple", "transactionid")
# A waiting session, by the type of lock it waits for. Joined on pg_stat_activity rather than
# filtered on pg_locks.database: a wait for another transaction's row (`transactionid`, what a
# second writer of a shared row waits on) has no database in pg_locks and would be missed.
LOCK_WAITS_SQL = """
SELECT l.pid, l.locktype, left(regexp_replace(a.query, '\\s+', ' ', 'g'), 90)
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE NOT l.granted AND a.datname = current_database()
"""
# The other view of the same thing, in case a wait shows in one snapshot and not the other.
LOCK_SESSIONS_SQL = """
SELECT count(*) FROM pg_stat_activity
WHERE wait_event_type = 'Lock' AND datname = current_database()
"""

MakeRequest = Callable[["Connection", random.Random], Awaitable[int]]


def prepare_database(env: dict) -> None:
    database_create(env["DATABASE_URL"], fresh=True)
    subprocess.run(gridgov("migrate", "-v0"), cwd=REPO, env=env, check=True)
    loader = (
        "from backend.demo.services import demo_zone_load, demo_accounts_create;"
        "demo_zone_load(); demo_accounts_create()"
    )
    subprocess.run(
        gridgov("shell", "-c", loader), cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL
    )


def report_body(rng: random.Random, points: list[list[float]]) -> dict:
    """A report at one of the demo grids' points: reports outside every grid would all share
    the tallies of "no grid", a queue no real zone has."""
    lon, lat = rng.choice(points)
    return {
        "client_id": str(uuid.uuid4()),
        "category": rng.choice(["safety", "other", "other", "housing"]),
        "title": "路灯不亮",
        "description": "巡查发现，请尽快处理。",
        "lon": lon,
        "lat": lat,
    }


class Connection:
    """One keep-alive HTTP/1.1 connection, written by hand: httpx spent ~1.8 ms of CPU a
    request, so on this 2-core machine the load generator, not the server, set the trivial
    endpoint's rate. This costs a few dozen microseconds."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: str):
        self.reader, self.writer, self.head = reader, writer, head
        self.last_used = time.perf_counter()

    @classmethod
    async def open(cls, port: int, token: str) -> "Connection":
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        head = f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
        return cls(reader, writer, head)

    async def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        payload = json.dumps(body).encode() if body is not None else b""
        self.writer.write(
            f"{method} {path} HTTP/1.1\r\n{self.head}Content-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n".encode()
            + payload
        )
        status_line = await self.reader.readline()
        length = None
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        if length is None:
            raise RuntimeError(f"{method} {path}: answer without Content-Length")
        return int(status_line.split()[1]), await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


@dataclass
class Load:
    """What a load generator saw: latencies (s), errors, the rate it achieved (answers a
    second), and for the open loop the connections it needed and how late its latest send
    left (s)."""

    latencies: list[float]
    failures: int
    rate: float
    connections: int = 0
    send_lag: float = 0.0
    # What each error was: "HTTP <status>" or the exception that broke the request.
    errors: Counter = field(default_factory=Counter)


async def closed_loop(
    ports: list[int], token: str, clients: int, seconds: float, make_request: MakeRequest
) -> Load:
    """Run `clients` loops for `seconds`, each sending its next request when answered; the
    clients are spread round-robin across the servers' ports."""
    latencies: list[float] = []
    failures = 0
    errors: Counter = Counter()
    deadline = time.perf_counter() + seconds
    connections = [await Connection.open(ports[n % len(ports)], token) for n in range(clients)]

    async def loop(connection: Connection, seed: int) -> None:
        nonlocal failures
        rng = random.Random(seed)
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            status = await make_request(connection, rng)
            latencies.append(time.perf_counter() - start)
            if status >= 400:
                failures += 1
                errors[f"HTTP {status}"] += 1

    started = time.perf_counter()
    await asyncio.gather(*(loop(c, n) for n, c in enumerate(connections)))
    elapsed = time.perf_counter() - started
    for connection in connections:
        connection.close()
    return Load(latencies, failures, len(latencies) / elapsed, len(connections), errors=errors)


def recently_used(idle: list[Connection]) -> Connection | None:
    """The most recently used idle connection that the server still keeps open; older ones
    are closed and dropped."""
    while idle:
        connection = idle.pop()
        if time.perf_counter() - connection.last_used < IDLE_REUSE_S:
            return connection
        connection.close()
    return None


async def open_loop(
    ports: list[int], token: str, rate: float, seconds: float, make_request: MakeRequest
) -> Load:
    """Send a request every 1/`rate` s for `seconds`, whatever the earlier ones are doing, on
    an idle connection to the next server round-robin (a new one if none is idle). A latency
    runs from the request's scheduled instant to its answer."""
    idle = {
        port: [await Connection.open(port, token) for _ in range(OPEN_LOOP_PREOPEN)]
        for port in ports
    }
    opened = OPEN_LOOP_PREOPEN * len(ports)
    latencies: list[float] = []
    answered: list[float] = []
    failures = 0
    errors: Counter = Counter()
    send_lag = 0.0
    rng = random.Random(0)

    async def send(port: int, scheduled: float) -> None:
        nonlocal failures, opened
        try:
            connection = recently_used(idle[port])
            if connection is None:
                opened += 1
                connection = await Connection.open(port, token)
            status = await asyncio.wait_for(make_request(connection, rng), REQUEST_TIMEOUT_S)
        except (TimeoutError, OSError, RuntimeError, asyncio.IncompleteReadError) as error:
            # A broken or timed-out connection is not reused; the request counts as an error.
            failures += 1
            errors[type(error).__name__] += 1
            latencies.append(time.perf_counter() - scheduled)
            return
        answered.append(time.perf_counter())
        latencies.append(answered[-1] - scheduled)
        if status >= 400:
            failures += 1
            errors[f"HTTP {status}"] += 1
        connection.last_used = time.perf_counter()
        idle[port].append(connection)

    started = time.perf_counter()
    tasks = []
    for n in range(round(rate * seconds)):
        scheduled = started + n / rate
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        send_lag = max(send_lag, time.perf_counter() - scheduled)
        tasks.append(asyncio.create_task(send(ports[n % len(ports)], scheduled)))
    await asyncio.gather(*tasks)
    for connections in idle.values():
        for connection in connections:
            connection.close()
    # Answers within the sending window, over the window: a server that keeps up shows the
    # offered rate, one that falls behind shows what it managed (the late answers still count
    # in the latencies). Counting them all over the time to drain would blur the two.
    window = len(tasks) / rate
    rate_achieved = sum(moment <= started + window for moment in answered) / window
    return Load(latencies, failures, rate_achieved, opened, send_lag, errors)


@dataclass
class LockWaits:
    """What the lock sampler saw: samples taken, samples with at least one waiting session,
    the most sessions waiting at once, and per lock type and per waiting statement the samples
    where it was waited on (the statement says which shared row it is)."""

    samples: int = 0
    with_waiters: int = 0
    max_waiters: int = 0
    by_type: Counter = field(default_factory=Counter)
    by_statement: Counter = field(default_factory=Counter)


@contextlib.contextmanager
def lock_sampler(url: str) -> Iterator[LockWaits]:
    """Poll the bench database's lock waits every 20 ms from a thread of its own while the
    block runs; the yielded LockWaits is complete when the block ends."""
    waits = LockWaits()
    stop = threading.Event()
    # Autocommit: each poll is its own transaction, so pg_stat_activity is read afresh.
    connection = psycopg.connect(url, autocommit=True)

    def poll() -> None:
        while not stop.wait(LOCK_POLL_S):
            rows = connection.execute(LOCK_WAITS_SQL).fetchall()
            sessions = connection.execute(LOCK_SESSIONS_SQL).fetchone()[0]
            waiting = max(sessions, len({pid for pid, _, _ in rows}))
            waits.samples += 1
            waits.with_waiters += waiting > 0
            waits.max_waiters = max(waits.max_waiters, waiting)
            waits.by_type.update({locktype for _, locktype, _ in rows})
            waits.by_statement.update({statement for _, _, statement in rows})

    thread = threading.Thread(target=poll, name="lock-sampler", daemon=True)
    thread.start()
    try:
        yield waits
    finally:
        stop.set()
        thread.join()
        connection.close()


@dataclass
class Phase:
    name: str
    load: Load
    server_cpu_s: float
    pace: str
    # "baseline" (GET /health), "open" or "closed" (the report loops).
    kind: str
    locks: LockWaits | None = None

    @property
    def p99_ms(self) -> float:
        return percentile(sorted(self.load.latencies), 0.99) * 1000


@contextlib.contextmanager
def servers_running(count: int, env: dict) -> Iterator[tuple[list[int], list[int]]]:
    """Start `count` `gridgov serve` processes on ports of their own; yields (ports, pids) and
    stops them (SIGTERM) when the block ends."""
    ports, processes = [], []
    try:
        for _ in range(count):
            port = free_port()
            processes.append(server_start(gridgov("serve", "--port", str(port)), env, port))
            ports.append(port)
        yield ports, [process.pid for process in processes]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)


def token_fetch(port: int) -> str:
    answer = httpx.post(
        f"http://127.0.0.1:{port}/api/v1/auth/token",
        json={"username": "worker", "password": "gridgov-demo"},
    )
    return answer.json()["token"]


def measure(
    ports: list[int],
    pids: list[int],
    token: str,
    args: argparse.Namespace,
    points: list[list[float]],
    sent: list[dict],
) -> list[Phase]:
    """The baseline, open-loop and closed-loop phases against the servers on `ports`; every
    report answered 201 is added to `sent` for the replay."""
    label = f"{len(ports)}p"
    url = database_url(args.database)

    async def trivial(connection: Connection, rng: random.Random) -> int:
        status, _ = await connection.request("GET", "/api/v1/health")
        return status

    async def submit(connection: Connection, rng: random.Random) -> int:
        body = report_body(rng, points)
        status, _ = await connection.request("POST", "/api/v1/incidents", body)
        if status == 201:
            sent.append(body)
        return status

    def phase(kind: str, name: str, run: Callable[[], Awaitable[Load]]) -> Phase:
        # The health baseline takes no lock; sampling it would only load the machine.
        sampler = contextlib.nullcontext() if kind == "baseline" else lock_sampler(url)

        def timed() -> tuple[Load, float, LockWaits | None]:
            cpu_before = sum(cpu_seconds(pid) for pid in pids)
            with sampler as locks:
                load = asyncio.run(run())
            return load, sum(cpu_seconds(pid) for pid in pids) - cpu_before, locks

        (load, cpu, locks), pace = paced(timed)
        return Phase(f"{label} {name}", load, cpu, pace, kind, locks)

    clients, seconds, rate = args.clients, args.seconds, args.rate
    progress(f"{label}: warm-up, then {seconds:g} s of GET /health with {clients} clients…")
    asyncio.run(closed_loop(ports, token, clients, 2, trivial))
    asyncio.run(closed_loop(ports, token, clients, 2, submit))
    health = phase(
        "baseline", "GET /health", lambda: closed_loop(ports, token, clients, seconds, trivial)
    )
    progress(f"{label}: {seconds:g} s of POST /incidents at {rate:g}/s, open loop…")
    offered = phase(
        "open", f"open {rate:g}/s", lambda: open_loop(ports, token, rate, seconds, submit)
    )
    progress(f"{label}: {seconds:g} s of POST /incidents with {clients} clients…")
    closed = phase(
        "closed", f"closed {clients}", lambda: closed_loop(ports, token, clients, seconds, submit)
    )
    return [health, offered, closed]


def replay_check(port: int, token: str, url: str, bodies: list[dict]) -> tuple[int, int, int]:
    """Replay `bodies` and count (answered 200, answered otherwise, new incidents)."""
    with psycopg.connect(url) as connection:
        count = "SELECT count(*) FROM incidents_incident"
        before = connection.execute(count).fetchone()[0]
        ok, refused = asyncio.run(replay(f"http://127.0.0.1:{port}", token, bodies))
        after = connection.execute(count).fetchone()[0]
    return ok, refused, after - before


async def replay(base: str, token: str, bodies: list[dict]) -> tuple[int, int]:
    """Send each body again, 32 at a time: every answer must be 200, none a new incident."""
    semaphore = asyncio.Semaphore(32)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as http:

        async def send(body: dict) -> int:
            async with semaphore:
                return (await http.post("/api/v1/incidents", json=body)).status_code

        codes = await asyncio.gather(*(send(body) for body in bodies))
    return sum(code == 200 for code in codes), sum(code != 200 for code in codes)


def table_print(phases: list[Phase]) -> None:
    print(
        f"{'phase':<22}{'requests':>9}{'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}"
        f"{'errors':>7}{'CPU ms/req':>11}{'lock-wait samples':>18}{'max waiters':>12}"
        f"{'pace':>9}"
    )
    for phase in phases:
        latencies = phase.load.latencies
        locks = phase.locks
        waited = f"{locks.with_waiters}/{locks.samples}" if locks else "-"
        print(
            f"{phase.name:<22}{len(latencies):>9,}{phase.load.rate:>7.0f}"
            f"{statistics.median(latencies) * 1000:>8.1f}{phase.p99_ms:>8.1f}"
            f"{max(latencies) * 1000:>8.1f}{phase.load.failures:>7}"
            f"{phase.server_cpu_s / len(latencies) * 1000:>11.2f}{waited:>18}"
            f"{locks.max_waiters if locks else '-':>12}{phase.pace:>9}"
        )
    for phase in phases:
        if phase.kind == "open":
            print(
                f"{phase.name}: {phase.load.connections} connections, latest send "
                f"{phase.load.send_lag * 1000:.1f} ms behind schedule"
            )
    for phase in phases:
        if phase.load.errors:
            kinds = ", ".join(f"{kind} x{n}" for kind, n in phase.load.errors.most_common())
            print(f"{phase.name}: errors {kinds}")
    for phase in phases:
        if phase.locks and phase.locks.with_waiters:
            other = sum(n for kind, n in phase.locks.by_type.items() if kind not in LOCK_TYPES)
            kinds = ", ".join(f"{kind} {phase.locks.by_type[kind]}" for kind in LOCK_TYPES)
            print(f"{phase.name}: samples waiting on {kinds}, other {other}")
            for statement, samples in phase.locks.by_statement.most_common(3):
                print(f"    {samples:>5} samples waiting in: {statement}")


def targets(phases: list[Phase], duplicates: int) -> list[str]:
    """Every target as 'what figure (target: met/MISSED)', per server count in order measured."""
    found = []
    by_servers: dict[str, dict[str, Phase]] = {}
    for phase in phases:
        by_servers.setdefault(phase.name.split()[0], {})[phase.kind] = phase
    for label, kinds in by_servers.items():
        offered, closed = kinds["open"], kinds["closed"]
        ratio = closed.load.rate / kinds["baseline"].load.rate
        found.append(
            f"{label} open-loop p99 {offered.p99_ms:.0f} ms at {offered.load.rate:.0f}/s "
            f"(< {TARGET_OPEN_P99_MS}: {verdict(offered.p99_ms < TARGET_OPEN_P99_MS)})"
        )
        found.append(
            f"{label} closed-loop {closed.load.rate:.0f}/s p99 {closed.p99_ms:.0f} ms, ratio to "
            f"health {ratio:.2f} (>= {TARGET_RATIO:.2f}: {verdict(ratio >= TARGET_RATIO)})"
        )
        for phase in (offered, closed):
            waited = phase.locks.with_waiters
            found.append(f"{phase.name} lock-wait samples {waited} (0: {verdict(waited == 0)})")
    found.append(f"duplicates on replay {duplicates} (0: {verdict(duplicates == 0)})")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=50, help="open loop: reports a second")
    parser.add_argument("--clients", type=int, default=32, help="closed loop: clients")
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--servers", choices=["1", "2", "both"], default="both")
    parser.add_argument("--database", default=DATABASE)
    args = parser.parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(args.database),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "GRIDGOV_HTTPS": "0",
        "LOG_LEVEL": "WARNING",
    }
    progress(f"preparing database {args.database} (migrate, demo zone)…")
    prepare_database(env)
    points = list(grid_points(env).values())
    counts = {"1": [1], "2": [2], "both": [1, 2]}[args.servers]
    phases: list[Phase] = []
    sent: list[dict] = []
    replayed = None
    for count in counts:
        with servers_running(count, env) as (ports, pids):
            token = token_fetch(ports[0])
            phases += measure(ports, pids, token, args, points, sent)
            if count == counts[-1]:
                progress("replaying 1,000 client_ids…")
                replayed = replay_check(ports[0], token, env["DATABASE_URL"], sent[:1000])

    print(
        f"open loop {args.rate:g} reports/s, closed loop {args.clients} clients, "
        f"{args.seconds:g} s each; 1p/2p: one/two server processes; PostgreSQL + Redis"
    )
    table_print(phases)
    print(PACE_NOTE)
    print("lock-wait samples: polls (every 20 ms) with a session of the bench database waiting")
    ok, refused, duplicates = replayed
    print(
        f"replayed {ok + refused} client_ids: {ok} answered 200, {refused} other, "
        f"{duplicates} duplicates"
    )
    print("target: " + "; ".join(targets(phases, duplicates)))


if __name__ == "__main__":
    main()
