"""Helpers for the housing tests: a valid project, clients signed in as each role, and the
check that a refusal wrote nothing."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test.client import MULTIPART_CONTENT
from django.utils import timezone

from backend.housing.models import HousingProject, ProgressPhoto, ProgressUpdate
from tests.conftest import ApiClient

IN_GRID_1_01 = (123.805, 41.805)
IN_GRID_2_01 = (123.825, 41.805)  # east street
OUTSIDE = (123.90, 41.90)


def today() -> date:
    # The zone's calendar day: what "late" is counted against.
    return timezone.localdate()


def days_from_today(days: int) -> str:
    return (today() + timedelta(days=days)).isoformat()


def project_body(*, at: tuple[float, float] = IN_GRID_1_01, **fields) -> dict:
    lon, lat = at
    return {
        "name": "翠湖湾二期",
        "developer": "辽宁示例置业有限公司",
        "lon": lon,
        "lat": lat,
        "total_units": 120,
        "planned_delivery": days_from_today(90),
        **fields,
    }


def create_project(client: ApiClient, **fields) -> dict:
    response = client.post("/housing-projects", project_body(**fields))
    assert response.status_code == 201, response.content
    return response.json()


def record(client: ApiClient, project_id: int, **fields) -> dict:
    body = {"progress_percent": 10, "delivered_units": 0, **fields}
    response = client.post(f"/housing-projects/{project_id}/updates", body)
    assert response.status_code == 201, response.content
    return response.json()


@contextmanager
def nothing_written() -> Iterator[None]:
    """No project, progress record or photo appears, and no project's figures change."""

    def state() -> tuple:
        return (
            list(HousingProject.objects.order_by("pk").values()),
            ProgressUpdate.objects.count(),
            ProgressPhoto.objects.count(),
        )

    before = state()
    yield
    assert state() == before


@pytest.fixture
def project(as_supervisor) -> dict:
    return create_project(as_supervisor)


def upload(
    client: ApiClient,
    project_id: int | str,
    update_id: int | str,
    data: bytes,
    *,
    content_type: str = "image/png",
    name: str = "site.png",
) -> HttpResponse:
    return client.post(
        f"/housing-projects/{project_id}/updates/{update_id}/photos",
        {"file": SimpleUploadedFile(name, data, content_type=content_type)},
        content_type=MULTIPART_CONTENT,
    )
