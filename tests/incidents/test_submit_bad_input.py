"""Garbage in a submission is a 4xx in the error shape and writes nothing; odd but valid text
is stored and returned exactly as sent."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from backend.accounts.models import AuthToken
from backend.incidents.models import Incident
from tests.conftest import ApiClient, sign_in

from .conftest import assert_error, nothing_written, report_body

MISSING = object()


def _future() -> str:
    return (timezone.now() + timedelta(days=1)).isoformat()


# (field, value sent, field named in the error); MISSING leaves the field out.
BAD_FIELDS = [
    ("category", MISSING, "category"),
    ("category", "weather", "category"),
    ("category", None, "category"),
    ("title", MISSING, "title"),
    ("title", "", "title"),
    ("title", "   \t\n", "title"),
    ("title", "长" * 201, "title"),
    ("description", "x" * 5001, "description"),
    ("lon", 180.5, "lon"),
    ("lon", -181, "lon"),
    ("lat", 90.01, "lat"),
    ("lat", -95, "lat"),
    ("lon", "123.4", "lon"),
    ("lat", "41.8", "lat"),
    ("lon", "east", "lon"),
    ("lon", None, "lon"),
    ("lat", None, "lat"),
    ("lon", MISSING, "lon"),
    ("lon", [123.8], "lon"),
    ("lon", True, "lon"),
    ("client_id", "not-a-uuid", "client_id"),
    ("client_id", "", "client_id"),
    ("client_id", MISSING, "client_id"),
    ("client_id", 12345, "client_id"),
    ("subcategory", "no_such_kind", "subcategory"),
    ("subcategory", "gas", "subcategory"),  # a safety subcategory on an "other" case
    ("subcategory", "x" * 41, "subcategory"),
    ("severity", "major", "severity"),  # severity on a non-safety case
    ("occurred_at", "2026-01-05T07:30:00", "occurred_at"),  # no offset
    ("occurred_at", "yesterday", "occurred_at"),
    # Implausibly long ago: before 1901 the zone's time had a seconds offset (LMT +08:05:43),
    # which no ISO 8601 client reads; year 1 at +14:00 is not even a UTC moment.
    ("occurred_at", "0525-05-31T13:35:25-06:34", "occurred_at"),
    ("occurred_at", "0001-01-01T00:00:00+14:00", "occurred_at"),
    ("occurred_at", "1969-12-31T23:59:59Z", "occurred_at"),
    ("address", "x" * 301, "address"),
    ("housing_project", "no-such-project", "housing_project"),
]


@pytest.mark.parametrize(
    ("field", "value", "named"),
    BAD_FIELDS,
    ids=[f"{field}={value!r:.20}" for field, value, _ in BAD_FIELDS],
)
def test_a_bad_field_is_422_naming_it_and_writes_nothing(as_resident, field, value, named):
    body = report_body()
    if value is MISSING:
        del body[field]
    else:
        body[field] = value

    with nothing_written():
        response = as_resident.post("/incidents", body)

    assert_error(response, 422, field=named)


def test_occurred_at_in_the_future_is_422(as_resident):
    with nothing_written():
        response = as_resident.post("/incidents", report_body(occurred_at=_future()))

    assert_error(response, 422, field="occurred_at")


def test_an_unknown_severity_on_a_safety_case_is_422(as_resident):
    with nothing_written():
        response = as_resident.post("/incidents", report_body(category="safety", severity="dire"))

    assert_error(response, 422, field="severity")


# JSON texts json.dumps would never write: non-standard literals Python's parser accepts.
RAW_COORDINATES = ["NaN", "Infinity", "-Infinity", "1e400", '"NaN"']


@pytest.mark.parametrize("raw", RAW_COORDINATES)
@pytest.mark.parametrize("field", ["lon", "lat"])
def test_a_non_finite_coordinate_is_422(as_resident, field, raw):
    body = report_body()
    body[field] = "PLACEHOLDER"
    text = json.dumps(body).replace('"PLACEHOLDER"', raw)

    with nothing_written():
        response = as_resident.post("/incidents", text)

    assert_error(response, 422, field=field)


@pytest.mark.parametrize(
    "text",
    [
        "this is not json",
        '{"client_id": ',
        "",
        "[]",
        json.dumps([report_body()]),
        '"a string"',
        "42",
        "null",
    ],
    ids=["text", "truncated", "empty", "empty-list", "list", "string", "number", "null"],
)
def test_a_body_that_is_not_a_json_object_is_4xx(as_resident, text):
    with nothing_written():
        response = as_resident.post("/incidents", text)

    assert 400 <= response.status_code < 500
    assert_error(response, response.status_code)


def test_a_body_that_is_not_utf8_is_4xx(as_resident):
    text = json.dumps(report_body(), ensure_ascii=False).encode("gbk")

    with nothing_written():
        response = as_resident.post("/incidents", text)

    assert 400 <= response.status_code < 500
    assert_error(response, response.status_code)


def test_a_form_encoded_body_is_4xx(as_resident):
    with nothing_written():
        response = as_resident.post(
            "/incidents", "title=x&category=other", content_type="application/x-www-form-urlencoded"
        )

    assert 400 <= response.status_code < 500
    assert_error(response, response.status_code)


def test_an_offset_beyond_what_postgresql_stores_is_the_same_moment(as_resident):
    # ISO 8601 allows offsets to ±23:59, PostgreSQL only to ±15:59.
    incident = as_resident.post("/incidents", report_body(occurred_at="2026-01-05T23:30:00+23:00"))

    assert incident.status_code == 201, incident.content
    stored = Incident.objects.get(pk=incident.json()["id"]).occurred_at
    assert stored.isoformat() == "2026-01-05T00:30:00+00:00"


def test_unknown_fields_are_ignored(as_resident):
    body = report_body(priority="urgent", status="closed", reporter="admin", id=1, grid="x")

    response = as_resident.post("/incidents", body)

    assert response.status_code == 201
    incident = response.json()
    assert incident["priority"] == "normal"
    assert incident["status"] == "reported"
    assert incident["reporter"]["username"] == "resident"
    assert incident["grid"] != "x"


def test_a_request_without_a_token_is_401(resident):
    with nothing_written():
        response = ApiClient().post("/incidents", report_body())

    assert_error(response, 401, code="not_authenticated")


def test_a_request_with_a_garbage_token_is_401(resident):
    with nothing_written():
        response = ApiClient("not-a-token").post("/incidents", report_body())

    assert_error(response, 401)


def test_a_request_with_an_expired_token_is_401(resident):
    client = sign_in(resident)
    AuthToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    with nothing_written():
        response = client.post("/incidents", report_body())

    assert_error(response, 401)


def test_a_request_with_a_revoked_token_is_401(resident):
    client = sign_in(resident)
    assert client.post("/auth/logout").status_code == 204

    with nothing_written():
        response = client.post("/incidents", report_body())

    assert_error(response, 401)


@pytest.mark.parametrize(
    "text",
    [
        "'; DROP TABLE incidents_incident; --",
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "Robert'); DELETE FROM accounts_user WHERE ('1'='1",
        "{{7*7}} ${7*7} %s %(x)s",
        "🚒 消防通道 ‮ r̷̛ ZW\u200bSP",
    ],
    ids=["sql-drop", "script", "img", "sql-delete", "templates", "unicode"],
)
def test_sql_and_html_looking_text_is_stored_and_returned_verbatim(as_resident, text):
    body = report_body(title=text, description=text, address=text)

    created = as_resident.post("/incidents", body)

    assert created.status_code == 201
    incident = created.json()
    assert (incident["title"], incident["description"], incident["address"]) == (text,) * 3
    detail = as_resident.get(f"/incidents/{incident['id']}").json()
    assert (detail["title"], detail["description"]) == (text, text)
    stored = Incident.objects.get(pk=incident["id"])
    assert (stored.title, stored.description, stored.address) == (text,) * 3
    assert Incident.objects.count() == 1


def test_text_at_the_limits_is_accepted(as_resident):
    body = report_body(title="长" * 200, description="x" * 5000, address="")

    response = as_resident.post("/incidents", body)

    assert response.status_code == 201
    assert len(response.json()["title"]) == 200


@pytest.mark.parametrize("field", ["title", "description", "address", "subcategory"])
def test_a_nul_character_in_text_is_422_on_every_database(as_resident, field):
    # PostgreSQL cannot store U+0000 in text; refusing it at the edge keeps it a 4xx everywhere.
    body = report_body(**{field: "路灯\x00不亮"})

    with nothing_written():
        response = as_resident.post("/incidents", body)

    assert_error(response, 422, field=field)
