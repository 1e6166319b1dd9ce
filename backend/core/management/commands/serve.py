import logging
import threading

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from backend.core.periodic import periodic_job_run_once, periodic_jobs

logger = logging.getLogger("gridgov.jobs")


class Command(BaseCommand):
    help = "Serve HTTP and WebSocket (ASGI, Uvicorn)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument(
            "--jobs-every",
            # The name it had while escalation was the only job; scripts still use it.
            "--escalate-every",
            dest="jobs_every",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Also run the periodic jobs (the escalation of overdue cases) in this process "
            "(the demo does; production schedules `gridgov escalate` instead).",
        )

    def handle(self, *, host: str, port: int, workers: int, jobs_every: float, **_options):
        if jobs_every > 0:
            threading.Thread(
                target=_jobs_forever, args=(jobs_every,), daemon=True, name="periodic-jobs"
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
            # No permessage-deflate: compressing is per socket (each has its own compression
            # context), so an event sent to 600 sockets was compressed 600 times; without it a
            # delivery is a write of the text rendered once.
            ws_per_message_deflate=False,
            # Graceful SIGTERM: every socket gets its disconnect, so its groups are left.
            timeout_graceful_shutdown=10,
        )


def _jobs_forever(every_s: float) -> None:
    stop = threading.Event()
    while not stop.wait(every_s):
        _jobs_round(every_s)


def _jobs_round(every_s: float) -> None:
    for job in periodic_jobs():
        try:
            count = periodic_job_run_once(job)
            if count is None:
                # Usual with several hosts: their timers start rounds at about the same time.
                logger.debug("%s: another process is running this round", job.name)
            elif count:
                logger.info(job.done, count)
        except Exception:
            logger.exception("%s failed; trying again in %.0f s", job.name, every_s)
        finally:
            close_old_connections()
