"""Cases of category housing may name their project (its id, as a string or a number); the link
is kept and shown; a wrong category or an unknown project is refused with nothing written."""

import pytest

from backend.incidents.models import Incident
from tests.incidents.conftest import assert_error, nothing_written, report_body


@pytest.mark.parametrize("as_text", [True, False])
def test_a_housing_case_links_to_its_project(as_resident, project, as_text):
    project_id = str(project["id"]) if as_text else project["id"]

    response = as_resident.post(
        "/incidents", report_body(category="housing", housing_project=project_id)
    )

    assert response.status_code == 201, response.content
    incident = response.json()
    assert incident["housing_project"] == project["id"]
    assert Incident.objects.get(pk=incident["id"]).housing_project_id == project["id"]
    assert (
        as_resident.get(f"/incidents/{incident['id']}").json()["housing_project"] == project["id"]
    )


def test_cases_without_a_project_show_null(as_resident, two_streets):
    response = as_resident.post("/incidents", report_body(category="housing"))

    assert response.json()["housing_project"] is None


def test_only_housing_cases_link_to_a_project(as_resident, project):
    with nothing_written():
        response = as_resident.post(
            "/incidents", report_body(category="other", housing_project=project["id"])
        )

    assert_error(response, 422, field="housing_project")


@pytest.mark.parametrize("unknown", ["999999", 999999, "abc", "", -1, 1.5, True])
def test_an_unknown_project_is_refused(as_resident, project, unknown):
    with nothing_written():
        response = as_resident.post(
            "/incidents", report_body(category="housing", housing_project=unknown)
        )

    assert_error(response, 422, field="housing_project")
