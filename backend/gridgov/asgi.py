"""ASGI entry point: HTTP through Django, WebSocket (`/ws/events`) through Channels."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.gridgov.settings")

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler


class OneThreadPerRequest(ASGIHandler):
    """Django's ASGI handler, running each request's middleware chain and view in one thread.

    Our views are sync, and so is most middleware; in its async mode Django hands every
    `MiddlewareMixin` hook to a thread of its own (two hops per middleware, some twenty-five
    per request), which cost more than many a view. Built in sync mode, the chain runs in the
    request's one thread, as under WSGI; HTTP parsing, streaming and sockets stay async.
    """

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


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
