"""Escalation scheduled on several hosts at once (cron, `serve --jobs-every`) escalates each
overdue case once per deadline: one round at a time through the job's lock, and, should two runs
meet anyway, each case re-read under its row lock."""

import threading
import time
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from backend.core.periodic import periodic_job_run_once
from backend.incidents.jobs import ESCALATION_JOB
from backend.incidents.models import Incident, TimelineEntry
from backend.incidents.services.escalation import incidents_escalate
from tests.conftest import needs_postgresql
from tests.core.test_periodic_jobs import periodic_job_running_elsewhere
from tests.incidents.test_escalation import overdue_report

pytestmark = pytest.mark.django_db(transaction=True)


def in_threads_at_once(run: Callable[[], int | None], threads: int = 2) -> list[int | None]:
    """What `run` returned in each thread, the threads started together, as processes would."""
    start = threading.Barrier(threads)
    results: list[int | None] = []

    def one() -> None:
        try:
            start.wait(timeout=10)
            results.append(run())
        finally:
            connection.close()

    workers = [threading.Thread(target=one) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert len(results) == threads, "a run failed or hung"
    return results


def escalations_per_case() -> dict[int, int]:
    counts = dict.fromkeys(Incident.objects.values_list("pk", flat=True), 0)
    for incident_id in TimelineEntry.objects.filter(action="escalate").values_list(
        "incident_id", flat=True
    ):
        counts[incident_id] += 1
    return counts


def test_two_schedulers_at_once_escalate_each_overdue_case_once(resident):
    for _ in range(12):
        overdue_report(resident)

    counts = in_threads_at_once(lambda: periodic_job_run_once(ESCALATION_JOB))

    # The second either found the lock taken (None) or came after and found nothing left (0).
    assert sum(count or 0 for count in counts) == 12
    assert set(escalations_per_case().values()) == {1}


def test_two_runs_that_bypass_the_lock_still_escalate_each_case_once(resident):
    for _ in range(12):
        overdue_report(resident)

    counts = in_threads_at_once(incidents_escalate)

    assert sum(counts) == 12
    assert set(escalations_per_case().values()) == {1}


@needs_postgresql
def test_a_run_that_listed_a_case_before_another_escalated_it_leaves_it_alone(resident):
    incident = overdue_report(resident)
    first_escalated, first_may_commit = threading.Event(), threading.Event()
    counts: dict[str, int] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                counts["first"] = incidents_escalate()
                first_escalated.set()
                first_may_commit.wait(timeout=20)
        finally:
            connection.close()

    def second() -> None:
        try:
            counts["second"] = incidents_escalate()
        finally:
            connection.close()

    runs = [threading.Thread(target=first), threading.Thread(target=second)]
    runs[0].start()
    assert first_escalated.wait(timeout=20)
    runs[1].start()
    # The second run lists the case (the first has not committed) and then waits on its row.
    waiting_on_a_lock_within(20)
    first_may_commit.set()
    for run in runs:
        run.join(timeout=30)

    assert counts == {"first": 1, "second": 0}
    assert escalations_per_case() == {incident.pk: 1}


def waiting_on_a_lock_within(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the second run never waited for the first one's row lock")


@needs_postgresql
def test_the_command_leaves_the_round_to_a_host_already_escalating(resident, capsys):
    overdue_report(resident)

    with periodic_job_running_elsewhere(ESCALATION_JOB.name):
        call_command("escalate")
    skipped = capsys.readouterr().out
    assert "escalation is running in another process; this run skipped it" in skipped
    assert escalations_per_case() == {Incident.objects.get().pk: 0}

    call_command("escalate")
    assert "escalated 1 overdue case(s)" in capsys.readouterr().out
