"""`/ws/events`: the live feed of incident changes, with replay of what a dropped client missed.

The order of work on connect is what makes the switch from replay to live exact: the socket
joins its groups *before* it reads the log, and Channels hands a consumer one message at a time,
so live events that arrive during the replay wait in the queue; afterwards every event at or
below the last one sent is dropped, which also removes the duplicates that come from being in
several groups at once. A live event whose `seq` leaves a gap after the last one sent makes the
socket read the gap from the log first: with several server processes, fan-outs can reach Redis
out of seq order, and the log is what keeps the feed exact. An event is published only once the
seq horizon has passed it (`.horizon`: no writer that took a lower seq is still running), so by
the time it arrives the log below it is final; replays read up to the horizon only. Redis
pub/sub keeps nothing for a connection that is down, so each socket also reads the log for what
it missed at every re-check (about once a minute), when nothing newer comes to show the gap.
"""

import asyncio
import logging
import random
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.scope import Scope
from backend.core.schemas import parse_id

from .horizon import seq_horizon
from .messages import event_text_for
from .middleware import socket_token
from .models import Event
from .scope import events_in_scope, socket_scope, token_socket

logger = logging.getLogger("gridgov.realtime")

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN_ORIGIN = 4403
CLOSE_BAD_REQUEST = 4400
REPLAY_BATCH = 500


