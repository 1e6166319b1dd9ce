"""A report filed over HTTP through the ASGI application reaches a socket of the same process:
the request runs in one of the server's request threads, and its fan-out must run on the
server's own event loop, where the sockets and the channel layer live."""

import asyncio
import json
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator

from backend.gridgov.asgi import application, in_request_thread
from tests.realtime.conftest import GRID_1_01, atoken_for, hello, socket

pytestmark = pytest.mark.usefixtures("ws_db")


async def test_async_work_in_a_request_thread_runs_on_the_servers_loop():
    server_loop = asyncio.get_running_loop()

    def inside_a_request() -> asyncio.AbstractEventLoop:
        async def running_loop() -> asyncio.AbstractEventLoop:
            return asyncio.get_running_loop()

        return async_to_sync(running_loop)()

    assert await in_request_thread(inside_a_request)() is server_loop


def report_post(token: str) -> HttpCommunicator:
    """A report POSTed through the whole ASGI application, as the server receives it."""
    lon, lat = GRID_1_01
    body = {"client_id": str(uuid.uuid4()), "category": "other", "title": "井盖缺失"}
    post = HttpCommunicator(
        application,
        "POST",
        "/api/v1/incidents",
        body=json.dumps({**body, "lon": lon, "lat": lat}).encode(),
        headers=[
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"authorization", f"Bearer {token}".encode()),
        ],
    )
    post.scope["scheme"] = "https"  # as behind the TLS proxy of a deployment
    return post


async def test_a_report_posted_over_http_reaches_a_socket_of_the_same_process(worker):
    token = await atoken_for(worker)
    async with socket(f"?token={token}") as communicator:
        await hello(communicator)

        response = await report_post(token).get_response(timeout=10)

        assert response["status"] == 201
        event = await communicator.receive_json_from(timeout=5)
        assert event["type"] == "incident.created"
        assert event["incident"]["id"] == json.loads(response["body"])["id"]


async def test_a_report_posted_over_http_is_answered_without_waiting_for_its_fanout(
    worker, monkeypatch
):
    token = await atoken_for(worker)
    release_fanout, fanned_out = asyncio.Event(), asyncio.Event()

    async def redis_stalled(layer, groups: list[str], message: dict) -> None:
        await release_fanout.wait()
        fanned_out.set()

    monkeypatch.setattr("backend.realtime.services._send_to_groups", redis_stalled)

    response = await report_post(token).get_response(timeout=10)

    assert response["status"] == 201 and not fanned_out.is_set()
    release_fanout.set()
    await asyncio.wait_for(fanned_out.wait(), timeout=5)
