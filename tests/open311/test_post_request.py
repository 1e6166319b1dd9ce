import pytest

from backend.incidents.models import Incident
from backend.open311.models import ApiKey, Submission

from . import spec_examples
from .conftest import BASE, EAST_2_04, body, xml

FORM = {
    "jurisdiction_id": "city.gov",
    "service_code": "roads_lights",
    "lat": "41.805",
    "long": "123.805",
    "address_string": "幸福路 3 号楼",
    "description": "3号楼门口路灯不亮\n晚上很黑",
    "email": "zhang@example.com",
    "device_id": "tt222111",
    "account_id": "123456",
    "first_name": "三",
    "last_name": "张",
    "phone": "13912345678",
    "media_url": "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg",
    "attribute[WHISPAWN]": "123456",
}


def post(client, key: str | None, fmt: str = "json", **changes):
    form = {**FORM, **changes}
    if key is not None:
        form["api_key"] = key
    form = {name: value for name, value in form.items() if value is not None}
    return client.post(f"{BASE}/requests.{fmt}", form)


def test_it_files_an_incident_in_the_grid_of_its_point(client, api_key):
    response = post(client, api_key)
    assert response.status_code == 200
    [answer] = body(response)
    incident = Incident.objects.get(number=answer["service_request_id"])
    assert incident.grid.code == "21040400101001"
    assert incident.street.code == "210404001"
    assert (incident.category, incident.subcategory.code) == ("other", "roads_lights")
    assert incident.title == "3号楼门口路灯不亮"
    assert incident.description == "3号楼门口路灯不亮\n晚上很黑"
    assert incident.address == "幸福路 3 号楼"
    assert incident.status == "reported"
    assert incident.reporter == ApiKey.objects.get().user
    assert incident.reporter.role == "resident"
    assert incident.timeline.get().action == "create"


def test_it_answers_with_the_service_request_id_as_the_spec_shows(client, api_key):
    response = post(client, api_key, fmt="xml")
    assert response.status_code == 200
    assert spec_examples.shape(response.content) == spec_examples.shape(spec_examples.POST_RESPONSE)
    number = xml(response).findtext("request/service_request_id")
    assert Incident.objects.filter(number=number).exists()
    [answer] = body(post(client, api_key))
    assert list(answer) == ["service_request_id", "service_notice", "account_id"]
    assert answer["account_id"] is None


def test_the_new_request_can_be_read_back_by_its_id(client, api_key):
    [answer] = body(post(client, api_key))
    [item] = body(client.get(f"{BASE}/requests/{answer['service_request_id']}.json"))
    assert item["service_code"] == "roads_lights"
    assert item["status"] == "open"


def test_a_category_code_files_without_subcategory(client, api_key):
    [answer] = body(post(client, api_key, service_code="safety", description=""))
    incident = Incident.objects.get(number=answer["service_request_id"])
    assert (incident.category, incident.subcategory) == ("safety", None)
    assert incident.title == "安全隐患"


def test_a_point_outside_every_grid_is_accepted_without_grid(client, api_key):
    [answer] = body(post(client, api_key, lat="40.0", long="120.0"))
    assert Incident.objects.get(number=answer["service_request_id"]).grid is None


def test_another_grid_gets_its_own_reports(client, api_key):
    [answer] = body(post(client, api_key, lat=str(EAST_2_04["lat"]), long=str(EAST_2_04["lon"])))
    assert Incident.objects.get(number=answer["service_request_id"]).grid.code == "21040400201004"


def test_the_submitters_details_are_kept_apart_for_admins(client, api_key):
    [answer] = body(post(client, api_key))
    submission = Submission.objects.get(incident__number=answer["service_request_id"])
    assert (submission.last_name, submission.first_name) == ("张", "三")
    assert (submission.phone, submission.email) == ("13912345678", "zhang@example.com")
    assert submission.attributes == {"WHISPAWN": ["123456"]}


@pytest.mark.parametrize(
    ("key", "description"),
    [
        (None, "api_key was not provided."),
        ("", "api_key was not provided."),
        ("wrong", "Invalid api_key received -- can't proceed with create_request."),
    ],
)
def test_without_a_valid_key_it_is_403_and_nothing_is_written(client, api_key, key, description):
    response = post(client, key)
    assert response.status_code == 403
    assert body(response) == [{"code": 403, "description": description}]
    assert not Incident.objects.exists()


def test_a_deactivated_key_is_refused(client, api_key):
    ApiKey.objects.update(active=False)
    assert post(client, api_key, fmt="xml").status_code == 403
    assert not Incident.objects.exists()


@pytest.mark.parametrize("code", ["pothole", "petition", "petition_general"])
def test_an_unknown_service_is_404_and_nothing_is_written(client, api_key, code):
    response = post(client, api_key, service_code=code)
    assert response.status_code == 404
    assert "service_code" in body(response)[0]["description"]
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"service_code": None},
        {"lat": "nan"},
        {"lat": "NaN", "long": "inf"},
        {"long": "1e999"},
        {"lat": "91"},
        {"long": "-180.5"},
        {"lat": "41,8"},
        {"lat": "abc"},
        {"long": None},
        {"lat": None, "long": None},
        {"description": "x" * 4001},
        {"address_string": "x" * 301},
        {"phone": "1" * 33},
        {"email": "x" * 255},
        {"media_url": "file:///etc/passwd"},
        {"media_url": "http://" + "x" * 2000},
    ],
)
def test_bad_input_is_400_and_nothing_is_written(client, api_key, changes):
    response = post(client, api_key, **changes)
    assert response.status_code == 400
    [error] = body(response)
    assert error["code"] == 400
    assert not Incident.objects.exists()


def test_control_characters_are_dropped_not_stored(client, api_key):
    [answer] = body(post(client, api_key, description="路灯\x00不亮\x07"))
    assert Incident.objects.get(number=answer["service_request_id"]).description == "路灯不亮"


def test_each_post_is_a_new_report(client, api_key):
    first = body(post(client, api_key))[0]["service_request_id"]
    second = body(post(client, api_key))[0]["service_request_id"]
    assert first != second
    assert Incident.objects.count() == 2
