"""A project's detail lists the cases linked to it that the caller may see, newest first, and
says whether the caller may add a progress record (the app shows its button from that)."""

from tests.incidents.conftest import submit

from .conftest import create_project


def test_the_detail_lists_linked_cases_newest_first(as_supervisor, as_resident, project):
    older = submit(as_resident, category="housing", housing_project=project["id"], title="逾期交房")
    newer = submit(as_resident, category="housing", housing_project=project["id"], title="停工")
    submit(as_resident, category="housing", title="未关联")

    detail = as_supervisor.get(f"/housing-projects/{project['id']}").json()

    assert [case["id"] for case in detail["cases"]] == [newer["id"], older["id"]]
    assert detail["cases"][0]["number"] == newer["number"]
    assert (detail["cases"][0]["title"], detail["cases"][0]["status"]) == ("停工", "reported")
    assert detail["cases"][0]["overdue"] is False
    assert detail["open_cases"] == 2


def test_a_worker_sees_only_the_linked_cases_in_their_scope(
    as_supervisor, as_worker, as_other_worker, as_resident, project, other_worker
):
    # The project lies in `worker`'s grid; worker2 follows it only as its officer.
    submit(as_resident, category="housing", housing_project=project["id"])
    officer_project = create_project(as_supervisor, name="另一项目", responsible_officer="worker2")
    submit(as_resident, category="housing", housing_project=officer_project["id"])

    mine = as_worker.get(f"/housing-projects/{project['id']}").json()
    officer = as_other_worker.get(f"/housing-projects/{officer_project['id']}").json()

    assert len(mine["cases"]) == 1
    # The case lies in worker's grid, not worker2's: following the project does not open it.
    assert officer["figures_visible"] is True
    assert officer["cases"] == []


def test_the_detail_says_who_may_record_progress(
    as_supervisor, as_worker, as_other_worker, as_resident, other_worker
):
    project = create_project(as_supervisor, responsible_officer="worker2")

    def may(client) -> bool:
        return client.get(f"/housing-projects/{project['id']}").json()["may_record_progress"]

    assert (may(as_supervisor), may(as_other_worker)) == (True, True)
    assert (may(as_worker), may(as_resident)) == (False, False)
