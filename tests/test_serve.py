"""`gridgov demo` then `gridgov serve`: the two steps of `make demo`, run as a user would."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port

REPO = Path(__file__).resolve().parents[1]


def gridgov(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )


@pytest.fixture
def demo_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(GRIDGOV_DATA_DIR=str(tmp_path), GRIDGOV_HTTPS="0")
    gridgov("migrate", "--noinput", env=env)
    loaded = gridgov("demo", env=env)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/api/v1/streets", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield base, loaded.stdout
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_demo_prints_its_accounts_and_serves_the_demo_grids(demo_server):
    base, printed = demo_server

    for username in ("admin", "supervisor", "worker", "worker2", "resident"):
        assert f"  {username} " in printed
    assert "gridgov-demo" in printed and "fictional" in printed

    with urllib.request.urlopen(f"{base}/api/v1/grids") as response:
        grids = json.load(response)
    assert grids["type"] == "FeatureCollection"
    assert len(grids["features"]) >= 60

    request = urllib.request.Request(
        f"{base}/api/v1/auth/token",
        data=json.dumps({"username": "worker", "password": "gridgov-demo"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        assert json.load(response)["user"]["grids"]
