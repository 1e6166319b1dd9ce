"""Work that a serving process repeats on a timer (`gridgov serve --jobs-every`), such as the
escalation of overdue cases. The app that owns the work registers it here, so that `core`, which
every app builds on, calls it without importing the app."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    # Does one round of the work; returns how many things it did.
    run: Callable[[], int]
    # Logged after a round that did something, with its count: "escalated %d overdue case(s)".
    done: str


_jobs: dict[str, PeriodicJob] = {}


def periodic_job_register(job: PeriodicJob) -> None:
    _jobs[job.name] = job


def periodic_jobs() -> list[PeriodicJob]:
    return list(_jobs.values())
