"""A client that dropped off reconnects with `after` and gets exactly what it missed in its
scope, in order, then live events, with nothing lost or repeated across the switch."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from backend.realtime.horizon import seq_take
from backend.realtime.models import Event
from backend.realtime.scope import events_visible_to, grid_group
from backend.realtime.services import layer_message
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


def record_without_fanout(incident) -> None:
    """An event as another server process would have committed it, its fan-out not yet here."""
    seq, writers_before_xid = seq_take()
    Event.objects.create(
        seq=seq,
        writers_before_xid=writers_before_xid,
        type="incident.updated",
        at=incident.updated_at,
        incident_id=incident.pk,
        category=incident.category,
        grid_id=incident.grid_id,
        street_id=incident.street_id,
        reporter_id=incident.reporter_id,
        assignee_id=None,
        payload={"id": incident.pk, "reporter": {"username": "resident", "role": "resident"}},
    )


async def test_an_event_whose_fanout_is_overtaken_is_still_sent_first_and_once(worker, resident):
    incident = await areport(resident, GRID_1_01)  # seq 1
    token = await atoken_for(worker)
    async with socket(f"?token={token}&after=1") as communicator:
        assert await receive_all(communicator) == [{"type": "hello", "seq": 1}]
        await sync_to_async(record_without_fanout)(incident)  # seq 2
        await sync_to_async(record_without_fanout)(incident)  # seq 3
        layer = get_channel_layer()
        events = {e.seq: e for e in await sync_to_async(list)(Event.objects.filter(seq__gt=1))}

        # Event 3's fan-out arrives first; event 2's comes late.
        await layer.group_send(grid_group(incident.grid_id), layer_message(events[3]))
        await layer.group_send(grid_group(incident.grid_id), layer_message(events[2]))

        assert [m["seq"] for m in await receive_all(communicator)] == [2, 3]


async def test_an_event_whose_fan_out_was_lost_arrives_at_the_next_recheck(
    worker, resident, settings, monkeypatch
):
    # Redis pub/sub drops what is published while a subscriber reconnects; nothing newer
    # may come to reveal the gap, so the socket's periodic re-check reads the log.
    settings.GRIDGOV_WS_RECHECK_SECONDS = 0.3
    token = await atoken_for(worker)

    async with socket(f"?token={token}") as communicator:
        assert await receive_all(communicator) == [{"type": "hello", "seq": 0}]
        with monkeypatch.context() as lost:
            lost.setattr("backend.realtime.services.get_channel_layer", lambda: None)
            incident = await areport(resident, GRID_1_01)
        assert await communicator.receive_nothing(timeout=0.05)
        message = await communicator.receive_json_from(timeout=2)

    assert (message["seq"], message["incident"]["id"]) == (1, incident.pk)
