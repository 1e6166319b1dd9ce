"""Overdue cases are escalated: priority up, a timeline entry and an event, once per deadline."""

import uuid
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone, translation

from backend.incidents.models import Incident, TimelineEntry
from backend.incidents.services import incident_apply_action, incident_create
from backend.incidents.services.actions import ActionRequest
from backend.incidents.services.create import NewIncident
from backend.incidents.services.escalation import incidents_escalate
from backend.realtime.models import Event


def overdue_report(resident, *, days_ago: float = 3) -> Incident:
    incident, _ = incident_create(
        reporter=resident,
        report=NewIncident(
            client_id=uuid.uuid4(), category="other", title="路灯不亮", lon=123.805, lat=41.805
        ),
        now=timezone.now() - timedelta(days=days_ago),
    )
    return incident


def test_an_overdue_case_is_raised_one_priority_step_with_a_timeline_entry_and_event(resident):
    incident = overdue_report(resident)
    events_before = Event.objects.count()

    assert incidents_escalate() == 1

    incident.refresh_from_db()
    assert incident.priority == "high"
    entry = TimelineEntry.objects.filter(incident=incident, action="escalate").get()
    assert entry.actor is None and "逾期" in entry.note
    assert Event.objects.count() == events_before + 1


def test_the_escalation_note_names_the_priorities_in_words_not_codes(resident):
    incident = overdue_report(resident)

    with translation.override("en"):
        incidents_escalate()

    entry = TimelineEntry.objects.filter(incident=incident, action="escalate").get()
    assert entry.note.endswith("优先级 一般 → 较急")


def test_running_it_twice_changes_nothing_the_second_time(resident):
    overdue_report(resident)
    incidents_escalate()
    state = list(Incident.objects.values_list("priority", "updated_at"))
    entries, events = TimelineEntry.objects.count(), Event.objects.count()

    assert incidents_escalate() == 0

    assert list(Incident.objects.values_list("priority", "updated_at")) == state
    assert (TimelineEntry.objects.count(), Event.objects.count()) == (entries, events)


def test_cases_within_their_deadline_or_closed_are_left_alone(resident, worker, supervisor):
    incident_create(
        reporter=resident,
        report=NewIncident(
            client_id=uuid.uuid4(), category="other", title="新报", lon=123.805, lat=41.805
        ),
    )
    closed = overdue_report(resident)
    for action, user in (("handle_on_spot", worker), ("verify", supervisor)):
        incident_apply_action(
            user=user, incident_id=closed.pk, request=ActionRequest(action=action)
        )

    assert incidents_escalate() == 0


def test_a_new_deadline_that_passes_escalates_again(resident, supervisor):
    incident = overdue_report(resident, days_ago=10)
    incidents_escalate()
    incident_apply_action(
        user=supervisor,
        incident_id=incident.pk,
        request=ActionRequest(action="accept"),
        now=timezone.now() - timedelta(days=5),
    )

    assert incidents_escalate() == 1

    incident.refresh_from_db()
    assert incident.priority == "urgent"


def test_the_command_reports_what_it_did(resident, capsys):
    overdue_report(resident)

    call_command("escalate")

    assert "escalated 1 overdue case(s)" in capsys.readouterr().out
