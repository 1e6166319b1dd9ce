"""Report ingestion under load: POST /api/v1/incidents against a real ASGI server on PostgreSQL.

Run: .venv/bin/python bench/ingest.py [--clients 32] [--seconds 20]
Starts `gridgov serve` (one Uvicorn process) on a database of its own (`gridgov_bench_ingest`,
created and loaded with the demo zone), then drives it with N concurrent HTTP clients: first
a trivial endpoint of the same server (`GET /api/v1/health`), then report submissions, and
prints both with the ratio. Finally it replays 1,000 submitted client_ids and counts duplicates.
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

DATABASE = "gridgov_bench_ingest"
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


def row(name: str, result: dict) -> tuple:
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
    pace_ms = machine_pace_ms()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(DATABASE),
        "GRIDGOV_HTTPS": "0",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
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

        progress(f"warm-up, then {args.seconds:.0f} s of GET /health with {args.clients} clients…")
        asyncio.run(drive(port, token, args.clients, 2, trivial))
        trivial_result = asyncio.run(drive(port, token, args.clients, args.seconds, trivial))
        progress(f"{args.seconds:.0f} s of POST /incidents with {args.clients} clients…")
        ingest_result = asyncio.run(drive(port, token, args.clients, args.seconds, submit))
        progress("replaying 1,000 client_ids…")
        with psycopg.connect(env["DATABASE_URL"]) as connection:
            before = connection.execute("SELECT count(*) FROM incidents_incident").fetchone()[0]
            ok, refused = asyncio.run(replay(base, token, sent[:1000]))
            after = connection.execute("SELECT count(*) FROM incidents_incident").fetchone()[0]
    finally:
        server.terminate()
        server.wait(timeout=10)

    rows = [row("GET /api/v1/health", trivial_result), row("POST /api/v1/incidents", ingest_result)]
    print(f"{'endpoint':<24}{'requests':>10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for name, count, rate, p50, p99, failures in rows:
        print(f"{name:<24}{count:>10,}{rate:>10.0f}{p50:>10.1f}{p99:>10.1f}{failures:>8}")
    ratio = rows[1][2] / rows[0][2]
    print(f"ingestion / trivial rate: {ratio:.2f} (target >= 0.50)")
    print(
        f"replayed {ok + refused} client_ids: {ok} answered 200, {refused} other, "
        f"{after - before} duplicates"
    )
    print(f"machine pace: {pace_ms:.0f} ms for a 2M-step Python loop (lower is faster)")
    print(
        f"summary: {rows[1][2]:.0f} reports/s at p99 {rows[1][4]:.0f} ms with {args.clients} "
        f"clients, {ratio:.0%} of the trivial endpoint; {after - before} duplicates on replay"
    )


if __name__ == "__main__":
    main()
