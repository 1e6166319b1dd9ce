"""The whole API, fuzzed from its own OpenAPI document with schemathesis: whatever a client
sends, the answer is never a server error and always matches what the document declares.

From outside, over HTTP to a live server, in every phase a fuzzer run from outside has: the
schema's examples, the coverage phase (boundary values, wrong methods, wrong content types,
missing or malformed headers) and fuzzing. The coverage phase over a real HTTP client is what
found a multipart `Content-Type` without its boundary; an in-process transport never sends one.
Bounded to stay part of the normal suite: a few examples per operation and phase.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from backend.gridgov.api import api
from backend.incidents.models import Incident
from tests.conftest import sign_in
from tests.incidents.conftest import IN_GRID_1_03, OUTSIDE, image_bytes, submit, upload

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Served bytes, not JSON: its body has no schema to conform to.
PHOTO_DOWNLOAD = "/api/v1/incidents/{incident_id}/photos/{photo_id}"


@pytest.fixture
def seeded(settings, tmp_path, resident, worker, other_worker, supervisor) -> dict:
    """Cases in several states with photos, so generated ids can land on real ones."""
    settings.MEDIA_ROOT = tmp_path / "media"
    as_resident, as_supervisor = sign_in(resident), sign_in(supervisor)
    reported = submit(as_resident)
    accepted = submit(as_resident, at=IN_GRID_1_03, category="safety", severity="major")
    as_supervisor.post(f"/incidents/{accepted['id']}/actions", {"action": "accept"})
    outside = submit(as_resident, at=OUTSIDE, category="petition")
    photos = [upload(as_resident, reported["id"], image_bytes()).json()["id"]]
    return {
        "token": as_supervisor.defaults["HTTP_AUTHORIZATION"],
        "incidents": [reported["id"], accepted["id"], outside["id"]],
        "photos": photos,
    }


# The document the API serves at /api/v1/openapi.json; the calls go over HTTP to `live_server`.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema()).exclude(
    # Signing out would revoke the token every later call carries.
    path="/api/v1/auth/logout"
)
schema.config.phases.examples.enabled = True
schema.config.phases.coverage.enabled = True
schema.config.phases.fuzzing.enabled = True


def _onto_seeded(raw: object, ids: list[int]) -> object:
    # A generated numeric id is mapped onto a real one so actions and photos meet real cases;
    # anything else is sent as generated (and must be a 404 or 422).
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) < 10:
        return str(ids[int(raw) % len(ids)])
    return raw


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
@pytest.mark.filterwarnings("ignore")
def test_no_operation_answers_a_server_error_or_breaks_its_schema(case, live_server, seeded):
    path_parameters = case.path_parameters or {}
    if "incident_id" in path_parameters:
        path_parameters["incident_id"] = _onto_seeded(
            path_parameters["incident_id"], seeded["incidents"]
        )
    if "photo_id" in path_parameters:
        path_parameters["photo_id"] = _onto_seeded(path_parameters["photo_id"], seeded["photos"])
    checks = CHECKS
    if case.path == PHOTO_DOWNLOAD:
        checks = [check for check in CHECKS if check is not response_schema_conformance]

    # The live server's middleware was built before the test turned the HTTPS redirect off;
    # it trusts the proxy header production sits behind.
    headers = {"Authorization": seeded["token"], "X-Forwarded-Proto": "https"}
    case.call_and_validate(base_url=live_server.url, headers=headers, checks=checks)

    assert Incident.objects.count() >= len(seeded["incidents"])
