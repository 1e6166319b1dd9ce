"""Refused actions: 409 not now, 403 not yours, 404 not in your scope, 422 malformed; and a
refused action changes nothing."""

import pytest

from backend.accounts.models import Role
from tests.conftest import make_user, sign_in

from .conftest import IN_GRID_1_03, IN_GRID_2_01, act, act_ok, assert_error, submit, unchanged


@pytest.fixture
def reported(as_resident) -> dict:
    return submit(as_resident)


@pytest.fixture
def accepted(reported, as_supervisor) -> dict:
    return act_ok(as_supervisor, reported["id"], "accept")


@pytest.fixture
def dispatched(accepted, as_supervisor, worker) -> dict:
    return act_ok(as_supervisor, accepted["id"], "dispatch", assignee="worker")


ILLEGAL_FOR_SUPERVISOR_WHEN_REPORTED = [
    ("dispatch", {"assignee": "worker"}),
    ("verify", {}),
    ("reopen", {"note": "返工"}),
    ("reassign", {"assignee": "worker"}),
]


@pytest.mark.parametrize(("action", "fields"), ILLEGAL_FOR_SUPERVISOR_WHEN_REPORTED)
def test_an_action_not_legal_in_the_current_status_is_409(
    reported, as_supervisor, worker, action, fields
):
    with unchanged(reported["id"]):
        response = act(as_supervisor, reported["id"], action, **fields)

    assert_error(response, 409, code="illegal_transition")


def test_accepting_twice_is_409(accepted, as_supervisor):
    with unchanged(accepted["id"]):
        response = act(as_supervisor, accepted["id"], "accept")

    assert_error(response, 409)


def test_the_assignee_cannot_resolve_before_starting(dispatched, as_worker):
    with unchanged(dispatched["id"]):
        response = act(as_worker, dispatched["id"], "resolve", note="done")

    assert_error(response, 409)


def test_handle_on_spot_is_only_for_a_new_report(dispatched, as_worker):
    with unchanged(dispatched["id"]):
        response = act(as_worker, dispatched["id"], "handle_on_spot")

    assert_error(response, 409)


def test_confirm_before_resolution_is_409(reported, as_resident):
    with unchanged(reported["id"]):
        response = act(as_resident, reported["id"], "confirm")

    assert_error(response, 409)


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("accept", {}),
        ("reject", {"note": "no"}),
        ("extend", {"due_at": "2099-01-01T00:00:00+08:00", "note": "x"}),
    ],
)
def test_a_worker_may_not_do_a_supervisors_action_on_a_case_of_their_grid(
    reported, as_worker, action, fields
):
    with unchanged(reported["id"]):
        response = act(as_worker, reported["id"], action, **fields)

    assert_error(response, 403, code="action_forbidden")


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("verify", {}),
        ("accept", {}),
        ("handle_on_spot", {}),
        ("extend", {"due_at": "2099-01-01T00:00:00+08:00", "note": "x"}),
    ],
)
def test_a_resident_may_not_move_their_own_case(reported, as_resident, action, fields):
    with unchanged(reported["id"]):
        response = act(as_resident, reported["id"], action, **fields)

    assert_error(response, 403)


def test_a_resident_may_not_verify_their_own_resolved_case(dispatched, as_resident, as_worker):
    act_ok(as_worker, dispatched["id"], "start")
    act_ok(as_worker, dispatched["id"], "resolve", note="ok")

    with unchanged(dispatched["id"]):
        response = act(as_resident, dispatched["id"], "verify")

    assert_error(response, 403)


def test_only_the_assignee_may_start(dispatched, two_streets):
    colleague = make_user("worker3", Role.WORKER, grids=["21040400101001"])

    with unchanged(dispatched["id"]):
        response = act(sign_in(colleague), dispatched["id"], "start")

    assert_error(response, 403)


def test_a_supervisor_may_not_start_for_the_worker(dispatched, as_supervisor):
    with unchanged(dispatched["id"]):
        response = act(as_supervisor, dispatched["id"], "start")

    assert_error(response, 403)


def test_a_worker_who_reported_may_not_dispute(as_worker, as_supervisor):
    incident = submit(as_worker)
    act_ok(as_worker, incident["id"], "handle_on_spot")

    with unchanged(incident["id"]):
        response = act(as_worker, incident["id"], "dispute", note="no")

    assert_error(response, 403)


def test_another_resident_may_not_confirm(reported, dispatched, as_worker, other_resident):
    act_ok(as_worker, reported["id"], "start")
    act_ok(as_worker, reported["id"], "resolve", note="ok")

    with unchanged(reported["id"]):
        response = act(sign_in(other_resident), reported["id"], "confirm")

    assert_error(response, 404)  # another resident's case is not in their scope at all


