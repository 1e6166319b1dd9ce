"""A closed case says whether it was closed on time (按期办结): every resolution came by the
handling deadline then in force, a supervisor's extension moving it. Each move keeps the deadline
of the stage it ended and whether it was met, and a migration fills both in for older cases."""

import importlib
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps

from backend.incidents.models import Incident, TimelineEntry
from backend.incidents.services import incident_apply_action, incident_create
from backend.incidents.services.actions import ActionRequest
from backend.incidents.services.create import NewIncident
from backend.incidents.services.escalation import incidents_escalate
from tests.conftest import sign_in

BACKFILL = importlib.import_module("backend.incidents.migrations.0006_stage_deadlines")
# A Monday morning in the zone: the working-time deadlines run without a weekend in the way.
MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MINUTE = timedelta(minutes=1)


class Case:
    """A case driven through the workflow at chosen moments."""

    def __init__(self, reporter, *, category: str = "other", subcategory: str | None = None):
        self.at = MONDAY
        self.incident, _ = incident_create(
            reporter=reporter,
            report=NewIncident(
                client_id=uuid.uuid4(),
                category=category,
                subcategory=subcategory,
                title="路灯不亮",
                lon=123.805,
                lat=41.805,
            ),
            now=self.at,
        )

    @property
    def due_at(self) -> datetime:
        return Incident.objects.get(pk=self.incident.pk).due_at

    def act(self, user, action: str, *, at: datetime | None = None, **details) -> "Case":
        self.at = at or self.at + 10 * MINUTE
        incident_apply_action(
            user=user,
            incident_id=self.incident.pk,
            request=ActionRequest(action=action, **details),
            now=self.at,
        )
        return self

    def dispatched(self, supervisor) -> "Case":
        self.act(supervisor, "accept").act(supervisor, "dispatch", assignee="worker")
        return self

    def handled(self, worker, *, at: datetime) -> "Case":
        return self.act(worker, "start").act(worker, "resolve", at=at, note="已修复")

    def closed_on_time(self) -> bool | None:
        return Incident.objects.get(pk=self.incident.pk).closed_on_time


def test_a_case_resolved_by_its_handling_deadline_is_closed_on_time(resident, worker, supervisor):
    case = Case(resident).dispatched(supervisor)

    case.handled(worker, at=case.due_at - MINUTE).act(supervisor, "verify")

    assert case.closed_on_time() is True


def test_a_case_resolved_after_its_handling_deadline_is_closed_late(resident, worker, supervisor):
    case = Case(resident).dispatched(supervisor)

    case.handled(worker, at=case.due_at + MINUTE).act(supervisor, "verify")

    assert case.closed_on_time() is False


def test_a_case_resolved_within_its_extension_is_closed_on_time(resident, worker, supervisor):
    case = Case(resident).dispatched(supervisor)
    first_deadline = case.due_at
    case.act(supervisor, "extend", due_at=first_deadline + timedelta(days=2), note="需采购灯具")

    case.handled(worker, at=first_deadline + MINUTE).act(supervisor, "verify")

    assert case.closed_on_time() is True


def test_a_late_rework_makes_the_case_late(resident, worker, supervisor):
    case = Case(resident).dispatched(supervisor)
    case.handled(worker, at=case.due_at - MINUTE)
    case.act(supervisor, "reopen", note="仍不亮")

    case.act(worker, "resolve", at=case.due_at + MINUTE, note="换了灯泡").act(supervisor, "verify")

    assert case.closed_on_time() is False


def test_rejected_and_open_cases_have_none(resident, worker, supervisor):
    rejected = Case(resident).act(supervisor, "reject", note="重复上报")
    still_open = Case(resident).dispatched(supervisor)

    assert rejected.closed_on_time() is None
    assert still_open.closed_on_time() is None


def test_reopening_a_closed_case_clears_it(resident, worker, supervisor):
    case = Case(resident).dispatched(supervisor)
    case.handled(worker, at=case.due_at - MINUTE).act(supervisor, "verify")

    case.act(supervisor, "reopen", note="又坏了")

    assert case.closed_on_time() is None


def test_the_api_shows_it_and_each_moves_deadline(resident, worker, supervisor):
    case = Case(resident).dispatched(supervisor)
    handling_deadline = case.due_at
    case.handled(worker, at=handling_deadline + MINUTE)
    case.act(supervisor, "comment", note="请尽快核查").act(supervisor, "verify")

    body = sign_in(supervisor).get(f"/incidents/{case.incident.pk}").json()

    assert body["closed_on_time"] is False
    assert body["due_at"] is None
    entries = {entry["action"]: entry for entry in body["timeline"]}
    resolve = entries["resolve"]
    assert datetime.fromisoformat(resolve["due_at"]) == handling_deadline
    assert resolve["met"] is False
    assert entries["accept"]["met"] is True
    assert (entries["comment"]["due_at"], entries["comment"]["met"]) == (None, None)
    assert (entries["create"]["due_at"], entries["create"]["met"]) == (None, None)
    listed = sign_in(supervisor).get("/incidents").json()["items"]
    assert [item["closed_on_time"] for item in listed] == [False]


