"""A phone that retries a report, even many times at once, makes exactly one incident."""

import itertools
import threading
import uuid
from collections.abc import Callable

import pytest
from django.db import connection

from backend.incidents.models import Incident
from backend.incidents.services import incident_create
from backend.incidents.services.create import NewIncident
from tests.conftest import ApiClient, sign_in

from .conftest import report_body

THREADS = 20


def _at_once(count: int, work: Callable[[int], object]) -> list[object]:
    """Run `work(i)` in `count` threads released together; each result or raised exception."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:
            results[index] = error
        finally:
            # Each thread has its own connection; left open it would outlive the test database.
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return results


# Transactional, so the threads' connections see what the others commit; serialized_rollback
# restores the seeded subcategories the flush after such a test would otherwise remove.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_twenty_simultaneous_retries_make_exactly_one_incident(resident):
    token = sign_in(resident).defaults["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    body = report_body()

    responses = _at_once(THREADS, lambda _: ApiClient(token).post("/incidents", body))

    errors = [result for result in responses if isinstance(result, Exception)]
    assert not errors, errors
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] * (THREADS - 1) + [201], [r.content for r in responses]
    assert len({response.json()["id"] for response in responses}) == 1
    assert len({response.json()["number"] for response in responses}) == 1
    assert Incident.objects.count() == 1
    assert Incident.objects.get().timeline.count() == 1


def test_simultaneous_different_reports_get_distinct_consecutive_numbers(resident):
    token = sign_in(resident).defaults["HTTP_AUTHORIZATION"].removeprefix("Bearer ")

    responses = _at_once(THREADS, lambda _: ApiClient(token).post("/incidents", report_body()))

    errors = [result for result in responses if isinstance(result, Exception)]
    assert not errors, errors
    assert [response.status_code for response in responses] == [201] * THREADS
    numbers = sorted(response.json()["number"] for response in responses)
    assert [int(number[-4:]) for number in numbers] == list(range(1, THREADS + 1))
    assert Incident.objects.count() == THREADS


def test_simultaneous_retries_through_the_service_make_one_incident(resident):
    report = NewIncident(**{**report_body(), "client_id": uuid.uuid4()})

    results = _at_once(THREADS, lambda _: incident_create(reporter=resident, report=report))

    errors = [result for result in results if isinstance(result, Exception)]
    assert not errors, errors
    assert sorted(created for _, created in results) == [False] * (THREADS - 1) + [True]
    assert len({incident.pk for incident, _ in results}) == 1
    assert Incident.objects.count() == 1


@pytest.mark.django_db(transaction=False)
def test_a_thousand_sequential_replays_of_fifty_reports_make_no_duplicate(resident):
    reports = [NewIncident(**{**report_body(), "client_id": uuid.uuid4()}) for _ in range(50)]
    first_ids: dict[uuid.UUID, int] = {}

    for report in itertools.islice(itertools.cycle(reports), 1000):
        incident, created = incident_create(reporter=resident, report=report)
        assert created == (report.client_id not in first_ids)
        assert first_ids.setdefault(report.client_id, incident.pk) == incident.pk

    assert Incident.objects.count() == 50
    assert Incident.objects.values("number").distinct().count() == 50
