"""Events are numbered by a sequence, not under a lock: a report whose transaction is still open
holds up no other report, and its event, committed late with the lower seq, still reaches every
socket once and in order, because events are published, and replayed, only below the safe
horizon."""

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from asgiref.sync import sync_to_async
from django.db import connection, transaction

from backend.accounts.models import User
from backend.core.server_loop import SERVER_LOOP
from backend.incidents.models import Incident
from backend.incidents.services.events import incident_change_announce
from backend.realtime.horizon import seq_horizon
from backend.realtime.models import Event
from tests.conftest import needs_postgresql
from tests.realtime.conftest import (
    GRID_1_01,
    GRID_2_01,
    atoken_for,
    hello,
    receive_all,
    report,
    socket,
)

pytestmark = [pytest.mark.usefixtures("ws_db"), needs_postgresql]


@contextmanager
def left_open(work: Callable[[], object]) -> Iterator[None]:
    """`work` done on a second connection in a transaction that stays open inside the block
    (its event recorded, seq taken) and commits when the block ends."""
    recorded, finish = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def file_and_wait() -> None:
        try:
            with transaction.atomic():
                work()
                recorded.set()
                finish.wait(timeout=30)
        except BaseException as error:
            failures.append(error)
            recorded.set()
        finally:
            connection.close()

    writer = threading.Thread(target=file_and_wait)
    writer.start()
    assert recorded.wait(timeout=10) and not failures
    try:
        yield
    finally:
        finish.set()
        writer.join(timeout=10)
    assert not failures


def change_left_open(incident: Incident):
    return left_open(lambda: incident_change_announce(incident=incident, type="incident.updated"))


def test_a_report_left_open_does_not_block_another_report_from_committing(resident):
    report(resident, GRID_1_01, title="the day's first")
    with left_open(lambda: report(resident, GRID_1_01, title="still open")):
        with connection.cursor() as cursor:
            # Waiting on a lock the open report holds would fail here rather than hang.
            cursor.execute("SET lock_timeout = '2s'")
        # In another grid: reports of one grid, day and category share a tally row.
        committed = report(resident, GRID_2_01, title="committed first")
        assert Incident.objects.filter(pk=committed.pk).exists()

    numbers = list(Incident.objects.order_by("created_at").values_list("number", flat=True))
    assert len(set(numbers)) == 3
    assert list(Event.objects.values_list("seq", flat=True)) == [1, 2, 3]


def test_a_write_left_open_that_records_no_event_holds_back_no_event(resident, supervisor):
    with left_open(lambda: User.objects.filter(pk=supervisor.pk).update(display_name="改名")):
        committed = report(resident, GRID_1_01)

        assert seq_horizon() == Event.objects.get(incident_id=committed.pk).seq


def test_a_change_left_open_does_not_block_a_report_from_committing(resident):
    incident = report(resident, GRID_1_01)
    with change_left_open(incident):
        with connection.cursor() as cursor:
            # Waiting on a lock the open report holds would fail here rather than hang.
            cursor.execute("SET lock_timeout = '2s'")
        committed = report(resident, GRID_1_01, title="committed first")
        assert Incident.objects.filter(pk=committed.pk).exists()
        # Its event has the higher seq: readers hold it back until the open report ends.
        assert seq_horizon() < Event.objects.get(incident_id=committed.pk).seq

    assert list(Event.objects.values_list("seq", flat=True)) == [1, 2, 3]
    assert seq_horizon() == 3


async def test_an_event_committed_late_with_a_lower_seq_reaches_sockets_once_in_order(
    supervisor, resident
):
    incident = await sync_to_async(report)(resident, GRID_1_01)  # seq 1
    # Reports filed from here publish as a server's requests do: on this loop, not waited for.
    SERVER_LOOP.set(asyncio.get_running_loop())
    token = await atoken_for(supervisor)
    async with socket(f"?token={token}") as live:
        assert await hello(live) == 1
        open_change = change_left_open(incident)  # seq 2
        await sync_to_async(open_change.__enter__, thread_sensitive=False)()
        try:
            await sync_to_async(report)(resident, GRID_1_01, title="committed first")  # seq 3
            async with socket(f"?token={token}&after=1") as replaying:
                # Seq 2 is still open: seq 3 is held back on both sockets, not sent first.
                assert await hello(replaying) == 1
                assert await receive_all(live) == []
                assert await receive_all(replaying) == []

                await sync_to_async(open_change.__exit__, thread_sensitive=False)(None, None, None)

                assert [m["seq"] for m in await receive_all(live, timeout=1.5)] == [2, 3]
                assert [m["seq"] for m in await receive_all(replaying, timeout=1.5)] == [2, 3]
        finally:
            await sync_to_async(open_change.__exit__, thread_sensitive=False)(None, None, None)
