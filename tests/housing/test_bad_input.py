"""Bad input is a 422 in the contract's shape, and nothing is written."""

import pytest

from tests.incidents.conftest import assert_error

from .conftest import days_from_today, nothing_written, project_body

BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[123.80, 41.80], [123.81, 41.81], [123.81, 41.80], [123.80, 41.81], [123.80, 41.80]]
    ],
}
UNCLOSED = {"type": "Polygon", "coordinates": [[[123.80, 41.80], [123.81, 41.80], [123.81, 41.81]]]}
OFF_THE_EARTH = {
    "type": "Polygon",
    "coordinates": [[[200, 41.80], [201, 41.80], [201, 41.81], [200, 41.80]]],
}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"total_units": 0}, "total_units"),
        ({"total_units": "120"}, "total_units"),
        ({"total_units": 12.5}, "total_units"),
        ({"planned_delivery": "2026-02-30"}, "planned_delivery"),
        ({"planned_delivery": "next spring"}, "planned_delivery"),
        ({"planned_delivery": 1767225600}, "planned_delivery"),
        ({"planned_delivery": "1800-01-01"}, "planned_delivery"),
        ({"planned_delivery": None}, "planned_delivery"),
        ({"footprint": {"type": "Point", "coordinates": [123.8, 41.8]}}, "footprint"),
        ({"footprint": BOWTIE}, "footprint"),
        ({"footprint": UNCLOSED}, "footprint"),
        ({"footprint": OFF_THE_EARTH}, "footprint"),
        ({"footprint": {"type": "Polygon", "coordinates": "abc"}}, "footprint"),
        ({"footprint": "POLYGON((0 0, 1 0, 1 1, 0 0))"}, "footprint"),
        ({"responsible_officer": "nobody"}, "responsible_officer"),
        ({"responsible_officer": "resident"}, "responsible_officer"),
        ({"lon": float("nan")}, "lon"),
        ({"lon": "123.8"}, "lon"),
        ({"lat": 91.0}, "lat"),
        ({"name": "   "}, "name"),
        ({"developer": "a\x00b"}, "developer"),
        ({"risk_level": "extreme"}, "risk_level"),
        ({"funding_status": "lots"}, "funding_status"),
    ],
)
def test_a_bad_project_is_refused(as_supervisor, resident, fields, field):
    with nothing_written():
        response = as_supervisor.post("/housing-projects", project_body(**fields))

    assert_error(response, 422, field=field)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"delivered_units": 121}, "delivered_units"),
        ({"delivered_units": -1}, "delivered_units"),
        ({"progress_percent": 101}, "progress_percent"),
        ({"progress_percent": -1}, "progress_percent"),
        ({"progress_percent": 50.5}, "progress_percent"),
        ({"progress_percent": True}, "progress_percent"),
        ({"revised_delivery": "2026-13-01"}, "revised_delivery"),
        ({"revised_delivery": "3000-01-01"}, "revised_delivery"),
        ({"risk_level": "extreme"}, "risk_level"),
        ({"note": "x" * 5001}, "note"),
    ],
)
def test_a_bad_progress_update_is_refused(as_supervisor, project, fields, field):
    body = {"progress_percent": 50, "delivered_units": 10, **fields}

    with nothing_written():
        response = as_supervisor.post(f"/housing-projects/{project['id']}/updates", body)

    assert_error(response, 422, field=field)


def test_a_body_that_is_not_json_is_a_4xx(as_supervisor, project):
    response = as_supervisor.post(
        f"/housing-projects/{project['id']}/updates", "{not json", content_type="application/json"
    )

    assert 400 <= response.status_code < 500


def test_a_valid_revised_date_is_kept(as_supervisor, project):
    body = {"progress_percent": 50, "delivered_units": 120, "revised_delivery": days_from_today(3)}

    response = as_supervisor.post(f"/housing-projects/{project['id']}/updates", body)

    assert response.status_code == 201
