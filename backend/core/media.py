"""Photos streamed out of the configured store (`GRIDGOV_MEDIA_STORAGE`), whichever host asks.

Every photo leaves through a route that has already checked who may see it: the stores have no
public URL, so these responses are the only way out.
"""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext as _

from .errors import NotFound


def stored_photo_response(
    stored: FieldFile, *, content_type: str, cache_control: str
) -> FileResponse:
    """The file streamed in blocks, never read whole; one the store lacks is not found."""
    if not stored.name:
        raise NotFound(_("No such photo."))
    try:
        # The storage's own file, not `stored.open()`: that would keep the handle on the model
        # instance, and on a shared store the name is all that identifies the file.
        opened = stored.storage.open(stored.name, "rb")
    except FileNotFoundError:
        # A row whose file never reached the shared store (or a host with its own folder).
        raise NotFound(_("No such photo.")) from None
    response = FileResponse(opened, content_type=content_type)
    response["Cache-Control"] = cache_control
    return response
