"""The phone's outbox may send one progress record several times over a bad connection: the
same client_id returns the first record and never makes a second one."""

import uuid

from backend.housing.models import HousingProject, ProgressUpdate
from tests.incidents.conftest import assert_error

from .conftest import create_project, nothing_written

UPDATE = {"progress_percent": 60, "delivered_units": 12, "note": "主体封顶"}


def test_a_replay_with_the_same_client_id_returns_the_same_record(as_supervisor, project):
    body = {**UPDATE, "client_id": str(uuid.uuid4())}

    first = as_supervisor.post(f"/housing-projects/{project['id']}/updates", body)
    with nothing_written():
        replay = as_supervisor.post(f"/housing-projects/{project['id']}/updates", body)

    assert (first.status_code, replay.status_code) == (201, 200)
    assert replay.json() == first.json()
    assert ProgressUpdate.objects.filter(project_id=project["id"]).count() == 1


def test_a_replay_does_not_move_the_figures_back(as_supervisor, project):
    # Sent offline, delivered, then overtaken by a newer record before the retry arrives.
    body = {**UPDATE, "client_id": str(uuid.uuid4())}
    as_supervisor.post(f"/housing-projects/{project['id']}/updates", body)
    newer = {"progress_percent": 70, "delivered_units": 20}
    as_supervisor.post(f"/housing-projects/{project['id']}/updates", newer)

    as_supervisor.post(f"/housing-projects/{project['id']}/updates", body)

    current = HousingProject.objects.get(pk=project["id"])
    assert (current.progress_percent, current.delivered_units) == (70, 20)
    assert ProgressUpdate.objects.filter(project_id=project["id"]).count() == 2


def test_the_same_client_id_with_a_different_body_is_refused(as_supervisor, project):
    client_id = str(uuid.uuid4())
    as_supervisor.post(
        f"/housing-projects/{project['id']}/updates", {**UPDATE, "client_id": client_id}
    )

    with nothing_written():
        response = as_supervisor.post(
            f"/housing-projects/{project['id']}/updates",
            {**UPDATE, "progress_percent": 61, "client_id": client_id},
        )

    assert_error(response, 422, field="client_id")


def test_the_same_client_id_for_another_project_is_refused(as_supervisor, project):
    other = create_project(as_supervisor, name="另一个项目")
    body = {**UPDATE, "client_id": str(uuid.uuid4())}
    as_supervisor.post(f"/housing-projects/{project['id']}/updates", body)

    with nothing_written():
        response = as_supervisor.post(f"/housing-projects/{other['id']}/updates", body)

    assert_error(response, 422, field="client_id")


def test_records_without_a_client_id_are_each_kept(as_supervisor, project):
    for _ in range(2):
        response = as_supervisor.post(f"/housing-projects/{project['id']}/updates", UPDATE)
        assert response.status_code == 201

    assert ProgressUpdate.objects.filter(project_id=project["id"]).count() == 2


def test_a_client_id_that_is_not_a_uuid_is_refused(as_supervisor, project):
    with nothing_written():
        response = as_supervisor.post(
            f"/housing-projects/{project['id']}/updates", {**UPDATE, "client_id": "abc"}
        )

    assert_error(response, 422, field="client_id")
