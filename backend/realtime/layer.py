"""The embedded default's channel layer: Channels' in-memory layer, made to keep up with a
thousand sockets in the one process.

Channels' own walks every socket's queue and every group membership to drop expired ones on
each receive and each group send, so a delivery cost grew with the number of sockets open
(bench/fanout.py --embedded: 1.6 ms a delivery at 1,000 sockets); it also starts a task and
deep-copies the message for each member of a group. Here expired entries are swept at most
once a second, and a group send puts one copy of the message on each member's queue directly.
Receivers only read the messages they are given (ours carry strings and numbers), so members
can share one copy.
"""

import asyncio
import time
from copy import deepcopy

from channels.layers import InMemoryChannelLayer

SWEEP_EVERY_S = 1.0


class InProcessChannelLayer(InMemoryChannelLayer):
    _swept_at = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._swept_at < SWEEP_EVERY_S:
            return
        self._swept_at = now
        super()._clean_expired()

    async def group_send(self, group: str, message: dict) -> None:
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        entry = (time.time() + self.expiry, deepcopy(message))
        for channel in list(self.groups.get(group, ())):
            queue = self.channels.setdefault(
                channel, asyncio.Queue(maxsize=self.get_capacity(channel))
            )
            # A full queue drops the message, as Channels' own group send does.
            if not queue.full():
                queue.put_nowait(entry)
