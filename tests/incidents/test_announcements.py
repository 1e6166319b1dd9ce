"""Incidents announce each change (`backend.incidents.signals`) and the apps above react in the
same transaction: the statistics move their rollups, the real-time app records the event. A
reaction that fails fails the change. (That the rollups stay exact over many changes:
tests/stats/test_rollups.py; the events' order and content: tests/realtime/test_event_log.py.)"""

import uuid

import pytest
from django.db.models import Sum

from backend.incidents.models import Incident, Status
from backend.incidents.services import incident_apply_action, incident_create
from backend.incidents.services.actions import ActionRequest
from backend.incidents.services.create import NewIncident
from backend.incidents.signals import incident_changed
from backend.realtime.models import Event
from backend.stats.models import GridDayTally

from .conftest import IN_GRID_1_01


def _report(reporter) -> Incident:
    lon, lat = IN_GRID_1_01
    incident, _ = incident_create(
        reporter=reporter,
        report=NewIncident(
            client_id=uuid.uuid4(), category="other", title="路灯不亮", lon=lon, lat=lat
        ),
    )
    return incident


def _tally(incident: Incident, status: str) -> int:
    rows = GridDayTally.objects.filter(grid_key=incident.grid_id, status=status)
    return rows.aggregate(n=Sum("n"))["n"] or 0


def test_a_case_filed_and_moved_through_the_services_is_counted_and_heard(resident, supervisor):
    incident = _report(resident)
    assert _tally(incident, Status.REPORTED) == 1
    assert Event.objects.get(incident_id=incident.pk).type == "incident.created"

    incident_apply_action(
        user=supervisor, incident_id=incident.pk, request=ActionRequest(action="accept")
    )

    assert (_tally(incident, Status.REPORTED), _tally(incident, Status.ACCEPTED)) == (0, 1)
    latest = Event.objects.order_by("seq").last()
    assert (latest.type, latest.payload["status"]) == ("incident.updated", "accepted")


def test_a_reaction_that_fails_rolls_the_change_back(resident):
    def failing(**_kwargs) -> None:
        raise RuntimeError("the event log is unwritable")

    incident_changed.connect(failing, sender=Incident)
    try:
        with pytest.raises(RuntimeError):
            _report(resident)
    finally:
        incident_changed.disconnect(failing, sender=Incident)

    assert not Incident.objects.exists()
    assert not GridDayTally.objects.exclude(n=0).exists()
    assert not Event.objects.exists()
