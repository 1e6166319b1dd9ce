"""Who sees which case, and whom they see behind it: every cell of the scope table of
CONTRACT.md, for listing, detail, acting and photos alike (out of scope is 404, like missing),
and for the hazard sites, which are placed and scoped like cases."""

from collections import Counter

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import Group, Permission

from backend.accounts.models import Role, User
from backend.incidents.services.hazard_sites import hazard_site_create
from tests.conftest import WEST, ApiClient, make_user, sign_in
from tests.housing.conftest import project_body
from tests.realtime.conftest import receive_all, socket

from .conftest import (
    IN_GRID_1_01,
    IN_GRID_1_03,
    IN_GRID_2_01,
    OUTSIDE,
    act,
    act_ok,
    assert_error,
    image_bytes,
    report_body,
    submit,
    upload,
)

# The cases of the map, by who reported them and where.
CASES = {
    "grid_1_01": "resident's report in grid 1-01 (worker's)",
    "grid_1_03": "resident's report in grid 1-03 (other_worker's)",
    "east": "resident's report in the east street",
    "outside": "resident's report outside every grid",
    "assigned_outside": "resident's report outside every grid, dispatched to worker",
    "neighbours": "another resident's report in grid 1-01",
    "workers_own_east": "worker's own report in the east street",
}

# Which of the cases each caller sees; everything else must be missing to them.
SEES = {
    "resident": {"grid_1_01", "grid_1_03", "east", "outside", "assigned_outside"},
    "neighbour": {"neighbours"},
    "worker": {"grid_1_01", "neighbours", "assigned_outside", "workers_own_east"},
    "worker2": {"grid_1_03"},
    "supervisor": set(CASES),
    "west_supervisor": {"grid_1_01", "grid_1_03", "neighbours"},
    "admin": set(CASES),
}


@pytest.fixture
def callers(
    resident,
    other_resident,
    worker,
    other_worker,
    supervisor,
    street_supervisor,
    admin_user,
) -> dict[str, ApiClient]:
    """A signed-in client per caller."""
    return {
        user.username: sign_in(user)
        for user in (
            resident,
            other_resident,
            worker,
            other_worker,
            supervisor,
            street_supervisor,
            admin_user,
        )
    }


@pytest.fixture
def world(media_root, callers) -> tuple[dict[str, ApiClient], dict[str, int]]:
    """A signed-in client per caller, and the id of each case."""
    clients = callers
    as_resident, as_admin = clients["resident"], clients["admin"]
    ids = {
        "grid_1_01": submit(as_resident, at=IN_GRID_1_01)["id"],
        "grid_1_03": submit(as_resident, at=IN_GRID_1_03)["id"],
        "east": submit(as_resident, at=IN_GRID_2_01)["id"],
        "outside": submit(as_resident, at=OUTSIDE)["id"],
        "assigned_outside": submit(as_resident, at=OUTSIDE)["id"],
        "neighbours": submit(clients["neighbour"], at=IN_GRID_1_01)["id"],
        "workers_own_east": submit(clients["worker"], at=IN_GRID_2_01)["id"],
    }
    act_ok(as_admin, ids["assigned_outside"], "accept")
    act_ok(as_admin, ids["assigned_outside"], "dispatch", assignee="worker")
    return clients, ids


@pytest.mark.parametrize("caller", list(SEES))
def test_the_list_holds_exactly_the_cases_in_scope(world, caller):
    clients, ids = world

    page = clients[caller].get("/incidents", {"page_size": 100}).json()

    expected = {ids[name] for name in SEES[caller]}
    assert {item["id"] for item in page["items"]} == expected
    assert page["count"] == len(expected)


@pytest.mark.parametrize("caller", list(SEES))
def test_details_are_200_in_scope_and_404_outside(world, caller):
    clients, ids = world

    for name, incident_id in ids.items():
        response = clients[caller].get(f"/incidents/{incident_id}")
        if name in SEES[caller]:
            assert response.status_code == 200, (caller, name)
            assert response.json()["id"] == incident_id
        else:
            assert_error(response, 404, code="not_found")


@pytest.mark.parametrize("caller", list(SEES))
def test_comments_are_taken_in_scope_and_404_outside(world, caller):
    clients, ids = world

    for name, incident_id in ids.items():
        response = act(clients[caller], incident_id, "comment", note=f"{caller} was here")
        if name in SEES[caller]:
            assert response.status_code == 200, (caller, name)
        else:
            assert_error(response, 404, code="not_found")


