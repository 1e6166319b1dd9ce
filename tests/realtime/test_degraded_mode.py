"""With Redis down, reports still go through: the change and its event are committed, the
failure is logged, and clients catch up by reconnecting with `after` once Redis is back."""

import logging
import uuid

import pytest

from backend.incidents.models import Incident
from backend.realtime.models import Event
from tests.conftest import sign_in

DEAD_REDIS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        # Nothing listens on port 1: every connection attempt is refused at once.
        "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
    }
}


@pytest.mark.django_db(transaction=True)
def test_a_report_succeeds_while_redis_is_down_and_its_event_waits_in_the_log(
    resident, settings, caplog
):
    settings.CHANNEL_LAYERS = DEAD_REDIS
    client = sign_in(resident)
    body = {
        "client_id": str(uuid.uuid4()),
        "category": "other",
        "title": "路灯不亮",
        "lon": 123.805,
        "lat": 41.805,
    }

    with caplog.at_level(logging.ERROR, logger="gridgov.realtime"):
        response = client.post("/incidents", body)

    assert response.status_code == 201
    assert Incident.objects.count() == 1
    assert Event.objects.get().incident_id == response.json()["id"]
    assert "could not fan out event 1" in caplog.text
