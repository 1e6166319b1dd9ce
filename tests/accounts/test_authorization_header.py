"""A request that carries an `Authorization` header is judged by that header alone.

Every write route of the OpenAPI document, read at test time so new routes are covered too,
is sent a forged, an expired and a revoked token by a browser that also holds a good session
cookie with CSRF enforced: each answers 401 in the error shape and writes nothing.
"""

from datetime import timedelta

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.client import MULTIPART_CONTENT
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.accounts.models import AuthToken, hash_token
from tests.conftest import PASSWORD, ApiClient, sign_in
from tests.housing.conftest import create_project, project_body, record
from tests.incidents.conftest import image_bytes, report_body, submit

WRITE_METHODS = ("post", "put", "patch", "delete")
BAD_TOKENS = ("forged", "expired", "revoked")


def write_operations() -> list[tuple[str, str, dict]]:
    """(method, path template, operation) of every write the API documents."""
    paths = ApiClient().get("/openapi.json").json()["paths"]
    return [
        (method, path, operation)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if method in WRITE_METHODS
    ]


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture
def seeded(media_root, supervisor, resident) -> dict:
    as_supervisor = sign_in(supervisor)
    project = create_project(as_supervisor)
    update = record(as_supervisor, project["id"])
    return {
        "incident_id": submit(sign_in(resident))["id"],
        "project_id": project["id"],
        "update_id": update["id"],
    }


@pytest.fixture
def bad_tokens(supervisor) -> dict[str, str]:
    now = timezone.now()
    AuthToken.objects.create(
        key_hash=hash_token("expired-token"), user=supervisor, expires_at=now - timedelta(hours=1)
    )
    AuthToken.objects.create(
        key_hash=hash_token("revoked-token"),
        user=supervisor,
        expires_at=now + timedelta(hours=1),
        revoked_at=now - timedelta(minutes=1),
    )
    return {"forged": "forged", "expired": "expired-token", "revoked": "revoked-token"}


def request_that_writes(path: str, operation: dict) -> tuple[dict | None, str]:
    """A body the route would accept from a supervisor, and its content type."""
    content = operation.get("requestBody", {}).get("content", {})
    if "multipart/form-data" in content:
        schema = content["multipart/form-data"]["schema"]
        files = {
            name: SimpleUploadedFile(f"{name}.png", image_bytes(), content_type="image/png")
            for name in schema.get("properties", {"file": {}})
        }
        return files, MULTIPART_CONTENT
    bodies = {
        "/api/v1/auth/token": {"username": "supervisor", "password": PASSWORD},
        "/api/v1/auth/register": {"username": "newcomer", "password": PASSWORD},
        "/api/v1/incidents": report_body(),
        "/api/v1/incidents/{incident_id}/actions": {"action": "accept"},
        "/api/v1/hazard-sites": {
            "name": "抚顺某化工有限公司",
            "kind": "enterprise",
            "lon": 123.805,
            "lat": 41.805,
        },
        "/api/v1/housing-projects": project_body(),
        "/api/v1/housing-projects/{project_id}/updates": {
            "progress_percent": 20,
            "delivered_units": 0,
        },
    }
    return bodies.get(path, {}), "application/json"


def send(browser: Client, method: str, template: str, operation: dict, ids: dict, token: str):
    path = template
    for name, value in ids.items():
        path = path.replace(f"{{{name}}}", str(value))
    data, content_type = request_that_writes(template, operation)
    return getattr(browser, method)(
        path, data, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}"
    )


@pytest.fixture
def browser(supervisor) -> Client:
    """Signed in by session cookie, with CSRF enforced as in a real browser."""
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=supervisor.username, password=PASSWORD)
    return client


def test_forged_token_on_a_write_answers_401_not_a_csrf_403(browser, seeded):
    response = browser.post(
        "/api/v1/incidents",
        report_body(),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer forged",
    )

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or expired token.", "code": "invalid_token"}


@pytest.mark.parametrize("kind", BAD_TOKENS)
def test_a_bad_token_on_any_write_answers_401_and_writes_nothing(kind, browser, seeded, bad_tokens):
    operations = write_operations()
    assert len(operations) >= 8

    for method, template, operation in operations:
        before = row_counts()
        response = send(browser, method, template, operation, seeded, bad_tokens[kind])

        assert response.status_code == 401, (method, template, response.content)
        assert response.json() == {"detail": "Invalid or expired token.", "code": "invalid_token"}
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert row_counts() == before, (method, template)


def test_the_same_writes_with_a_live_token_do_write(supervisor, seeded):
    """The requests above are ones that would write: refused only for their token."""
    token = sign_in(supervisor).defaults["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    for method, template, operation in write_operations():
        if template == "/api/v1/auth/logout":
            continue  # it would revoke the token the later writes carry
        response = send(Client(), method, template, operation, seeded, token)

        assert response.status_code < 300, (method, template, response.content)


def test_a_forged_token_beside_a_good_session_cookie_is_401_on_a_read(browser, seeded):
    response = browser.get("/api/v1/auth/me", HTTP_AUTHORIZATION="Bearer forged")

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_a_header_of_another_scheme_is_judged_too(browser, seeded):
    response = browser.post(
        "/api/v1/incidents",
        report_body(),
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic c3VwZXJ2aXNvcjpwYXNz",
    )

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_a_live_token_beside_a_session_cookie_needs_no_csrf(browser, bad_tokens, supervisor):
    token = sign_in(supervisor).defaults["HTTP_AUTHORIZATION"]

    response = browser.post(
        "/api/v1/incidents",
        report_body(),
        content_type="application/json",
        HTTP_AUTHORIZATION=token,
    )

    assert response.status_code == 201


def test_a_token_is_looked_up_once_per_request(supervisor):
    """The middleware and the route's auth both ask; the database is asked once."""
    client = sign_in(supervisor)
    token_table = AuthToken._meta.db_table

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/incidents")

    assert response.status_code == 200
    assert sum(token_table in query["sql"] for query in queries.captured_queries) == 1