class EventsConsumer(AsyncJsonWebsocketConsumer):
    token: str | None = None
    token_expires_at: datetime | None = None
    last_sent = 0
    hearing: Scope | None = None
    joined: frozenset[str] = frozenset()
    watcher: asyncio.Task | None = None

    async def connect(self) -> None:
        # Accept first: a close code (4401) can only be sent on an accepted socket.
        await self.accept()
        params = parse_qs(self.scope.get("query_string", b"").decode(errors="replace"))
        self.token = socket_token(self.scope)
        # Live events and the watcher's catch-up both send; one at a time keeps `seq` order.
        self.sending = asyncio.Lock()
        # One trip to the database thread for who the socket is, what it may hear and the
        # latest seq: in a burst of a thousand reconnecting phones, each trip queues behind
        # the others. The seq is read before the groups are joined; an event committed in
        # between is not lost: the next one shows the gap, filled from the log, and the
        # re-check catches up on it if no next one comes.
        self.hearing, close_code, latest = await database_sync_to_async(self._opening)()
        if self.hearing is None:
            await self.close(code=close_code)
            return
        try:
            after = _after(params)
        except ValueError:
            await self.close(code=CLOSE_BAD_REQUEST)
            return
        await self._join_groups()
        await self.send_json({"type": "hello", "seq": latest})
        self.last_sent = latest if after is None else after
        if after is not None:
            await self._replay()
        self.watcher = asyncio.create_task(self._watch())

    async def dispatch(self, message: dict) -> None:
        # Channels' own dispatch first closes stale database connections, in a worker thread,
        # before *every* message: at a thousand sockets that thread hop per delivered event
        # was a third of the server's time. All our database work goes through
        # database_sync_to_async, which does that cleanup itself.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def websocket_disconnect(self, message: dict) -> None:
        # As in dispatch: without Channels' own database cleanup hop (we joined no
        # `self.groups`), which a thousand phones dropping at once would queue up.
        await self.disconnect(message["code"])
        raise StopConsumer()

    async def disconnect(self, code: int) -> None:
        if self.watcher is not None:
            self.watcher.cancel()
        for group in self.joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.joined = frozenset()

    async def receive_json(self, content, **kwargs) -> None:
        # The feed is one-way; a client's ping gets a pong so it can measure the link.
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def incident_event(self, message: dict) -> None:
        """A live event from the channel layer, already rendered in each view
        (`services.layer_message`): a delivery picks its user's view and writes it, with no
        masking or encoding per socket."""
        async with self.sending:
            if message["seq"] <= self.last_sent:
                return
            if message["seq"] > self.last_sent + 1:
                # A gap: events of other scopes, or one of ours whose fan-out (from another
                # process) is still on its way. Event n is published only once the horizon has
                # passed it, so the log below it is final: send ours from it first, in order.
                await self._replay(before=message["seq"])
            reporter_named = self.hearing.may_see_reporter(
                category=message["category"], reporter_id=message["reporter_id"]
            )
            text = message["named_text"] if reporter_named else message["masked_text"]
            await self._send_text(seq=message["seq"], text=text)

    async def scope_changed(self, message: dict) -> None:
        """The user's grids or streets changed: move the socket to the groups of the new scope."""
        self.hearing = await database_sync_to_async(self._rescope)()
        await self._join_groups()

    def _rescope(self) -> Scope:
        return socket_scope(User.objects.get(pk=self.hearing.user_id))

    def _opening(self) -> tuple[Scope | None, int, int]:
        hearing, close_code, latest = self._credentials()
        if hearing is not None and latest is None:
            latest = seq_horizon()
        return hearing, close_code, latest or 0

    def _credentials(self) -> tuple[Scope | None, int, int | None]:
        """What the socket's user may hear, or None and a close code; with the latest seq
        when it comes along (token sockets read it in the same query)."""
        if self.token is not None:
            opened = token_socket(self.token)
            if opened is None:
                return None, CLOSE_UNAUTHENTICATED, None
            self.token_expires_at = opened.expires_at
            return opened.scope, CLOSE_UNAUTHENTICATED, opened.latest_seq
        user = self.scope.get("user")
        # A cookie goes along with any page's request, so a cookie-signed socket must come
        # from our own pages; tokens are sent on purpose and need no such check.
        if user is not None and user.is_authenticated and not _same_origin(self.scope):
            return None, CLOSE_FORBIDDEN_ORIGIN, None
        if user is None or not user.is_authenticated or not user.is_active:
            return None, CLOSE_UNAUTHENTICATED, None
        return socket_scope(user), CLOSE_UNAUTHENTICATED, None

    async def _join_groups(self) -> None:
        wanted = frozenset(self.hearing.groups())
        for group in wanted - self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        for group in self.joined - wanted:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.joined = wanted

    async def _replay(self, before: int | None = None) -> None:
        """Send the events in scope after the last one sent (and before `before`), in order."""
        while True:
            batch = await database_sync_to_async(self._events_after)(self.last_sent, before)
            for event in batch:
                await self._send_text(seq=event.seq, text=event_text_for(self.hearing, event))
            if len(batch) < REPLAY_BATCH:
                return

    def _events_after(self, seq: int, before: int | None) -> list[Event]:
        # Up to the horizon, read first: above it a lower seq may still commit. A live event
        # comes only once the horizon has passed it, so below it the log is final already.
        if before is None:
            before = seq_horizon() + 1
        events = events_in_scope(self.hearing).filter(seq__gt=seq, seq__lt=before)
        return list(events.order_by("seq")[:REPLAY_BATCH])

    async def _send_text(self, *, seq: int, text: str) -> None:
        await self.send(text_data=text)
        self.last_sent = seq

    async def _watch(self) -> None:
        """Close the socket when its credentials lapse; meanwhile follow its scope and catch
        up from the log on anything pub/sub dropped (messages sent while Redis reconnects)."""
        # Each socket its own rhythm: a thousand phones that connected in one burst must not
        # all re-check in the same second a minute later.
        interval_s = settings.GRIDGOV_WS_RECHECK_SECONDS * random.uniform(0.75, 1.0)
        while True:
            try:
                await asyncio.sleep(self._seconds_to_recheck(interval_s))
                hearing, _, _ = await database_sync_to_async(self._credentials)()
                if hearing is None:
                    await self.close(code=CLOSE_UNAUTHENTICATED)
                    return
                self.hearing = hearing
                await self._join_groups()
                async with self.sending:
                    await self._replay()
            except asyncio.CancelledError:
                return
            except Exception:
                # A database or Redis hiccup must not end the watch: try again next round.
                logger.exception("re-check of socket %s failed", self.channel_name)

    def _seconds_to_recheck(self, interval_s: float) -> float:
        if self.token_expires_at is None:
            return interval_s
        to_expiry_s = (self.token_expires_at - timezone.now()).total_seconds() + 0.05
        return max(0.0, min(interval_s, to_expiry_s))


def _after(params: dict) -> int | None:
    """The `after` parameter, None when absent; ValueError when it is not a seq."""
    values = params.get("after")
    if not values:
        return None
    if (seq := parse_id(values[0])) is None:
        raise ValueError(values[0])
    return seq


def _same_origin(scope: dict) -> bool:
    headers = dict(scope.get("headers", []))
    origin = headers.get(b"origin", b"").decode(errors="replace")
    host = headers.get(b"host", b"").decode(errors="replace")
    return bool(origin) and urlsplit(origin).netloc == host
