"""Steps the system takes (escalation) are the system's: `"system": true` with a null actor, never
mistaken for the reporter's own entries, whose actor is null when masked."""

import importlib

import pytest
from django.apps import apps

from backend.incidents.models import TimelineEntry
from backend.incidents.services.escalation import incidents_escalate
from tests.conftest import make_user, sign_in

from .conftest import act_ok
from .test_escalation import overdue_report

BACKFILL = importlib.import_module("backend.incidents.migrations.0005_timeline_entry_system")


def _entries(client, incident_id: int) -> dict[str, dict]:
    response = client.get(f"/incidents/{incident_id}")
    assert response.status_code == 200
    return {entry["action"]: entry for entry in response.json()["timeline"]}


@pytest.mark.parametrize("viewer", ["resident", "worker", "supervisor"])
def test_an_escalation_is_the_systems_for_every_viewer(resident, worker, supervisor, viewer):
    incident = overdue_report(resident)
    incidents_escalate()
    users = {"resident": resident, "worker": worker, "supervisor": supervisor}

    entries = _entries(sign_in(users[viewer]), incident.pk)

    assert entries["escalate"]["system"] is True
    assert entries["escalate"]["actor"] is None
    assert entries["create"]["system"] is False


def test_the_reporters_masked_entry_is_not_the_systems(resident, worker):
    incident = overdue_report(resident)
    incidents_escalate()

    entries = _entries(sign_in(worker), incident.pk)

    assert entries["create"] == {**entries["create"], "actor": None, "system": False}


def test_people_acting_are_never_the_system(resident, supervisor):
    incident = overdue_report(resident)
    act_ok(sign_in(supervisor), incident.pk, "accept")

    entries = _entries(sign_in(supervisor), incident.pk)

    assert (entries["accept"]["actor"], entries["accept"]["system"]) == ("supervisor", False)
    assert (entries["create"]["actor"], entries["create"]["system"]) == ("resident", False)


def test_an_entry_whose_actor_was_deleted_stays_a_persons(resident, supervisor):
    incident = overdue_report(resident)
    clerk = make_user("clerk", "supervisor")
    act_ok(sign_in(clerk), incident.pk, "comment", note="已联系物业")
    clerk.delete()

    entries = _entries(sign_in(supervisor), incident.pk)

    assert (entries["comment"]["actor"], entries["comment"]["system"]) == (None, False)


def test_the_migration_marks_old_escalations_as_the_systems(resident, supervisor):
    incident = overdue_report(resident)
    incidents_escalate()
    clerk = make_user("clerk", "supervisor")
    act_ok(sign_in(clerk), incident.pk, "comment", note="已联系物业")
    clerk.delete()
    # As the rows were before the field existed.
    TimelineEntry.objects.update(system=False)

    BACKFILL.mark_escalations_as_the_systems(apps, None)

    marked = dict(TimelineEntry.objects.values_list("action", "system"))
    assert marked == {"create": False, "escalate": True, "comment": False}
