"""A client that dropped off reconnects with `after` and gets exactly what it missed in its
scope, in order, then live events, with nothing lost or repeated across the switch."""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from backend.realtime.models import Event
from backend.realtime.scope import events_visible_to
from tests.realtime.conftest import (
    GRID_1_01,
    GRID_1_03,
    areport,
    atoken_for,
    receive_all,
    report,
    socket,
)

pytestmark = pytest.mark.usefixtures("ws_db")


async def test_reconnect_with_after_replays_exactly_the_missed_events_in_scope(worker, resident):
    token = await atoken_for(worker)
    await areport(resident, GRID_1_01)  # seq 1, seen before the drop
    mine = [await areport(resident, GRID_1_01) for _ in range(2)]
    await areport(resident, GRID_1_03)  # another worker's grid

    async with socket(f"?token={token}&after=1") as communicator:
        messages = await receive_all(communicator)

    assert messages[0] == {"type": "hello", "seq": 4}
    assert [(m["seq"], m["incident"]["id"]) for m in messages[1:]] == [
        (2, mine[0].pk),
        (3, mine[1].pk),
    ]


async def test_after_at_the_latest_seq_replays_nothing_and_continues_live(worker, resident):
    token = await atoken_for(worker)
    await areport(resident, GRID_1_01)

    async with socket(f"?token={token}&after=1") as communicator:
        assert await receive_all(communicator) == [{"type": "hello", "seq": 1}]
        await areport(resident, GRID_1_01)
        assert [m["seq"] for m in await receive_all(communicator)] == [2]


async def test_without_after_only_live_events_come(worker, resident):
    token = await atoken_for(worker)
    await areport(resident, GRID_1_01)

    async with socket(f"?token={token}") as communicator:
        assert await receive_all(communicator) == [{"type": "hello", "seq": 1}]


async def test_live_events_during_a_long_replay_are_neither_lost_nor_repeated(worker, resident):
    token = await atoken_for(worker)
    # More than one replay batch, so the replay takes a while.
    await sync_to_async(lambda: [report(resident, GRID_1_01) for _ in range(650)])()

    async def file_live_reports() -> None:
        for _ in range(30):
            await areport(resident, GRID_1_01)
            await asyncio.sleep(0)

    async with socket(f"?token={token}&after=0") as communicator:
        await file_live_reports()
        messages = await receive_all(communicator, timeout=1.0)

    expected = await sync_to_async(
        lambda: list(events_visible_to(worker).values_list("seq", flat=True).order_by("seq"))
    )()
    received = [m["seq"] for m in messages if m["type"] != "hello"]
    assert received == expected
    assert len(expected) == 680 == await sync_to_async(Event.objects.count)()
