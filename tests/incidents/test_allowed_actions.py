"""The case detail's `allowed_actions`: what the caller may do now and what each action needs,
from the one workflow table; a confirmation is once per resolution, and never the resolver's."""

from .conftest import act, act_ok, assert_error, submit


def allowed(client, incident_id) -> dict[str, dict]:
    detail = client.get(f"/incidents/{incident_id}").json()
    assert [entry["action"] for entry in detail["allowed_actions"]] == detail["actions"]
    return {entry["action"]: entry for entry in detail["allowed_actions"]}


def resolved_case(as_resident, as_supervisor, as_worker) -> dict:
    case = submit(as_resident)
    act_ok(as_supervisor, case["id"], "accept")
    act_ok(as_supervisor, case["id"], "dispatch", assignee="worker")
    act_ok(as_worker, case["id"], "start")
    return act_ok(as_worker, case["id"], "resolve", note="已修复")


def test_each_allowed_action_says_what_it_needs(as_resident, as_supervisor):
    case = submit(as_resident)

    actions = allowed(as_supervisor, case["id"])

    assert actions["reject"]["needs"] == {"note": "required"}
    assert actions["accept"]["needs"] == {}
    assert actions["extend"]["needs"] == {"due_at": "required", "note": "required"}


def test_the_resolution_photo_is_sent_after_the_resolve(as_resident, as_supervisor, as_worker):
    case = submit(as_resident)
    act_ok(as_supervisor, case["id"], "accept")
    act_ok(as_supervisor, case["id"], "dispatch", assignee="worker")
    act_ok(as_worker, case["id"], "start")

    resolve = allowed(as_worker, case["id"])["resolve"]

    assert resolve["needs"]["photo"] == "optional" and resolve["photo_after"] is True


def test_a_petition_offers_mark_repeat_needing_the_earlier_case(resident, as_supervisor):
    from tests.conftest import sign_in

    case = submit(sign_in(resident), category="petition")

    mark_repeat = allowed(as_supervisor, case["id"])["mark_repeat"]

    assert mark_repeat["needs"]["repeat_of"] == "required"


def test_mark_repeat_without_repeat_of_names_the_field(resident, as_supervisor):
    from tests.conftest import sign_in

    case = submit(sign_in(resident), category="petition")

    assert_error(act(as_supervisor, case["id"], "mark_repeat"), 422, field="repeat_of")


def test_the_reporter_confirms_a_resolution_once(as_resident, as_supervisor, as_worker):
    case = resolved_case(as_resident, as_supervisor, as_worker)
    assert "confirm" in allowed(as_resident, case["id"])

    act_ok(as_resident, case["id"], "confirm")

    assert "confirm" not in allowed(as_resident, case["id"])
    assert_error(act(as_resident, case["id"], "confirm"), 409, code="already_done")


def test_a_confirmed_case_is_not_confirmed_again_once_closed(as_resident, as_supervisor, as_worker):
    case = resolved_case(as_resident, as_supervisor, as_worker)
    act_ok(as_resident, case["id"], "confirm")
    act_ok(as_supervisor, case["id"], "verify")

    assert "confirm" not in allowed(as_resident, case["id"])


def test_a_new_resolution_can_be_confirmed_again(as_resident, as_supervisor, as_worker):
    case = resolved_case(as_resident, as_supervisor, as_worker)
    act_ok(as_resident, case["id"], "confirm")
    act_ok(as_supervisor, case["id"], "reopen", note="仍有积水")

    act_ok(as_worker, case["id"], "resolve", note="已再次处理")

    assert "confirm" in allowed(as_resident, case["id"])


def test_a_worker_who_resolved_their_own_report_is_not_offered_confirm(as_worker):
    case = submit(as_worker)

    handled = act_ok(as_worker, case["id"], "handle_on_spot", note="已现场处置")

    assert handled["status"] == "resolved"
    assert "confirm" not in handled["actions"]
    assert_error(act(as_worker, case["id"], "confirm"), 403)
