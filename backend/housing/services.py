"""Writes of housing projects: creating one, recording its progress, adding photos.

Progress is a series of records, never overwritten; the project's current figures are a copy
of its latest record, refreshed in the same transaction that adds one.
"""

import hashlib
import json
import uuid
from dataclasses import asdict, dataclass
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import STAFF_ROLES, User
from backend.accounts.scope import scope_of
from backend.boundaries.locator import locate
from backend.boundaries.models import Grid, Street
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.images import FORMATS, Upload, checked_image, without_metadata

from .models import FundingStatus, HousingProject, ProgressPhoto, ProgressUpdate, RiskLevel
from .selectors import may_record_progress


@dataclass(frozen=True)
class NewProject:
    name: str
    developer: str
    lon: float
    lat: float
    total_units: int
    planned_delivery: date
    footprint: str = ""  # GeoJSON text, already checked to be a valid (Multi)Polygon
    responsible_officer: str | None = None
    funding_status: str = FundingStatus.SECURED
    risk_level: str = RiskLevel.LOW


@dataclass(frozen=True)
class ProgressReport:
    progress_percent: int
    delivered_units: int
    # Left out (None): the project's current value carries over, so each record is whole.
    revised_delivery: date | None = None
    funding_status: str | None = None
    risk_level: str | None = None
    note: str = ""
    # The phone outbox's key for this record: a retry with it returns the first record.
    client_id: uuid.UUID | None = None

    def fingerprint(self, project_id: int) -> str:
        body = {**asdict(self), "project_id": project_id}
        canonical = json.dumps(body, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


@transaction.atomic
def housing_project_create(*, user: User, project: NewProject) -> HousingProject:
    """Register a project (supervisors and admins); its street and grid come from its point."""
    if not scope_of(user).may_register_housing_projects:
        raise Forbidden(_("Only supervisors and admins register housing projects."))
    officer = _officer(project.responsible_officer)
    location = locate(project.lon, project.lat)
    created = HousingProject(
        name=project.name,
        developer=project.developer,
        lon=project.lon,
        lat=project.lat,
        footprint=project.footprint,
        street=Street.objects.get(code=location.street.code) if location.street else None,
        grid=Grid.objects.get(code=location.grid.code) if location.grid else None,
        total_units=project.total_units,
        planned_delivery=project.planned_delivery,
        responsible_officer=officer,
        funding_status=project.funding_status,
        risk_level=project.risk_level,
    )
    # A street supervisor registers projects of their own streets only: they could not follow
    # one anywhere else.
    if not scope_of(user).supervises(created.street_id):
        raise Forbidden(_("The project lies outside your streets."))
    created.save()
    return created


def _officer(username: str | None) -> User | None:
    if username is None:
        return None
    officer = User.objects.filter(username=username, is_active=True, role__in=STAFF_ROLES).first()
    if officer is None:
        raise Invalid(
            _("No worker, supervisor or admin named '%(username)s'.") % {"username": username},
            field="responsible_officer",
        )
    return officer


@transaction.atomic
def housing_progress_record(
    *, user: User, project_id: int, report: ProgressReport, at: datetime | None = None
) -> tuple[ProgressUpdate, bool]:
    """Add a progress record and make it the project's current figures; returns the record
    and whether it is new.

    A retry with the same client_id returns the first record and changes nothing; the same
    client_id with a different body is refused. `at` is for loading history (the demo);
    records keep their order by `at`, and the current figures follow the latest of them,
    whatever order they were entered in.
    """
    # The row lock serialises two officers reporting at once: each refresh sees the other.
    # It also serialises two retries of one record, so the second finds the first below.
    project = HousingProject.objects.select_for_update().filter(pk=project_id).first()
    if project is None:
        raise NotFound(_("No such housing project."))
    if not may_record_progress(user, project):
        raise Forbidden(
            _("Only its supervisors and responsible officer report a project's progress.")
        )
    fingerprint = report.fingerprint(project.pk) if report.client_id else ""
    existing = _existing_update(user, report.client_id, fingerprint)
    if existing is not None:
        return existing, False
    if report.delivered_units > project.total_units:
        raise Invalid(
            _("Delivered units cannot exceed the project's %(units)s units.")
            % {"units": project.total_units},
            field="delivered_units",
        )
    try:
        # A savepoint: a retry racing through another project's lock loses on the unique
        # constraint, and the transaction must survive that to read the winner's row.
        with transaction.atomic():
            update = ProgressUpdate.objects.create(
                project=project,
                at=at or timezone.now(),
                author=user,
                progress_percent=report.progress_percent,
                delivered_units=report.delivered_units,
                revised_delivery=report.revised_delivery or project.revised_delivery,
                funding_status=report.funding_status or project.funding_status,
                risk_level=report.risk_level or project.risk_level,
                note=report.note,
                client_id=report.client_id,
                client_fingerprint=fingerprint,
            )
    except IntegrityError:
        existing = _existing_update(user, report.client_id, fingerprint)
        if existing is None:
            raise
        return existing, False
    _figures_refresh(project)
    return update, True


def _existing_update(
    user: User, client_id: uuid.UUID | None, fingerprint: str
) -> ProgressUpdate | None:
    if client_id is None:
        return None
    found = ProgressUpdate.objects.filter(author=user, client_id=client_id).first()
    if found is not None and found.client_fingerprint != fingerprint:
        raise Invalid(
            _("This client_id was already used for a different progress update."),
            field="client_id",
            code="client_id_reused",
        )
    return found


def _figures_refresh(project: HousingProject) -> None:
    latest = project.updates.order_by("-at", "-id").first()
    project.progress_percent = latest.progress_percent
    project.delivered_units = latest.delivered_units
    project.revised_delivery = latest.revised_delivery
    project.funding_status = latest.funding_status
    project.risk_level = latest.risk_level
    project.save(
        update_fields=[
            "progress_percent",
            "delivered_units",
            "revised_delivery",
            "funding_status",
            "risk_level",
        ]
    )


@transaction.atomic
def housing_photo_add(
    *, user: User, project_id: int, update_id: int, upload: Upload
) -> ProgressPhoto:
    """A photo of a progress record, stored without EXIF (site photos carry GPS and device)."""
    update = (
        ProgressUpdate.objects.select_related("project")
        .filter(pk=update_id, project_id=project_id)
        .first()
    )
    if update is None:
        raise NotFound(_("No such progress update."))
    if not may_record_progress(user, update.project):
        raise Forbidden(_("Only its supervisors and responsible officer add a project's photos."))
    image_format = checked_image(upload)[0]
    content_type, extension = FORMATS[image_format]
    photo = ProgressPhoto(update=update, uploaded_at=timezone.now(), content_type=content_type)
    photo.image.save(
        f"{uuid.uuid4().hex}{extension}",
        ContentFile(without_metadata(upload.data, image_format)),
        save=False,
    )
    photo.save()
    return photo
