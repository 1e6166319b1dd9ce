"""Recording events with the change they describe, and telling the sockets after commit."""

import json
import logging
from datetime import datetime

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from backend.core.queries import one_or_none

from .messages import event_texts
from .models import Event, EventCounter
from .scope import event_groups

logger = logging.getLogger("gridgov.realtime")

# The message type Channels routes to `EventsConsumer.incident_event`.
LAYER_MESSAGE_TYPE = "incident.event"


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

    Call it last in the transaction: the counter row stays locked until commit, which is
    what keeps `seq` in commit order.
    """
    # JSON as the REST API renders it (Ninja uses this encoder), so the live message and the
    # stored one, replayed later, are the same text. Encoded before the counter is taken: the
    # counter's lock is held until commit and every other change waits for it.
    stored_payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    event = Event.objects.create(
        seq=_next_seq(),
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
    transaction.on_commit(lambda: event_fanout(event))
    return event


def _next_seq() -> int:
    # The UPDATE takes the counter row's lock until commit, in one round trip. The row comes
    # with a migration; get_or_create only covers a database flushed since (tests).
    table = EventCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last = last + 1 WHERE id = 1 RETURNING last")
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    EventCounter.objects.get_or_create(pk=1)
    return _next_seq()


def latest_seq() -> int:
    return one_or_none(EventCounter.objects.filter(pk=1).values_list("last", flat=True)) or 0


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


def event_fanout(event: Event) -> None:
    """Send to every group concerned, rendered once per view for all of them (no work per
    socket here: this runs in the request thread). A failure (Redis down) is logged, never
    raised: the change is committed and its event is in the log, where reconnecting clients
    find it."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(_send_to_groups)(layer, sorted(event_groups(event)), layer_message(event))
    except Exception:
        logger.exception("could not fan out event %s; clients catch up on reconnect", event.seq)


async def _send_to_groups(layer, groups: list[str], message: dict) -> None:
    for group in groups:
        await layer.group_send(group, message)
