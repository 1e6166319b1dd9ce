from . import spec_examples
from .conftest import BASE, body, xml


def test_it_has_the_elements_of_the_spec_example_in_order(client, db):
    response = client.get(f"{BASE}/discovery.xml")
    assert response.status_code == 200
    assert spec_examples.shape(response.content) == spec_examples.shape(spec_examples.DISCOVERY)


def test_it_names_the_spec_the_endpoint_and_both_formats(client, db):
    endpoint = body(client.get(f"{BASE}/discovery.json"))["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["type"] == "production"


def test_json_carries_the_same_values_as_xml(client, db):
    root = xml(client.get(f"{BASE}/discovery.xml"))
    data = body(client.get(f"{BASE}/discovery.json"))
    for name in ("changeset", "contact", "key_service"):
        assert root.findtext(name) == data[name]
    assert [f.text for f in root.iter("format")] == data["endpoints"][0]["formats"]


def test_it_states_the_query_limits(client, db):
    contact = body(client.get(f"{BASE}/discovery.json"))["contact"]
    assert "1000" in contact
    assert "90 days" in contact


def test_paths_without_extension_answer_xml(client, db):
    for path in ("/discovery", "/"):
        assert xml(client.get(f"{BASE}{path}")).tag == "discovery"
