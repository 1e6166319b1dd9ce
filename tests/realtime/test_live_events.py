"""Live events reach exactly the sockets whose scope covers the case, masked per role."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import Permission

from backend.accounts.models import Role, User
from backend.boundaries.models import Street
from tests.conftest import WEST, make_user
from tests.realtime.conftest import (
    GRID_1_01,
    GRID_1_03,
    GRID_2_01,
    aact,
    areport,
    atoken_for,
    hello,
    receive_all,
    socket,
)

pytestmark = pytest.mark.usefixtures("ws_db")


async def test_a_new_case_in_my_grid_reaches_my_socket(worker, resident):
    token = await atoken_for(worker)
    async with socket(f"?token={token}") as communicator:
        await hello(communicator)

        incident = await areport(resident, GRID_1_01)

        [event] = await receive_all(communicator)
        assert event["type"] == "incident.created"
        assert event["seq"] == 1
        assert event["incident"]["id"] == incident.pk
        assert event["incident"]["grid"] == "21040400101001"


async def test_a_worker_of_grid_a_never_receives_grid_b_events(worker, other_worker, resident):
    token = await atoken_for(worker)
    async with socket(f"?token={token}") as communicator:
        await hello(communicator)

        await areport(resident, GRID_1_03)
        await areport(resident, GRID_2_01)

        assert await receive_all(communicator) == []


async def test_the_zone_supervisor_receives_every_event(supervisor, resident):
    token = await atoken_for(supervisor)
    async with socket(f"?token={token}") as communicator:
        await hello(communicator)

        await areport(resident, GRID_1_01)
        await areport(resident, GRID_2_01)
        await areport(resident, (120.0, 30.0))

        assert [e["seq"] for e in await receive_all(communicator)] == [1, 2, 3]


async def test_a_street_supervisor_receives_only_their_street(resident, two_streets):
    street_supervisor = await sync_to_async(make_user)("west_chief", Role.SUPERVISOR)
    await sync_to_async(street_supervisor.streets.set)(Street.objects.filter(code=WEST))
    token = await atoken_for(street_supervisor)
    async with socket(f"?token={token}") as communicator:
        await hello(communicator)

        await areport(resident, GRID_2_01)
        west = await areport(resident, GRID_1_03)

        assert [e["incident"]["id"] for e in await receive_all(communicator)] == [west.pk]


async def test_a_resident_hears_only_of_their_own_reports(resident, supervisor, two_streets):
    neighbour = await sync_to_async(make_user)("neighbour", Role.RESIDENT)
    token = await atoken_for(resident)
    async with socket(f"?token={token}") as communicator:
        await hello(communicator)

        await areport(neighbour, GRID_1_01)
        mine = await areport(resident, GRID_1_01)
        await aact(supervisor, mine, "accept")

        events = await receive_all(communicator)
        assert [(e["type"], e["incident"]["status"]) for e in events] == [
            ("incident.created", "reported"),
            ("incident.updated", "accepted"),
        ]


async def test_a_case_dispatched_to_me_outside_my_grids_reaches_me(worker, resident, supervisor):
    east_worker = await sync_to_async(make_user)("east", Role.WORKER, grids=["21040400201001"])
    incident = await areport(resident, GRID_2_01)
    await aact(supervisor, incident, "accept")
    token = await atoken_for(worker)
    async with socket(f"?token={token}") as communicator:
        await hello(communicator)

        await aact(supervisor, incident, "dispatch", assignee=east_worker.username)

        assert await receive_all(communicator) == []
    token = await atoken_for(east_worker)
    async with socket(f"?token={token}") as communicator:
        await hello(communicator)

        await aact(supervisor, incident, "reassign", assignee=east_worker.username)

        [event] = await receive_all(communicator)
        assert event["incident"]["assignee"] == "east"


async def test_workers_get_the_reporter_masked_and_supervisors_see_it(worker, supervisor, resident):
    worker_token, supervisor_token = await atoken_for(worker), await atoken_for(supervisor)
    async with (
        socket(f"?token={worker_token}") as as_worker,
        socket(f"?token={supervisor_token}") as as_supervisor,
    ):
        await hello(as_worker)
        await hello(as_supervisor)

        await areport(resident, GRID_1_01)

        [seen_by_worker] = await receive_all(as_worker)
        [seen_by_supervisor] = await receive_all(as_supervisor)
        assert seen_by_worker["incident"]["reporter"] == {
            "username": None,
            "display_name": None,
            "phone": None,
            "role": "resident",
        }
        assert seen_by_supervisor["incident"]["reporter"]["username"] == "resident"


async def test_a_worker_who_handled_their_own_report_is_not_named_to_a_colleague(
    worker, other_worker
):
    await sync_to_async(other_worker.grids.add)(*await sync_to_async(list)(worker.grids.all()))
    incident = await areport(worker, GRID_1_01)
    token = await atoken_for(other_worker)
    async with socket(f"?token={token}") as communicator:
        await hello(communicator)

        await aact(worker, incident, "handle_on_spot")

        [event] = await receive_all(communicator)
        assert event["incident"]["reporter"]["display_name"] is None
        assert event["incident"]["assignee"] is None
        assert event["incident"]["assignee_display_name"] is None


async def test_petitioners_are_masked_even_from_supervisors_without_the_permission(
    supervisor, resident
):
    token = await atoken_for(supervisor)
    async with socket(f"?token={token}") as communicator:
        await hello(communicator)

        await areport(resident, GRID_1_01, category="petition", title="反映供暖问题")

        [event] = await receive_all(communicator)
        assert event["incident"]["reporter"]["username"] is None


async def test_supervisors_holding_the_permission_see_the_petitioner(supervisor, resident):
    def grant() -> None:
        supervisor.user_permissions.add(Permission.objects.get(codename="view_petitioner"))

    await sync_to_async(grant)()
    token = await atoken_for(supervisor)
    async with socket(f"?token={token}") as communicator:
        await hello(communicator)

        await areport(resident, GRID_1_01, category="petition", title="反映供暖问题")

        [event] = await receive_all(communicator)
        assert event["incident"]["reporter"]["username"] == "resident"


async def test_a_new_grid_assigned_moves_my_socket_to_its_group(worker, resident):
    token = await atoken_for(worker)
    async with socket(f"?token={token}") as communicator:
        await hello(communicator)

        def assign_grid_1_03() -> None:
            from backend.boundaries.models import Grid

            User.objects.get(pk=worker.pk).grids.add(Grid.objects.get(code="21040400101003"))

        await sync_to_async(assign_grid_1_03)()
        await receive_all(communicator, timeout=0.2)
        await areport(resident, GRID_1_03)

        [event] = await receive_all(communicator)
        assert event["incident"]["grid"] == "21040400101003"
