"""Every committed change has its event, numbered densely in commit order; a refused change
has none."""

import pytest

from backend.core.errors import Conflict
from backend.realtime.models import Event
from tests.realtime.conftest import GRID_1_01, act, report


def test_creating_a_report_records_an_incident_created_event(resident):
    incident = report(resident, GRID_1_01)

    event = Event.objects.get()
    assert event.type == "incident.created"
    assert event.incident_id == incident.pk
    assert event.grid_id == incident.grid_id and event.street_id == incident.street_id
    assert event.payload["number"] == incident.number
    assert event.payload["status"] == "reported"


def test_each_action_records_an_incident_updated_event_with_the_new_state(
    resident, supervisor, worker
):
    incident = report(resident, GRID_1_01)

    act(supervisor, incident, "accept")
    act(supervisor, incident, "dispatch", assignee="worker")

    events = list(Event.objects.order_by("seq"))
    assert [e.type for e in events] == ["incident.created", "incident.updated", "incident.updated"]
    assert [e.payload["status"] for e in events] == ["reported", "accepted", "dispatched"]
    assert events[-1].assignee_id is not None


def test_seq_is_dense_and_increasing(resident, supervisor, worker):
    for _ in range(3):
        act(supervisor, report(resident, GRID_1_01), "accept")

    assert list(Event.objects.values_list("seq", flat=True)) == [1, 2, 3, 4, 5, 6]


def test_a_refused_action_records_no_event(resident, supervisor):
    incident = report(resident, GRID_1_01)

    with pytest.raises(Conflict):
        act(supervisor, incident, "verify")

    assert Event.objects.count() == 1


def test_reassignment_tells_the_previous_assignee(resident, supervisor, worker, two_streets):
    from backend.accounts.models import Role
    from tests.conftest import make_user

    colleague = make_user("colleague", Role.WORKER, grids=["21040400101001"])
    incident = report(resident, GRID_1_01)
    act(supervisor, incident, "accept")
    act(supervisor, incident, "dispatch", assignee="worker")

    act(supervisor, incident, "reassign", assignee="colleague")

    last = Event.objects.order_by("seq").last()
    assert last.assignee_id == colleague.pk
    assert last.previous_assignee_id == worker.pk
