"""A body the parser cannot read is a 400 or 415 in the error shape, on every route.

Every route of the OpenAPI document that takes a body (read at test time, so new routes are
covered too) is sent what the fuzzer found and what a broken client sends.
"""

import pytest
from django.test import Client

from tests.conftest import sign_in
from tests.housing.conftest import create_project, record
from tests.incidents.conftest import submit

PART = b'--zz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
UNREADABLE = {
    "multipart without a boundary": ("multipart/form-data", PART + b"\r\nabc\r\n--zz--\r\n"),
    "multipart with a bad boundary": ('multipart/form-data; boundary=""', b"--\r\n"),
    "multipart cut off in its headers": ("multipart/form-data; boundary=zz", PART + b"abc"),
    "multipart with no parts": ("multipart/form-data; boundary=zz", b"garbage, no boundary"),
    "garbage bytes sent as JSON": ("application/json", b"\xff\xfe\x00{garbage"),
    "JSON cut short": ("application/json", '{"title": "路灯'.encode()),
    "a wrong content type": ("text/plain", b"hello"),
    "a form in a charset we refuse": ("application/x-www-form-urlencoded; charset=latin-1", b"a=b"),
}


def routes_with_a_body() -> list[tuple[str, str]]:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    return [
        (method, path)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if "requestBody" in operation
    ]


@pytest.fixture
def ids(media_root, supervisor, resident) -> dict:
    as_supervisor = sign_in(supervisor)
    project = create_project(as_supervisor)
    return {
        "incident_id": submit(sign_in(resident))["id"],
        "project_id": project["id"],
        "update_id": record(as_supervisor, project["id"])["id"],
    }


@pytest.mark.parametrize("kind", UNREADABLE)
def test_an_unreadable_body_is_a_400_or_415_on_every_route(kind, supervisor, ids):
    client = sign_in(supervisor)
    content_type, body = UNREADABLE[kind]
    routes = routes_with_a_body()
    assert any("photos" in path for _, path in routes)

    for method, template in routes:
        path = template.format(**ids)
        response = client.generic(
            method.upper(),
            path,
            body,
            content_type=content_type,
            HTTP_AUTHORIZATION=client.defaults["HTTP_AUTHORIZATION"],
        )

        assert response.status_code in (400, 415), (method, path, response.content)
        assert set(response.json()) == {"detail", "code"}, (method, path)


def test_multipart_without_a_boundary_on_a_photo_route_is_400(supervisor, ids):
    client = sign_in(supervisor)
    path = f"/incidents/{ids['incident_id']}/photos"

    response = client.post(path, PART + b"\r\nabc\r\n", content_type="multipart/form-data")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request body could not be read.",
        "code": "unreadable_body",
    }


def test_json_sent_to_a_photo_route_is_415(supervisor, ids):
    client = sign_in(supervisor)
    path = f"/housing-projects/{ids['project_id']}/updates/{ids['update_id']}/photos"

    response = client.post(path, {"file": "a.png"})

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
