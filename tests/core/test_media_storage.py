"""Photos on several hosts: `GRIDGOV_MEDIA_STORAGE` names a store every host shares, a bad value
stops the process at startup naming the variable, and a photo leaves only through the API.

The shared-directory mode is tested for real, across hosts and processes; the S3 mode only as far
as its settings (no S3 server is reachable from the suite, and django-storages is an extra)."""

import hashlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from backend.gridgov.media_storage import (
    FILE_SYSTEM_BACKEND,
    S3_BACKEND,
    S3_MAX_MEMORY_BYTES,
    MediaStore,
    media_store,
    media_store_from_environment,
)
from backend.incidents.models import Photo
from tests.conftest import sign_in
from tests.incidents.conftest import image_bytes, submit, upload

REPO = Path(__file__).resolve().parents[2]
LOCAL = Path("/var/lib/gridgov/media")


def test_with_nothing_set_photos_stay_in_the_local_folder():
    for value in ("", "  "):
        assert media_store(value, local_root=LOCAL) == MediaStore(
            root=LOCAL, storage={"BACKEND": FILE_SYSTEM_BACKEND}
        )


@pytest.mark.parametrize(
    ("value", "root"),
    [
        ("file:///srv/gridgov/media", "/srv/gridgov/media"),
        ("file://localhost/srv/gridgov/media/", "/srv/gridgov/media"),
        ("file:///mnt/photos%20nfs", "/mnt/photos nfs"),
    ],
)
def test_a_file_url_names_a_shared_directory(value, root):
    assert media_store(value, local_root=LOCAL) == MediaStore(
        root=Path(root), storage={"BACKEND": FILE_SYSTEM_BACKEND}
    )


def test_an_s3_url_names_a_private_bucket_read_through_the_api_only():
    value = (
        "s3://gridgov-photos/city/media?endpoint_url=https://minio.example.org:9000"
        "&region=cn-north-1&addressing_style=path"
    )

    store = media_store(value, local_root=LOCAL)

    assert store.storage == {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": "gridgov-photos",
            "location": "city/media",
            "endpoint_url": "https://minio.example.org:9000",
            "region_name": "cn-north-1",
            "addressing_style": "path",
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
            "max_memory_size": S3_MAX_MEMORY_BYTES,
        },
    }


def test_a_bare_bucket_takes_its_endpoint_and_credentials_from_the_aws_environment():
    options = media_store("s3://gridgov-photos", local_root=LOCAL).storage["OPTIONS"]

    assert options["bucket_name"] == "gridgov-photos"
    assert options["location"] == ""
    assert not {"endpoint_url", "region_name", "access_key", "secret_key"} & set(options)


