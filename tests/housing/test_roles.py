"""Who may do what: everyone signed in lists projects; supervisors and admins register them and
read the zone summary; progress is reported by supervisors, admins and the project's officer."""

import pytest

from tests.conftest import sign_in
from tests.incidents.conftest import assert_error

from .conftest import IN_GRID_2_01, nothing_written, project_body

UPDATE = {"progress_percent": 10, "delivered_units": 0}


@pytest.mark.parametrize(
    ("client", "lists", "creates", "updates", "summary"),
    [
        ("as_resident", 200, 403, 403, 403),
        ("as_worker", 200, 403, 403, 403),
        ("as_supervisor", 200, 201, 201, 200),
        ("as_admin", 200, 201, 201, 200),
    ],
)
def test_role_matrix(request, project, client, lists, creates, updates, summary):
    caller = request.getfixturevalue(client)

    assert caller.get("/housing-projects").status_code == lists
    assert caller.get(f"/housing-projects/{project['id']}").status_code == 200
    if creates == 403:
        with nothing_written():
            assert_error(caller.post("/housing-projects", project_body()), 403)
        with nothing_written():
            assert_error(caller.post(f"/housing-projects/{project['id']}/updates", UPDATE), 403)
    else:
        assert caller.post("/housing-projects", project_body()).status_code == creates
        response = caller.post(f"/housing-projects/{project['id']}/updates", UPDATE)
        assert response.status_code == updates
    assert caller.get("/housing-projects/summary").status_code == summary


def test_a_street_supervisor_registers_projects_in_their_streets_only(street_supervisor):
    client = sign_in(street_supervisor)

    assert client.post("/housing-projects", project_body()).status_code == 201
    with nothing_written():
        assert_error(client.post("/housing-projects", project_body(at=IN_GRID_2_01)), 403)
