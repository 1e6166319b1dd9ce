"""Photos of a case: checked and stripped by `backend.core.images`, kept as sent for
supervisors and without EXIF for everyone else."""

from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.core.images import FORMATS, Upload, checked_image, without_metadata

from ..models import Photo
from ..selectors import incident_get
from .events import incident_change_announce, incident_save
from .timeline import timeline_record


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
    incident_save(incident, update_fields=["updated_at"])
    timeline_record(
        incident=incident,
        actor=user,
        action="add_photo",
        from_status=incident.status,
        to_status=incident.status,
        at=now,
    )
    incident_change_announce(incident=incident, type="incident.updated")
    return photo
