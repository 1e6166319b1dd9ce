"""Recording events with the change they describe, and telling the sockets after commit."""

import asyncio
import contextvars
import json
import logging
import threading
import time
from collections.abc import Coroutine
from datetime import datetime

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from backend.core.server_loop import SERVER_LOOP

from .horizon import seq_horizon_passes, seq_take
from .messages import event_texts
from .models import Event
from .scope import event_groups

logger = logging.getLogger("gridgov.realtime")

# The message type Channels routes to `EventsConsumer.incident_event`.
LAYER_MESSAGE_TYPE = "incident.event"

_fanouts_running: set[asyncio.Task] = set()

# How an event above the horizon waits for it: a transaction that took a lower seq usually ends
# within milliseconds; one left open (a slow import, a stuck client) is read about less often.
HORIZON_FIRST_PAUSE_S = 0.005
HORIZON_LONGEST_PAUSE_S = 0.2


def event_record(
    *,
    type: str,
    at: datetime,
    incident_id: int,
    category: str,
    grid_id: int | None,
    street_id: int | None,
    reporter_id: int | None,
    assignee_id: int | None,
    payload: dict,
    previous_assignee_id: int | None = None,
) -> Event:
    """Store an event in the caller's transaction; it is sent to sockets once that commits.

    Call it last in the transaction: on SQLite the seq counter's row stays locked until commit;
    on PostgreSQL nothing is locked, but readers hold back every later seq until this
    transaction ends (`.horizon`), so the sooner it commits the better.
    """
    # JSON as the REST API renders it (Ninja uses this encoder), so the live message and the
    # stored one, replayed later, are the same text.
    stored_payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    seq, writers_before_xid = seq_take()
    event = Event.objects.create(
        seq=seq,
        writers_before_xid=writers_before_xid,
        type=type,
        at=at,
        incident_id=incident_id,
        category=category,
        grid_id=grid_id,
        street_id=street_id,
        reporter_id=reporter_id,
        assignee_id=assignee_id,
        previous_assignee_id=previous_assignee_id,
        payload=stored_payload,
    )
    transaction.on_commit(lambda: event_publish(event))
    return event


def layer_message(event: Event) -> dict:
    """The event for the channel layer: both views already encoded, so that each socket only
    picks the one its user may see and writes it; with what it needs to pick (`category`,
    `reporter_id`) and to keep order (`seq`)."""
    texts = event_texts(event)
    return {
        "type": LAYER_MESSAGE_TYPE,
        "seq": event.seq,
        "category": event.category,
        "reporter_id": event.reporter_id,
        "named_text": texts.named,
        "masked_text": texts.masked,
    }


def event_publish(event: Event) -> None:
    """Fan `event` out once it has committed, never ahead of a lower seq still uncommitted.

    The request thread only checks the horizon (one query on PostgreSQL, none on SQLite, whose
    single writer commits events in seq order) and hands the sending to the server's loop,
    not waiting for Redis. Outside a request (commands, jobs, tests calling services) it sends
    at once, in the calling thread. An event above the horizon (a writer that took a lower seq
    has not ended yet) is left to a thread of its own, which sends it when the horizon passes
    it, so nobody waits for somebody else's transaction; every socket then has it in seq order
    with no reading of its own (`EventsConsumer.incident_event`).
    """
    loop = SERVER_LOOP.get()
    if loop is not None and loop.is_closed():
        loop = None
    if not seq_horizon_passes(event.seq):
        # Not a daemon: a command that ends meanwhile still publishes before it exits.
        threading.Thread(target=_publish_when_final, args=(event, loop)).start()
    elif loop is None:
        async_to_sync(event_fanout_async)(event)
    else:
        loop.call_soon_threadsafe(_fanout_start, event_fanout_async(event))


def _fanout_start(fanout: Coroutine) -> None:
    # In a context of its own, not the request thread's, which carries asgiref's marks of a
    # thread-bound call.
    task = asyncio.get_running_loop().create_task(fanout, context=contextvars.Context())
    # Held until done: the loop keeps only a weak reference to a task.
    _fanouts_running.add(task)
    task.add_done_callback(_fanouts_running.discard)


def _publish_when_final(event: Event, loop: asyncio.AbstractEventLoop | None) -> None:
    """Wait until every seq up to the event's is final (each writer holding a lower one has
    ended), reading the horizon soon at first and less often the longer it takes; then send
    it, on the server's loop when there is one. Plain blocking calls: this may run while the
    interpreter shuts down, when executors take no more work."""
    try:
        if not _horizon_reached(event.seq):
            logger.warning(
                "event %s stayed above the seq horizon for %s s; sockets find it at their re-check",
                event.seq,
                settings.GRIDGOV_EVENT_HORIZON_WAIT_SECONDS,
            )
            return
        if loop is None:
            asyncio.run(event_fanout_async(event))
        else:
            loop.call_soon_threadsafe(_fanout_start, event_fanout_async(event))
    except Exception:
        logger.exception("could not publish event %s; clients catch up on reconnect", event.seq)
    finally:
        connection.close()


def _horizon_reached(seq: int) -> bool:
    give_up_at = time.monotonic() + settings.GRIDGOV_EVENT_HORIZON_WAIT_SECONDS
    pause_s = HORIZON_FIRST_PAUSE_S
    while time.monotonic() < give_up_at:
        time.sleep(pause_s)
        if seq_horizon_passes(seq):
            return True
        pause_s = min(pause_s * 2, HORIZON_LONGEST_PAUSE_S)
    return False


async def event_fanout_async(event: Event) -> None:
    """Send to every group concerned, rendered once per view for all of them (no work per
    socket here). A failure (Redis down) is logged, never raised: the change is committed and
    its event is in the log, where reconnecting clients find it."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        await _send_to_groups(layer, sorted(event_groups(event)), layer_message(event))
    except Exception:
        logger.exception("could not fan out event %s; clients catch up on reconnect", event.seq)


async def _send_to_groups(layer, groups: list[str], message: dict) -> None:
    for group in groups:
        await layer.group_send(group, message)
