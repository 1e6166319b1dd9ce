"""CONTRACT.md "Demo data": what `gridgov demo` promises to people trying the app."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.incidents.models import Incident, Status
from tests.conftest import ApiClient

OPEN = [s for s in Status.values if s not in (Status.CLOSED, Status.REJECTED)]


def run_demo() -> None:
    call_command("demo", stdout=StringIO(), stderr=StringIO())


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # Loaded once for the module inside a transaction that is rolled back at the end, so the
    # demo never leaks into other tests; each test runs in a savepoint inside it.
    with django_db_blocker.unblock(), transaction.atomic():
        run_demo()
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_demo_accounts_sign_in_with_the_demo_password(demo):
    for username in ("admin", "supervisor", "worker", "worker2", "resident"):
        response = ApiClient().post(
            "/auth/token", {"username": username, "password": "gridgov-demo"}
        )
        assert response.status_code == 200, username


@pytest.mark.django_db
def test_worker_and_worker2_patrol_different_grids_of_one_street(demo):
    worker, worker2 = (User.objects.get(username=name) for name in ("worker", "worker2"))
    grids, grids2 = set(worker.grids.all()), set(worker2.grids.all())

    assert grids and grids2 and not grids & grids2
    assert {grid.street_id for grid in grids | grids2} == {next(iter(grids)).street_id}


@pytest.mark.django_db
def test_demo_incidents_cover_every_category_and_status_over_ninety_days(demo):
    incidents = Incident.objects.all()

    assert incidents.count() >= 300
    assert set(incidents.values_list("category", flat=True)) == {
        "safety",
        "petition",
        "housing",
        "other",
    }
    assert set(incidents.values_list("status", flat=True)) == set(Status.values)
    oldest = incidents.order_by("created_at").first().created_at
    assert 80 <= (timezone.now() - oldest).days <= 90


@pytest.mark.django_db
def test_every_grid_of_the_demo_workers_has_open_cases_and_some_are_overdue(demo):
    for username in ("worker", "worker2"):
        for grid in User.objects.get(username=username).grids.all():
            assert Incident.objects.filter(grid=grid, status__in=OPEN).exists(), grid.code
    assert Incident.objects.filter(due_at__lt=timezone.now()).exists()


@pytest.mark.django_db
def test_running_the_demo_again_changes_nothing(demo):
    before = Incident.objects.count()

    run_demo()

    assert Incident.objects.count() == before
