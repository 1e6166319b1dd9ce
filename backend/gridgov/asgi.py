"""ASGI entry point: HTTP through Django, WebSocket (`/ws/events`) through Channels."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.gridgov.settings")

from django.core.asgi import get_asgi_application

# Django must be set up before anything imports models (the consumers do).
django_application = get_asgi_application()

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
