import logging
import threading

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from backend.incidents.services.escalation import incidents_escalate

logger = logging.getLogger("gridgov.escalation")


class Command(BaseCommand):
    help = "Serve HTTP and WebSocket (ASGI, Uvicorn)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument(
            "--escalate-every",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Also run the escalation of overdue cases in this process (the demo does; "
            "production schedules `gridgov escalate` instead).",
        )

    def handle(self, *, host: str, port: int, workers: int, escalate_every: float, **_options):
        if escalate_every > 0:
            threading.Thread(
                target=_escalate_forever, args=(escalate_every,), daemon=True, name="escalation"
            ).start()
        self.stdout.write(f"gridgov serving on http://{host}:{port}/ (Ctrl-C stops)")
        uvicorn.run(
            "backend.gridgov.asgi:application",
            host=host,
            port=port,
            workers=workers,
            lifespan="off",
            # LOG_LEVEL=WARNING also silences the line per request and per socket.
            log_level=settings.LOGGING["root"]["level"].lower(),
            # Protocol pings find phones that vanished without closing (a dead socket would
            # otherwise hold its group memberships until the TCP timeout, minutes later).
            ws_ping_interval=20,
            ws_ping_timeout=20,
            # Graceful SIGTERM: every socket gets its disconnect, so its groups are left.
            timeout_graceful_shutdown=10,
        )


def _escalate_forever(every_s: float) -> None:
    stop = threading.Event()
    while not stop.wait(every_s):
        try:
            count = incidents_escalate()
            if count:
                logger.info("escalated %d overdue case(s)", count)
        except Exception:
            logger.exception("escalation run failed; trying again in %.0f s", every_s)
        finally:
            close_old_connections()
