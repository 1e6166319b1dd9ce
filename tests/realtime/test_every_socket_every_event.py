"""The feed's promise under concurrency, as a property: with reports filed by several writer
processes at once, some of them holding their transaction open a little after taking their
event's seq (so that lower seqs commit after higher ones), every socket ends with exactly the
events its user may hear, once each, in increasing seq: sockets open from the start, one that
joins in the middle replaying from 0, and one that drops and comes back with `after`.

PostgreSQL + Redis only: the writers are other processes, as other server processes are, and
only a shared database and channel layer reach across them.
"""

import asyncio
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async

from backend.realtime.horizon import seq_horizon
from backend.realtime.models import Event
from backend.realtime.scope import events_visible_to
from tests.conftest import needs_postgresql
from tests.django_fixtures import database_url
from tests.realtime.conftest import GRID_1_01, GRID_1_03, GRID_2_01, atoken_for, hello, socket

pytestmark = [pytest.mark.usefixtures("ws_db"), needs_postgresql]

REPO = Path(__file__).resolve().parents[2]
POINTS = [GRID_1_01, GRID_1_03, GRID_2_01]

# Each writer files its reports one after another, each in a transaction that stays open for
# a random few milliseconds after the event's seq is taken (the case's last step).
WRITER = """
import json, random, sys, time, uuid
import django
django.setup()
from django.db import transaction
from backend.accounts.models import User
from backend.incidents.services import incident_create
from backend.incidents.services.create import NewIncident

plan = json.loads(sys.argv[1])
rng = random.Random(plan["seed"])
reporters = {user.pk: user for user in User.objects.filter(pk__in=plan["reporters"])}
for _ in range(plan["reports"]):
    lon, lat = rng.choice(plan["points"])
    with transaction.atomic():
        incident_create(
            reporter=reporters[rng.choice(plan["reporters"])],
            report=NewIncident(
                client_id=uuid.uuid4(), category=rng.choice(["other", "safety"]),
                title="路灯不亮", lon=lon, lat=lat,
            ),
        )
        time.sleep(rng.uniform(0, plan["hold_s"]))
    time.sleep(rng.uniform(0, plan["pause_s"]))
"""


def writers_start(plans: list[dict]) -> list[subprocess.Popen]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "backend.gridgov.settings",
        "PYTHONPATH": str(REPO),
    }
    return [
        subprocess.Popen([sys.executable, "-c", WRITER, json.dumps(plan)], cwd=REPO, env=env)
        for plan in plans
    ]


class Listener:
    """A socket's received seqs, collected in the background."""

    def __init__(self, communicator):
        self.communicator = communicator
        self.seqs: list[int] = []
        self.task = asyncio.create_task(self._collect())

    async def _collect(self) -> None:
        while True:
            message = await self.communicator.receive_json_from(timeout=60)
            self.seqs.append(message["seq"])

    async def stop(self) -> list[int]:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        return self.seqs


def expected_seqs(user, after: int) -> list[int]:
    return list(events_visible_to(user).filter(seq__gt=after).values_list("seq", flat=True))


async def settled(total: int, timeout_s: float = 30) -> None:
    """Wait until all `total` events are committed and below the horizon."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        count = await sync_to_async(Event.objects.count)()
        if count == total and await sync_to_async(seq_horizon)() >= total:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the log did not settle at {total} events in {timeout_s} s")


@pytest.mark.parametrize("seed", [16, 1601])
async def test_every_socket_hears_every_event_of_its_scope_once_in_order(
    seed, supervisor, street_supervisor, worker, other_worker, resident
):
    rng = random.Random(seed)
    writers, reports_each = rng.randint(2, 3), rng.randint(15, 25)
    plans = [
        {
            "seed": rng.random(),
            "reports": reports_each,
            "reporters": [resident.pk, worker.pk],
            "points": POINTS,
            "hold_s": rng.choice([0.005, 0.03]),
            "pause_s": 0.02,
        }
        for _ in range(writers)
    ]
    listeners_of = [supervisor, street_supervisor, worker, other_worker, resident]
    tokens = {user.pk: await atoken_for(user) for user in listeners_of}

    async with (
        socket(f"?token={tokens[supervisor.pk]}") as zone,
        socket(f"?token={tokens[street_supervisor.pk]}") as west,
        socket(f"?token={tokens[worker.pk]}") as patrol,
        socket(f"?token={tokens[other_worker.pk]}") as colleague,
        socket(f"?token={tokens[resident.pk]}") as own_reports,
    ):
        communicators = [zone, west, patrol, colleague, own_reports]
        starts = [await hello(communicator) for communicator in communicators]
        listeners = [Listener(communicator) for communicator in communicators]
        processes = writers_start(plans)

        # Mid-run: a map that opens replaying everything, and a phone that drops and returns.
        await asyncio.sleep(rng.uniform(0.3, 1.0))
        async with socket(f"?token={tokens[supervisor.pk]}&after=0") as late:
            await hello(late)
            late_listener = Listener(late)
            async with socket(f"?token={tokens[worker.pk]}") as dropping:
                first_hello = await hello(dropping)
                dropping_listener = Listener(dropping)
                await asyncio.sleep(rng.uniform(0.2, 0.6))
                before_drop = await dropping_listener.stop()
            resumed_after = before_drop[-1] if before_drop else first_hello
            async with socket(f"?token={tokens[worker.pk]}&after={resumed_after}") as back:
                await hello(back)
                back_listener = Listener(back)

                for process in processes:
                    await asyncio.to_thread(process.wait, 120)
                assert [process.returncode for process in processes] == [0] * writers
                await settled(writers * reports_each)
                await asyncio.sleep(1.0)  # the last fan-outs reach the sockets

                heard = [await listener.stop() for listener in listeners]
                late_heard = await late_listener.stop()
                back_heard = await back_listener.stop()

    for user, start, seqs in zip(listeners_of, starts, heard, strict=True):
        assert seqs == await sync_to_async(expected_seqs)(user, start), user.username
    assert late_heard == await sync_to_async(expected_seqs)(supervisor, 0)
    assert before_drop + back_heard == await sync_to_async(expected_seqs)(worker, first_hello)