@pytest.mark.parametrize("caller", list(SEES))
def test_photos_are_readable_in_scope_and_404_outside(world, caller):
    clients, ids = world

    for name, incident_id in ids.items():
        url = upload(clients["admin"], incident_id, image_bytes()).json()["url"]
        response = clients[caller].get(url.removeprefix("/api/v1"))
        if name in SEES[caller]:
            assert response.status_code == 200, (caller, name)
            assert response["Content-Type"] == "image/png"
        else:
            assert_error(response, 404, code="not_found")


@pytest.mark.parametrize("caller", list(SEES))
def test_photo_uploads_are_taken_in_scope_and_404_outside(world, caller):
    clients, ids = world

    for name, incident_id in ids.items():
        response = upload(clients[caller], incident_id, image_bytes())
        if name in SEES[caller]:
            assert response.status_code == 201, (caller, name)
        else:
            assert_error(response, 404, code="not_found")


def test_a_missing_case_and_one_out_of_scope_look_the_same(world):
    clients, ids = world

    out_of_scope = clients["worker2"].get(f"/incidents/{ids['grid_1_01']}")
    missing = clients["worker2"].get("/incidents/987654")

    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json()


# Hazard sites ------------------------------------------------------------------------------

SITES = {
    "grid_1_01": IN_GRID_1_01,
    "grid_1_03": IN_GRID_1_03,
    "east": IN_GRID_2_01,
    "outside": OUTSIDE,
}

# Which sites each member of staff sees: placed like cases, and nobody's own.
SEES_SITES = {
    "worker": {"grid_1_01"},
    "worker2": {"grid_1_03"},
    "supervisor": set(SITES),
    "west_supervisor": {"grid_1_01", "grid_1_03"},
    "admin": set(SITES),
}


@pytest.fixture
def sites(world) -> dict[str, int]:
    admin = User.objects.get(username="admin")
    return {
        name: hazard_site_create(
            user=admin, name=f"site {name}", kind="enterprise", address="", lon=lon, lat=lat
        ).pk
        for name, (lon, lat) in SITES.items()
    }


@pytest.mark.parametrize("caller", list(SEES_SITES))
def test_the_site_list_holds_exactly_the_sites_in_scope(world, sites, caller):
    clients, _ = world

    listed = clients[caller].get("/hazard-sites").json()

    assert {site["id"] for site in listed} == {sites[name] for name in SEES_SITES[caller]}


@pytest.mark.parametrize("caller", list(SEES_SITES))
def test_site_details_are_200_in_scope_and_404_outside(world, sites, caller):
    clients, _ = world

    for name, site_id in sites.items():
        response = clients[caller].get(f"/hazard-sites/{site_id}")
        if name in SEES_SITES[caller]:
            assert response.status_code == 200, (caller, name)
            assert response.json()["id"] == site_id
        else:
            assert_error(response, 404, code="not_found")


@pytest.mark.parametrize("caller", ["resident", "neighbour"])
def test_residents_are_refused_every_site(world, sites, caller):
    clients, _ = world

    assert_error(clients[caller].get("/hazard-sites"), 403)
    for site_id in sites.values():
        assert_error(clients[caller].get(f"/hazard-sites/{site_id}"), 403)


def test_a_case_cannot_name_a_site_out_of_the_reporters_scope(world, sites):
    clients, _ = world
    body = report_body(category="safety", hazard_site=sites["grid_1_01"], at=IN_GRID_1_03)

    response = clients["worker2"].post("/incidents", body)

    assert_error(response, 422, field="hazard_site")


# What each caller may do -------------------------------------------------------------------
#
# The role questions of the same `Scope`, asked through the routes that ask them: allowed is a
# 2xx, refused a 403 (never a 404: these are not rows out of scope).

STAFF_MAY = {"see grid workers", "count cases", "register a hazard site"}
SUPERVISORS_MAY = STAFF_MAY | {
    "see the housing summary",
    "register a housing project in the west street",
    "record progress in the west street",
}
MAY = {
    "resident": set(),
    "neighbour": set(),
    "worker": STAFF_MAY,
    # The responsible officer of the west street's project.
    "worker2": STAFF_MAY | {"record progress in the west street"},
    "supervisor": SUPERVISORS_MAY | {"record progress in the east street"},
    "west_supervisor": SUPERVISORS_MAY,
    "admin": SUPERVISORS_MAY | {"record progress in the east street"},
}


