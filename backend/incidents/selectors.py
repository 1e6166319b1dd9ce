"""Reads of incidents and hazard sites. Scope is `backend.accounts.scope.Scope`, and every read
goes through it (`incidents_visible_to`, `hazard_sites_visible_to`): a row outside the caller's
scope is missing to them, exactly like one that does not exist."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.scope import scope_of
from backend.core.errors import Forbidden, NotFound
from backend.core.schemas import parse_id

from .models import (
    FINAL_STATUSES,
    CategoryCode,
    HazardSite,
    Incident,
    Photo,
    Severity,
    Status,
    Subcategory,
    TimelineEntry,
)


def incidents_visible_to(user: User) -> QuerySet[Incident]:
    """The cases the user sees (`Scope.incidents`); every read of cases starts here."""
    return Incident.objects.filter(scope_of(user).incidents())


def _with_relations(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    return incidents.select_related(
        "street", "grid", "reporter", "assignee", "subcategory"
    ).prefetch_related("photos")


def incident_get(*, user: User, incident_id: int, for_update: bool = False) -> Incident:
    incidents = incidents_visible_to(user)
    if for_update:
        incidents = incidents.select_for_update(of=("self",))
    found = _with_relations(incidents).filter(pk=incident_id).first()
    if found is None:
        raise NotFound(_("No such incident."))
    return found


@dataclass(frozen=True)
class IncidentFilters:
    status: list[str]
    category: list[str]
    grid: str | None
    street: str | None
    bbox: tuple[float, float, float, float] | None
    since: datetime | None
    created_from: datetime | None = None
    created_to: datetime | None = None


# How a list may be ordered. `newest` is the contract's default. `overdue` is a work queue's:
# the most overdue first (the oldest deadline), then the nearest deadlines, then cases with no
# deadline, newest first; a case 28 days overdue never sits below a fresh one.
ORDERINGS = {
    "newest": (F("created_at").desc(), F("id").desc()),
    "overdue": (F("due_at").asc(nulls_last=True), F("created_at").desc(), F("id").desc()),
}


def incidents_list(
    *,
    user: User,
    filters: IncidentFilters,
    page: int,
    page_size: int,
    ordering: str = "newest",
) -> tuple[list[Incident], int]:
    """One page of the cases the user may see, in `ordering` (newest first unless asked), and
    the count over all pages."""
    incidents = incidents_visible_to(user)
    if filters.status:
        incidents = incidents.filter(status__in=filters.status)
    if filters.category:
        incidents = incidents.filter(category__in=filters.category)
    if filters.grid:
        incidents = incidents.filter(grid__code=filters.grid)
    if filters.street:
        incidents = incidents.filter(street__code=filters.street)
    if filters.bbox:
        min_lon, min_lat, max_lon, max_lat = filters.bbox
        incidents = incidents.filter(
            lon__gte=min_lon, lon__lte=max_lon, lat__gte=min_lat, lat__lte=max_lat
        )
    if filters.since:
        incidents = incidents.filter(updated_at__gte=filters.since)
    if filters.created_from:
        incidents = incidents.filter(created_at__gte=filters.created_from)
    if filters.created_to:
        incidents = incidents.filter(created_at__lt=filters.created_to)
    count = incidents.count()
    start = (page - 1) * page_size
    page_items = list(
        _with_relations(incidents.order_by(*ORDERINGS[ordering]))[start : start + page_size]
    )
    return page_items, count


def is_overdue(incident: Incident, *, now: datetime | None = None) -> bool:
    return incident.due_at is not None and incident.due_at < (now or timezone.now())


def last_resolution(incident: Incident) -> TimelineEntry | None:
    """The entry that last moved the case to resolved (confirms keep it resolved: not those)."""
    return (
        TimelineEntry.objects.filter(incident=incident, to_status=Status.RESOLVED)
        .exclude(from_status=Status.RESOLVED)
        .order_by("-at", "-id")
        .first()
    )


def verification_photo_missing(incident: Incident) -> bool:
    """A major hazard (重大隐患) closes only after on-site verification with evidence: a photo
    added since it was last resolved, by the handler with the resolution or by the verifier.
    A photo from before cannot tell the fixed state from the hazard itself."""
    if incident.category != CategoryCode.SAFETY or incident.severity != Severity.MAJOR:
        return False
    resolution = last_resolution(incident)
    return resolution is None or not incident.photos.filter(uploaded_at__gte=resolution.at).exists()


def photo_get(*, user: User, incident_id: int, photo_id: int) -> Photo:
    """A photo of a case the user may see; any other is not found."""
    incident = incident_get(user=user, incident_id=incident_id)
    photo = Photo.objects.filter(incident=incident, pk=photo_id).first()
    if photo is None:
        raise NotFound(_("No such photo."))
    return photo


def sees_original_photos(user: User) -> bool:
    return scope_of(user).sees_original_photos


CATEGORY_NAMES_EN = {
    CategoryCode.SAFETY: "Safety hazard",
    CategoryCode.PETITION: "Petition",
    CategoryCode.HOUSING: "Housing delivery",
    CategoryCode.OTHER: "Other",
}


def categories_list() -> list[dict]:
    subcategories = Subcategory.objects.filter(active=True).order_by("code")
    return [
        {
            "code": code,
            "name": str(label),
            "name_en": CATEGORY_NAMES_EN[code],
            "subcategories": [
                {"code": s.code, "name": s.name, "name_en": s.name_en}
                for s in subcategories
                if s.category == code
            ],
        }
        for code, label in CategoryCode.choices
    ]


def hazard_sites_visible_to(user: User) -> QuerySet[HazardSite]:
    """The sites in the user's scope, placed like cases; residents have none."""
    return HazardSite.objects.filter(scope_of(user).rows())


