"""Report ingestion under load: POST /api/v1/incidents against a real ASGI server, production
shape (PostgreSQL + Redis).

Run: .venv/bin/python bench/ingest.py [--clients 32] [--seconds 20]
Starts `gridgov serve` (one Uvicorn process) on a database of its own (`gridgov_bench_ingest`,
created and loaded with the demo zone, DATABASE_URL's server) with the Redis channel layer
(REDIS_URL, default redis://127.0.0.1:6379/0), so every report's fan-out publishes are timed
as in production. It drives the server with N concurrent HTTP clients: first a trivial
endpoint of the same server (`GET /api/v1/health`), then report submissions, and prints both
with p50, p99, the server's CPU per request and the machine pace beside each, and the ratio of
the rates against its target (docs/performance.md: at least 0.50). Finally it replays 1,000
submitted client_ids and counts duplicates.
"""

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import time
import uuid

import httpx
import psycopg
from harness import (
    PACE_NOTE,
    REPO,
    cpu_seconds,
    database_create,
    database_url,
    free_port,
    gridgov,
    paced,
    percentile,
    progress,
    server_start,
    verdict,
)

DATABASE = "gridgov_bench_ingest"
TARGET_RATIO = 0.50
# Inside the demo zone (WGS-84).
LON_RANGE, LAT_RANGE = (123.72, 123.98), (41.80, 41.89)


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


def report_body(rng: random.Random) -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "category": rng.choice(["safety", "other", "other", "housing"]),
        "title": "路灯不亮",
        "description": "巡查发现，请尽快处理。",
        "lon": rng.uniform(*LON_RANGE),
        "lat": rng.uniform(*LAT_RANGE),
    }


class Connection:
    """One keep-alive HTTP/1.1 connection, written by hand: httpx spent ~1.8 ms of CPU a
    request, so on this 2-core machine the load generator, not the server, set the trivial
    endpoint's rate. This costs a few dozen microseconds."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: str):
        self.reader, self.writer, self.head = reader, writer, head

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


async def drive(port: int, token: str, clients: int, seconds: float, make_request) -> dict:
    """Run `clients` loops for `seconds`; returns latencies (s) and counts."""
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + seconds
    connections = [await Connection.open(port, token) for _ in range(clients)]

    async def loop(connection: Connection, seed: int) -> None:
        nonlocal failures
        rng = random.Random(seed)
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            status = await make_request(connection, rng)
            latencies.append(time.perf_counter() - start)
            failures += status >= 400

    started = time.perf_counter()
    await asyncio.gather(*(loop(c, n) for n, c in enumerate(connections)))
    elapsed = time.perf_counter() - started
    for connection in connections:
        connection.close()
    return {"latencies": latencies, "failures": failures, "elapsed": elapsed}


def row(name: str, result: dict, server_cpu_s: float, pace: str) -> tuple:
    latencies = sorted(result["latencies"])
    p99 = percentile(latencies, 0.99)
    rate = len(latencies) / result["elapsed"]
    return (
        name,
        len(latencies),
        rate,
        statistics.median(latencies) * 1000,
        p99 * 1000,
        result["failures"],
        server_cpu_s / len(latencies) * 1000,
        pace,
    )


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(DATABASE),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "GRIDGOV_HTTPS": "0",
        "LOG_LEVEL": "WARNING",
    }
    progress(f"preparing database {DATABASE} (migrate, demo zone)…")
    prepare_database(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = server_start(gridgov("serve", "--port", str(port)), env, port)
    try:
        token = httpx.post(
            f"{base}/api/v1/auth/token", json={"username": "worker", "password": "gridgov-demo"}
        ).json()["token"]
        sent: list[dict] = []

        async def trivial(connection: Connection, rng) -> int:
            status, _ = await connection.request("GET", "/api/v1/health")
            return status

        async def submit(connection: Connection, rng) -> int:
            body = report_body(rng)
            status, _ = await connection.request("POST", "/api/v1/incidents", body)
            if status == 201:
                sent.append(body)
            return status

        def phase(make_request) -> tuple[dict, float]:
            """The clients' figures and the server's CPU seconds meanwhile."""
            cpu_before = cpu_seconds(server.pid)
            result = asyncio.run(drive(port, token, args.clients, args.seconds, make_request))
            return result, cpu_seconds(server.pid) - cpu_before

        progress(f"warm-up, then {args.seconds:.0f} s of GET /health with {args.clients} clients…")
        asyncio.run(drive(port, token, args.clients, 2, trivial))
        asyncio.run(drive(port, token, args.clients, 2, submit))
        (trivial_result, trivial_cpu), trivial_pace = paced(lambda: phase(trivial))
        progress(f"{args.seconds:.0f} s of POST /incidents with {args.clients} clients…")
        (ingest_result, ingest_cpu), ingest_pace = paced(lambda: phase(submit))
        progress("replaying 1,000 client_ids…")
        with psycopg.connect(env["DATABASE_URL"]) as connection:
            before = connection.execute("SELECT count(*) FROM incidents_incident").fetchone()[0]
            ok, refused = asyncio.run(replay(base, token, sent[:1000]))
            after = connection.execute("SELECT count(*) FROM incidents_incident").fetchone()[0]
    finally:
        server.terminate()
        server.wait(timeout=10)

    rows = [
        row("GET /api/v1/health", trivial_result, trivial_cpu, trivial_pace),
        row("POST /api/v1/incidents", ingest_result, ingest_cpu, ingest_pace),
    ]
    print(f"{args.clients} clients, {args.seconds:g} s each, PostgreSQL + Redis channel layer")
    print(
        f"{'endpoint':<24}{'requests':>10}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>7}"
        f"{'server CPU ms/req':>19}{'pace':>9}"
    )
    for name, count, rate, p50, p99, failures, cpu_ms, pace in rows:
        print(
            f"{name:<24}{count:>10,}{rate:>8.0f}{p50:>9.1f}{p99:>9.1f}{failures:>7}"
            f"{cpu_ms:>19.2f}{pace:>9}"
        )
    print(PACE_NOTE)
    ratio = rows[1][2] / rows[0][2]
    print(
        f"replayed {ok + refused} client_ids: {ok} answered 200, {refused} other, "
        f"{after - before} duplicates"
    )
    print(
        f"target: ingestion / trivial rate {ratio:.2f} (>= {TARGET_RATIO:.2f}: "
        f"{verdict(ratio >= TARGET_RATIO)}); reports {rows[1][2]:.0f}/s at p99 "
        f"{rows[1][4]:.0f} ms with {args.clients} clients; {after - before} duplicates on replay"
    )


if __name__ == "__main__":
    main()
