import pytest

from . import spec_examples
from .conftest import BASE, body, xml


def test_errors_have_the_elements_of_the_spec_example(client, db):
    response = client.post(f"{BASE}/requests.xml", {"service_code": "other"})
    assert response.status_code == 403
    assert spec_examples.shape(response.content) == spec_examples.shape(spec_examples.ERRORS)
    assert xml(response).findtext("error/code") == "403"


def test_json_errors_are_a_list_of_code_and_description(client, db):
    response = client.get(f"{BASE}/requests/NOPE.json")
    assert response.status_code == 404
    [error] = body(response)
    assert list(error) == ["code", "description"]
    assert error["code"] == 404


@pytest.mark.parametrize(
    "path", ["/tokens/1.xml", "/services.csv", "/requests.json/", "/nothing", "/media/abc"]
)
def test_unknown_paths_are_404_in_the_error_shape(client, db, path):
    response = client.get(f"{BASE}{path}")
    assert response.status_code == 404
    assert xml(response).tag == "errors"


def test_a_wrong_method_is_refused_in_the_error_shape(client, db):
    response = client.post(f"{BASE}/services.json")
    assert response.status_code == 405
    assert body(response)[0]["code"] == 405
    assert "GET" in response["Allow"]


def test_an_unknown_jurisdiction_is_404_when_one_is_configured(client, db, settings):
    settings.GRIDGOV_OPEN311_JURISDICTION = "sf.example.cn"
    assert client.get(f"{BASE}/services.json?jurisdiction_id=sf.example.cn").status_code == 200
    assert client.get(f"{BASE}/services.json").status_code == 200
    response = client.get(f"{BASE}/services.json?jurisdiction_id=city.gov")
    assert response.status_code == 404
    assert "jurisdiction_id" in body(response)[0]["description"]


def test_any_jurisdiction_is_accepted_when_none_is_configured(client, db):
    assert client.get(f"{BASE}/services.json?jurisdiction_id=city.gov").status_code == 200
