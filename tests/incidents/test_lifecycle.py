"""A case through the closed loop of CONTRACT.md, through the API, path by path."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from backend.incidents.models import Incident
from tests.conftest import sign_in

from .conftest import act, act_ok, assert_error, submit, unchanged

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


@pytest.fixture
def reported(as_resident, worker) -> dict:
    return submit(as_resident, subcategory="sanitation")


@pytest.fixture
def in_progress(reported, as_supervisor, as_worker) -> dict:
    act_ok(as_supervisor, reported["id"], "accept")
    act_ok(as_supervisor, reported["id"], "dispatch", assignee="worker")
    return act_ok(as_worker, reported["id"], "start")


@pytest.fixture
def resolved(in_progress, as_worker) -> dict:
    return act_ok(as_worker, in_progress["id"], "resolve", note="已清理")


def test_a_report_goes_through_the_whole_loop_to_closed(
    reported, as_resident, as_supervisor, as_worker
):
    case = reported["id"]

    accepted = act_ok(as_supervisor, case, "accept", note="属实")
    dispatched = act_ok(as_supervisor, case, "dispatch", assignee="worker")
    started = act_ok(as_worker, case, "start")
    resolved = act_ok(as_worker, case, "resolve", note="垃圾已清运")
    closed = act_ok(as_supervisor, case, "verify", note="现场核查无误")

    assert [accepted["status"], dispatched["status"], started["status"]] == [
        "accepted",
        "dispatched",
        "in_progress",
    ]
    assert resolved["status"] == "resolved"
    assert closed["status"] == "closed"
    assert dispatched["assignee"] == closed["assignee"] == "worker"
    assert closed["due_at"] is None
    assert closed["overdue"] is False
    incident = Incident.objects.get(pk=case)
    assert incident.closed_at is not None and incident.due_at is None
    timeline = as_supervisor.get(f"/incidents/{case}").json()["timeline"]
    assert [
        (entry["actor"], entry["action"], entry["from_status"], entry["to_status"], entry["note"])
        for entry in timeline
    ] == [
        ("resident", "create", None, "reported", ""),
        ("supervisor", "accept", "reported", "accepted", "属实"),
        ("supervisor", "dispatch", "accepted", "dispatched", ""),
        ("worker", "start", "dispatched", "in_progress", ""),
        ("worker", "resolve", "in_progress", "resolved", "垃圾已清运"),
        ("supervisor", "verify", "resolved", "closed", "现场核查无误"),
    ]
    moments = [_at(entry["at"]) for entry in timeline]
    assert all(moment.utcoffset() is not None for moment in moments)
    assert moments == sorted(moments)
    assert _at(closed["updated_at"]) == moments[-1]


def test_the_actions_offered_follow_the_status_and_the_caller(
    reported, as_resident, as_supervisor, as_worker
):
    case = reported["id"]

    assert set(as_supervisor.get(f"/incidents/{case}").json()["actions"]) == {
        "accept",
        "reject",
        "comment",
        "extend",
    }
    assert set(as_worker.get(f"/incidents/{case}").json()["actions"]) == {
        "handle_on_spot",
        "comment",
    }
    assert set(as_resident.get(f"/incidents/{case}").json()["actions"]) == {"comment"}


def test_reject_needs_a_note(reported, as_supervisor):
    with unchanged(reported["id"]):
        response = act(as_supervisor, reported["id"], "reject", note="  ")

    assert_error(response, 422, field="note")


def test_a_rejected_case_is_final(reported, as_supervisor, as_resident):
    rejected = act_ok(as_supervisor, reported["id"], "reject", note="不属于受理范围")

    assert rejected["status"] == "rejected"
    assert rejected["due_at"] is None
    assert rejected["timeline"][-1]["note"] == "不属于受理范围"
    for action, fields in [
        ("accept", {}),
        ("reject", {"note": "again"}),
        ("reopen", {"note": "again"}),
        ("verify", {}),
        ("extend", {"due_at": "2099-01-01T00:00:00+08:00", "note": "x"}),
    ]:
        with unchanged(reported["id"]):
            response = act(as_supervisor, reported["id"], action, **fields)
        assert_error(response, 409, code="illegal_transition")


def test_a_rejected_case_can_still_be_commented_on(reported, as_supervisor, as_resident):
    act_ok(as_supervisor, reported["id"], "reject", note="重复上报")

    commented = act_ok(as_resident, reported["id"], "comment", note="我不同意")

    assert commented["status"] == "rejected"
    assert commented["timeline"][-1]["action"] == "comment"


def test_a_failed_verification_reopens_the_case_for_rework(resolved, as_supervisor, as_worker):
    case = resolved["id"]

    reopened = act_ok(as_supervisor, case, "reopen", note="仍有垃圾")
    assert reopened["status"] == "in_progress"
    assert reopened["assignee"] == "worker"
    act_ok(as_worker, case, "resolve", note="二次清理")
    closed = act_ok(as_supervisor, case, "verify")

    assert closed["status"] == "closed"
    actions = [entry["action"] for entry in closed["timeline"]]
    assert actions[-4:] == ["resolve", "reopen", "resolve", "verify"]


def test_reopen_needs_a_note(resolved, as_supervisor):
    with unchanged(resolved["id"]):
        response = act(as_supervisor, resolved["id"], "reopen")

    assert_error(response, 422, field="note")


def test_a_closed_case_that_recurs_is_reopened(resolved, as_supervisor):
    case = resolved["id"]
    act_ok(as_supervisor, case, "verify")

    reopened = act_ok(as_supervisor, case, "reopen", note="问题复发")

    assert reopened["status"] == "in_progress"
    assert reopened["due_at"] is not None
    assert Incident.objects.get(pk=case).closed_at is None
    assert reopened["timeline"][-1]["from_status"] == "closed"


def test_the_reporting_resident_may_dispute_a_resolution(resolved, as_resident):
    disputed = act_ok(as_resident, resolved["id"], "dispute", note="垃圾还在")

    assert disputed["status"] == "in_progress"
    entry = disputed["timeline"][-1]
    assert (entry["actor"], entry["action"], entry["note"]) == ("resident", "dispute", "垃圾还在")


def test_a_dispute_needs_a_note(resolved, as_resident):
    with unchanged(resolved["id"]):
        response = act(as_resident, resolved["id"], "dispute")

    assert_error(response, 422, field="note")


def test_the_reporter_may_confirm_a_resolution_without_moving_it(resolved, as_resident):
    confirmed = act_ok(as_resident, resolved["id"], "confirm", note="满意")

    assert confirmed["status"] == "resolved"
    entry = confirmed["timeline"][-1]
    assert (entry["action"], entry["from_status"], entry["to_status"]) == (
        "confirm",
        "resolved",
        "resolved",
    )


def test_the_reporter_may_confirm_a_closed_case(resolved, as_resident, as_supervisor):
    act_ok(as_supervisor, resolved["id"], "verify")

    assert act_ok(as_resident, resolved["id"], "confirm")["status"] == "closed"


def test_anyone_who_sees_the_case_may_comment(reported, as_resident, as_worker, as_supervisor):
    for client, note in [(as_resident, "补充"), (as_worker, "已到现场"), (as_supervisor, "收到")]:
        commented = act_ok(client, reported["id"], "comment", note=note)
        assert commented["status"] == "reported"
        assert commented["timeline"][-1]["note"] == note

    assert len(commented["timeline"]) == 4


def test_a_comment_needs_a_note(reported, as_resident):
    with unchanged(reported["id"]):
        response = act(as_resident, reported["id"], "comment", note="")

    assert_error(response, 422, field="note")


def test_extend_moves_the_deadline_later_and_records_why(in_progress, as_supervisor):
    later = _at(in_progress["due_at"]) + timedelta(days=2)

    extended = act_ok(
        as_supervisor, in_progress["id"], "extend", due_at=later.isoformat(), note="等待配件"
    )

    assert _at(extended["due_at"]) == later
    assert extended["status"] == "in_progress"
    entry = extended["timeline"][-1]
    assert (entry["action"], entry["note"]) == ("extend", "等待配件")


def test_extend_takes_a_deadline_in_any_offset(in_progress, as_supervisor):
    later = _at(in_progress["due_at"]) + timedelta(days=2)
    far_west = later.astimezone(timezone.get_fixed_timezone(-(23 * 60 + 30)))

    extended = act_ok(
        as_supervisor, in_progress["id"], "extend", due_at=far_west.isoformat(), note="等待配件"
    )

    assert _at(extended["due_at"]) == later


@pytest.mark.parametrize(
    ("shift", "note", "field"),
    [
        (timedelta(days=2), "", "note"),  # no reason
        (timedelta(0), "等待配件", "due_at"),  # not later
        (timedelta(hours=-1), "等待配件", "due_at"),  # earlier
    ],
    ids=["no-note", "same-deadline", "earlier"],
)
def test_extend_needs_a_later_deadline_and_a_note(in_progress, as_supervisor, shift, note, field):
    due_at = _at(in_progress["due_at"]) + shift

    with unchanged(in_progress["id"]):
        response = act(
            as_supervisor, in_progress["id"], "extend", due_at=due_at.isoformat(), note=note
        )

    assert_error(response, 422, field=field)


def test_extend_without_due_at_is_422(in_progress, as_supervisor):
    with unchanged(in_progress["id"]):
        response = act(as_supervisor, in_progress["id"], "extend", note="等待配件")

    assert_error(response, 422, field="due_at")


def test_reassign_hands_the_case_to_another_worker_of_the_grid(
    in_progress, as_supervisor, two_streets
):
    from backend.accounts.models import Role
    from tests.conftest import WEST, grid_code, make_user

    colleague = make_user("worker3", Role.WORKER, grids=[grid_code(WEST, 1)])

    reassigned = act_ok(as_supervisor, in_progress["id"], "reassign", assignee="worker3")

    assert reassigned["assignee"] == "worker3"
    assert reassigned["status"] == "in_progress"
    resolved = act_ok(sign_in(colleague), in_progress["id"], "resolve", note="done")
    assert resolved["status"] == "resolved"


def test_a_worker_of_the_grid_may_handle_a_case_on_the_spot(as_resident, as_worker):
    incident = submit(as_resident)

    handled = act_ok(as_worker, incident["id"], "handle_on_spot", note="当场扶正")

    assert handled["status"] == "resolved"
    assert handled["assignee"] == "worker"
    entry = handled["timeline"][-1]
    assert (entry["actor"], entry["from_status"], entry["to_status"]) == (
        "worker",
        "reported",
        "resolved",
    )


def test_a_worker_may_handle_their_own_report_on_the_spot(as_worker, as_supervisor):
    incident = submit(as_worker)

    handled = act_ok(as_worker, incident["id"], "handle_on_spot")
    closed = act_ok(as_supervisor, incident["id"], "verify")

    assert handled["status"] == "resolved"
    assert closed["status"] == "closed"


class TestDeadlines:
    """Each stage has its own clock; times below are in the zone's time (Asia/Shanghai),
    working hours 08:30–17:30 on weekdays."""

    @pytest.fixture
    def clock(self, monkeypatch):
        now = {"at": datetime(2025, 6, 18, 10, 0, tzinfo=SHANGHAI)}  # a Wednesday
        monkeypatch.setattr(timezone, "now", lambda: now["at"])
        return now

    @pytest.fixture
    def clients(self, resident, worker, supervisor):
        # Tokens are issued before the clock is set back, so they are live at every moment used.
        return sign_in(resident), sign_in(worker), sign_in(supervisor)

    def test_each_stage_sets_its_own_deadline(self, clients, clock):
        as_resident, as_worker, as_supervisor = clients

        incident = submit(as_resident, subcategory="sanitation")  # 2 working days to handle
        assert _at(incident["due_at"]) == datetime(2025, 6, 18, 11, 0, tzinfo=SHANGHAI)

        clock["at"] = datetime(2025, 6, 18, 10, 30, tzinfo=SHANGHAI)
        accepted = act_ok(as_supervisor, incident["id"], "accept")
        assert _at(accepted["due_at"]) == datetime(2025, 6, 18, 11, 30, tzinfo=SHANGHAI)

        clock["at"] = datetime(2025, 6, 18, 11, 0, tzinfo=SHANGHAI)
        dispatched = act_ok(as_supervisor, incident["id"], "dispatch", assignee="worker")
        handling_due = datetime(2025, 6, 20, 11, 0, tzinfo=SHANGHAI)
        assert _at(dispatched["due_at"]) == handling_due

        clock["at"] = datetime(2025, 6, 19, 9, 0, tzinfo=SHANGHAI)
        started = act_ok(as_worker, incident["id"], "start")
        assert _at(started["due_at"]) == handling_due  # starting keeps the handling deadline

        clock["at"] = datetime(2025, 6, 20, 16, 30, tzinfo=SHANGHAI)  # Friday afternoon
        resolved = act_ok(as_worker, incident["id"], "resolve", note="ok")
        # 2 working hours: 1 left on Friday, 1 from Monday 08:30.
        assert _at(resolved["due_at"]) == datetime(2025, 6, 23, 9, 30, tzinfo=SHANGHAI)

        clock["at"] = datetime(2025, 6, 23, 9, 0, tzinfo=SHANGHAI)
        closed = act_ok(as_supervisor, incident["id"], "verify")
        assert closed["due_at"] is None

    def test_a_report_after_hours_is_due_the_next_working_morning(self, clients, clock):
        as_resident, _, _ = clients
        clock["at"] = datetime(2025, 6, 20, 19, 0, tzinfo=SHANGHAI)  # Friday evening

        incident = submit(as_resident)

        assert _at(incident["due_at"]) == datetime(2025, 6, 23, 9, 30, tzinfo=SHANGHAI)

    def test_an_urgent_case_is_due_two_calendar_hours_after_dispatch(self, clients, clock):
        as_resident, _, as_supervisor = clients
        incident = submit(as_resident, category="safety", severity="major")
        act_ok(as_supervisor, incident["id"], "accept")

        clock["at"] = datetime(2025, 6, 20, 17, 0, tzinfo=SHANGHAI)  # Friday, near closing
        dispatched = act_ok(as_supervisor, incident["id"], "dispatch", assignee="worker")

        assert _at(dispatched["due_at"]) == datetime(2025, 6, 20, 19, 0, tzinfo=SHANGHAI)

    def test_a_petition_is_answered_sixty_days_after_acceptance(self, clients, clock):
        # Statutory days end at the end of their last day (the API shows milliseconds).
        as_resident, _, as_supervisor = clients
        petition = submit(as_resident, category="petition")
        assert _at(petition["due_at"]) == datetime(2025, 7, 3, 23, 59, 59, 999000, SHANGHAI)

        clock["at"] = datetime(2025, 6, 25, 10, 0, tzinfo=SHANGHAI)
        accepted = act_ok(as_supervisor, petition["id"], "accept")
        dispatched = act_ok(as_supervisor, petition["id"], "dispatch", assignee="worker")

        answer_due = datetime(2025, 8, 24, 23, 59, 59, 999000, SHANGHAI)
        assert _at(accepted["due_at"]) == answer_due
        assert _at(dispatched["due_at"]) == answer_due

    def test_a_case_past_its_deadline_is_overdue(self, clients, clock):
        as_resident, _, as_supervisor = clients
        incident = submit(as_resident)

        clock["at"] = datetime(2025, 6, 18, 11, 1, tzinfo=SHANGHAI)

        assert as_supervisor.get(f"/incidents/{incident['id']}").json()["overdue"] is True
