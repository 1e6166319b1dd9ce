"""Progress is a series of timestamped records, never overwritten; the project's current
figures are those of its latest record."""

from datetime import timedelta

from django.utils import timezone

from backend.housing.models import HousingProject, ProgressUpdate
from backend.housing.services import ProgressReport, housing_progress_record
from tests.conftest import sign_in
from tests.incidents.conftest import assert_error

from .conftest import IN_GRID_2_01, create_project, days_from_today, record


def test_a_project_with_several_updates_returns_its_history_in_order(as_supervisor, project):
    sent = [
        record(as_supervisor, project["id"], progress_percent=20, delivered_units=0, note="复工"),
        record(as_supervisor, project["id"], progress_percent=55, delivered_units=0, note="封顶"),
        record(as_supervisor, project["id"], progress_percent=90, delivered_units=60, note="首批"),
    ]

    history = as_supervisor.get(f"/housing-projects/{project['id']}").json()["history"]

    assert [u["id"] for u in history] == [u["id"] for u in sent]
    assert [u["note"] for u in history] == ["复工", "封顶", "首批"]
    assert [u["at"] for u in history] == sorted(u["at"] for u in history)
    assert all(u["author"] == "supervisor" for u in history)
    assert ProgressUpdate.objects.filter(project_id=project["id"]).count() == 3


def test_the_current_figures_follow_the_latest_update(as_supervisor, project):
    record(as_supervisor, project["id"], progress_percent=30, delivered_units=0)
    record(
        as_supervisor,
        project["id"],
        progress_percent=70,
        delivered_units=40,
        revised_delivery=days_from_today(200),
        funding_status="special_loan",
        risk_level="high",
    )

    detail = as_supervisor.get(f"/housing-projects/{project['id']}").json()

    assert detail["progress_percent"] == 70
    assert detail["delivered_units"] == 40
    assert detail["revised_delivery"] == days_from_today(200)
    assert (detail["funding_status"], detail["risk_level"]) == ("special_loan", "high")
    assert detail["last_update_at"] == detail["history"][-1]["at"]


def test_fields_left_out_carry_over_so_each_record_is_whole(as_supervisor, project):
    record(
        as_supervisor,
        project["id"],
        revised_delivery=days_from_today(120),
        funding_status="shortfall",
        risk_level="medium",
    )

    later = record(as_supervisor, project["id"], progress_percent=35, delivered_units=0)

    assert later["revised_delivery"] == days_from_today(120)
    assert (later["funding_status"], later["risk_level"]) == ("shortfall", "medium")


def test_a_backdated_record_joins_the_history_without_replacing_newer_figures(
    as_supervisor, supervisor, project
):
    record(as_supervisor, project["id"], progress_percent=80, delivered_units=10)

    housing_progress_record(
        user=supervisor,
        project_id=project["id"],
        report=ProgressReport(progress_percent=50, delivered_units=0, note="补录"),
        at=timezone.now() - timedelta(days=60),
    )

    detail = as_supervisor.get(f"/housing-projects/{project['id']}").json()
    assert [u["progress_percent"] for u in detail["history"]] == [50, 80]
    assert detail["progress_percent"] == 80
    assert HousingProject.objects.get(pk=project["id"]).delivered_units == 10


def test_the_responsible_officer_records_progress(as_supervisor, other_worker):
    project = create_project(as_supervisor, responsible_officer="worker2")

    update = record(sign_in(other_worker), project["id"], progress_percent=15)

    assert update["author"] == "worker2"


def test_the_officer_and_each_records_author_are_named_by_display_name(as_supervisor, other_worker):
    other_worker.display_name = "网格员 李强"
    other_worker.save(update_fields=["display_name"])
    project = create_project(as_supervisor, responsible_officer="worker2")
    record(sign_in(other_worker), project["id"], progress_percent=15)

    detail = as_supervisor.get(f"/housing-projects/{project['id']}").json()
    listed = as_supervisor.get("/housing-projects").json()

    assert detail["responsible_officer_display_name"] == "网格员 李强"
    assert detail["history"][-1]["author_display_name"] == "网格员 李强"
    assert [p["responsible_officer_display_name"] for p in listed] == ["网格员 李强"]


def test_a_worker_who_is_not_the_officer_cannot_record_progress(as_worker, project):
    response = as_worker.post(
        f"/housing-projects/{project['id']}/updates", {"progress_percent": 5, "delivered_units": 0}
    )

    assert_error(response, 403, code="forbidden")


def test_a_street_supervisor_records_progress_only_in_their_streets(
    as_supervisor, street_supervisor
):
    east = create_project(as_supervisor, name="东项目", at=IN_GRID_2_01)
    west = create_project(as_supervisor, name="西项目")
    client = sign_in(street_supervisor)

    record(client, west["id"])
    response = client.post(
        f"/housing-projects/{east['id']}/updates", {"progress_percent": 5, "delivered_units": 0}
    )

    assert_error(response, 403)
    # Nor do they follow it: its figures are hidden from them.
    assert client.get(f"/housing-projects/{east['id']}").json()["figures_visible"] is False
