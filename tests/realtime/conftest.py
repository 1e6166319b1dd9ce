"""Sockets against the real ASGI application (Channels' WebsocketCommunicator), with the
database committed for real (`transaction=True`) because consumers read it from other threads."""

import uuid
from contextlib import asynccontextmanager

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from backend.accounts.services import token_issue
from backend.gridgov.asgi import application
from backend.incidents.models import Incident
from backend.incidents.services import incident_apply_action, incident_create
from backend.incidents.services.actions import ActionRequest
from backend.incidents.services.create import NewIncident
from tests.conftest import PASSWORD

# Points inside the fixture map's grids (see tests/conftest.py).
GRID_1_01 = (123.805, 41.805)
GRID_1_03 = (123.805, 41.815)
GRID_2_01 = (123.825, 41.805)


@pytest.fixture
def ws_db(transactional_db):
    """Sockets need committed data; this marks a test as such."""


def token_for(user) -> str:
    return token_issue(username=user.username, password=PASSWORD, address="127.0.0.1").token


def report(user, point, *, category: str = "other", title: str = "路灯不亮") -> Incident:
    lon, lat = point
    incident, _ = incident_create(
        reporter=user,
        report=NewIncident(
            client_id=uuid.uuid4(), category=category, title=title, lon=lon, lat=lat
        ),
    )
    return incident


def act(user, incident: Incident, action: str, **details) -> Incident:
    return incident_apply_action(
        user=user, incident_id=incident.pk, request=ActionRequest(action=action, **details)
    )


areport = sync_to_async(report)
aact = sync_to_async(act)
atoken_for = sync_to_async(token_for)


@asynccontextmanager
async def socket(query: str = "", headers: list | None = None):
    communicator = WebsocketCommunicator(application, f"/ws/events{query}", headers=headers or [])
    connected, _ = await communicator.connect()
    assert connected
    try:
        yield communicator
    finally:
        await communicator.disconnect()


async def hello(communicator) -> int:
    """The socket's first message: `hello` with the latest seq."""
    message = await communicator.receive_json_from()
    assert message["type"] == "hello"
    return message["seq"]


async def receive_all(communicator, timeout: float = 0.3) -> list[dict]:
    """Everything the socket sends until it is quiet for `timeout` seconds."""
    messages = []
    while not await communicator.receive_nothing(timeout=timeout):
        messages.append(await communicator.receive_json_from())
    return messages
