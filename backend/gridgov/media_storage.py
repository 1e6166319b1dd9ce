"""Where photos are stored, from `GRIDGOV_MEDIA_STORAGE`: a local folder by default, or a store
every app host shares (a mounted directory, or an S3-compatible bucket).

Read by the settings module, so it imports nothing that needs Django configured. A bad value stops
the process at startup with the variable named, rather than failing the first photo with a 500.
"""

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

VARIABLE = "GRIDGOV_MEDIA_STORAGE"
FILE_SYSTEM_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "storages.backends.s3.S3Storage"

# Query parameters of an `s3://` value, and the S3Storage option each one sets.
S3_PARAMETERS = {
    "endpoint_url": "endpoint_url",
    "region": "region_name",
    "addressing_style": "addressing_style",
}
ADDRESSING_STYLES = {"auto", "path", "virtual"}
# S3's rule for bucket names (lower case, digits, dots and hyphens; 3 to 63 characters).
BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")

# S3File downloads an object whole before it is read; past this size it spools to a temporary
# file instead of memory (django-storages' default, 0, never spools), so a photo being streamed
# costs at most this much memory per request.
S3_MAX_MEMORY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class MediaStore:
    """`root` is MEDIA_ROOT (used by the file-system backend only); `storage` is
    STORAGES["default"]."""

    root: Path
    storage: dict


def media_store(value: str, *, local_root: Path) -> MediaStore:
    """The store a `GRIDGOV_MEDIA_STORAGE` value names; empty means the local folder."""
    value = value.strip()
    if not value:
        return MediaStore(root=local_root, storage={"BACKEND": FILE_SYSTEM_BACKEND})
    parts = urlsplit(value)
    if parts.scheme == "file":
        return _shared_directory(value, parts)
    if parts.scheme == "s3":
        return MediaStore(root=local_root, storage=_s3_bucket(value, parts))
    raise _bad(value, "use file:///an/absolute/path or s3://bucket")


def media_store_from_environment(environ: dict[str, str], *, local_root: Path) -> MediaStore:
    """The store the environment chooses, checked as far as can be without reaching it."""
    value = environ.get(VARIABLE, "")
    store = media_store(value, local_root=local_root)
    if store.storage["BACKEND"] == S3_BACKEND and importlib.util.find_spec("storages") is None:
        raise _bad(value, "an s3:// store needs django-storages: pip install 'gridgov[s3]'")
    if (
        value.strip()
        and store.storage["BACKEND"] == FILE_SYSTEM_BACKEND
        and not store.root.is_dir()
    ):
        # Saving would create the folder on this host's own disk: with the share not mounted,
        # photos would land where the other hosts never look.
        raise _bad(value, f"{store.root} is not a directory; mount the shared directory first")
    return store


def _shared_directory(value: str, parts) -> MediaStore:
    if parts.netloc not in {"", "localhost"}:
        # file://srv/media would silently mean the relative "media" on host "srv".
        raise _bad(value, "a file:// path must be absolute: file:///srv/gridgov/media")
    if parts.query or parts.fragment:
        raise _bad(value, "a file:// store takes no parameters")
    path = Path(unquote(parts.path))
    if not path.is_absolute() or path == Path("/"):
        raise _bad(value, "a file:// path must be an absolute directory")
    return MediaStore(root=path, storage={"BACKEND": FILE_SYSTEM_BACKEND})


def _s3_bucket(value: str, parts) -> dict:
    if "@" in parts.netloc:
        # Keys in the URL would be printed wherever the setting is (this error included);
        # boto3 reads them from the environment instead.
        raise _bad(
            f"s3://{parts.hostname}...",
            "give credentials as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, not in the URL",
        )
    if not BUCKET_NAME.fullmatch(parts.netloc):
        raise _bad(value, "name the bucket: s3://bucket (lower case, digits, dots, hyphens)")
    if parts.fragment:
        raise _bad(value, "an s3:// store takes no #fragment")
    options = {
        "bucket_name": parts.netloc,
        "location": unquote(parts.path).strip("/"),
        # Originals are private: no object gets a public-read ACL, nor a signed URL that would
        # let a link outlive the API's permission check; photos are streamed through the API.
        "default_acl": None,
        "querystring_auth": False,
        # Two uploads with the same name must never replace each other.
        "file_overwrite": False,
        "max_memory_size": S3_MAX_MEMORY_BYTES,
    }
    for name, given in parse_qsl(parts.query, keep_blank_values=True):
        if name not in S3_PARAMETERS:
            allowed = ", ".join(S3_PARAMETERS)
            raise _bad(value, f"unknown parameter {name!r} (known: {allowed})")
        if not given:
            raise _bad(value, f"parameter {name!r} is empty")
        if name == "addressing_style" and given not in ADDRESSING_STYLES:
            raise _bad(value, f"addressing_style is one of {', '.join(sorted(ADDRESSING_STYLES))}")
        if name == "endpoint_url" and urlsplit(given).scheme not in {"http", "https"}:
            raise _bad(value, "endpoint_url must be an http(s) URL")
        options[S3_PARAMETERS[name]] = given
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}


def _bad(value: str, reason: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{VARIABLE}={value!r}: {reason}.")