def _allowed(response) -> bool:
    assert response.status_code in (200, 201, 403), response.content
    return response.status_code != 403


def _progress(client: ApiClient, project_id: int):
    return client.post(
        f"/housing-projects/{project_id}/updates", {"progress_percent": 10, "delivered_units": 0}
    )


@pytest.fixture
def projects(callers) -> dict[str, int]:
    """A housing project in each street, worker2 the west one's responsible officer."""
    as_admin = callers["admin"]
    west = as_admin.post("/housing-projects", project_body(responsible_officer="worker2"))
    east = as_admin.post("/housing-projects", project_body(at=IN_GRID_2_01))
    return {"west": west.json()["id"], "east": east.json()["id"]}


@pytest.mark.parametrize("caller", list(MAY))
def test_each_caller_may_do_exactly_what_their_role_allows(callers, projects, caller):
    client = callers[caller]
    grids = client.get("/grids", {"street": WEST}).json()["features"]
    site = {"name": "化工厂", "kind": "enterprise", "lon": IN_GRID_1_01[0], "lat": IN_GRID_1_01[1]}

    tried = {
        "see grid workers": grids[0]["properties"]["workers"] is not None,
        "count cases": _allowed(client.get("/stats/grids")),
        "register a hazard site": _allowed(client.post("/hazard-sites", site)),
        "see the housing summary": _allowed(client.get("/housing-projects/summary")),
        "register a housing project in the west street": _allowed(
            client.post("/housing-projects", project_body())
        ),
        "record progress in the west street": _allowed(_progress(client, projects["west"])),
        "record progress in the east street": _allowed(_progress(client, projects["east"])),
    }

    assert {ability for ability, allowed in tried.items() if allowed} == MAY[caller]


# Reporter identity -------------------------------------------------------------------------

NAMED = {
    "username": "resident",
    "display_name": "Resident",
    "phone": "13800000000",
    "role": "resident",
}
MASKED = {"username": None, "display_name": None, "phone": None, "role": "resident"}


@pytest.mark.parametrize(
    ("caller", "reporter"),
    [
        ("resident", NAMED),
        ("supervisor", NAMED),
        ("west_supervisor", NAMED),
        ("admin", NAMED),
        ("worker", MASKED),
    ],
)
def test_reporters_are_named_to_supervisors_and_themselves_only(world, caller, reporter):
    clients, ids = world
    client = clients[caller]
    act_ok(clients["resident"], ids["grid_1_01"], "comment", note="还没修")

    detail = client.get(f"/incidents/{ids['grid_1_01']}").json()
    listed = {item["id"]: item for item in client.get("/incidents").json()["items"]}

    assert detail["reporter"] == reporter
    assert listed[ids["grid_1_01"]]["reporter"] == reporter
    # The creation and the comment are the reporter's own entries.
    reporters_entries = [e for e in detail["timeline"] if e["action"] in ("create", "comment")]
    assert len(reporters_entries) == 2
    assert {entry["actor"] for entry in reporters_entries} == {reporter["username"]}


def test_a_worker_sees_who_else_acted_but_not_the_reporter(world):
    clients, ids = world
    act_ok(clients["supervisor"], ids["grid_1_01"], "accept")
    upload(clients["admin"], ids["grid_1_01"], image_bytes())

    timeline = clients["worker"].get(f"/incidents/{ids['grid_1_01']}").json()["timeline"]

    actors = {entry["action"]: entry["actor"] for entry in timeline}
    assert actors["create"] is None
    assert actors["accept"] == "supervisor"
    assert actors["add_photo"] == "admin"


@pytest.fixture
def petition(resident, supervisor, worker) -> int:
    incident = submit(sign_in(resident), category="petition", subcategory="petition_general")
    as_resident = sign_in(resident)
    act_ok(as_resident, incident["id"], "comment", note="补充材料")
    return incident["id"]


def _reporter_and_their_actors(client: ApiClient, incident_id: int) -> tuple[dict, set]:
    detail = client.get(f"/incidents/{incident_id}").json()
    actors = {e["actor"] for e in detail["timeline"] if e["action"] in ("create", "comment")}
    return detail["reporter"], actors


