"""With Redis, a change made through one server process reaches sockets held by another, a
process that stops (SIGTERM, or killed outright) leaves no group subscriptions behind (no
"ghosts"), and sockets hear live events again after Redis itself restarts.

Real processes (`gridgov serve`, Uvicorn) and a real WebSocket client; runs when REDIS_URL is
set (the PostgreSQL + Redis half of `make test`).
"""

import asyncio
import json
import subprocess
import time
import uuid

import httpx
import pytest
import redis
import websockets
from django.conf import settings

from backend.gridgov.channel_layer import group_channels_pattern
from tests.conftest import Server, free_port
from tests.realtime.conftest import token_for

pytestmark = [
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (Redis channel layer)"),
    pytest.mark.usefixtures("ws_db"),
]


@pytest.fixture
def servers():
    started = [Server(), Server()]
    yield started
    for server in started:
        if server.process.poll() is None:
            server.stop()


def group_subscriptions(redis_url: str | None = None) -> int:
    """Subscriptions to group channels, over all processes: pub/sub keeps a group membership
    in the subscribing connection, so a process's memberships are its connection's."""
    client = redis.Redis.from_url(redis_url or settings.REDIS_URL)
    channels = client.pubsub_channels(group_channels_pattern(redis_url or settings.REDIS_URL))
    return sum(count for _, count in client.pubsub_numsub(*channels)) if channels else 0


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


@pytest.mark.parametrize("stop", ["sigterm", "sigkill"])
def test_a_stopped_process_leaves_no_ghost_group_members(servers, worker, stop):
    server_a, _ = servers
    token = token_for(worker)
    before = group_subscriptions()

    async def hold_sockets_until_the_server_stops() -> int:
        sockets_open = [await websockets.connect(f"{server_a.ws}?token={token}") for _ in range(50)]
        for ws in sockets_open:
            await ws.recv()
        during = group_subscriptions()
        if stop == "sigterm":
            await asyncio.get_running_loop().run_in_executor(None, server_a.stop)
        else:
            server_a.process.kill()
            server_a.process.wait(timeout=20)
        for ws in sockets_open:
            await ws.close()
        return during

    during = asyncio.run(hold_sockets_until_the_server_stops())

    assert during - before >= 2  # the worker's grid groups and their own group
    assert group_subscriptions() == before


@pytest.fixture
def own_redis():
    """A Redis of this test's own, so it can be stopped without disturbing the others."""
    port = free_port()
    command = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
    command += ["--appendonly", "no"]

    def start() -> subprocess.Popen:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                return process
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    instance = {"url": f"redis://127.0.0.1:{port}/0", "process": start(), "start": start}
    yield instance
    instance["process"].terminate()
    instance["process"].wait(timeout=10)


def test_sockets_hear_live_events_again_after_redis_restarts(own_redis, worker):
    server = Server(redis_url=own_redis["url"])
    token = token_for(worker)

    def post(title: str) -> int:
        body = {"client_id": str(uuid.uuid4()), "category": "other", "title": title}
        response = httpx.post(
            f"{server.http}/api/v1/incidents",
            json={**body, "lon": 123.805, "lat": 41.805},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert response.status_code == 201
        return response.json()["id"]

    async def scenario() -> tuple[int, list[dict]]:
        async with websockets.connect(f"{server.ws}?token={token}") as ws:
            assert json.loads(await ws.recv())["type"] == "hello"
            own_redis["process"].terminate()
            own_redis["process"].wait(timeout=10)
            # Redis is down: the report is still taken, its fan-out logged as failed.
            while_down = await asyncio.to_thread(post, "停电时的报告")
            own_redis["process"] = own_redis["start"]()
            received = []
            deadline = time.monotonic() + 20
            # The server's subscriber reconnects on its own; keep reporting until a live
            # event arrives (the first may be published before it has).
            while not any(m["incident"]["title"] == "恢复后的报告" for m in received):
                assert time.monotonic() < deadline, received
                await asyncio.to_thread(post, "恢复后的报告")
                try:
                    while True:
                        received.append(json.loads(await asyncio.wait_for(ws.recv(), 1)))
                except TimeoutError:
                    pass
            return while_down, received

    try:
        while_down, received = asyncio.run(scenario())
    finally:
        server.stop()

    # The report made while Redis was down comes first, from the log, as the gap it left.
    assert received[0]["incident"]["id"] == while_down
    seqs = [m["seq"] for m in received]
    assert seqs == sorted(set(seqs))
