"""With Redis, a change made through one server process reaches sockets held by another, and
a process stopped with SIGTERM leaves no group members behind (no "ghosts").

Real processes (`gridgov serve`, Uvicorn) and a real WebSocket client; runs when REDIS_URL is
set (the PostgreSQL + Redis half of `make test`).
"""

import asyncio
import json
import os
import signal
import socket as sockets
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import redis
import websockets
from django.conf import settings
from django.db import connection

from tests.realtime.conftest import token_for

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (Redis channel layer)"),
    pytest.mark.usefixtures("ws_db"),
]


def free_port() -> int:
    with sockets.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    # The servers must use the database this test run made, not the configured one.
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Server:
    def __init__(self) -> None:
        self.port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "GRIDGOV_HTTPS": "0",
            "LOG_LEVEL": "WARNING",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", "serve", "--port", str(self.port)],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(200):
            try:
                httpx.get(f"{self.http}/api/v1/health", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/events"

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=20)


@pytest.fixture
def servers():
    started = [Server(), Server()]
    yield started
    for server in started:
        if server.process.poll() is None:
            server.stop()


def group_members() -> int:
    client = redis.Redis.from_url(settings.REDIS_URL)
    return sum(client.zcard(key) for key in client.scan_iter("asgi:group:*"))


def test_a_report_made_through_one_process_reaches_a_socket_on_the_other(servers, worker):
    server_a, server_b = servers
    token = token_for(worker)
    body = {
        "client_id": "0b6c3a52-8f6e-4e57-9d0e-6f7b2f1f0001",
        "category": "other",
        "title": "井盖缺失",
        "lon": 123.805,
        "lat": 41.805,
    }

    async def scenario() -> dict:
        async with websockets.connect(f"{server_a.ws}?token={token}") as ws:
            assert json.loads(await ws.recv())["type"] == "hello"
            async with httpx.AsyncClient() as http:
                response = await http.post(
                    f"{server_b.http}/api/v1/incidents",
                    json=body,
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert response.status_code == 201
            return json.loads(await asyncio.wait_for(ws.recv(), timeout=5))

    event = asyncio.run(scenario())

    assert event["type"] == "incident.created"
    assert event["incident"]["title"] == "井盖缺失"


def test_sigterm_leaves_no_ghost_group_members(servers, worker):
    server_a, _ = servers
    token = token_for(worker)
    before = group_members()

    async def hold_sockets_until_the_server_stops() -> int:
        sockets_open = [await websockets.connect(f"{server_a.ws}?token={token}") for _ in range(50)]
        for ws in sockets_open:
            await ws.recv()
        during = group_members()
        await asyncio.get_running_loop().run_in_executor(None, server_a.stop)
        for ws in sockets_open:
            await ws.close()
        return during

    during = asyncio.run(hold_sockets_until_the_server_stops())

    assert during - before >= 50 * 2  # each socket: its grid groups and its own group
    assert group_members() == before
