"""The demo's housing projects: four in the demo zone, with a year of progress each, some late,
one on a special loan, one high risk; housing complaints linked to the nearest; loaded once."""

import pytest
from django.utils import timezone

from backend.demo.housing import demo_housing_load
from backend.demo.incidents import demo_incidents_load
from backend.demo.services import demo_accounts_create, demo_people_create, demo_zone_load
from backend.housing.models import HousingProject, ProgressUpdate
from backend.housing.selectors import days_late
from backend.incidents.models import Incident


@pytest.fixture
def demo_zone(db) -> None:
    demo_zone_load()
    demo_accounts_create()
    demo_people_create()
    demo_incidents_load(count=120)


def test_demo_projects_tell_a_year_of_progress(demo_zone):
    assert demo_housing_load() == 4

    projects = list(HousingProject.objects.all())
    today = timezone.localdate()
    assert len(projects) == 4
    assert all(p.street_id and p.grid_id and p.footprint for p in projects)
    assert sum(days_late(p, today=today) > 0 for p in projects) >= 2
    assert any(p.funding_status == "special_loan" for p in projects)
    assert any(p.risk_level == "high" for p in projects)
    for project in projects:
        updates = list(project.updates.all())
        assert 3 <= len(updates) <= 5
        assert all(u.at < timezone.now() for u in updates)
        assert project.progress_percent == updates[-1].progress_percent
    linked = Incident.objects.filter(housing_project__isnull=False)
    assert linked.exists()
    assert set(linked.values_list("category", flat=True)) == {"housing"}


def test_loading_twice_changes_nothing(demo_zone):
    demo_housing_load()
    before = (HousingProject.objects.count(), ProgressUpdate.objects.count())
    links = list(Incident.objects.values_list("pk", "housing_project"))

    assert demo_housing_load() == 0

    assert (HousingProject.objects.count(), ProgressUpdate.objects.count()) == before
    assert list(Incident.objects.values_list("pk", "housing_project")) == links
