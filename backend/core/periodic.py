"""Work that is repeated on a timer (`gridgov serve --jobs-every`, or `gridgov escalate` from
cron), such as the escalation of overdue cases. The app that owns the work registers it here, so
that `core`, which every app builds on, calls it without importing the app.

Every host and server process may schedule every job; `periodic_job_run_once` lets one round of
a job run at a time across all of them. On PostgreSQL that is a transaction-level advisory lock
per job: a process that does not get it skips the round, since the holder is doing that work
now. On SQLite (one host by design) there is no lock: its single writer (`BEGIN IMMEDIATE`)
already puts the rounds' write transactions one after another, so a job that re-reads each item
inside the transaction that changes it, as escalation does, does each item once. On either
database a job must stay idempotent per item (escalation: once per deadline): the lock keeps
rounds from overlapping, but a holder whose connection drops loses it mid-round.
"""

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections


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


def periodic_job_run_once(job: PeriodicJob) -> int | None:
    """Runs one round of `job` unless another process, on any host, is running it now; returns
    the round's count, or None when it skipped the round."""
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return job.run()
    with _advisory_lock_taken(periodic_job_lock_key(job.name)) as taken:
        return job.run() if taken else None


def periodic_job_lock_key(name: str) -> int:
    """The job's advisory lock key: a signed 64-bit digest of its name. Python's hash() is salted
    per process; this is the same on every host and in every version, so old and new hosts
    still exclude each other during a rolling upgrade. The prefix keeps it apart from other
    users of advisory locks on the same database."""
    digest = hashlib.blake2b(f"gridgov.periodic.{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def _advisory_lock_taken(key: int) -> Iterator[bool]:
    # The lock lives in a transaction on a connection of its own, while the job commits its work
    # in short transactions on the thread's usual connection: run inside the lock's transaction,
    # the job would keep every row it wrote locked (shared ones too, that each report needs)
    # until the round ended. The lock's transaction writes nothing, so it holds no xid or
    # snapshot that would keep back vacuum or readers waiting for older transactions. Ending
    # it, or losing the connection when a process dies, releases the lock.
    lock_connection = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        lock_connection.set_autocommit(False)
        with lock_connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
            (taken,) = cursor.fetchone()
        yield taken
    finally:
        try:
            lock_connection.rollback()
        finally:
            lock_connection.close()
