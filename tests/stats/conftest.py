"""A month of cases on the two-street map, filed and moved through the real services."""

import random
import statistics
import uuid
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from backend.accounts.models import Role, User
from backend.boundaries.models import Grid, Street
from backend.incidents.models import Incident, Status
from backend.incidents.selectors import incidents_visible_to, is_overdue
from backend.incidents.services import incident_apply_action, incident_create
from backend.incidents.services.actions import ActionRequest
from backend.incidents.services.create import NewIncident
from backend.stats.services import grid_rollup_apply
from tests.conftest import EAST, WEST, grid_code, make_user

CATEGORIES = ("safety", "petition", "housing", "other")
EMPTY_GRID = grid_code(EAST, 4)  # no case is filed there: it must still show, with zeros
OUTSIDE = (123.90, 41.90)  # outside both streets
PATHS = {
    "stay": [],
    "reject": ["reject"],
    "accepted": ["accept"],
    "dispatched": ["accept", "dispatch"],
    "in_progress": ["accept", "dispatch", "start"],
    "resolved": ["accept", "dispatch", "start", "resolve"],
    "closed": ["accept", "dispatch", "start", "resolve", "verify"],
    "reopened": ["accept", "dispatch", "start", "resolve", "verify", "reopen"],
    "closed_twice": [
        *("accept", "dispatch", "start", "resolve", "verify"),
        *("reopen", "resolve", "verify"),
    ],
    "on_spot": ["handle_on_spot", "verify"],
}


def _centre(grid: Grid) -> tuple[float, float]:
    return (grid.min_lon + grid.max_lon) / 2, (grid.min_lat + grid.max_lat) / 2


def _move(incident, action, *, supervisor, worker, at) -> None:
    actor = worker if action in ("start", "resolve", "handle_on_spot") else supervisor
    incident_apply_action(
        user=actor,
        incident_id=incident.pk,
        request=ActionRequest(action=action, note="because", assignee=worker.username),
        now=at,
    )


@pytest.fixture
def cases(supervisor, worker, other_worker, resident) -> list[Incident]:
    """About 60 cases over the last 30 days: every status and category, some overdue, some
    outside every grid, a few in a street but outside its grids."""
    rng = random.Random(7)
    now = timezone.now()
    grids = list(Grid.objects.exclude(code=EMPTY_GRID).order_by("code"))
    grid_workers = {}
    for grid in Grid.objects.all():
        found = grid.workers.filter(role=Role.WORKER).first()
        grid_workers[grid.pk] = found or make_user(f"w{grid.code}", Role.WORKER, grids=[grid.code])
    filed = []
    for index in range(56):
        grid = rng.choice(grids) if index % 8 else None
        lon, lat = _centre(grid) if grid else OUTSIDE
        created_at = now - timedelta(hours=rng.uniform(0.2, 24 * 30))
        incident, _ = incident_create(
            reporter=resident if index % 3 else worker,
            report=NewIncident(
                client_id=uuid.uuid4(),
                category=CATEGORIES[index % 4],
                title=f"case {index}",
                lon=lon,
                lat=lat,
            ),
            now=created_at,
        )
        assignee = grid_workers[grid.pk] if grid else worker
        moment = created_at
        path = rng.choice(list(PATHS))
        if path == "on_spot" and grid is None:
            path = "closed"  # only a worker of the case's grid handles it on the spot
        for action in PATHS[path]:
            moment += timedelta(hours=rng.uniform(0.1, 40))
            if moment >= now:
                break
            _move(incident, action, supervisor=supervisor, worker=assignee, at=moment)
        filed.append(incident)
    # In a street but outside its grids: the map has no such place, so written directly, with
    # the rollups moved as the services move them.
    west = Street.objects.get(code=WEST)
    for index, status in enumerate([Status.REPORTED, Status.CLOSED, Status.IN_PROGRESS]):
        created_at = now - timedelta(days=index * 3 + 1, hours=5)
        incident = Incident(
            number=f"SF-TEST-{index}",
            category=CATEGORIES[index],
            title="edge of the street",
            lon=123.81,
            lat=41.81,
            street=west,
            grid=None,
            status=status,
            reporter=resident,
            client_fingerprint="x",
            created_at=created_at,
            updated_at=created_at,
            due_at=None if status == Status.CLOSED else created_at + timedelta(days=2),
            closed_at=created_at + timedelta(hours=9) if status == Status.CLOSED else None,
        )
        grid_rollup_apply(incident=incident)
        incident.save()
        filed.append(incident)
    return filed


def recount(
    user: User,
    key: str,
    *,
    now: datetime,
    categories: tuple[str, ...] = (),
    created_from: datetime | None = None,
    created_to: datetime | None = None,
) -> dict:
    """The statistics the slow way: every visible case loaded and counted in Python."""
    groups: dict = {}
    for incident in incidents_visible_to(user).select_related("grid", "street"):
        if categories and incident.category not in categories:
            continue
        if created_from is not None and incident.created_at < created_from:
            continue
        if created_to is not None and incident.created_at >= created_to:
            continue
        area = getattr(incident, key)
        groups.setdefault(area.code if area else None, []).append(incident)
    return {code: _counts(incidents, now) for code, incidents in groups.items()}


def _counts(incidents: list[Incident], now: datetime) -> dict:
    closed = [i for i in incidents if i.status == Status.CLOSED]
    hours = [(i.closed_at - i.created_at).total_seconds() / 3600 for i in closed]
    return {
        "total": len(incidents),
        "open": sum(i.status not in (Status.CLOSED, Status.REJECTED) for i in incidents),
        "overdue": sum(is_overdue(i, now=now) for i in incidents),
        "closed": len(closed),
        "by_category": {c: sum(i.category == c for i in incidents) for c in CATEGORIES},
        "median_hours_to_close": statistics.median(hours) if hours else None,
    }


ZERO = {
    "total": 0,
    "open": 0,
    "overdue": 0,
    "closed": 0,
    "by_category": dict.fromkeys(CATEGORIES, 0),
    "median_hours_to_close": None,
}


def assert_same_counts(got: dict, expected: dict, *, median_tolerance_h: float) -> None:
    got, expected = dict(got), dict(expected)
    got_median, expected_median = (
        got.pop("median_hours_to_close"),
        expected.pop("median_hours_to_close"),
    )
    assert {k: got[k] for k in expected} == expected
    if expected_median is None:
        assert got_median is None
    else:
        assert got_median == pytest.approx(expected_median, abs=median_tolerance_h + 0.006)
