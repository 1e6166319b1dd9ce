"""重大隐患: a short deadline, every supervisor of the street told at once, and no closing
without a verification photo taken after the case was resolved."""

import io
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from backend.core.errors import Conflict
from backend.core.images import Upload
from backend.incidents.services import incident_apply_action, incident_create, photo_add
from backend.incidents.services.actions import ActionRequest
from backend.incidents.services.create import NewIncident


def hazard(user, severity: str = "major"):
    incident, _ = incident_create(
        reporter=user,
        report=NewIncident(
            client_id=uuid.uuid4(),
            category="safety",
            subcategory="gas",
            title="燃气泄漏",
            lon=123.805,
            lat=41.805,
            severity=severity,
        ),
    )
    return incident


def act(user, incident, action: str, **details):
    return incident_apply_action(
        user=user, incident_id=incident.pk, request=ActionRequest(action=action, **details)
    )


def jpeg() -> Upload:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, format="JPEG")
    return Upload(name="check.jpg", content_type="image/jpeg", data=buffer.getvalue())


@pytest.fixture
def resolved_major_hazard(worker, supervisor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    incident = hazard(worker)
    act(supervisor, incident, "accept")
    act(supervisor, incident, "dispatch", assignee="worker")
    act(worker, incident, "start")
    return act(worker, incident, "resolve", note="已关闭阀门")


def test_a_major_hazard_is_urgent_and_must_be_accepted_within_thirty_minutes(worker):
    incident = hazard(worker)

    assert incident.priority == "urgent"
    assert incident.due_at - incident.created_at == timedelta(minutes=30)


def test_a_general_hazard_keeps_the_working_hour_deadline(worker):
    incident = hazard(worker, severity="general")

    assert incident.priority == "normal"
    assert incident.due_at - incident.created_at >= timedelta(hours=1)


def test_closing_a_major_hazard_without_a_verification_photo_is_409(
    resolved_major_hazard, supervisor
):
    with pytest.raises(Conflict) as refused:
        act(supervisor, resolved_major_hazard, "verify")

    assert refused.value.code == "verification_photo_required"
    resolved_major_hazard.refresh_from_db()
    assert resolved_major_hazard.status == "resolved"


def test_a_photo_from_before_the_resolution_is_not_verification(
    worker, supervisor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    incident = hazard(worker)
    photo_add(user=worker, incident_id=incident.pk, upload=jpeg())
    act(worker, incident, "handle_on_spot")

    with pytest.raises(Conflict):
        act(supervisor, incident, "verify")


def test_a_major_hazard_closes_with_a_photo_taken_after_it_was_resolved(
    resolved_major_hazard, supervisor
):
    photo_add(user=supervisor, incident_id=resolved_major_hazard.pk, upload=jpeg())

    closed = act(supervisor, resolved_major_hazard, "verify")

    assert closed.status == "closed" and closed.closed_at <= timezone.now()


def test_the_api_answers_409_in_the_error_shape(resolved_major_hazard, supervisor):
    from tests.conftest import sign_in

    response = sign_in(supervisor).post(
        f"/incidents/{resolved_major_hazard.pk}/actions", {"action": "verify"}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "verification_photo_required"
