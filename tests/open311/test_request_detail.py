from . import spec_examples
from .conftest import BASE, body, json_as_xml_text, report, xml, xml_values


def test_it_answers_one_request_in_the_spec_shape(client, resident):
    incident = report(resident)
    response = client.get(f"{BASE}/requests/{incident.number}.xml")
    assert response.status_code == 200
    assert spec_examples.shape(response.content) == spec_examples.shape(spec_examples.REQUESTS)
    assert xml(response).findtext("request/service_request_id") == incident.number


def test_json_carries_the_same_values_as_xml(client, resident):
    incident = report(resident, description="路灯不亮，已经一周")
    [item] = body(client.get(f"{BASE}/requests/{incident.number}.json"))
    [request] = xml(client.get(f"{BASE}/requests/{incident.number}"))
    assert xml_values(request) == json_as_xml_text(item)


def test_a_request_older_than_the_window_is_still_found(client, resident):
    incident = report(resident, days_ago=400, status="closed")
    [item] = body(client.get(f"{BASE}/requests/{incident.number}.json"))
    assert item["status"] == "closed"


def test_an_unknown_request_is_404_in_the_error_shape(client, db):
    response = client.get(f"{BASE}/requests/SF-20260101-0001.json")
    assert response.status_code == 404
    assert body(response)[0]["code"] == 404