def test_a_petitioner_is_hidden_even_from_supervisors(petition, supervisor):
    reporter, actors = _reporter_and_their_actors(sign_in(supervisor), petition)

    assert reporter == MASKED
    assert actors == {None}


def test_a_petitioner_is_hidden_from_an_admin_without_the_permission(petition, admin_user):
    reporter, actors = _reporter_and_their_actors(sign_in(admin_user), petition)

    assert reporter == MASKED
    assert actors == {None}


def test_a_petitioner_is_hidden_from_the_listing_too(petition, supervisor):
    [item] = sign_in(supervisor).get("/incidents").json()["items"]

    assert item["reporter"] == MASKED


def test_a_supervisor_with_the_petition_permission_sees_the_petitioner(petition, two_streets):
    trusted = make_user("petition_officer", Role.SUPERVISOR)
    trusted.user_permissions.add(Permission.objects.get(codename="view_petitioner"))

    reporter, actors = _reporter_and_their_actors(sign_in(trusted), petition)

    assert reporter == NAMED
    assert actors == {"resident"}


def test_a_supervisor_whose_group_holds_the_petition_permission_sees_the_petitioner(
    petition, two_streets
):
    officers = Group.objects.create(name="信访办")
    officers.permissions.add(Permission.objects.get(codename="view_petitioner"))
    trusted = make_user("petition_officer", Role.SUPERVISOR)
    trusted.groups.add(officers)

    reporter, actors = _reporter_and_their_actors(sign_in(trusted), petition)

    assert reporter == NAMED
    assert actors == {"resident"}


def test_a_superuser_supervisor_sees_the_petitioner_without_being_granted_it(petition, two_streets):
    superuser = make_user("root", Role.SUPERVISOR)
    superuser.is_superuser = True
    superuser.save()

    reporter, _ = _reporter_and_their_actors(sign_in(superuser), petition)

    assert reporter == NAMED


def test_a_worker_with_the_petition_permission_still_does_not_see_the_petitioner(petition, worker):
    worker.user_permissions.add(Permission.objects.get(codename="view_petitioner"))

    reporter, _ = _reporter_and_their_actors(sign_in(worker), petition)

    assert reporter == MASKED


def test_the_petitioner_sees_themself(petition, resident):
    reporter, actors = _reporter_and_their_actors(sign_in(resident), petition)

    assert reporter == NAMED
    assert actors == {"resident"}


# The same answers through every exit -------------------------------------------------------
#
# One scope rule (`backend.accounts.scope.Scope`) answers REST, sockets and statistics; this runs
# the same callers over the same cases through all three. Sockets read committed data from
# other threads, hence `transactional_db`.


def _token(client: ApiClient) -> str:
    return client.defaults["HTTP_AUTHORIZATION"].removeprefix("Bearer ")


async def _replayed(token: str) -> list[dict]:
    """Every event a socket of the token's holder replays from the start, in seq order."""
    async with socket(f"?token={token}&after=0") as communicator:
        messages = await receive_all(communicator)
    return [message for message in messages if message["type"] != "hello"]


@pytest.mark.parametrize("caller", list(SEES))
def test_rest_sockets_and_statistics_agree_on_every_case(transactional_db, world, caller):
    clients, ids = world
    client = clients[caller]
    listed = {
        item["id"]: item for item in client.get("/incidents", {"page_size": 100}).json()["items"]
    }

    # The newest event of each case carries the case as the socket's user may see it.
    heard = {
        event["incident"]["id"]: event["incident"]
        for event in async_to_sync(_replayed)(_token(client))
    }

    assert set(listed) == {ids[name] for name in SEES[caller]}
    assert set(heard) == set(listed)
    for incident_id, item in listed.items():
        assert heard[incident_id]["reporter"] == item["reporter"], (caller, incident_id)

    stats = client.get("/stats/grids")
    if caller in ("resident", "neighbour"):
        assert_error(stats, 403)
        return
    table = stats.json()
    counted = {
        feature["properties"]["code"]: feature["properties"]["total"]
        for feature in table["features"]
        if feature["properties"]["total"]
    }
    assert counted == dict(Counter(item["grid"] for item in listed.values() if item["grid"]))
    assert table["unassigned"]["total"] == sum(item["grid"] is None for item in listed.values())
