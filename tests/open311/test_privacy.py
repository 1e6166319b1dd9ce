import io

import pytest
from django.test import Client
from PIL import Image

from backend.core.images import Upload
from backend.incidents.services import photo_add

from .conftest import BASE, body, report

PUBLIC_PATHS = ["/requests.json", "/requests.xml"]


def all_output(client: Client, numbers: list[str]) -> str:
    paths = [*PUBLIC_PATHS] + [f"/requests/{n}.{fmt}" for n in numbers for fmt in ("json", "xml")]
    return "".join(client.get(f"{BASE}{path}").content.decode() for path in paths)


def test_the_reporter_never_appears(client, resident):
    resident.email = "resident@example.com"
    resident.display_name = "王芳"
    resident.save()
    incident = report(resident)
    output = all_output(client, [incident.number])
    for secret in ("resident", "王芳", "13800000000", "resident@example.com", "reporter"):
        assert secret not in output


def test_an_open311_submitter_never_appears(client, api_key):
    form = {
        "api_key": api_key,
        "service_code": "sanitation",
        "lat": "41.805",
        "long": "123.805",
        "first_name": "三",
        "last_name": "张三丰",
        "phone": "13912345678",
        "email": "zhang@example.com",
        "device_id": "device-42",
        "account_id": "acct-42",
    }
    number = body(client.post(f"{BASE}/requests.json", form))[0]["service_request_id"]
    output = all_output(client, [number])
    for secret in (
        "张三丰",
        "13912345678",
        "zhang@example.com",
        "device-42",
        "acct-42",
        "open311-",
    ):
        assert secret not in output


def test_phone_numbers_and_emails_typed_into_text_are_masked(client, resident):
    incident = report(
        resident,
        description="有事打我电话 139 1234 5678 或 024-88886666，邮箱 a.b@example.cn，"
        "身份证 21010219900101123X",
    )
    [item] = body(client.get(f"{BASE}/requests/{incident.number}.json"))
    assert item["description"] == "路灯不亮\n有事打我电话 *** 或 ***，邮箱 ***，身份证 ***"


def test_petitions_are_neither_listed_nor_found(client, resident):
    petition = report(resident, category="petition", subcategory="petition_general")
    other = report(resident)
    listed = [item["service_request_id"] for item in body(client.get(f"{BASE}/requests.json"))]
    assert listed == [other.number]
    asked = client.get(f"{BASE}/requests.json", {"service_request_id": petition.number})
    assert body(asked) == []
    assert client.get(f"{BASE}/requests/{petition.number}.json").status_code == 404
    assert client.get(f"{BASE}/requests.json", {"service_code": "petition"}).status_code == 400


def _photo(incident, user):
    data = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(data, "JPEG")
    upload = Upload(name="p.jpg", content_type="image/jpeg", data=data.getvalue())
    return photo_add(user=user, incident_id=incident.pk, upload=upload)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_media_url_serves_the_photo_without_exif(client, resident, media_root):
    incident = report(resident)
    photo = _photo(incident, resident)
    [item] = body(client.get(f"{BASE}/requests/{incident.number}.json"))
    assert item["media_url"] == f"http://testserver/open311/v2/media/{photo.pk}"
    response = client.get(item["media_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    photo.stripped.open("rb")
    assert b"".join(response.streaming_content) == photo.stripped.read()


def test_petition_photos_are_not_served(client, resident, media_root):
    petition = report(resident, category="petition", subcategory="petition_general")
    photo = _photo(petition, resident)
    assert client.get(f"{BASE}/media/{photo.pk}").status_code == 404
