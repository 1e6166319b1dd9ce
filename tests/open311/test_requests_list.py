from datetime import timedelta

import pytest
from django.utils import timezone

from backend.incidents.models import Incident, TimelineEntry

from . import spec_examples
from .conftest import BASE, body, json_as_xml_text, report, xml, xml_values


def numbers(response) -> list[str]:
    return [item["service_request_id"] for item in body(response)]


def test_each_request_has_the_elements_of_the_spec_example_in_order(client, resident):
    report(resident)
    response = client.get(f"{BASE}/requests.xml")
    assert spec_examples.shape(response.content) == spec_examples.shape(spec_examples.REQUESTS)


def test_json_carries_the_same_values_as_xml(client, resident, supervisor):
    report(resident, description="路灯不亮\n晚上很黑", status="closed")
    report(resident, category="safety", subcategory=None, title="楼道堆放杂物")
    root = xml(client.get(f"{BASE}/requests.xml"))
    data = body(client.get(f"{BASE}/requests.json"))
    assert len(data) == 2
    assert [xml_values(request) for request in root] == [json_as_xml_text(d) for d in data]


def test_a_request_shows_the_case_in_open311_terms(client, resident):
    incident = report(resident, description="3号楼门口路灯不亮")
    [item] = body(client.get(f"{BASE}/requests.json"))
    assert item["service_request_id"] == incident.number
    assert item["status"] == "open"
    assert item["service_code"] == "roads_lights"
    assert item["service_name"] == "道路与路灯"
    assert item["description"] == "路灯不亮\n3号楼门口路灯不亮"
    assert item["agency_responsible"] == "西街道"
    assert item["service_notice"] == "待受理"
    assert item["requested_datetime"] == timezone.localtime(incident.created_at).isoformat(
        timespec="seconds"
    )
    assert item["requested_datetime"].endswith("+08:00")
    assert item["expected_datetime"] == timezone.localtime(incident.due_at).isoformat(
        timespec="seconds"
    )
    assert (item["lat"], item["long"]) == (41.805, 123.805)
    assert item["media_url"] is None
    assert item["address_id"] is None and item["zipcode"] is None


def test_a_report_without_subcategory_has_the_category_as_service(client, resident):
    report(resident, category="safety", subcategory=None)
    [item] = body(client.get(f"{BASE}/requests.json"))
    assert (item["service_code"], item["service_name"]) == ("safety", "安全隐患")


def test_the_default_window_is_the_last_90_days(client, resident):
    recent = report(resident, days_ago=89)
    report(resident, days_ago=91)
    assert numbers(client.get(f"{BASE}/requests.json")) == [recent.number]


def test_start_and_end_date_select_by_requested_datetime(client, resident):
    report(resident, days_ago=5)
    inside = report(resident, days_ago=20)
    report(resident, days_ago=40)
    start = (timezone.now() - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - timedelta(days=10)).isoformat()
    response = client.get(f"{BASE}/requests.json", {"start_date": start, "end_date": end})
    assert numbers(response) == [inside.number]


def test_start_date_alone_covers_the_90_days_after_it(client, resident):
    report(resident, days_ago=200)
    inside = report(resident, days_ago=150)
    report(resident, days_ago=10)
    start = (timezone.now() - timedelta(days=160)).date().isoformat()
    assert numbers(client.get(f"{BASE}/requests.json", {"start_date": start})) == [inside.number]


def test_end_date_alone_covers_the_90_days_before_it(client, resident):
    report(resident, days_ago=200)
    inside = report(resident, days_ago=150)
    report(resident, days_ago=10)
    end = (timezone.now() - timedelta(days=100)).isoformat()
    assert numbers(client.get(f"{BASE}/requests.json", {"end_date": end})) == [inside.number]


