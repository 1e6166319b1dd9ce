"""Photos: decoded to prove they are images, kept as sent for supervisors and re-encoded
without EXIF (GPS position, device) for everyone else."""

import io
from dataclasses import dataclass
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from backend.accounts.models import User
from backend.core.errors import Invalid, UnsupportedMediaType
from backend.core.errors import TooLarge as PhotoTooLarge

from ..models import Photo
from ..selectors import incident_get
from .events import incident_event_record
from .timeline import timeline_record

MAX_PHOTO_BYTES = 10 * 1024 * 1024
# 40 megapixels: any phone camera, and far below a decompression bomb.
MAX_PHOTO_PIXELS = 40_000_000
FORMATS = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
}


@dataclass(frozen=True)
class Upload:
    name: str
    content_type: str
    data: bytes


@transaction.atomic
def photo_add(
    *, user: User, incident_id: int, upload: Upload, now: datetime | None = None
) -> Photo:
    """Attach a checked photo; `now` is for replaying history (the demo) and tests."""
    incident = incident_get(user=user, incident_id=incident_id, for_update=True)
    image_format, width, height = checked_image(upload)
    content_type, extension = FORMATS[image_format]
    now = now or timezone.now()
    photo = Photo(
        incident=incident,
        uploaded_by=user,
        uploaded_at=now,
        content_type=content_type,
        width=width,
        height=height,
    )
    photo.original.save(f"original{extension}", ContentFile(upload.data), save=False)
    photo.stripped.save(
        f"stripped{extension}",
        ContentFile(without_metadata(upload.data, image_format)),
        save=False,
    )
    photo.save()
    incident.updated_at = now
    incident.save(update_fields=["updated_at"])
    timeline_record(
        incident=incident,
        actor=user,
        action="add_photo",
        from_status=incident.status,
        to_status=incident.status,
        at=now,
    )
    incident_event_record(incident=incident, type="incident.updated")
    return photo


def checked_image(upload: Upload) -> tuple[str, int, int]:
    """The upload's format, width and height, once it decodes as a JPEG, PNG or WebP <= 10 MB."""
    if not upload.data:
        raise Invalid(_("The file is empty."), field="file")
    if len(upload.data) > MAX_PHOTO_BYTES:
        raise PhotoTooLarge(_("A photo may be at most 10 MB."))
    try:
        with Image.open(io.BytesIO(upload.data)) as image:
            image_format = image.format
            width, height = image.size
            if width * height > MAX_PHOTO_PIXELS:
                raise Invalid(_("The image has too many pixels."), field="file")
            # verify() checks structure; load() decodes every pixel, which finds truncation.
            image.verify()
        with Image.open(io.BytesIO(upload.data)) as image:
            image.load()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as error:
        raise Invalid(
            _("The file is not a readable JPEG, PNG or WebP image."), field="file"
        ) from error
    if image_format not in FORMATS:
        raise UnsupportedMediaType(_("Photos must be JPEG, PNG or WebP."))
    claimed = upload.content_type.split(";")[0].strip().lower()
    if claimed and claimed != "application/octet-stream" and claimed != FORMATS[image_format][0]:
        raise UnsupportedMediaType(
            _("The file is %(actual)s but was sent as %(claimed)s.")
            % {"actual": FORMATS[image_format][0], "claimed": claimed}
        )
    return image_format, width, height


def without_metadata(data: bytes, image_format: str) -> bytes:
    """The image re-encoded upright in its own format, without EXIF or other metadata."""
    with Image.open(io.BytesIO(data)) as image:
        # Apply the EXIF rotation before dropping EXIF, or the copy would lie on its side.
        upright = ImageOps.exif_transpose(image)
        if image_format == "JPEG" and upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        out = io.BytesIO()
        options = {"quality": 85} if image_format in ("JPEG", "WEBP") else {}
        upright.save(out, format=image_format, **options)
        return out.getvalue()
