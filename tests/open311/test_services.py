import pytest

from backend.incidents.models import Subcategory

from . import spec_examples
from .conftest import BASE, body, json_as_xml_text, xml, xml_values


def test_each_service_has_the_elements_of_the_spec_example_in_order(client, db):
    root = xml(client.get(f"{BASE}/services.xml"))
    expected = spec_examples.shape(spec_examples.SERVICES)[1][0]
    assert {spec_examples._shape(service) for service in root} == {expected}


def test_one_service_per_active_subcategory_and_one_per_category(client, db):
    codes = [service["service_code"] for service in body(client.get(f"{BASE}/services.json"))]
    active = Subcategory.objects.filter(active=True).exclude(category="petition")
    assert set(codes) == {*active.values_list("code", flat=True), "safety", "housing", "other"}
    assert len(codes) == len(set(codes))


def test_services_are_grouped_by_category_and_need_no_metadata(client, db):
    services = {s["service_code"]: s for s in body(client.get(f"{BASE}/services.json"))}
    assert services["gas"]["group"] == "安全隐患"
    assert services["other"]["group"] == "其他"
    assert services["gas"]["service_name"] == "燃气隐患"
    assert services["gas"]["description"] == "燃气隐患 / Gas hazard"
    assert all(s["metadata"] is False and s["type"] == "realtime" for s in services.values())


def test_petitions_are_not_offered(client, db):
    codes = [service["service_code"] for service in body(client.get(f"{BASE}/services.json"))]
    assert "petition" not in codes
    assert "petition_general" not in codes
    assert client.get(f"{BASE}/services/petition_general.json").status_code == 404


def test_a_retired_subcategory_is_not_offered(client, db):
    Subcategory.objects.filter(code="gas").update(active=False)
    codes = [service["service_code"] for service in body(client.get(f"{BASE}/services.json"))]
    assert "gas" not in codes
    assert client.get(f"{BASE}/services/gas.json").status_code == 404


def test_names_follow_accept_language(client, db):
    english = body(client.get(f"{BASE}/services.json", HTTP_ACCEPT_LANGUAGE="en"))
    gas = next(s for s in english if s["service_code"] == "gas")
    assert gas["service_name"] == "Gas hazard"
    assert gas["group"] == "Safety hazard"


def test_json_carries_the_same_values_as_xml(client, db):
    root = xml(client.get(f"{BASE}/services.xml"))
    data = body(client.get(f"{BASE}/services.json"))
    assert [xml_values(service) for service in root] == [json_as_xml_text(s) for s in data]


def test_the_path_without_extension_answers_xml(client, db):
    assert xml(client.get(f"{BASE}/services")).tag == "services"


@pytest.mark.parametrize("code", ["fire_exit", "safety", "other"])
def test_a_definition_has_the_spec_elements_and_no_attributes(client, db, code):
    response = client.get(f"{BASE}/services/{code}.xml")
    assert spec_examples.shape(response.content) == spec_examples.shape(
        spec_examples.SERVICE_DEFINITION
    )
    assert xml(response).findtext("service_code") == code
    assert body(client.get(f"{BASE}/services/{code}.json")) == {
        "service_code": code,
        "attributes": [],
    }


def test_an_unknown_service_is_404_in_the_error_shape(client, db):
    response = client.get(f"{BASE}/services/pothole.json")
    assert response.status_code == 404
    assert body(response) == [{"code": 404, "description": "service_code 'pothole' was not found."}]
    assert xml(client.get(f"{BASE}/services/pothole")).tag == "errors"
