"""Submitting a report: what comes back, where it lands, and why a retry never duplicates it."""

import re
import uuid
from datetime import datetime, timedelta

from backend.incidents.models import Incident
from tests.conftest import EAST, WEST, grid_code, sign_in

from .conftest import (
    IN_GRID_1_03,
    IN_GRID_2_01,
    OUTSIDE,
    act_ok,
    assert_error,
    nothing_written,
    report_body,
    submit,
)

CONTRACT_FIELDS = {
    "id",
    "number",
    "category",
    "subcategory",
    "title",
    "description",
    "lon",
    "lat",
    "street",
    "grid",
    "status",
    "priority",
    "reporter",
    "assignee",
    "created_at",
    "updated_at",
    "due_at",
    "overdue",
    "photos",
}


def _aware(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    assert moment.utcoffset() is not None, f"{value} has no offset"
    return moment


def test_it_answers_201_with_every_contract_field(as_resident):
    body = report_body(subcategory="roads_lights")

    response = as_resident.post("/incidents", body)

    assert response.status_code == 201
    incident = response.json()
    assert set(incident) >= CONTRACT_FIELDS
    assert re.fullmatch(r"SF-\d{8}-\d{4}", incident["number"])
    assert incident["category"] == "other"
    assert incident["subcategory"] == "roads_lights"
    assert incident["title"] == body["title"]
    assert incident["description"] == body["description"]
    assert (incident["lon"], incident["lat"]) == (body["lon"], body["lat"])
    assert incident["status"] == "reported"
    assert incident["priority"] == "normal"
    assert incident["reporter"] == {
        "username": "resident",
        "display_name": "Resident",
        "phone": "13800000000",
        "role": "resident",
    }
    assert incident["assignee"] is None
    created_at = _aware(incident["created_at"])
    assert _aware(incident["updated_at"]) == created_at
    assert _aware(incident["due_at"]) > created_at
    assert incident["overdue"] is False
    assert incident["photos"] == []
    assert Incident.objects.filter(pk=incident["id"]).exists()


def test_the_number_counts_up_within_a_day(as_resident):
    first = submit(as_resident)["number"]
    second = submit(as_resident)["number"]

    assert first[:-4] == second[:-4]
    assert int(second[-4:]) == int(first[-4:]) + 1


def test_it_places_the_report_in_the_grid_and_street_around_the_point(as_resident):
    west = submit(as_resident, at=IN_GRID_1_03)
    east = submit(as_resident, at=IN_GRID_2_01)

    assert (west["street"], west["grid"]) == (WEST, grid_code(WEST, 3))
    assert (east["street"], east["grid"]) == (EAST, grid_code(EAST, 1))


def test_a_point_on_a_grid_border_still_finds_a_grid(as_resident):
    incident = submit(as_resident, at=(123.81, 41.805))

    assert incident["grid"] in {grid_code(WEST, 1), grid_code(WEST, 2)}


def test_a_point_outside_every_grid_is_accepted_and_goes_to_the_supervisors(
    as_resident, as_supervisor
):
    incident = submit(as_resident, at=OUTSIDE)

    assert incident["grid"] is None and incident["street"] is None
    listed = as_supervisor.get("/incidents").json()
    assert incident["id"] in [item["id"] for item in listed["items"]]
    assert as_supervisor.get(f"/incidents/{incident['id']}").status_code == 200


def test_retry_with_same_client_id_returns_same_incident(as_resident):
    body = report_body()
    first = as_resident.post("/incidents", body)

    with nothing_written():
        retry = as_resident.post("/incidents", body)

    assert first.status_code == 201
    assert retry.status_code == 200
    assert retry.json() == first.json()


def test_retry_with_unknown_extra_fields_is_still_the_same_report(as_resident):
    body = report_body()
    first = as_resident.post("/incidents", body).json()

    retry = as_resident.post("/incidents", {**body, "app_version": "2.1.0"})

    assert retry.status_code == 200
    assert retry.json()["id"] == first["id"]


def test_same_client_id_with_a_different_body_is_422_and_writes_nothing(as_resident):
    body = report_body()
    first = as_resident.post("/incidents", body).json()

    with nothing_written():
        response = as_resident.post("/incidents", {**body, "title": "另一件事"})

    assert_error(response, 422, code="client_id_reused", field="client_id")
    assert Incident.objects.get(pk=first["id"]).title == body["title"]


def test_same_client_id_from_a_different_user_is_a_new_incident(as_resident, other_resident):
    body = report_body()
    mine = as_resident.post("/incidents", body)

    theirs = sign_in(other_resident).post("/incidents", body)

    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert Incident.objects.filter(client_id=uuid.UUID(body["client_id"])).count() == 2


def test_a_worker_may_submit_too(as_worker):
    incident = submit(as_worker)

    assert incident["reporter"]["username"] == "worker"
    assert incident["reporter"]["role"] == "worker"


def test_a_major_safety_hazard_is_urgent_with_two_hours_to_handle_after_dispatch(
    as_resident, as_supervisor, worker
):
    incident = submit(as_resident, category="safety", subcategory="gas", severity="major")
    assert incident["priority"] == "urgent"

    act_ok(as_supervisor, incident["id"], "accept")
    dispatched = act_ok(as_supervisor, incident["id"], "dispatch", assignee="worker")

    dispatched_at = _aware(dispatched["timeline"][-1]["at"])
    assert _aware(dispatched["due_at"]) - dispatched_at == timedelta(hours=2)


def test_severity_sets_the_priority_of_a_safety_hazard(as_resident):
    general = submit(as_resident, category="safety", severity="general")
    serious = submit(as_resident, category="safety", severity="serious")

    assert general["priority"] == "normal"
    assert serious["priority"] == "high"


def test_occurred_at_is_kept_with_its_offset(as_resident):
    incident = submit(as_resident, occurred_at="2026-01-05T07:30:00+08:00")

    assert _aware(incident["occurred_at"]) == datetime.fromisoformat("2026-01-05T07:30:00+08:00")


def test_the_creation_is_the_first_timeline_entry(as_resident):
    incident = submit(as_resident)

    detail = as_resident.get(f"/incidents/{incident['id']}").json()

    assert len(detail["timeline"]) == 1
    entry = detail["timeline"][0]
    assert entry["action"] == "create"
    assert entry["actor"] == "resident"
    assert entry["from_status"] is None and entry["to_status"] == "reported"
