"""Hazards of one place are grouped to a hazard site, with its history."""

import uuid

from django.db import connection

from backend.incidents.models import HazardSite
from backend.incidents.services import incident_create
from backend.incidents.services.create import NewIncident
from tests.conftest import sign_in

SITE = {
    "name": "抚顺某化工有限公司",
    "kind": "enterprise",
    "address": "工农街道88号",
    "lon": 123.805,
    "lat": 41.805,
}


def test_staff_create_a_site_placed_in_its_grid(worker):
    response = sign_in(worker).post("/hazard-sites", SITE)

    assert response.status_code == 201
    body = response.json()
    assert body["grid"] == "21040400101001" and body["street"] == "210404001"
    assert body["hazards"] == 0


def test_a_site_shows_its_hazards_newest_first(worker, supervisor):
    site = sign_in(worker).post("/hazard-sites", SITE).json()
    filed = []
    for title in ("违规存放油漆", "消防通道堵塞"):
        incident, _ = incident_create(
            reporter=worker,
            report=NewIncident(
                client_id=uuid.uuid4(),
                category="safety",
                title=title,
                lon=123.805,
                lat=41.805,
                hazard_site=str(site["id"]),
            ),
        )
        filed.append(incident)

    body = sign_in(supervisor).get(f"/hazard-sites/{site['id']}").json()

    assert body["hazards"] == 2 and body["open_hazards"] == 2
    assert [case["id"] for case in body["history"]] == [filed[1].pk, filed[0].pk]
    assert body["history"][0]["hazard_site"] == site["id"]


def test_residents_may_not_use_hazard_sites(resident):
    client = sign_in(resident)

    assert client.post("/hazard-sites", SITE).status_code == 403
    assert client.get("/hazard-sites").status_code == 403
    assert not HazardSite.objects.exists()


def test_a_hazard_site_only_goes_with_a_safety_case(worker):
    site = sign_in(worker).post("/hazard-sites", SITE).json()
    body = {
        "client_id": str(uuid.uuid4()),
        "category": "other",
        "title": "路灯",
        "lon": 123.805,
        "lat": 41.805,
        "hazard_site": site["id"],
    }

    response = sign_in(worker).post("/incidents", body)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "hazard_site"


def test_unknown_site_is_404_and_bad_input_is_422(worker):
    client = sign_in(worker)

    assert client.get("/hazard-sites/999999").status_code == 404
    assert client.get("/hazard-sites/abc").status_code == 404
    assert client.post("/hazard-sites", {**SITE, "lon": 999}).status_code == 422
    assert client.post("/hazard-sites", {**SITE, "name": ""}).status_code == 422


def _file_hazard(reporter, site_id: int) -> None:
    incident_create(
        reporter=reporter,
        report=NewIncident(
            client_id=uuid.uuid4(),
            category="safety",
            title="消防通道堵塞",
            lon=123.805,
            lat=41.805,
            hazard_site=str(site_id),
        ),
    )


def _queries(call) -> int:
    # Counted at the cursor: the request's start clears `connection.queries` under a capture.
    count = 0

    def counting(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        call()
    return count


def test_the_list_costs_the_same_queries_for_two_sites_or_eight(worker, django_assert_num_queries):
    as_worker = sign_in(worker)
    for _ in range(2):
        _file_hazard(worker, as_worker.post("/hazard-sites", SITE).json()["id"])
    for_two = _queries(lambda: as_worker.get("/hazard-sites"))
    for _ in range(6):
        _file_hazard(worker, as_worker.post("/hazard-sites", SITE).json()["id"])

    with django_assert_num_queries(for_two):
        listed = as_worker.get("/hazard-sites").json()

    assert len(listed) == 8
    assert {(site["hazards"], site["open_hazards"]) for site in listed} == {(1, 1)}


def test_a_site_with_eight_hazards_costs_the_same_queries_as_with_two(worker):
    as_worker = sign_in(worker)
    site_id = as_worker.post("/hazard-sites", SITE).json()["id"]
    for _ in range(2):
        _file_hazard(worker, site_id)
    for_two = _queries(lambda: as_worker.get(f"/hazard-sites/{site_id}"))
    for _ in range(6):
        _file_hazard(worker, site_id)

    for_eight = _queries(lambda: as_worker.get(f"/hazard-sites/{site_id}"))

    assert for_eight == for_two
    detail = as_worker.get(f"/hazard-sites/{site_id}").json()
    assert (detail["hazards"], detail["open_hazards"], len(detail["history"])) == (8, 8, 8)