def test_a_range_longer_than_90_days_is_refused(client, db):
    response = client.get(
        f"{BASE}/requests.json", {"start_date": "2026-01-01", "end_date": "2026-06-01"}
    )
    assert response.status_code == 400
    assert "90 days" in body(response)[0]["description"]


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ("open", {"reported", "in_progress", "resolved"}),
        ("closed", {"closed", "rejected"}),
        ("open,closed", {"reported", "in_progress", "resolved", "closed", "rejected"}),
        ("", {"reported", "in_progress", "resolved", "closed", "rejected"}),
    ],
)
def test_status_maps_closed_and_rejected_to_closed_and_the_rest_to_open(
    client, resident, statuses, expected
):
    for status in ("reported", "in_progress", "resolved", "closed", "rejected"):
        report(resident, status=status, title=status)
    found = body(client.get(f"{BASE}/requests.json", {"status": statuses}))
    by_title = {Incident.objects.get(number=item["service_request_id"]).status for item in found}
    assert by_title == expected
    assert all(
        item["status"] == ("closed" if item["service_notice"] in ("已结案", "不予立案") else "open")
        for item in found
    )


def test_service_code_selects_subcategories_and_bare_categories(client, resident):
    lights = report(resident, subcategory="roads_lights")
    bare = report(resident, category="other", subcategory=None)
    report(resident, subcategory="sanitation")
    response = client.get(f"{BASE}/requests.json", {"service_code": "roads_lights,other"})
    assert numbers(response) == [bare.number, lights.number]


def test_an_unknown_service_code_filter_is_refused(client, db):
    response = client.get(f"{BASE}/requests.json", {"service_code": "pothole"})
    assert response.status_code == 400


def test_requests_come_newest_first(client, resident):
    old = report(resident, days_ago=3)
    new = report(resident, days_ago=1)
    middle = report(resident, days_ago=2)
    assert numbers(client.get(f"{BASE}/requests.json")) == [new.number, middle.number, old.number]


def test_service_request_id_overrides_the_other_arguments(client, resident):
    old = report(resident, days_ago=300, status="closed")
    other = report(resident)
    response = client.get(
        f"{BASE}/requests.json",
        {"service_request_id": f"{old.number}, {other.number},NOPE", "status": "open"},
    )
    assert numbers(response) == [other.number, old.number]


def test_the_answer_is_capped(client, resident, monkeypatch):
    monkeypatch.setattr("backend.open311.selectors.MAX_RESULTS", 2)
    for days_ago in (1, 2, 3):
        report(resident, days_ago=days_ago)
    assert len(body(client.get(f"{BASE}/requests.json"))) == 2


def test_status_notes_are_the_latest_staff_note_on_a_move(client, resident, supervisor):
    incident = report(resident)
    now = timezone.now()
    for offset, actor, action, note in [
        (1, supervisor, "reject", "不属于本街道受理范围。"),
        (2, supervisor, "comment", "已电话联系反映人。"),
        (3, resident, "dispute", "我不同意"),
    ]:
        TimelineEntry.objects.create(
            incident=incident,
            actor=actor,
            action=action,
            note=note,
            at=now + timedelta(seconds=offset),
        )
    [item] = body(client.get(f"{BASE}/requests.json"))
    assert item["status_notes"] == "不属于本街道受理范围。"


@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "yesterday"},
        {"start_date": "2026-13-45T00:00:00Z"},
        {"end_date": "2026-01-01T25:00:00+08:00"},
        {"start_date": "9999-12-31T00:00:00Z"},
        {"end_date": "0001-01-01T00:00:00Z"},
        {"start_date": "2026-02-01", "end_date": "2026-01-01"},
        {"status": "pending"},
        {"service_code": "x" * 5000},
        {"service_request_id": ",".join(["SF"] * 1001)},
    ],
)
def test_garbage_parameters_are_400_in_the_error_shape(client, db, query):
    response = client.get(f"{BASE}/requests.json", query)
    assert response.status_code == 400
    assert body(response)[0]["code"] == 400


def test_empty_parameters_count_as_absent(client, resident):
    incident = report(resident)
    query = {"service_request_id": "", "service_code": "", "status": "", "start_date": ""}
    assert numbers(client.get(f"{BASE}/requests.json", query)) == [incident.number]
