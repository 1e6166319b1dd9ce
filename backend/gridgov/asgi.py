"""ASGI entry point: HTTP through Django, WebSocket (`/ws/events`) through Channels."""

import asyncio
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.gridgov.settings")

from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.db import close_old_connections

from backend.core.server_loop import SERVER_LOOP

# Every request runs in one of a few shared threads. Django's default, a new thread per
# request, let 32 concurrent requests fight over the GIL; a report's transaction, whose
# counter lock was held until commit (events were numbered under a lock then), waited for its
# thread to be scheduled again while every other report queued behind the lock. Measured with
# 32 clients: health checks 457 -> 551-615 a second, reports 79 -> ~100 a second, 4 threads.
T = TypeVar("T")
REQUEST_THREADS = ThreadPoolExecutor(
    max_workers=int(os.environ.get("GRIDGOV_REQUEST_THREADS", "4")),
    thread_name_prefix="request",
)


class OneThreadPerRequest(ASGIHandler):
    """Django's ASGI handler, running each request's middleware chain and view in one thread.

    Our views are sync, and so is most middleware; in its async mode Django hands every
    `MiddlewareMixin` hook to a thread of its own (two hops per middleware, some twenty-five
    per request), which cost more than many a view. Built in sync mode, the chain runs in one
    thread of `REQUEST_THREADS`, as under a threaded WSGI server; HTTP parsing, streaming and
    sockets stay async.
    """

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        # The request thread hands its changes' fan-out to this loop rather than wait for it.
        SERVER_LOOP.set(asyncio.get_running_loop())
        return await in_request_thread(self._response_in_thread)(request)

    def _response_in_thread(self, request):
        try:
            return self.get_response(request)
        finally:
            # The thread outlives the request: hand its database connection back to the pool
            # (Django would do it in the thread that runs `request_finished`, not this one).
            close_old_connections()


def in_request_thread(func: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """`func` as a coroutine function that runs it in one of `REQUEST_THREADS`.

    Through asgiref, not the executor directly: asgiref tells the thread which loop is the
    server's, so `async_to_sync` in a view (a scope change told to sockets) runs there and not
    in a throwaway loop of its own, with its own Redis connection, after the answer.
    """
    return sync_to_async(func, thread_sensitive=False, executor=REQUEST_THREADS)


# Django must be set up before anything imports models (the consumers do).
django.setup(set_prefix=False)
django_application = OneThreadPerRequest()

from channels.layers import get_channel_layer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from backend.realtime.middleware import SessionUnlessToken  # noqa: E402
from backend.realtime.routing import websocket_urlpatterns  # noqa: E402

# Build the channel layer now: importing the Redis client on the first socket stalled a burst
# of connects for a third of a second.
get_channel_layer()

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": SessionUnlessToken(URLRouter(websocket_urlpatterns)),
    }
)
