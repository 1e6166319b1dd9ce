"""Opening a token socket costs two queries whatever the role, and no permission backend: one
for the token (who holds it and the latest seq), one for the holder's scope (their grids or
streets and the petition permission together). A burst of a thousand phones reconnecting pays
this a thousand times."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.accounts.models import User
from backend.accounts.scope import PETITIONER_PERMISSION
from backend.boundaries.models import Grid
from backend.realtime.scope import token_socket
from tests.realtime.conftest import token_for

STAFF = ["worker", "supervisor", "street_supervisor", "admin_user"]
PETITIONS = ".".join(PETITIONER_PERMISSION)


@pytest.mark.parametrize("holder", STAFF)
def test_a_staff_token_socket_opens_with_two_queries(db, request, holder):
    token = token_for(request.getfixturevalue(holder))

    with CaptureQueriesContext(connection) as queries:
        opened = token_socket(token)

    assert opened is not None
    assert len(queries.captured_queries) == 2


def test_a_residents_token_socket_opens_with_one_query(resident):
    token = token_for(resident)

    with CaptureQueriesContext(connection) as queries:
        opened = token_socket(token)

    assert opened is not None
    assert len(queries.captured_queries) == 1


def test_opening_a_socket_asks_no_permission_backend(supervisor, monkeypatch):
    token = token_for(supervisor)

    def refuse(*_args, **_kwargs):
        raise AssertionError("a permission backend was asked")

    monkeypatch.setattr(ModelBackend, "has_perm", refuse)

    assert token_socket(token).scope.loaded() is not None


@pytest.fixture
def granted(supervisor, street_supervisor, admin_user) -> None:
    """The petition permission: the street supervisor's through a group, the admin's their own;
    the zone supervisor has none."""
    permission = Permission.objects.get(codename=PETITIONER_PERMISSION[1])
    officers = Group.objects.create(name="信访办")
    officers.permissions.add(permission)
    street_supervisor.groups.add(officers)
    admin_user.user_permissions.add(permission)


@pytest.mark.parametrize("holder", ["resident", *STAFF])
def test_a_sockets_scope_holds_what_django_says_of_its_holder(request, granted, holder):
    user = User.objects.get(pk=request.getfixturevalue(holder).pk)

    scope = token_socket(token_for(user)).scope

    current_grids = Grid.objects.filter(workers=user)
    assert scope.grid_ids == set(current_grids.values_list("pk", flat=True))
    assert scope.grid_street_ids == set(current_grids.values_list("street_id", flat=True))
    assert scope.street_ids == set(user.streets.values_list("pk", flat=True))
    assert scope.sees_petitioners == (scope.is_supervisor and user.has_perm(PETITIONS))
