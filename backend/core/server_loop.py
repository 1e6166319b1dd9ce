"""The server's event loop, as seen from a request thread: work that need not hold up the answer
(the fan-out of a change to the sockets) is handed to it instead of waited for."""

import asyncio
from contextvars import ContextVar

# Set by the ASGI handler for each request; the request thread inherits it (asgiref copies the
# context). None outside a request: management commands, tests calling services directly.
SERVER_LOOP: ContextVar[asyncio.AbstractEventLoop | None] = ContextVar("server_loop", default=None)