@pytest.mark.parametrize(
    "value",
    [
        "/srv/gridgov/media",
        "ftp://example.org/media",
        "file://srv/gridgov/media",
        "file:///",
        "file:///srv/media?mode=nfs",
        "s3://",
        "s3://Photos_Bucket",
        "s3://gridgov-photos?acl=public-read",
        "s3://gridgov-photos?region=",
        "s3://gridgov-photos?endpoint_url=minio:9000",
        "s3://gridgov-photos?addressing_style=sideways",
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(value):
    with pytest.raises(ImproperlyConfigured, match=r"^GRIDGOV_MEDIA_STORAGE="):
        media_store(value, local_root=LOCAL)


def test_keys_in_an_s3_url_are_refused_without_being_repeated():
    with pytest.raises(ImproperlyConfigured, match="AWS_ACCESS_KEY_ID") as refused:
        media_store("s3://AKIAEXAMPLE:s3cr3t@gridgov-photos", local_root=LOCAL)

    assert "s3cr3t" not in str(refused.value)
    assert "AKIAEXAMPLE" not in str(refused.value)


def test_a_shared_directory_that_is_not_mounted_stops_startup(tmp_path):
    missing = tmp_path / "not-mounted"
    environ = {"GRIDGOV_MEDIA_STORAGE": f"file://{missing}"}

    with pytest.raises(ImproperlyConfigured, match="mount the shared directory"):
        media_store_from_environment(environ, local_root=LOCAL)
    assert not missing.exists()


@pytest.mark.skipif(
    importlib.util.find_spec("storages") is not None, reason="django-storages is installed"
)
def test_an_s3_store_without_django_storages_names_the_extra_to_install():
    with pytest.raises(ImproperlyConfigured, match=r"gridgov\[s3\]"):
        media_store_from_environment(
            {"GRIDGOV_MEDIA_STORAGE": "s3://gridgov-photos"}, local_root=LOCAL
        )


def _gridgov_process(*code: str, media_storage: str, data_dir: Path) -> subprocess.CompletedProcess:
    """Python run as another host would run it: its own data folder, the given store."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="backend.gridgov.settings",
        GRIDGOV_DATA_DIR=str(data_dir),
        GRIDGOV_MEDIA_STORAGE=media_storage,
        PYTHONPATH=str(REPO),
    )
    script = "\n".join(("import django", "django.setup()", *code))
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_bad_value_stops_the_process_before_it_serves(tmp_path):
    started = _gridgov_process(media_storage="s3://", data_dir=tmp_path)

    assert started.returncode != 0
    assert "GRIDGOV_MEDIA_STORAGE='s3://': name the bucket" in started.stderr


@pytest.fixture
def shared(tmp_path) -> Path:
    """The directory every host mounts (NFS in production)."""
    directory = tmp_path / "shared"
    directory.mkdir()
    return directory


def _run_as_host(settings, *, data_dir: Path, media_storage: str) -> None:
    """This process now stores photos as a host with this data folder and setting would."""
    store = media_store_from_environment(
        {"GRIDGOV_MEDIA_STORAGE": media_storage}, local_root=data_dir / "media"
    )
    settings.MEDIA_ROOT = store.root
    settings.STORAGES = {**settings.STORAGES, "default": store.storage}


def test_a_photo_uploaded_through_one_host_is_served_by_another(
    settings, tmp_path, shared, resident, supervisor
):
    sent = image_bytes("PNG", size=(40, 30))
    _run_as_host(settings, data_dir=tmp_path / "host-a", media_storage=f"file://{shared}")
    case = submit(sign_in(resident))
    photo = upload(sign_in(resident), case["id"], sent).json()

    _run_as_host(settings, data_dir=tmp_path / "host-b", media_storage=f"file://{shared}")
    served = sign_in(supervisor).get(photo["url"].removeprefix("/api/v1"))

    assert served.status_code == 200
    assert b"".join(served.streaming_content) == sent
    assert not (tmp_path / "host-a" / "media").exists()


def test_a_host_with_its_own_folder_answers_not_found_not_an_error(
    settings, tmp_path, shared, resident
):
    _run_as_host(settings, data_dir=tmp_path / "host-a", media_storage=f"file://{shared}")
    case = submit(sign_in(resident))
    photo = upload(sign_in(resident), case["id"], image_bytes()).json()

    _run_as_host(settings, data_dir=tmp_path / "host-c", media_storage="")
    served = sign_in(resident).get(photo["url"].removeprefix("/api/v1"))

    assert served.status_code == 404
    assert served.json()["code"] == "not_found"


def test_another_process_configured_by_the_setting_reads_the_same_file(
    settings, tmp_path, shared, resident
):
    _run_as_host(settings, data_dir=tmp_path / "host-a", media_storage=f"file://{shared}")
    case = submit(sign_in(resident))
    upload(sign_in(resident), case["id"], image_bytes("JPEG"), content_type="image/jpeg")
    photo = Photo.objects.get(incident_id=case["id"])
    with photo.original.open("rb") as written:
        expected = hashlib.sha256(written.read()).hexdigest()

    other_host = _gridgov_process(
        "import hashlib",
        "from django.core.files.storage import default_storage",
        f"with default_storage.open({photo.original.name!r}, 'rb') as stored:",
        "    print(hashlib.sha256(stored.read()).hexdigest())",
        media_storage=f"file://{shared}",
        data_dir=tmp_path / "host-b",
    )

    assert other_host.returncode == 0, other_host.stderr
    assert other_host.stdout.strip() == expected


def test_no_url_outside_the_api_reaches_a_photo(settings, shared, tmp_path, resident, supervisor):
    _run_as_host(settings, data_dir=tmp_path / "host-a", media_storage=f"file://{shared}")
    case = submit(sign_in(resident))
    upload(sign_in(resident), case["id"], image_bytes())
    photo = Photo.objects.get(incident_id=case["id"])
    browser = Client()
    browser.force_login(supervisor)

    for name in (photo.original.name, photo.stripped.name):
        for prefix in ("/", "/media/", "/static/", "/var/media/"):
            assert browser.get(f"{prefix}{name}").status_code == 404, f"{prefix}{name}"


def test_the_admin_links_a_photo_to_the_api_not_to_the_store(media_root, resident, admin_user):
    case = submit(sign_in(resident))
    upload(sign_in(resident), case["id"], image_bytes())
    photo = Photo.objects.get(incident_id=case["id"])
    admin_user.is_superuser = True
    admin_user.save()
    browser = Client()
    browser.force_login(admin_user)

    page = browser.get(f"/admin/incidents/photo/{photo.pk}/change/").content.decode()

    assert f'href="/api/v1/incidents/{case["id"]}/photos/{photo.pk}"' in page
    assert photo.original.name not in page
    assert photo.stripped.name not in page
