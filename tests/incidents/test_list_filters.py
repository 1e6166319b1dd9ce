"""`GET /incidents`: filters, paging and order, and 422 for a query that makes no sense."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from backend.incidents.models import Incident
from tests.conftest import EAST, WEST, grid_code

from .conftest import (
    IN_GRID_1_01,
    IN_GRID_1_03,
    IN_GRID_2_01,
    OUTSIDE,
    act_ok,
    assert_error,
    submit,
)


def _ids(client, **query) -> list[int]:
    response = client.get("/incidents", {"page_size": 100, **query})
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def cases(as_resident, as_supervisor, worker) -> dict[str, int]:
    """Five cases in three places, two categories and three statuses, oldest first."""
    ids = {
        "west_safety": submit(as_resident, at=IN_GRID_1_01, category="safety")["id"],
        "west_other": submit(as_resident, at=IN_GRID_1_03)["id"],
        "east_other": submit(as_resident, at=IN_GRID_2_01)["id"],
        "outside_petition": submit(as_resident, at=OUTSIDE, category="petition")["id"],
        "east_housing": submit(as_resident, at=IN_GRID_2_01, category="housing")["id"],
    }
    act_ok(as_supervisor, ids["west_other"], "accept")
    act_ok(as_supervisor, ids["east_other"], "reject", note="重复")
    return ids


def test_the_newest_case_comes_first(cases, as_supervisor):
    assert _ids(as_supervisor) == list(reversed(cases.values()))


def test_cases_made_in_the_same_instant_are_still_in_a_stable_order(cases, as_supervisor):
    Incident.objects.update(created_at=timezone.now())

    assert _ids(as_supervisor) == sorted(cases.values(), reverse=True)


def test_it_filters_by_one_status(cases, as_supervisor):
    assert _ids(as_supervisor, status="accepted") == [cases["west_other"]]


def test_it_filters_by_several_statuses(cases, as_supervisor):
    found = _ids(as_supervisor, status="accepted,rejected")

    assert set(found) == {cases["west_other"], cases["east_other"]}


def test_it_filters_by_category(cases, as_supervisor):
    assert _ids(as_supervisor, category="safety") == [cases["west_safety"]]
    assert set(_ids(as_supervisor, category="petition,housing")) == {
        cases["outside_petition"],
        cases["east_housing"],
    }


def test_it_filters_by_grid(cases, as_supervisor):
    assert _ids(as_supervisor, grid=grid_code(WEST, 3)) == [cases["west_other"]]
    assert _ids(as_supervisor, grid=grid_code(EAST, 4)) == []


def test_it_filters_by_street(cases, as_supervisor):
    assert set(_ids(as_supervisor, street=EAST)) == {cases["east_other"], cases["east_housing"]}


def test_it_filters_by_bounding_box(cases, as_supervisor):
    west_street = "123.80,41.80,123.82,41.82"

    assert set(_ids(as_supervisor, bbox=west_street)) == {
        cases["west_safety"],
        cases["west_other"],
    }


def test_filters_combine(cases, as_supervisor):
    assert _ids(as_supervisor, street=EAST, status="reported") == [cases["east_housing"]]


def test_since_keeps_cases_changed_at_or_after_it(cases, as_supervisor):
    long_ago = timezone.now() - timedelta(days=30)
    Incident.objects.exclude(pk=cases["west_other"]).update(updated_at=long_ago)

    since = (timezone.now() - timedelta(days=1)).isoformat()

    assert _ids(as_supervisor, since=since) == [cases["west_other"]]


def test_from_and_to_keep_cases_created_in_the_period(cases, as_supervisor):
    now = timezone.now()
    Incident.objects.filter(pk=cases["west_safety"]).update(created_at=now - timedelta(days=20))
    Incident.objects.filter(pk=cases["west_other"]).update(created_at=now - timedelta(days=10))
    period = {
        "from": (now - timedelta(days=15)).isoformat(),
        "to": (now - timedelta(days=5)).isoformat(),
    }

    assert _ids(as_supervisor, **period) == [cases["west_other"]]


def test_a_reversed_period_is_422_in_the_error_shape(cases, as_supervisor):
    now = timezone.now()
    response = as_supervisor.get(
        "/incidents",
        {"from": now.isoformat(), "to": (now - timedelta(days=3)).isoformat()},
    )

    assert_error(response, 422, field="to")


def test_ordering_overdue_puts_the_oldest_deadline_first_and_no_deadline_last(cases, as_supervisor):
    now = timezone.now()
    due = {
        "west_safety": now + timedelta(days=2),  # due soon
        "west_other": now - timedelta(days=9),  # 9 days overdue
        "outside_petition": now - timedelta(days=28),  # 28 days overdue
        "east_housing": now + timedelta(hours=3),
    }
    for name, due_at in due.items():
        Incident.objects.filter(pk=cases[name]).update(due_at=due_at)
    Incident.objects.filter(pk=cases["east_other"]).update(due_at=None)

    ordered = _ids(as_supervisor, ordering="overdue")

    names = {v: k for k, v in cases.items()}
    assert [names[i] for i in ordered] == [
        "outside_petition",
        "west_other",
        "east_housing",
        "west_safety",
        "east_other",
    ]
    # Without the parameter the contract's order holds: newest first.
    assert _ids(as_supervisor) == list(reversed(cases.values()))


def test_filters_never_widen_the_callers_scope(cases, as_worker):
    assert _ids(as_worker, street=EAST) == []
    assert _ids(as_worker, grid=grid_code(WEST, 1)) == [cases["west_safety"]]


def test_pages_default_to_twenty_and_count_all_matches(as_resident):
    for _ in range(23):
        submit(as_resident)

    first = as_resident.get("/incidents").json()
    second = as_resident.get("/incidents", {"page": 2}).json()
    beyond = as_resident.get("/incidents", {"page": 9}).json()

    assert (len(first["items"]), first["count"], first["page"]) == (20, 23, 1)
    assert (len(second["items"]), second["count"], second["page"]) == (3, 23, 2)
    assert (beyond["items"], beyond["count"]) == ([], 23)
    all_ids = [item["id"] for item in first["items"] + second["items"]]
    assert len(set(all_ids)) == 23
    assert all_ids == sorted(all_ids, reverse=True)


def test_page_size_may_be_up_to_a_hundred(as_resident):
    for _ in range(3):
        submit(as_resident)

    small = as_resident.get("/incidents", {"page_size": 2}).json()
    largest = as_resident.get("/incidents", {"page_size": 100})

    assert (len(small["items"]), small["count"]) == (2, 3)
    assert largest.status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page_size": 101}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": -5}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"page": 0}, "page"),
        ({"page": "x"}, "page"),
        ({"status": "open"}, "status"),
        ({"status": "reported,bogus"}, "status"),
        ({"category": "weather"}, "category"),
        ({"bbox": "123.8,41.8,123.9"}, "bbox"),
        ({"bbox": "123.9,41.8,123.8,41.9"}, "bbox"),  # min lon > max lon
        ({"bbox": "123.8,41.9,123.9,41.8"}, "bbox"),  # min lat > max lat
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "123.8,41.8,123.9,41.9,0"}, "bbox"),
        ({"bbox": "nan,41.8,123.9,41.9"}, "bbox"),
        ({"bbox": "-200,41.8,123.9,41.9"}, "bbox"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-01-01T00:00:00"}, "since"),  # no offset
        ({"since": "0001-01-01T00:00:00+14:00"}, "since"),  # before the first UTC moment
        ({"since": "9999-12-31T23:59:59-23:59"}, "since"),  # after the last
        ({"grid": "1-01"}, "grid"),
        ({"street": "west"}, "street"),
        ({"ordering": "random"}, "ordering"),
        ({"from": "last week"}, "from"),
    ],
    ids=lambda value: str(value),
)
def test_a_query_that_makes_no_sense_is_422(cases, as_supervisor, query, field):
    response = as_supervisor.get("/incidents", query)

    assert_error(response, 422, field=field)


def test_the_list_needs_a_token(anonymous, db):
    assert_error(anonymous.get("/incidents"), 401)


def test_since_accepts_an_offset_other_than_the_zones(cases, as_supervisor):
    since = datetime.now().astimezone(timezone.get_fixed_timezone(-300)) - timedelta(hours=1)

    assert len(_ids(as_supervisor, since=since.isoformat())) == len(cases)


def test_since_with_an_offset_beyond_what_postgresql_stores_is_the_same_moment(
    cases, as_supervisor
):
    since = (timezone.now() - timedelta(hours=1)).astimezone(timezone.get_fixed_timezone(-22 * 60))

    assert len(_ids(as_supervisor, since=since.isoformat())) == len(cases)
