"""Photos: JPEG, PNG or WebP up to 10 MB; the copy served to anyone but supervisors carries no
EXIF (a phone's GPS tags can give away a reporter's home); anything else is refused unstored."""

import io

import pytest
from PIL import Image

from backend.incidents.models import Photo, TimelineEntry
from tests.conftest import sign_in

from .conftest import IN_GRID_1_03, assert_error, image_bytes, submit, upload

GPS_IFD = 0x8825
GPS_LATITUDE = (41.0, 48.0, 18.0)


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"  # GPSLatitudeRef
    gps[2] = GPS_LATITUDE  # GPSLatitude
    gps[3] = "E"  # GPSLongitudeRef
    gps[4] = (123.0, 48.0, 18.0)  # GPSLongitude
    return image_bytes("JPEG", size=(64, 48), exif=exif)


def _served(client, url: str):
    response = client.get(url.removeprefix("/api/v1"))
    assert response.status_code == 200, response.content
    data = b"".join(response.streaming_content)
    return response, Image.open(io.BytesIO(data))


@pytest.fixture
def incident(as_resident, media_root) -> dict:
    return submit(as_resident)


@pytest.mark.parametrize(
    ("image_format", "content_type"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")],
)
def test_jpeg_png_and_webp_are_accepted(incident, as_resident, image_format, content_type):
    data = image_bytes(image_format, size=(40, 30))

    response = upload(as_resident, incident["id"], data, content_type=content_type)

    assert response.status_code == 201, response.content
    photo = response.json()
    assert photo["content_type"] == content_type
    assert (photo["width"], photo["height"]) == (40, 30)
    detail = as_resident.get(f"/incidents/{incident['id']}").json()
    assert detail["photos"] == [photo["url"]]
    assert detail["timeline"][-1]["action"] == "add_photo"
    served, image = _served(as_resident, photo["url"])
    assert served["Content-Type"] == content_type
    assert image.format == image_format


def test_a_file_sent_as_octet_stream_is_judged_by_its_content(incident, as_resident):
    response = upload(
        as_resident, incident["id"], image_bytes("PNG"), content_type="application/octet-stream"
    )

    assert response.status_code == 201
    assert response.json()["content_type"] == "image/png"


def test_the_copy_served_to_a_worker_has_no_exif_or_gps(incident, as_resident, worker):
    url = upload(as_resident, incident["id"], jpeg_with_gps(), content_type="image/jpeg").json()[
        "url"
    ]

    _, image = _served(sign_in(worker), url)

    exif = image.getexif()
    assert not exif.get_ifd(GPS_IFD)
    assert 0x010F not in exif and 0x0110 not in exif
    assert "exif" not in image.info


def test_the_reporter_gets_the_stripped_copy_too(incident, as_resident):
    url = upload(as_resident, incident["id"], jpeg_with_gps(), content_type="image/jpeg").json()[
        "url"
    ]

    _, image = _served(as_resident, url)

    assert not image.getexif().get_ifd(GPS_IFD)


def test_a_supervisor_gets_the_original_with_its_gps(incident, as_resident, supervisor):
    sent = jpeg_with_gps()
    url = upload(as_resident, incident["id"], sent, content_type="image/jpeg").json()["url"]

    response = sign_in(supervisor).get(url.removeprefix("/api/v1"))

    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert data == sent
    gps = Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)
    assert tuple(float(part) for part in gps[2]) == GPS_LATITUDE


def test_the_stripped_copy_keeps_the_picture_upright(incident, as_resident, worker):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif.get_ifd(GPS_IFD)[1] = "N"
    data = image_bytes("JPEG", size=(60, 20), exif=exif)
    url = upload(as_resident, incident["id"], data, content_type="image/jpeg").json()["url"]

    _, image = _served(sign_in(worker), url)

    assert image.size == (20, 60)
    assert not image.getexif()


def _truncated_jpeg() -> bytes:
    data = image_bytes("JPEG", size=(256, 256), quality=95)
    return data[: len(data) // 2]


def _gif() -> bytes:
    return image_bytes("GIF")


REFUSED = [
    ("text", lambda: "这不是图片 not an image".encode(), "image/jpeg", 422),
    ("html", lambda: b"<html><script>alert(1)</script></html>", "image/png", 422),
    ("truncated-jpeg", _truncated_jpeg, "image/jpeg", 422),
    ("empty", lambda: b"", "image/jpeg", 422),
    ("png-as-jpeg", lambda: image_bytes("PNG"), "image/jpeg", 415),
    ("jpeg-as-webp", lambda: image_bytes("JPEG"), "image/webp", 415),
    ("gif", _gif, "image/gif", 415),
    ("bmp", lambda: image_bytes("BMP"), "image/bmp", 415),
    ("over-10-mb", lambda: image_bytes("PNG") + b"\0" * (10 * 1024 * 1024), "image/png", 413),
]


@pytest.mark.parametrize(
    ("make", "content_type", "status"),
    [case[1:] for case in REFUSED],
    ids=[case[0] for case in REFUSED],
)
def test_a_refused_file_is_not_stored(incident, as_resident, make, content_type, status):
    entries = TimelineEntry.objects.count()

    response = upload(as_resident, incident["id"], make(), content_type=content_type)

    assert_error(response, status)
    assert Photo.objects.count() == 0
    assert TimelineEntry.objects.count() == entries
    assert as_resident.get(f"/incidents/{incident['id']}").json()["photos"] == []


def test_a_request_without_a_file_is_422(incident, as_resident):
    from django.test.client import MULTIPART_CONTENT

    response = as_resident.post(
        f"/incidents/{incident['id']}/photos", {"other": "x"}, content_type=MULTIPART_CONTENT
    )

    assert_error(response, 422)
    assert Photo.objects.count() == 0


def test_a_user_out_of_scope_gets_404_for_upload_and_download(
    as_resident, media_root, other_worker, worker
):
    incident = submit(as_resident, at=IN_GRID_1_03)  # other_worker's grid
    url = upload(as_resident, incident["id"], image_bytes()).json()["url"]
    as_worker = sign_in(worker)

    refused_upload = upload(as_worker, incident["id"], image_bytes())
    refused_download = as_worker.get(url.removeprefix("/api/v1"))

    assert_error(refused_upload, 404, code="not_found")
    assert_error(refused_download, 404, code="not_found")
    assert Photo.objects.count() == 1
    assert sign_in(other_worker).get(url.removeprefix("/api/v1")).status_code == 200


def test_a_photo_of_another_case_is_not_found_under_this_one(as_resident, media_root):
    first = submit(as_resident)
    second = submit(as_resident)
    photo_id = upload(as_resident, first["id"], image_bytes()).json()["id"]

    response = as_resident.get(f"/incidents/{second['id']}/photos/{photo_id}")

    assert_error(response, 404)


@pytest.mark.parametrize("photo_id", ["abc", "999999", "²"])
def test_a_missing_photo_is_404(incident, as_resident, photo_id):
    assert_error(as_resident.get(f"/incidents/{incident['id']}/photos/{photo_id}"), 404)
