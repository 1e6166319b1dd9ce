"""Photos of progress records: JPEG, PNG or WebP up to 10 MB, stored without EXIF; shown to those
who follow the project; anything else is refused unstored."""

import io

import pytest
from PIL import Image

from backend.housing.models import ProgressPhoto
from tests.incidents.conftest import assert_error, image_bytes
from tests.incidents.test_photos import GPS_IFD, jpeg_with_gps

from .conftest import nothing_written, record, upload


@pytest.fixture
def update(as_supervisor, project, media_root) -> dict:
    return record(as_supervisor, project["id"], progress_percent=60)


def _served(client, url: str) -> tuple:
    response = client.get(url.removeprefix("/api/v1"))
    assert response.status_code == 200, response.content
    return response, Image.open(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize(
    ("image_format", "content_type"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")],
)
def test_an_image_is_added_to_the_update(
    as_supervisor, project, update, image_format, content_type
):
    response = upload(
        as_supervisor,
        project["id"],
        update["id"],
        image_bytes(image_format),
        content_type=content_type,
    )

    assert response.status_code == 201, response.content
    photo = response.json()
    assert photo["content_type"] == content_type
    history = as_supervisor.get(f"/housing-projects/{project['id']}").json()["history"]
    assert history[-1]["photos"] == [photo["url"]]
    served, image = _served(as_supervisor, photo["url"])
    assert served["Content-Type"] == content_type
    assert image.format == image_format


def test_the_stored_photo_has_no_exif(as_supervisor, project, update):
    url = upload(
        as_supervisor, project["id"], update["id"], jpeg_with_gps(), content_type="image/jpeg"
    ).json()["url"]

    _, image = _served(as_supervisor, url)

    assert not image.getexif().get_ifd(GPS_IFD)
    assert not image.getexif()


def test_a_text_file_is_refused(as_supervisor, project, update):
    with nothing_written():
        response = upload(
            as_supervisor, project["id"], update["id"], b"not an image", content_type="text/plain"
        )

    assert_error(response, 422, field="file")
    assert not ProgressPhoto.objects.exists()


def test_a_resident_can_neither_add_nor_see_progress_photos(
    as_supervisor, as_resident, project, update
):
    url = upload(as_supervisor, project["id"], update["id"], image_bytes("PNG")).json()["url"]

    with nothing_written():
        assert_error(upload(as_resident, project["id"], update["id"], image_bytes("PNG")), 403)
    assert_error(as_resident.get(url.removeprefix("/api/v1")), 404)
