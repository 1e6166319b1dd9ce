"""Uploaded images: decoded to prove they are images, and re-encoded without EXIF (GPS
position, device) for those who may not see where and with what they were taken. Cases and
housing projects keep their photos with these checks."""

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import Invalid, UnsupportedMediaType
from .errors import TooLarge as PhotoTooLarge

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