def test_a_case_outside_the_callers_scope_is_404_like_a_missing_one(
    as_resident, as_worker, other_resident
):
    elsewhere = submit(as_resident, at=IN_GRID_1_03)  # other_worker's grid, not worker's

    with unchanged(elsewhere["id"]):
        out_of_scope = act(as_worker, elsewhere["id"], "comment", note="hi")
        neighbour = act(sign_in(other_resident), elsewhere["id"], "comment", note="hi")
    missing = act(as_worker, 999999, "comment", note="hi")

    for response in (out_of_scope, neighbour, missing):
        assert_error(response, 404, code="not_found")
    assert out_of_scope.json() == missing.json()


@pytest.mark.parametrize(
    "raw_id", ["abc", "1.0", "-1", "0x1", "1e3", "%20", "99999999999999999999", "١", "²", "1²"]
)
def test_a_non_numeric_or_impossible_id_is_404(reported, as_supervisor, raw_id):
    with unchanged(reported["id"]):
        action = act(as_supervisor, raw_id, "accept")
    detail = as_supervisor.get(f"/incidents/{raw_id}")

    assert_error(action, 404)
    assert_error(detail, 404)


@pytest.mark.parametrize("action", ["delete", "close", "ACCEPT", "", None, 3])
def test_an_unknown_action_is_422(reported, as_supervisor, action):
    with unchanged(reported["id"]):
        response = as_supervisor.post(f"/incidents/{reported['id']}/actions", {"action": action})

    assert_error(response, 422, field="action")


def test_an_action_body_that_is_not_an_object_is_422(reported, as_supervisor):
    with unchanged(reported["id"]):
        response = as_supervisor.post(f"/incidents/{reported['id']}/actions", ["accept"])

    assert_error(response, 422)


def test_dispatch_without_an_assignee_is_422(accepted, as_supervisor):
    with unchanged(accepted["id"]):
        response = act(as_supervisor, accepted["id"], "dispatch")

    assert_error(response, 422, field="assignee")


@pytest.mark.parametrize(
    "assignee", ["worker2", "resident", "supervisor", "nobody", "", "worker\x00"]
)
def test_dispatch_to_someone_who_is_not_a_worker_of_the_grid_is_422(
    accepted, as_supervisor, other_worker, assignee
):
    with unchanged(accepted["id"]):
        response = act(as_supervisor, accepted["id"], "dispatch", assignee=assignee)

    assert_error(response, 422, field="assignee")


def test_dispatch_to_an_inactive_worker_is_422(accepted, as_supervisor, worker):
    worker.is_active = False
    worker.save()

    with unchanged(accepted["id"]):
        response = act(as_supervisor, accepted["id"], "dispatch", assignee="worker")

    assert_error(response, 422, field="assignee")


def test_reassign_to_a_worker_of_another_grid_is_422(dispatched, as_supervisor, other_worker):
    with unchanged(dispatched["id"]):
        response = act(as_supervisor, dispatched["id"], "reassign", assignee="worker2")

    assert_error(response, 422, field="assignee")


def test_dispatch_to_a_worker_of_a_neighbouring_grid_of_the_street_is_422(
    as_resident, as_supervisor, two_streets
):
    east_worker = make_user("east_worker", Role.WORKER, grids=["21040400201002"])
    incident = submit(as_resident, at=IN_GRID_2_01)
    act_ok(as_supervisor, incident["id"], "accept")

    with unchanged(incident["id"]):
        wrong_grid = act(as_supervisor, incident["id"], "dispatch", assignee=east_worker.username)

    assert_error(wrong_grid, 422, field="assignee")


@pytest.mark.parametrize(
    "due_at",
    [
        "2099-01-01T00:00:00",
        "tomorrow",
        "2099-13-01T00:00:00+08:00",
        "9999-12-31T23:59:59-23:59",  # past the last UTC moment Python can hold
        "2200-01-01T00:00:00+08:00",  # no deadline is two centuries away
    ],
)
def test_extend_with_a_malformed_due_at_is_422(dispatched, as_supervisor, due_at):
    with unchanged(dispatched["id"]):
        response = act(as_supervisor, dispatched["id"], "extend", due_at=due_at, note="x")

    assert_error(response, 422, field="due_at")


def test_extend_to_a_deadline_in_the_past_is_422(dispatched, as_supervisor):
    with unchanged(dispatched["id"]):
        response = act(
            as_supervisor, dispatched["id"], "extend", due_at="2000-01-01T00:00:00+08:00", note="x"
        )

    assert_error(response, 422, field="due_at")


def test_a_note_over_5000_characters_is_422(reported, as_resident):
    with unchanged(reported["id"]):
        response = act(as_resident, reported["id"], "comment", note="x" * 5001)

    assert_error(response, 422, field="note")


def test_an_action_without_a_token_is_401(reported, anonymous):
    with unchanged(reported["id"]):
        response = act(anonymous, reported["id"], "comment", note="hi")

    assert_error(response, 401)
