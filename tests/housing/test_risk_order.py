"""The 保交楼 screen lists the projects at risk first, as the server orders them: at risk (risk
level high, or late) before the rest, high risk before medium and low, the latest first; and
only by figures the caller may see."""

from .conftest import IN_GRID_2_01, create_project, days_from_today, record


def _names(client, query: str = "?order=risk") -> list[str]:
    response = client.get(f"/housing-projects{query}")
    assert response.status_code == 200, response.content
    return [project["name"] for project in response.json()]


def test_projects_at_risk_come_first_high_risk_then_the_latest(as_supervisor):
    create_project(as_supervisor, name="A 按期")
    create_project(as_supervisor, name="B 高风险未逾期", risk_level="high")
    create_project(as_supervisor, name="C 逾期十天", planned_delivery=days_from_today(-10))
    create_project(as_supervisor, name="D 逾期百天", planned_delivery=days_from_today(-100))
    create_project(as_supervisor, name="E 中风险", risk_level="medium")

    assert _names(as_supervisor) == [
        "B 高风险未逾期",
        "D 逾期百天",
        "C 逾期十天",
        "E 中风险",
        "A 按期",
    ]
    assert _names(as_supervisor, "") == sorted(_names(as_supervisor))


def test_each_project_says_whether_it_is_at_risk(as_supervisor):
    late = create_project(as_supervisor, name="逾期", planned_delivery=days_from_today(-3))
    delivered = create_project(as_supervisor, name="已交付", planned_delivery=days_from_today(-3))
    record(as_supervisor, delivered["id"], progress_percent=100, delivered_units=120)
    create_project(as_supervisor, name="按期")

    listed = {p["name"]: p for p in as_supervisor.get("/housing-projects").json()}

    assert (listed["逾期"]["at_risk"], listed["逾期"]["days_late"]) == (True, 3)
    assert (listed["已交付"]["at_risk"], listed["已交付"]["days_late"]) == (False, 0)
    assert listed["按期"]["at_risk"] is False
    assert late["at_risk"] is True


def test_a_resident_gets_the_name_order_whatever_the_risk(as_supervisor, as_resident):
    create_project(as_supervisor, name="A 按期")
    create_project(as_supervisor, name="B 高风险", risk_level="high")

    assert _names(as_resident) == ["A 按期", "B 高风险"]


def test_a_worker_sees_the_projects_they_follow_first_and_the_others_by_name(
    as_supervisor, as_worker
):
    create_project(as_supervisor, name="A 东街道高风险", risk_level="high", at=IN_GRID_2_01)
    create_project(as_supervisor, name="B 网格内按期")

    assert _names(as_worker) == ["B 网格内按期", "A 东街道高风险"]


def test_followed_lists_only_the_projects_whose_figures_the_caller_sees(
    as_supervisor, as_worker, as_resident
):
    create_project(as_supervisor, name="网格内")
    create_project(as_supervisor, name="东街道", at=IN_GRID_2_01)

    assert _names(as_worker, "?followed=true") == ["网格内"]
    assert _names(as_resident, "?followed=true") == []
    assert _names(as_supervisor, "?followed=true") == ["东街道", "网格内"]


def test_an_unknown_order_is_refused(as_supervisor):
    response = as_supervisor.get("/housing-projects?order=random")

    assert response.status_code == 422
