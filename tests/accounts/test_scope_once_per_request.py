"""A request reads its caller's scope once, however many of its reads ask for it: `scope_of`
keeps the scope on the request's user object. A change of that object's role, grids or streets
makes a new one."""

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.accounts.models import Role, User
from backend.accounts.scope import scope_of
from backend.boundaries.models import Grid
from tests.conftest import WEST, grid_code, sign_in
from tests.incidents.conftest import submit

USER_GRIDS = User.grids.through._meta.db_table
USER_STREETS = User.streets.through._meta.db_table
PERMISSIONS = Permission._meta.db_table


def _reading(tables: tuple[str, ...], queries: CaptureQueriesContext) -> int:
    """How many of the captured queries read any of `tables`."""
    return sum(
        any(f'"{table}"' in query["sql"] or f" {table} " in query["sql"] for table in tables)
        for query in queries.captured_queries
    )


def test_a_request_asking_a_workers_scope_twice_reads_their_grids_once(worker):
    # The site list asks the scope for the sites, and again for each site's cases.
    client = sign_in(worker)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/hazard-sites")

    assert response.status_code == 200
    assert _reading((USER_GRIDS,), queries) == 1


def test_a_request_reads_a_supervisors_streets_and_permission_in_one_query(
    resident, street_supervisor
):
    # The list asks the scope for its filter, then for each petitioner whether to name them.
    as_resident = sign_in(resident)
    for _ in range(3):
        submit(as_resident, category="petition", subcategory="petition_general")
    client = sign_in(street_supervisor)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/incidents")

    assert response.json()["count"] == 3
    assert _reading((USER_STREETS, PERMISSIONS), queries) == 1


def test_one_user_object_has_one_scope(worker):
    assert scope_of(worker) is scope_of(worker)
    # Another object of the same user (the next request's) reads it anew.
    assert scope_of(User.objects.get(pk=worker.pk)) is not scope_of(worker)


def test_a_change_of_grids_through_the_same_object_is_seen(worker):
    assert scope_of(worker).grid_ids == {Grid.objects.get(code=grid_code(WEST, 1)).pk} | {
        Grid.objects.get(code=grid_code(WEST, 2)).pk
    }

    worker.grids.set(Grid.objects.filter(code=grid_code(WEST, 3)))

    assert scope_of(worker).grid_ids == {Grid.objects.get(code=grid_code(WEST, 3)).pk}


def test_a_change_of_role_is_seen(worker):
    assert not scope_of(worker).is_supervisor

    worker.role = Role.SUPERVISOR

    assert scope_of(worker).is_supervisor
    assert scope_of(worker).whole_zone