def hazard_sites_check_staff(user: User) -> None:
    if not scope_of(user).may_manage_hazard_sites:
        raise Forbidden(_("Hazard sites are for grid workers and supervisors."))


def _hazards_counted(sites: QuerySet[HazardSite], user: User) -> QuerySet[HazardSite]:
    """`hazards` and `open_hazards`: the site's safety cases the user may see, counted in the
    same query as the sites (a subquery each, not a query per site)."""
    hazards = incidents_visible_to(user).filter(
        hazard_site=OuterRef("pk"), category=CategoryCode.SAFETY
    )

    def counted(cases: QuerySet[Incident]) -> Coalesce:
        per_site = cases.order_by().values("hazard_site").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(per_site, output_field=IntegerField()), 0)

    return sites.select_related("street", "grid").annotate(
        hazards=counted(hazards),
        open_hazards=counted(hazards.exclude(status__in=FINAL_STATUSES)),
    )


def hazard_sites_list(*, user: User, street: str | None, limit: int = 500) -> list[HazardSite]:
    hazard_sites_check_staff(user)
    sites = hazard_sites_visible_to(user)
    if street:
        sites = sites.filter(street__code=street)
    return list(_hazards_counted(sites, user)[:limit])


def hazard_site_get(*, user: User, site_id: str) -> HazardSite:
    """A site in the user's scope; any other is not found, like a missing one."""
    hazard_sites_check_staff(user)
    found = None
    if (pk := parse_id(site_id)) is not None:
        sites = _hazards_counted(hazard_sites_visible_to(user), user)
        found = sites.filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such hazard site."))
    return found


def hazard_site_history(*, user: User, site: HazardSite, limit: int = 200) -> list[Incident]:
    """The site's safety cases the user may see, newest first."""
    cases = incidents_visible_to(user).filter(hazard_site=site, category=CategoryCode.SAFETY)
    return list(_with_relations(cases.order_by("-created_at", "-id"))[:limit])


def hazard_site_detail(*, user: User, site_id: str) -> tuple[HazardSite, list[Incident]]:
    """A site in the user's scope with the safety cases of it they may see, newest first."""
    site = hazard_site_get(user=user, site_id=site_id)
    return site, hazard_site_history(user=user, site=site)
