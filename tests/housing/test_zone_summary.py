"""The zone summary for supervisors: projects at risk, units delivered against units due, counts
by risk and funding, projects with open cases; it must agree with a plain recount."""

import random
import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from backend.accounts.models import User
from backend.housing.models import FundingStatus, HousingProject, RiskLevel
from backend.housing.services import (
    NewProject,
    ProgressReport,
    housing_progress_record,
    housing_project_create,
)
from backend.incidents.models import Incident, Status
from backend.incidents.services.create import NewIncident, incident_create
from tests.conftest import sign_in
from tests.incidents.conftest import assert_error

from .conftest import IN_GRID_1_01, IN_GRID_2_01, OUTSIDE, create_project, days_from_today


def _random_zone(rng: random.Random, supervisor: User, resident: User, count: int) -> None:
    today = timezone.localdate()
    for number in range(count):
        lon, lat = rng.choice([IN_GRID_1_01, IN_GRID_2_01, OUTSIDE])
        total = rng.randint(1, 400)
        project = housing_project_create(
            user=supervisor,
            project=NewProject(
                name=f"项目{number}",
                developer="示例置业",
                lon=lon,
                lat=lat,
                total_units=total,
                planned_delivery=today + timedelta(days=rng.randint(-400, 400)),
            ),
        )
        for _ in range(rng.randint(0, 3)):
            revised = today + timedelta(days=rng.randint(-200, 300))
            housing_progress_record(
                user=supervisor,
                project_id=project.pk,
                report=ProgressReport(
                    progress_percent=rng.randint(0, 100),
                    # Now and then a project is fully delivered.
                    delivered_units=total if rng.random() < 0.2 else rng.randint(0, total),
                    revised_delivery=revised if rng.random() < 0.5 else None,
                    funding_status=rng.choice(FundingStatus.values),
                    risk_level=rng.choice(RiskLevel.values),
                ),
            )
        for _ in range(rng.randint(0, 3)):
            incident, _ = incident_create(
                reporter=resident,
                report=NewIncident(
                    client_id=uuid.uuid4(),
                    category="housing",
                    title="逾期交房",
                    lon=lon,
                    lat=lat,
                    housing_project=str(project.pk),
                ),
            )
            Incident.objects.filter(pk=incident.pk).update(status=rng.choice(Status.values))


def _recount(projects: list[HousingProject], today: date) -> dict:
    """The summary the slow, obvious way: one project at a time."""
    at_risk, with_cases, by_risk, by_funding = [], [], {}, {}
    units = {"total": 0, "planned": 0, "delivered": 0, "delivered_of_planned": 0}
    for project in projects:
        due = project.revised_delivery or project.planned_delivery
        late = 0
        if project.delivered_units < project.total_units and due < today:
            late = (today - due).days
        open_cases = sum(
            1
            for incident in Incident.objects.filter(housing_project=project)
            if incident.category == "housing" and incident.status not in ("closed", "rejected")
        )
        units["total"] += project.total_units
        units["delivered"] += project.delivered_units
        if due < today:
            units["planned"] += project.total_units
            units["delivered_of_planned"] += project.delivered_units
        by_risk[project.risk_level] = by_risk.get(project.risk_level, 0) + 1
        by_funding[project.funding_status] = by_funding.get(project.funding_status, 0) + 1
        if project.risk_level == "high" or late > 0:
            at_risk.append((project.pk, late, open_cases))
        if open_cases:
            with_cases.append((project.pk, late, open_cases))
    return {
        "project_count": len(projects),
        "units": units,
        "by_risk_level": {k: v for k, v in by_risk.items() if v},
        "by_funding_status": {k: v for k, v in by_funding.items() if v},
        "at_risk": sorted(at_risk),
        "with_open_cases": sorted(with_cases),
    }


def _as_recount(summary: dict) -> dict:
    def brief(items: list[dict]) -> list[tuple]:
        return sorted((p["id"], p["days_late"], p["open_cases"]) for p in items)

    return {
        "project_count": summary["project_count"],
        "units": summary["units"],
        "by_risk_level": {k: v for k, v in summary["by_risk_level"].items() if v},
        "by_funding_status": {k: v for k, v in summary["by_funding_status"].items() if v},
        "at_risk": brief(summary["at_risk"]),
        "with_open_cases": brief(summary["with_open_cases"]),
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_zone_summary_matches_a_recount(supervisor, resident, seed):
    _random_zone(random.Random(seed), supervisor, resident, count=15)
    client = sign_in(supervisor)

    summary = client.get("/housing-projects/summary").json()

    today = timezone.localdate()
    assert summary["today"] == today.isoformat()
    expected = _recount(list(HousingProject.objects.all()), today)
    assert _as_recount(summary) == expected
    # The random zone is worth recounting: it has late, risky and complained-about projects.
    assert expected["at_risk"] and expected["with_open_cases"] and expected["units"]["planned"]
    assert set(summary["by_risk_level"]) == set(RiskLevel.values)
    assert set(summary["by_funding_status"]) == set(FundingStatus.values)


def test_a_street_supervisor_sums_up_their_streets_only(as_supervisor, street_supervisor):
    west = create_project(as_supervisor, name="西项目", planned_delivery=days_from_today(-5))
    create_project(as_supervisor, name="东项目", at=IN_GRID_2_01, risk_level="high")

    summary = sign_in(street_supervisor).get("/housing-projects/summary").json()

    assert summary["project_count"] == 1
    assert [p["id"] for p in summary["at_risk"]] == [west["id"]]
    assert summary["at_risk"][0]["days_late"] == 5


def test_workers_and_residents_get_403(as_worker, as_resident):
    assert_error(as_worker.get("/housing-projects/summary"), 403, code="forbidden")
    assert_error(as_resident.get("/housing-projects/summary"), 403, code="forbidden")
