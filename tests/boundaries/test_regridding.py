"""Re-gridding a street (`import-boundaries --replace`, `generate-grids --import --replace`):
the old grids are retired as a new generation, old cases keep the grid they were filed in, new
reports go to the new grids, and open cases move only when asked, each move recorded."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from shapely.geometry import box, mapping

from backend.accounts.models import Role, User
from backend.boundaries.models import Generation, Grid
from backend.cli import main
from backend.housing.models import HousingProject
from backend.incidents.models import HazardSite, Incident, TimelineEntry
from backend.realtime.models import Event
from backend.stats.export import grid_stats_csv
from backend.stats.selectors import StatsFilters, grid_stats
from tests.conftest import EAST, WEST, grid_code, make_user, sign_in
from tests.incidents.conftest import act_ok, submit

# The west street is 123.80-123.82 x 41.80-41.82, cut into 2 x 2 grids of 0.01° (conftest.py).
WEST_X, WEST_Y, WIDTH = 123.80, 41.80, 0.02
# Points away from every border, old and new; after re-gridding into 4 x 2 cells of
# 0.005 x 0.01°, the bottom row is cells 1-4 and the top row 5-8.
IN_GRID_1_01 = (123.807, 41.805)  # old 1-01, new cell 2
IN_GRID_1_02 = (123.812, 41.805)  # old 1-02, new cell 3


def west_cells(columns: int, rows: int) -> list[dict]:
    """The west street cut into columns x rows cells named 新网格k, codes 001, 002, ..."""
    features = []
    for row in range(rows):
        for column in range(columns):
            seq = row * columns + column + 1
            x, y = WEST_X + WIDTH * column / columns, WEST_Y + WIDTH * row / rows
            cell = box(x, y, x + WIDTH / columns, y + WIDTH / rows)
            properties = {"code": grid_code(WEST, seq), "name": f"新网格{seq}", "households": 300}
            features.append(
                {"type": "Feature", "properties": properties, "geometry": mapping(cell)}
            )
    return features


def grids_file(tmp_path, features: list[dict]) -> str:
    path = tmp_path / "new-grids.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return str(path)


def regrid(tmp_path, columns: int, rows: int, **options) -> str:
    out = StringIO()
    call_command(
        "import_boundaries",
        grids_file(tmp_path, west_cells(columns, rows)),
        level="grid",
        replace=True,
        stdout=out,
        stderr=StringIO(),
        **options,
    )
    return out.getvalue()


def close(case_id, as_supervisor, as_worker) -> None:
    act_ok(as_supervisor, case_id, "accept")
    act_ok(as_supervisor, case_id, "dispatch", assignee="worker")
    act_ok(as_worker, case_id, "start")
    act_ok(as_worker, case_id, "resolve", note="修好了")
    act_ok(as_supervisor, case_id, "verify")


def test_replace_with_a_different_count_retires_the_old_grids_as_a_new_generation(
    two_streets, tmp_path
):
    old_ids = set(Grid.objects.filter(street__code=WEST).values_list("pk", flat=True))
    first = Grid.objects.get(code=grid_code(WEST, 1)).generation_id

    out = regrid(tmp_path, columns=4, rows=2)

    generation = Generation.objects.latest("id")
    new = Grid.objects.filter(street__code=WEST)
    assert sorted(g.name for g in new) == sorted(f"新网格{k}" for k in range(1, 9))
    assert {g.generation_id for g in new} == {generation.pk}
    retired = Grid.all_generations.filter(pk__in=old_ids)
    assert {(g.retired_in_id, g.generation_id) for g in retired} == {(generation.pk, first)}
    assert [g.name for g in retired.order_by("code")] == ["网格1", "网格2", "网格3", "网格4"]
    assert Grid.objects.filter(street__code=EAST).count() == 4  # another street: untouched
    assert f"generation {generation.pk}: 4 grid(s) retired, 8 added" in out


def test_a_case_filed_before_keeps_its_old_grid_in_the_api(two_streets, as_resident, tmp_path):
    case = submit(as_resident, at=IN_GRID_1_01)
    old_grid = Grid.objects.get(code=grid_code(WEST, 1))

    regrid(tmp_path, columns=4, rows=2)

    shown = as_resident.get(f"/incidents/{case['id']}").json()
    # The code 21040400101001 now also names a new cell: the name tells the two apart.
    assert (shown["grid"], shown["grid_name"]) == (grid_code(WEST, 1), "网格1")
    assert Incident.objects.get(pk=case["id"]).grid == old_grid
    assert Incident.objects.get(pk=case["id"]).grid.geometry == old_grid.geometry


def test_the_locator_puts_a_new_report_in_the_new_grid(
    two_streets, as_resident, anonymous, tmp_path
):
    regrid(tmp_path, columns=4, rows=2)

    assert anonymous.get("/locate", {"lon": 123.812, "lat": 41.805}).json()["grid"] == {
        "code": grid_code(WEST, 3),
        "name": "新网格3",
    }
    case = submit(as_resident, at=IN_GRID_1_02)
    assert case["grid_name"] == "新网格3"
    assert Incident.objects.get(pk=case["id"]).grid == Grid.objects.get(code=grid_code(WEST, 3))


def test_relocate_open_moves_open_cases_and_records_each_move(
    worker, as_resident, as_supervisor, as_worker, tmp_path
):
    case = submit(as_resident, at=IN_GRID_1_02)
    act_ok(as_supervisor, case["id"], "accept")

    out = regrid(tmp_path, columns=4, rows=2, relocate_open=True)

    moved = Incident.objects.get(pk=case["id"])
    assert moved.grid == Grid.objects.get(code=grid_code(WEST, 3))
    assert moved.status == "accepted"
    entry = TimelineEntry.objects.filter(incident=moved).latest("id")
    assert (entry.action, entry.system, entry.actor_id) == ("relocate", True, None)
    assert entry.note == f"网格调整：{grid_code(WEST, 2)} 网格2 → {grid_code(WEST, 3)} 新网格3"
    timeline = as_supervisor.get(f"/incidents/{case['id']}").json()["timeline"]
    assert timeline[-1]["action"] == "relocate"
    event = Event.objects.filter(incident_id=moved.pk).latest("seq")
    assert (event.type, event.grid_id) == ("incident.updated", moved.grid_id)
    assert "1 open case(s) moved to the new grids" in out


def test_relocation_keeps_the_statistics_exact(worker, as_resident, as_supervisor, tmp_path):
    submit(as_resident, at=IN_GRID_1_01)
    submit(as_resident, at=IN_GRID_1_02)

    regrid(tmp_path, columns=4, rows=2, relocate_open=True)

    admin = make_user("stats-admin", Role.ADMIN)
    from_rollups = grid_stats(user=admin, filters=StatsFilters(street=WEST))
    from_cases = grid_stats(user=admin, filters=StatsFilters(street=WEST), use_rollups=False)
    rows = {row.area.code: row.counts.total for row in from_rollups.rows}
    assert rows == {row.area.code: row.counts.total for row in from_cases.rows}
    assert rows == {grid_code(WEST, k): int(k in (2, 3)) for k in range(1, 9)}
    assert all(row.area.is_current for row in from_rollups.rows)


def test_closed_cases_never_move(worker, as_resident, as_supervisor, as_worker, tmp_path):
    closed = submit(as_resident, at=IN_GRID_1_02)
    close(closed["id"], as_supervisor, as_worker)
    old_grid = Grid.objects.get(code=grid_code(WEST, 2))
    entries = TimelineEntry.objects.filter(incident_id=closed["id"]).count()

    regrid(tmp_path, columns=4, rows=2, relocate_open=True)

    case = Incident.objects.get(pk=closed["id"])
    assert (case.status, case.grid) == ("closed", old_grid)
    assert not case.grid.is_current
    assert TimelineEntry.objects.filter(incident=case).count() == entries


def test_without_relocate_open_cases_stay_and_the_command_says_so(
    two_streets, as_resident, tmp_path
):
    case = submit(as_resident, at=IN_GRID_1_01)
    old_grid = Grid.objects.get(code=grid_code(WEST, 1))

    out = regrid(tmp_path, columns=4, rows=2)

    assert Incident.objects.get(pk=case["id"]).grid == old_grid
    assert "1 open case(s) stay in the retired grids" in out and "--relocate-open" in out


def test_a_second_replace_relocates_what_the_first_left(two_streets, as_resident, tmp_path):
    case = submit(as_resident, at=IN_GRID_1_01)
    regrid(tmp_path, columns=4, rows=2)

    regrid(tmp_path, columns=2, rows=2, relocate_open=True)

    # From generation 1's grid 1-01 to generation 3's cell 1 (of 2 x 2, like the first).
    assert Incident.objects.get(pk=case["id"]).grid == Grid.objects.get(code=grid_code(WEST, 1))
    assert Incident.objects.get(pk=case["id"]).grid.name == "新网格1"


def test_generate_grids_with_a_different_set_says_to_use_replace(two_streets):
    with pytest.raises(CommandError, match="use --replace"):
        call_command(
            "generate_grids", street=WEST, method="square", cell_area_m2=4_000_000, do_import=True
        )
    assert Grid.objects.filter(street__code=WEST).count() == 4


def test_generate_grids_with_replace_regrids_the_street(two_streets, as_resident, capsys):
    case = submit(as_resident, at=IN_GRID_1_01)

    call_command(
        "generate_grids",
        street=WEST,
        method="square",
        cell_area_m2=200_000,
        do_import=True,
        replace=True,
        relocate_open=True,
    )

    new = Grid.objects.filter(street__code=WEST)
    assert new.count() > 4 and Grid.all_generations.filter(retired_in__isnull=False).count() == 4
    assert Incident.objects.get(pk=case["id"]).grid.is_current
    assert "1 open case(s) moved" in capsys.readouterr().out


def test_redrawing_a_grid_with_cases_in_place_is_refused_and_says_to_use_replace(
    two_streets, as_resident, tmp_path
):
    submit(as_resident, at=IN_GRID_1_01)
    before = list(Grid.all_generations.values_list("code", "geometry", "retired_in"))
    err = StringIO()

    # Four columns under the four old codes: the same count, every outline different.
    with pytest.raises(CommandError, match="nothing imported"):
        call_command(
            "import_boundaries",
            grids_file(tmp_path, west_cells(4, 1)),
            level="grid",
            stdout=StringIO(),
            stderr=err,
        )

    assert f"redraws grid {grid_code(WEST, 1)}" in err.getvalue()
    assert "use --replace" in err.getvalue()
    assert list(Grid.all_generations.values_list("code", "geometry", "retired_in")) == before


def test_fewer_grids_over_the_street_without_replace_end_saying_to_use_replace(
    two_streets, tmp_path
):
    # Two grids where there were four: they overlap the two the file does not name, and the
    # overlaps alone would not tell the operator that --replace re-grids the street.
    err = StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command(
            "import_boundaries",
            grids_file(tmp_path, west_cells(2, 1)),
            level="grid",
            stdout=StringIO(),
            stderr=err,
        )
    *problems, hint = err.getvalue().strip().splitlines()
    assert any("overlap" in line for line in problems)
    assert f"street {WEST} keeps 2 grid(s) the file does not name" in hint
    assert "--replace" in hint


def test_redrawing_grids_without_cases_in_place_is_allowed(two_streets, tmp_path):
    call_command(
        "import_boundaries",
        grids_file(tmp_path, west_cells(4, 1)),
        level="grid",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert Grid.objects.get(code=grid_code(WEST, 1)).name == "新网格1"
    assert not Grid.all_generations.filter(retired_in__isnull=False).exists()


def test_relocate_open_needs_replace(two_streets, tmp_path):
    with pytest.raises(CommandError, match="with --replace"):
        call_command(
            "import_boundaries",
            grids_file(tmp_path, west_cells(4, 2)),
            level="grid",
            relocate_open=True,
        )


def test_a_retired_grid_is_not_listed_and_is_not_found(
    two_streets, anonymous, as_supervisor, tmp_path
):
    regrid(tmp_path, columns=2, rows=1)  # codes 001 and 002 reused, 003 and 004 retired only

    listed = anonymous.get("/grids", {"street": WEST}).json()["features"]
    assert [(f["id"], f["properties"]["name"]) for f in listed] == [
        (grid_code(WEST, 1), "新网格1"),
        (grid_code(WEST, 2), "新网格2"),
    ]
    streets = anonymous.get("/streets").json()["features"]
    assert {f["id"]: f["properties"]["grid_count"] for f in streets} == {WEST: 2, EAST: 4}
    stats = as_supervisor.get("/stats/grids", {"street": WEST}).json()["features"]
    assert [f["properties"]["name"] for f in stats] == ["新网格1", "新网格2"]
    assert as_supervisor.get("/stats/grids", {"grid": grid_code(WEST, 4)}).status_code == 404


def test_workers_move_to_the_new_grids_lying_in_their_old_ones(worker, other_worker, tmp_path):
    out = regrid(tmp_path, columns=4, rows=2)

    # Old 1-01 and 1-02 were the bottom row (new cells 1-4), 1-03 the top left (cells 5, 6).
    assert sorted(worker.grids.values_list("name", flat=True)) == [
        "新网格1",
        "新网格2",
        "新网格3",
        "新网格4",
    ]
    assert sorted(other_worker.grids.values_list("name", flat=True)) == ["新网格5", "新网格6"]
    assert not User.grids.through.objects.filter(grid__retired_in__isnull=False).exists()
    assert "6 worker assignment(s) moved" in out
    token_grids = sign_in(worker).get("/incidents").status_code
    assert token_grids == 200


def test_merged_grids_keep_every_worker(worker, other_worker, tmp_path):
    regrid(tmp_path, columns=1, rows=1)

    whole = Grid.objects.get(street__code=WEST)
    assert set(whole.workers.values_list("username", flat=True)) == {"worker", "worker2"}


def test_a_case_left_in_a_retired_grid_can_be_dispatched_to_a_worker_of_its_street(
    worker, as_resident, as_supervisor, tmp_path
):
    case = submit(as_resident, at=IN_GRID_1_01)
    act_ok(as_supervisor, case["id"], "accept")
    regrid(tmp_path, columns=4, rows=2)

    dispatched = act_ok(as_supervisor, case["id"], "dispatch", assignee="worker")

    assert (dispatched["status"], dispatched["assignee"]) == ("dispatched", "worker")


def test_a_grid_code_is_unique_among_current_grids_only(two_streets, tmp_path):
    regrid(tmp_path, columns=4, rows=2)
    assert Grid.all_generations.filter(code=grid_code(WEST, 1)).count() == 2

    current = Grid.objects.get(code=grid_code(WEST, 1))
    current.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        current.save()


def test_importing_the_same_grids_again_over_cases_changes_nothing(
    two_streets, as_resident, tmp_path
):
    submit(as_resident, at=IN_GRID_1_01)
    path = grids_file(tmp_path, west_cells(2, 2))
    regrid(tmp_path, columns=2, rows=2, relocate_open=True)
    before = list(Grid.all_generations.values_list("pk", "code", "geometry", "retired_in"))

    call_command("import_boundaries", path, level="grid", stdout=StringIO(), stderr=StringIO())

    assert list(Grid.all_generations.values_list("pk", "code", "geometry", "retired_in")) == before


def test_the_refusal_to_regrid_without_replace_is_chinese_under_a_chinese_locale(
    two_streets, monkeypatch, capsys
):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    with pytest.raises(SystemExit) as exited:
        main(
            ["gridgov", "generate-grids", "--street", WEST, "--method", "square",
             "--cell-area-m2", "4000000", "--import"]
        )  # fmt: skip
    assert exited.value.code == 2
    assert "请用 --replace" in capsys.readouterr().err


def test_statistics_list_a_retired_grid_only_for_the_cases_filed_in_it(
    two_streets, as_resident, as_supervisor, tmp_path
):
    submit(as_resident, at=IN_GRID_1_01)
    regrid(tmp_path, columns=2, rows=1)  # the case stays in the retired 网格1

    features = as_supervisor.get("/stats/grids", {"street": WEST}).json()["features"]
    rows = [(f["properties"]["name"], f["properties"]["retired"]) for f in features]
    assert sorted(rows) == [("新网格1", False), ("新网格2", False), ("网格1", True)]
    table = grid_stats(user=make_user("csv-admin", Role.ADMIN), filters=StatsFilters(street=WEST))
    assert "网格1（已撤销）" in grid_stats_csv(table, "zh-hans")


def test_a_replacing_file_must_cover_the_whole_street(two_streets, tmp_path):
    bottom_row = west_cells(4, 2)[:4]
    err = StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command(
            "import_boundaries",
            grids_file(tmp_path, bottom_row),
            level="grid",
            replace=True,
            stdout=StringIO(),
            stderr=err,
        )
    assert "gap" in err.getvalue()
    assert Grid.objects.filter(street__code=WEST).count() == 4
    assert not Generation.objects.filter(grids__isnull=True).exists()


def test_hazard_sites_and_housing_projects_always_move_to_the_new_grids(two_streets, tmp_path):
    old_grid = Grid.objects.get(code=grid_code(WEST, 2))
    lon, lat = IN_GRID_1_02
    site = HazardSite.objects.create(
        name="加油站", lon=lon, lat=lat, grid=old_grid, street=old_grid.street
    )
    project = HousingProject.objects.create(
        name="锦绣家园",
        developer="某置业",
        lon=lon,
        lat=lat,
        grid=old_grid,
        street=old_grid.street,
        total_units=300,
        planned_delivery=date(2027, 6, 30),
    )

    out = regrid(tmp_path, columns=4, rows=2)

    new_grid = Grid.objects.get(code=grid_code(WEST, 3))
    site.refresh_from_db()
    project.refresh_from_db()
    assert (site.grid, project.grid) == (new_grid, new_grid)
    assert "2 hazard site(s) and housing project(s) moved" in out


def test_the_admin_lists_retired_grids_read_only(admin_user, tmp_path):
    admin_user.is_superuser = True
    admin_user.save()
    browser = Client()
    browser.force_login(admin_user)
    regrid(tmp_path, columns=4, rows=2)
    retired = Grid.all_generations.get(code=grid_code(WEST, 1), retired_in__isnull=False)
    current = Grid.objects.get(code=grid_code(WEST, 1))

    listed = browser.get("/admin/boundaries/grid/", {"retired": "yes"}).content.decode()
    page = browser.get(f"/admin/boundaries/grid/{retired.pk}/change/").content.decode()

    assert "网格1" in listed and "新网格1" not in listed
    assert 'name="name"' not in page and "网格1" in page  # shown, not editable
    assert (
        'name="name"'
        in browser.get(f"/admin/boundaries/grid/{current.pk}/change/").content.decode()
    )
    assert (
        browser.post(f"/admin/boundaries/grid/{retired.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Grid.all_generations.filter(pk=retired.pk).exists()
