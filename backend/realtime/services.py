"""Recording events with the change they describe, and telling the sockets after commit."""

import json
import logging
from datetime import datetime

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F

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
        # JSON as the REST API renders it (Ninja uses this encoder), so the live message and
        # the stored one, replayed later, are the same text.
        payload=json.loads(json.dumps(payload, cls=DjangoJSONEncoder)),
    )
    transaction.on_commit(lambda: event_fanout(event))
    return event


def _next_seq() -> int:
    # The UPDATE takes the counter row's lock until commit. The row comes with a migration;
    # get_or_create only covers a database flushed since (tests), and is race-safe.
    if not EventCounter.objects.filter(pk=1).update(last=F("last") + 1):
        EventCounter.objects.get_or_create(pk=1)
        EventCounter.objects.filter(pk=1).update(last=F("last") + 1)
    return EventCounter.objects.values_list("last", flat=True).get(pk=1)


def latest_seq() -> int:
    return EventCounter.objects.filter(pk=1).values_list("last", flat=True).first() or 0


def layer_message(event: Event) -> dict:
    return {
        "type": LAYER_MESSAGE_TYPE,
        "seq": event.seq,
        "event_type": event.type,
        "at": event.at.isoformat(),
        "category": event.category,
        "reporter_id": event.reporter_id,
        "incident": event.payload,
    }


def event_fanout(event: Event) -> None:
    """Send to every group concerned. A failure (Redis down) is logged, never raised: the
    change is committed and its event is in the log, where reconnecting clients find it."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = layer_message(event)
    try:
        async_to_sync(_send_to_groups)(layer, sorted(event_groups(event)), message)
    except Exception:
        logger.exception("could not fan out event %s; clients catch up on reconnect", event.seq)


async def _send_to_groups(layer, groups: list[str], message: dict) -> None:
    for group in groups:
        await layer.group_send(group, message)
