"""`gridgov serve --jobs-every` runs the jobs the apps registered, without `core` importing them,
and each round of a job runs in one process at a time across every host (on PostgreSQL)."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from backend.core.management.commands.serve import _jobs_round
from backend.core.periodic import (
    PeriodicJob,
    periodic_job_lock_key,
    periodic_job_run_once,
    periodic_jobs,
)
from backend.incidents.services.escalation import incidents_escalate
from tests.conftest import needs_postgresql


@contextmanager
def periodic_job_running_elsewhere(name: str) -> Iterator[None]:
    """Holds the job's lock as another process running a round would: in a transaction on a
    connection of its own, released when the block ends."""
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [periodic_job_lock_key(name)])
        yield
    finally:
        other.rollback()
        other.close()


class CountingJob:
    def __init__(self, name: str = "test-job", *, count: int = 2) -> None:
        self.rounds = 0
        self.count = count
        self.job = PeriodicJob(name=name, run=self.run, done=f"{name} did %d thing(s)")

    def run(self) -> int:
        self.rounds += 1
        return self.count


def test_the_escalation_of_overdue_cases_is_a_registered_periodic_job():
    jobs = {job.name: job for job in periodic_jobs()}
    assert jobs["escalation"].run is incidents_escalate
    assert jobs["escalation"].done % 3 == "escalated 3 overdue case(s)"


def test_serve_takes_the_old_escalate_every_name_for_the_jobs_interval():
    from backend.core.management.commands.serve import Command

    parser = Command().create_parser("gridgov", "serve")
    assert parser.parse_args(["--escalate-every", "60"]).jobs_every == 60
    assert parser.parse_args(["--jobs-every", "5"]).jobs_every == 5


def test_a_jobs_lock_key_is_a_fixed_64_bit_number_not_pythons_salted_hash():
    # Pinned: hosts of two versions must agree on it during a rolling upgrade.
    assert periodic_job_lock_key("escalation") == -8829101288731319465
    assert periodic_job_lock_key("escalation") != periodic_job_lock_key("notifications")


@pytest.mark.django_db
def test_a_round_runs_and_returns_its_count_when_no_one_else_runs_the_job():
    job = CountingJob(count=3)

    assert periodic_job_run_once(job.job) == 3
    assert periodic_job_run_once(job.job) == 3
    assert job.rounds == 2


@needs_postgresql
@pytest.mark.django_db
def test_a_round_is_skipped_while_another_process_runs_the_job_and_runs_after():
    job = CountingJob()

    with periodic_job_running_elsewhere(job.job.name):
        assert periodic_job_run_once(job.job) is None
        assert job.rounds == 0

    assert periodic_job_run_once(job.job) == 2
    assert job.rounds == 1


@needs_postgresql
@pytest.mark.django_db
def test_another_jobs_lock_does_not_hold_this_one_back():
    job = CountingJob("notifications")

    with periodic_job_running_elsewhere("escalation"):
        assert periodic_job_run_once(job.job) == 2


@needs_postgresql
@pytest.mark.django_db
def test_a_round_that_fails_releases_the_lock_for_the_next_round():
    def fail() -> int:
        raise RuntimeError("the job broke")

    with pytest.raises(RuntimeError):
        periodic_job_run_once(PeriodicJob(name="test-job", run=fail, done="%d"))

    assert periodic_job_run_once(CountingJob().job) == 2


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_job_commits_its_own_work_outside_the_locks_transaction():
    # Inside the lock's transaction it would keep every row it wrote locked for the whole round.
    seen: list[bool] = []

    def job() -> int:
        seen.append(connection.in_atomic_block or not connection.get_autocommit())
        return 0

    periodic_job_run_once(PeriodicJob(name="test-job", run=job, done="%d"))

    assert seen == [False]


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_serves_loop_skips_a_job_another_host_runs_and_logs_a_round_that_did_something(
    monkeypatch, caplog
):
    job = CountingJob(count=4)
    monkeypatch.setattr("backend.core.management.commands.serve.periodic_jobs", lambda: [job.job])
    caplog.set_level(logging.DEBUG, logger="gridgov.jobs")

    with periodic_job_running_elsewhere(job.job.name):
        _jobs_round(60)
    assert job.rounds == 0
    assert "test-job: another process is running this round" in caplog.text

    _jobs_round(60)
    assert job.rounds == 1
    assert "test-job did 4 thing(s)" in caplog.text
