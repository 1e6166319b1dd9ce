"""What the benchmarks share: progress lines, a PostgreSQL database of their own, a server on a
free port, and percentiles. Imported as `harness` by the scripts beside it."""

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
PACE_NOTE = (
    "pace: ms for a 2M-step Python loop just before/after each measurement (lower is faster)"
)
Result = TypeVar("Result")


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def database_url(name: str) -> str:
    """DATABASE_URL (PostgreSQL on 127.0.0.1 by default) with its database renamed `name`."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        sys.exit(f"{Path(sys.argv[0]).name} needs PostgreSQL: set DATABASE_URL=postgres://...")
    return urlunsplit(parts._replace(path=f"/{name}"))


def database_create(url: str, *, fresh: bool) -> None:
    """Create the database of `url`; `fresh` drops it first, otherwise an existing one stays."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if fresh:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            progress(f"creating database {name}")
            connection.execute(f'CREATE DATABASE "{name}"')


def gridgov(*args: str) -> list[str]:
    """The command line of a `gridgov` management command, run with this Python."""
    return [sys.executable, "-m", "backend.cli", *args]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_start(command: list[str], env: dict, port: int) -> subprocess.Popen:
    """Start an ASGI server and wait until it answers its health check (at most 30 s)."""
    import httpx

    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"server did not start: {' '.join(command)}")


def clock() -> float:
    """Seconds on the system-wide monotonic clock: times taken in different processes of this
    machine compare, which `perf_counter` does not promise."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def percentile(ordered: list[float], fraction: float) -> float:
    """The value below which `fraction` of the sorted values lie (nearest rank)."""
    return ordered[max(0, round(len(ordered) * fraction) - 1)]


def machine_pace_ms() -> float:
    """Milliseconds for a fixed pure-Python loop, printed beside the figures: this machine's
    speed drifts by a factor of two within hours, and this says how fast it was at the time."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for n in range(2_000_000):
            total += n
        best = min(best, time.perf_counter() - started)
    return best * 1000


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def paced(run: Callable[[], Result]) -> tuple[Result, str]:
    """`run()`'s result and the machine pace just before and just after it ("84/91"): a figure
    is only comparable with others taken at a similar pace, and the pace drifts within minutes."""
    before = machine_pace_ms()
    result = run()
    return result, f"{before:.0f}/{machine_pace_ms():.0f}"


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def grid_points(env: dict) -> dict[str, list[float]]:
    """Each grid's code and a point inside it (lon, lat), from the database of `env`."""
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
