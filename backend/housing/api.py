from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from backend.accounts.auth import REQUIRED
from backend.core.errors import NotFound
from backend.core.images import MAX_PHOTO_BYTES, PhotoTooLarge, Upload
from backend.core.media import stored_photo_response
from backend.core.schemas import ErrorOut, error_responses, parse_id

from . import selectors, services
from .models import FundingStatus, RiskLevel
from .schemas import (
    HousingChoicesOut,
    HousingProjectDetailOut,
    HousingProjectIn,
    HousingProjectOut,
    HousingSummaryOut,
    ProgressPhotoOut,
    ProgressUpdateIn,
    ProgressUpdateOut,
    ProjectListQuery,
    progress_photo_url,
    progress_update_out,
    project_detail_out,
    project_out,
    summary_out,
)

router = Router(tags=["housing"], auth=REQUIRED)

ERRORS = error_responses(401, 403, 404, 422)
# A body that does not parse at all (not JSON, broken multipart) is Ninja's 400.
BODY_ERRORS = error_responses(400, *ERRORS)


NO_PROJECT = gettext_lazy("No such housing project.")
NO_UPDATE = gettext_lazy("No such progress update.")
NO_PHOTO = gettext_lazy("No such photo.")


def _id(raw: str, missing: str) -> int:
    # Ids are opaque to clients: anything that is not one of ours is simply not found.
    if (found := parse_id(raw)) is None:
        raise NotFound(missing)
    return found


# Declared before /housing-projects/{project_id}, which would otherwise take these as ids.
@router.get(
    "/housing-projects/choices",
    response={200: HousingChoicesOut, **ERRORS},
    description="The codes a progress record may carry, most severe last, for forms.",
)
def housing_choices(request: HttpRequest):
    return {"risk_level": RiskLevel.values, "funding_status": FundingStatus.values}


@router.get(
    "/housing-projects/summary",
    response={200: HousingSummaryOut, **ERRORS},
    description="The projects the caller supervises (supervisors, admins; others 403).",
)
def housing_summary(request: HttpRequest):
    return summary_out(selectors.housing_zone_summary(user=request.auth))


@router.post("/housing-projects", response={201: HousingProjectOut, **BODY_ERRORS})
def housing_project_create(request: HttpRequest, project: HousingProjectIn):
    """Register a project (supervisors, admins); street and grid come from lon/lat."""
    created = services.housing_project_create(
        user=request.auth,
        project=services.NewProject(
            **project.model_dump(exclude={"footprint"}), footprint=project.footprint_text()
        ),
    )
    return Status(
        201, project_out(selectors.housing_project_get(user=request.auth, project_id=created.pk))
    )


@router.get(
    "/housing-projects",
    response={200: list[HousingProjectOut], **ERRORS},
    description="Every project, by name, for everyone signed in (buyers pick theirs when they "
    "complain). Residents, and staff who do not follow a project, get its basic fields (id, name, "
    "developer, lon, lat, footprint, street, grid, total_units, planned_delivery, created_at) "
    "with every figure null and `figures_visible` false.",
)
def housing_project_list(request: HttpRequest, query: Query[ProjectListQuery]):
    projects = selectors.housing_projects_list(
        user=request.auth,
        street=query.street,
        risk_level=query.risk_level,
        followed=query.followed,
        order=query.order,
    )
    return [project_out(project) for project in projects]


@router.get("/housing-projects/{project_id}", response={200: HousingProjectDetailOut, **ERRORS})
def housing_project_detail(request: HttpRequest, project_id: str):
    project = selectors.housing_project_get(
        user=request.auth, project_id=_id(project_id, NO_PROJECT)
    )
    return project_detail_out(project)


@router.post(
    "/housing-projects/{project_id}/updates",
    response={200: ProgressUpdateOut, 201: ProgressUpdateOut, **BODY_ERRORS},
    description="A new progress record (supervisors, admins, the responsible officer); "
    "it becomes the project's current figures. A repeated client_id answers 200 with the "
    "first record.",
)
def housing_progress_record(request: HttpRequest, project_id: str, update: ProgressUpdateIn):
    recorded, created = services.housing_progress_record(
        user=request.auth,
        project_id=_id(project_id, NO_PROJECT),
        report=services.ProgressReport(**update.model_dump()),
    )
    return Status(201 if created else 200, progress_update_out(recorded))


@router.post(
    "/housing-projects/{project_id}/updates/{update_id}/photos",
    response={201: ProgressPhotoOut, 413: ErrorOut, 415: ErrorOut, **BODY_ERRORS},
)
def housing_photo_add(
    request: HttpRequest, project_id: str, update_id: str, file: File[UploadedFile]
):
    if file.size > MAX_PHOTO_BYTES:
        raise PhotoTooLarge(_("A photo may be at most 10 MB."))
    photo = services.housing_photo_add(
        user=request.auth,
        project_id=_id(project_id, NO_PROJECT),
        update_id=_id(update_id, NO_UPDATE),
        upload=Upload(name=file.name or "", content_type=file.content_type or "", data=file.read()),
    )
    return Status(
        201,
        {
            "id": photo.pk,
            "url": progress_photo_url(photo, photo.update),
            "content_type": photo.content_type,
        },
    )


@router.get(
    "/housing-projects/{project_id}/updates/{update_id}/photos/{photo_id}",
    response={200: None, **ERRORS},
)
def housing_photo(request: HttpRequest, project_id: str, update_id: str, photo_id: str):
    photo = selectors.progress_photo_get(
        user=request.auth,
        project_id=_id(project_id, NO_PROJECT),
        update_id=_id(update_id, NO_UPDATE),
        photo_id=_id(photo_id, NO_PHOTO),
    )
    return stored_photo_response(
        photo.image, content_type=photo.content_type, cache_control="private, max-age=86400"
    )
