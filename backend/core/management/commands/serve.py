import uvicorn
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve HTTP and WebSocket (ASGI, Uvicorn)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *, host: str, port: int, workers: int, **_options) -> None:
        self.stdout.write(f"gridgov serving on http://{host}:{port}/ (Ctrl-C stops)")
        uvicorn.run(
            "backend.gridgov.asgi:application",
            host=host,
            port=port,
            workers=workers,
            lifespan="off",
            log_level="info",
            # Protocol pings find phones that vanished without closing (a dead socket would
            # otherwise hold its group memberships until the TCP timeout, minutes later).
            ws_ping_interval=20,
            ws_ping_timeout=20,
            # Graceful SIGTERM: every socket gets its disconnect, so its groups are left.
            timeout_graceful_shutdown=10,
        )
