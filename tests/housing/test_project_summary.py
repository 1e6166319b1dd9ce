"""The per-project summary: open cases, last update, days late against the zone's calendar.

"Today" is the zone's local date at the time of the test; every date is made relative to it.
"""

import pytest

from backend.incidents.models import Incident, Status
from tests.incidents.conftest import report_body

from .conftest import create_project, days_from_today, record


@pytest.mark.parametrize(
    ("planned", "revised", "delivered", "expected"),
    [
        (-30, None, 0, 30),  # past the planned date
        (0, None, 0, 0),  # due today: not late yet
        (-1, None, 119, 1),  # one unit short still counts
        (-30, 10, 0, 0),  # the revised date is what counts
        (-60, -7, 50, 7),
        (-30, None, 120, 0),  # every unit delivered: never late
        (45, None, 0, 0),
    ],
)
def test_days_late(as_supervisor, planned, revised, delivered, expected):
    project = create_project(as_supervisor, planned_delivery=days_from_today(planned))
    update = {"progress_percent": 90, "delivered_units": delivered}
    if revised is not None:
        update["revised_delivery"] = days_from_today(revised)
    record(as_supervisor, project["id"], **update)

    detail = as_supervisor.get(f"/housing-projects/{project['id']}").json()

    assert detail["days_late"] == expected


def test_open_cases_count_linked_housing_cases_not_closed_or_rejected(
    as_supervisor, as_resident, project
):
    other = create_project(as_supervisor, name="另一个项目")
    statuses = [
        Status.REPORTED,
        Status.IN_PROGRESS,
        Status.RESOLVED,
        Status.CLOSED,
        Status.REJECTED,
    ]
    for status in statuses:
        body = report_body(category="housing", title="逾期未交房", housing_project=project["id"])
        filed = as_resident.post("/incidents", body).json()
        Incident.objects.filter(pk=filed["id"]).update(status=status)
    as_resident.post("/incidents", report_body(category="housing", housing_project=other["id"]))
    as_resident.post("/incidents", report_body(category="housing"))

    detail = as_supervisor.get(f"/housing-projects/{project['id']}").json()

    assert detail["open_cases"] == 3
    assert as_supervisor.get(f"/housing-projects/{other['id']}").json()["open_cases"] == 1


def test_last_update_is_the_time_of_the_latest_record(as_supervisor, project):
    assert as_supervisor.get(f"/housing-projects/{project['id']}").json()["last_update_at"] is None
    record(as_supervisor, project["id"])
    latest = record(as_supervisor, project["id"], progress_percent=20)

    detail = as_supervisor.get(f"/housing-projects/{project['id']}").json()

    assert detail["last_update_at"] == latest["at"]
