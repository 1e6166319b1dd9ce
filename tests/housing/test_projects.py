"""Registering and listing projects: placed in their street and grid by their point; everyone
signed in sees the basic fields, only the staff who follow a project see its figures."""

from backend.housing.models import HousingProject
from tests.conftest import EAST, WEST, grid_code

from .conftest import IN_GRID_2_01, OUTSIDE, create_project, days_from_today, record

FIGURES = {
    "delivered_units",
    "revised_delivery",
    "progress_percent",
    "funding_status",
    "risk_level",
    "responsible_officer",
    "open_cases",
    "last_update_at",
    "days_late",
    "at_risk",
}
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [
            [123.801, 41.801],
            [123.803, 41.801],
            [123.803, 41.803],
            [123.801, 41.803],
            [123.801, 41.801],
        ]
    ],
}


def test_supervisor_registers_a_project_placed_in_its_street_and_grid(as_supervisor, worker):
    project = create_project(
        as_supervisor,
        responsible_officer="worker",
        funding_status="special_loan",
        risk_level="medium",
        footprint=SQUARE,
    )

    assert project["street"] == WEST
    assert project["grid"] == grid_code(WEST, 1)
    assert project["figures_visible"] is True
    assert project["responsible_officer"] == "worker"
    assert (project["funding_status"], project["risk_level"]) == ("special_loan", "medium")
    assert (project["delivered_units"], project["progress_percent"]) == (0, 0)
    assert (project["open_cases"], project["last_update_at"], project["days_late"]) == (0, None, 0)
    assert project["footprint"]["type"] == "Polygon"
    assert HousingProject.objects.get(pk=project["id"]).street.code == WEST


def test_a_project_outside_every_grid_has_no_street_or_grid(as_admin):
    project = create_project(as_admin, at=OUTSIDE)

    assert (project["street"], project["grid"]) == (None, None)


def test_residents_list_every_project_with_basic_fields_only(as_supervisor, as_resident):
    created = create_project(as_supervisor, risk_level="high")
    record(as_supervisor, created["id"], progress_percent=40, delivered_units=5)

    [listed] = as_resident.get("/housing-projects").json()

    assert listed["figures_visible"] is False
    assert all(listed[name] is None for name in FIGURES)
    assert (listed["name"], listed["developer"], listed["total_units"]) == (
        "翠湖湾二期",
        "辽宁示例置业有限公司",
        120,
    )
    detail = as_resident.get(f"/housing-projects/{created['id']}").json()
    assert (detail["history"], detail["cases"]) == (None, None)
    assert all(detail[name] is None for name in FIGURES)


def test_staff_list_carries_the_figures(as_supervisor):
    created = create_project(as_supervisor)
    record(as_supervisor, created["id"], progress_percent=40, delivered_units=5)

    [listed] = as_supervisor.get("/housing-projects").json()

    assert (listed["progress_percent"], listed["delivered_units"]) == (40, 5)
    assert listed["last_update_at"] is not None


def test_a_worker_sees_figures_of_projects_in_their_grids_only(as_supervisor, as_worker):
    mine = create_project(as_supervisor, name="网格内项目")
    elsewhere = create_project(as_supervisor, name="东街道项目", at=IN_GRID_2_01)

    listed = {p["id"]: p for p in as_worker.get("/housing-projects").json()}

    assert listed[mine["id"]]["figures_visible"] is True
    assert listed[elsewhere["id"]]["figures_visible"] is False
    assert listed[elsewhere["id"]]["risk_level"] is None


def test_the_list_filters_by_street_and_by_risk_level(as_supervisor, as_resident):
    west = create_project(as_supervisor, name="西项目", risk_level="high")
    east = create_project(as_supervisor, name="东项目", at=IN_GRID_2_01)

    assert [p["id"] for p in as_supervisor.get("/housing-projects?street=" + EAST).json()] == [
        east["id"]
    ]
    assert [p["id"] for p in as_supervisor.get("/housing-projects?risk_level=high").json()] == [
        west["id"]
    ]
    # The filter matches figures the caller sees: it tells a resident nothing.
    assert as_resident.get("/housing-projects?risk_level=high").json() == []
    assert as_supervisor.get("/housing-projects?risk_level=extreme").status_code == 422


def test_a_late_project_counts_days_from_its_planned_date(as_supervisor):
    project = create_project(as_supervisor, planned_delivery=days_from_today(-30))

    assert project["days_late"] == 30


def test_forms_get_the_risk_levels_and_funding_statuses_from_the_server(as_worker):
    response = as_worker.get("/housing-projects/choices")

    assert response.status_code == 200
    assert response.json() == {
        "risk_level": ["low", "medium", "high"],
        "funding_status": ["secured", "special_loan", "shortfall", "frozen"],
    }