# The migration ------------------------------------------------------------------------------


def _recorded() -> tuple[dict, dict]:
    entries = {entry.pk: (entry.due_at, entry.met) for entry in TimelineEntry.objects.all()}
    closed = dict(Incident.objects.values_list("pk", "closed_on_time"))
    return entries, closed


def _as_before_the_migration() -> None:
    TimelineEntry.objects.update(due_at=None, met=None)
    Incident.objects.update(closed_on_time=None)


def _backfill() -> None:
    BACKFILL.backfill_stage_deadlines(apps, None)


def test_the_migration_finds_each_stage_deadline_again(resident, worker, supervisor):
    on_time = Case(resident).dispatched(supervisor)
    on_time.handled(worker, at=on_time.due_at - MINUTE).act(supervisor, "verify")
    late = Case(resident).dispatched(supervisor)
    late.handled(worker, at=late.due_at + MINUTE).act(supervisor, "verify")
    on_the_spot = Case(resident).act(worker, "handle_on_spot", note="已清理")
    on_the_spot.act(supervisor, "verify")
    rejected = Case(resident).act(supervisor, "reject", note="重复上报")
    still_open = Case(resident).dispatched(supervisor)
    live = _recorded()
    _as_before_the_migration()

    _backfill()

    assert _recorded() == live
    assert live[1][on_time.incident.pk] is True
    assert live[1][late.incident.pk] is False
    assert live[1][on_the_spot.incident.pk] is True
    assert live[1][rejected.incident.pk] is None
    assert live[1][still_open.incident.pk] is None


def test_the_migration_replays_a_petitions_extension(resident, worker, supervisor):
    petition = Case(resident, category="petition", subcategory="petition_general")
    petition.dispatched(supervisor)
    answer_deadline = petition.due_at
    petition.act(supervisor, "extend", due_at=answer_deadline + timedelta(days=10), note="需调查")
    petition.handled(worker, at=answer_deadline + timedelta(days=5)).act(supervisor, "verify")
    live = _recorded()
    _as_before_the_migration()

    _backfill()

    assert _recorded() == live
    assert live[1][petition.incident.pk] is True


def test_the_migration_counts_an_unknown_extension_as_met_unless_an_escalation_shows_otherwise(
    resident, worker, supervisor
):
    extended = Case(resident).dispatched(supervisor)
    first_deadline = extended.due_at
    extended.act(supervisor, "extend", due_at=first_deadline + timedelta(days=2), note="需采购")
    extended.handled(worker, at=first_deadline + MINUTE).act(supervisor, "verify")
    overrun = Case(resident).dispatched(supervisor)
    new_deadline = overrun.due_at + timedelta(days=2)
    overrun.act(supervisor, "extend", due_at=new_deadline, note="需采购")
    incidents_escalate(now=new_deadline + timedelta(hours=1))
    overrun.handled(worker, at=new_deadline + timedelta(hours=2)).act(supervisor, "verify")
    _as_before_the_migration()

    _backfill()

    resolved = {
        entry.incident_id: (entry.due_at, entry.met)
        for entry in TimelineEntry.objects.filter(action="resolve")
    }
    # The extended date was never written down: unknown, and not held against the case.
    assert resolved[extended.incident.pk] == (None, None)
    assert extended.closed_on_time() is True
    # The escalation note names the deadline that passed (to the minute).
    assert resolved[overrun.incident.pk] == (new_deadline.replace(second=0, microsecond=0), False)
    assert overrun.closed_on_time() is False


@pytest.mark.parametrize("written", ["in words", "as codes, before 2026-12-02"])
def test_the_migration_reads_the_priority_an_escalation_note_names(
    written, resident, worker, supervisor
):
    # Raised twice to 紧急 before dispatch: its handling deadline is the urgent one, in hours.
    case = Case(resident)
    incidents_escalate(now=case.due_at + MINUTE)
    case.act(supervisor, "accept", at=case.due_at + 2 * MINUTE)
    incidents_escalate(now=case.due_at + MINUTE)
    case.act(supervisor, "dispatch", assignee="worker", at=case.due_at + 2 * MINUTE)
    assert Incident.objects.get(pk=case.incident.pk).priority == "urgent"
    case.handled(worker, at=case.due_at - MINUTE).act(supervisor, "verify")
    live = _recorded()
    _as_before_the_migration()
    if written != "in words":
        for entry in TimelineEntry.objects.filter(action="escalate"):
            for word, code in (("一般", "normal"), ("较急", "high"), ("紧急", "urgent")):
                entry.note = entry.note.replace(word, code)
            entry.save(update_fields=["note"])

    _backfill()

    assert _recorded() == live
    assert case.closed_on_time() is True
