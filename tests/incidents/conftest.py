"""Helpers for the incident tests: points in each grid of the two-street map, a valid report,
and the checks every refusal shares (the contract's error shape, nothing written)."""

import io
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test.client import MULTIPART_CONTENT
from PIL import Image

from backend.accounts.models import Role, User
from backend.incidents.models import Incident, TimelineEntry
from tests.conftest import ApiClient, make_user

# (lon, lat) well inside each grid of the map in tests/conftest.py.
IN_GRID_1_01 = (123.805, 41.805)  # worker's
IN_GRID_1_02 = (123.815, 41.805)  # worker's
IN_GRID_1_03 = (123.805, 41.815)  # other_worker's
IN_GRID_2_01 = (123.825, 41.805)  # east street, nobody's
OUTSIDE = (123.90, 41.90)  # outside every street and grid


def report_body(*, at: tuple[float, float] = IN_GRID_1_01, **fields) -> dict:
    """A valid submission; `fields` override or add to it."""
    lon, lat = at
    return {
        "client_id": str(uuid.uuid4()),
        "category": "other",
        "title": "路灯不亮",
        "description": "小区东门路灯连续三晚不亮",
        "lon": lon,
        "lat": lat,
        **fields,
    }


def submit(client: ApiClient, *, at: tuple[float, float] = IN_GRID_1_01, **fields) -> dict:
    response = client.post("/incidents", report_body(at=at, **fields))
    assert response.status_code == 201, response.content
    return response.json()


def act(client: ApiClient, incident_id: int | str, action: str, **fields) -> HttpResponse:
    return client.post(f"/incidents/{incident_id}/actions", {"action": action, **fields})


def act_ok(client: ApiClient, incident_id: int | str, action: str, **fields) -> dict:
    response = act(client, incident_id, action, **fields)
    assert response.status_code == 200, response.content
    return response.json()


def assert_error(
    response: HttpResponse, status: int, *, code: str | None = None, field: str | None = None
) -> dict:
    """The contract's error shape: `{"detail", "code"[, "errors": [{"field", "message"}]]}`."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) <= {"detail", "code", "errors"}, body
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["code"], str) and body["code"]
    if code is not None:
        assert body["code"] == code, body
    for error in body.get("errors") or []:
        assert set(error) == {"field", "message"}, body
        assert isinstance(error["message"], str) and error["message"]
    if field is not None:
        assert field in [error["field"] for error in body["errors"]], body
    return body


@contextmanager
def nothing_written() -> Iterator[None]:
    """No incident and no timeline entry appears or disappears inside the block."""
    before = (Incident.objects.count(), TimelineEntry.objects.count())
    yield
    assert (Incident.objects.count(), TimelineEntry.objects.count()) == before


@contextmanager
def unchanged(incident_id: int) -> Iterator[None]:
    """The case keeps its status, assignee, deadline and timeline inside the block."""

    def state() -> tuple:
        incident = Incident.objects.get(pk=incident_id)
        return (
            incident.status,
            incident.assignee_id,
            incident.due_at,
            incident.updated_at,
            incident.timeline.count(),
        )

    before = state()
    yield
    assert state() == before


@pytest.fixture
def other_resident(two_streets) -> User:
    return make_user("neighbour", Role.RESIDENT)


def image_bytes(image_format: str = "PNG", size: tuple[int, int] = (32, 24), **options) -> bytes:
    """A small valid image made in memory."""
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, format=image_format, **options)
    return out.getvalue()


def upload(
    client: ApiClient,
    incident_id: int | str,
    data: bytes,
    *,
    content_type: str = "image/png",
    name: str = "photo.png",
) -> HttpResponse:
    return client.post(
        f"/incidents/{incident_id}/photos",
        {"file": SimpleUploadedFile(name, data, content_type=content_type)},
        content_type=MULTIPART_CONTENT,
    )
