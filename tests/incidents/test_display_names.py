"""People are shown by name (their display name), not by login; a masked reporter stays masked."""

from .conftest import act_ok, submit


def test_the_assignee_and_timeline_actors_carry_display_names(as_resident, as_supervisor, worker):
    case = submit(as_resident)
    act_ok(as_supervisor, case["id"], "accept")

    dispatched = act_ok(as_supervisor, case["id"], "dispatch", assignee="worker")

    assert dispatched["assignee"] == "worker"
    assert dispatched["assignee_display_name"] == "Worker"
    accept = next(e for e in dispatched["timeline"] if e["action"] == "accept")
    assert (accept["actor"], accept["actor_display_name"]) == ("supervisor", "Supervisor")


def test_a_masked_reporter_has_no_display_name_in_the_timeline(as_resident, as_worker):
    case = submit(as_resident)

    detail = as_worker.get(f"/incidents/{case['id']}").json()

    create = detail["timeline"][0]
    assert create["actor"] is None and create["actor_display_name"] is None


def test_a_worker_handling_their_own_report_is_not_named_to_a_colleague(
    worker, as_worker, other_worker
):
    from tests.conftest import sign_in

    case = submit(as_worker)
    act_ok(as_worker, case["id"], "handle_on_spot")
    other_worker.grids.add(*worker.grids.all())

    seen = sign_in(other_worker).get(f"/incidents/{case['id']}").json()

    assert seen["reporter"]["display_name"] is None
    assert seen["assignee"] is None and seen["assignee_display_name"] is None
