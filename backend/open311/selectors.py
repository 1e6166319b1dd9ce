"""Reads for Open311: the service list built from categories and subcategories, and the
public view of requests.

Petitions (信访) are left out of Open311 altogether: CONTRACT.md hides the petitioner from
everyone but a few supervisors, and a petition's text, place and time identify the petitioner
in a grid of a few hundred households. An Open311 submission is also filed under a shared
service account, while a petition must name the person petitioning. So petitions are neither
offered as services, nor accepted, nor listed: to the public they do not exist.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from backend.core.errors import Invalid, NotFound
from backend.incidents.models import (
    FINAL_STATUSES,
    CategoryCode,
    Incident,
    Photo,
    Subcategory,
    TimelineEntry,
)

from .params import MAX_RESULTS, RequestQuery

PUBLIC_CATEGORIES = (CategoryCode.SAFETY, CategoryCode.HOUSING, CategoryCode.OTHER)
CATEGORY_NAMES_EN = {
    CategoryCode.SAFETY: "Safety hazard",
    CategoryCode.PETITION: "Petition",
    CategoryCode.HOUSING: "Housing delivery",
    CategoryCode.OTHER: "Other",
}
# When the service mapping itself last changed; admins' later edits move the changeset on.
MAPPING_CHANGED_AT = datetime(2026, 11, 25, tzinfo=UTC)


@dataclass(frozen=True)
class Service:
    code: str
    category: str
    subcategory_id: int | None
    name: str
    name_en: str
    group: str
    group_en: str


def _category_service(category: str) -> Service:
    label, label_en = str(CategoryCode(category).label), CATEGORY_NAMES_EN[category]
    return Service(category, category, None, label, label_en, label, label_en)


def _subcategory_service(subcategory: Subcategory) -> Service:
    category = CategoryCode(subcategory.category)
    return Service(
        code=subcategory.code,
        category=category,
        subcategory_id=subcategory.pk,
        name=subcategory.name,
        name_en=subcategory.name_en,
        group=str(category.label),
        group_en=CATEGORY_NAMES_EN[category],
    )


def services_list() -> list[Service]:
    """Per category, one service per active subcategory, then one for the category itself
    (a report that fits no subcategory; its code is the category's, e.g. `other`)."""
    subcategories = Subcategory.objects.filter(active=True, category__in=PUBLIC_CATEGORIES)
    by_category: dict[str, list[Service]] = {category: [] for category in PUBLIC_CATEGORIES}
    for subcategory in subcategories.order_by("code"):
        by_category[subcategory.category].append(_subcategory_service(subcategory))
    return [
        service
        for category in PUBLIC_CATEGORIES
        for service in [*by_category[category], _category_service(category)]
    ]


def service_get(*, code: str, active_only: bool = True) -> Service:
    """A public service by code; retired subcategories only when `active_only` is off (their
    old requests still carry the code)."""
    if code in PUBLIC_CATEGORIES:
        return _category_service(code)
    subcategories = Subcategory.objects.filter(code=code, category__in=PUBLIC_CATEGORIES)
    if active_only:
        subcategories = subcategories.filter(active=True)
    found = subcategories.first()
    if found is None:
        raise NotFound(f"service_code '{code[:100]}' was not found.")
    return _subcategory_service(found)


def service_of(incident: Incident) -> Service:
    if incident.subcategory_id:
        return _subcategory_service(incident.subcategory)
    return _category_service(incident.category)


def services_changeset() -> datetime:
    """Sortable: the later of the mapping's own date and the last admin edit of a
    subcategory, so clients know when to refresh cached service lists."""
    content_type = ContentType.objects.get_for_model(Subcategory)
    edited = (
        LogEntry.objects.filter(content_type=content_type)
        .order_by("-action_time")
        .values_list("action_time", flat=True)
        .first()
    )
    return max(MAPPING_CHANGED_AT, edited) if edited else MAPPING_CHANGED_AT


def requests_public() -> QuerySet[Incident]:
    """Every request the public may see, with what its Open311 form needs."""
    # The official explanation of the current state: staff notes on moves, not comments
    # (a conversation that may carry personal details) nor the reporter's own words, nor an
    # admin's correction (whose note names the fields corrected).
    status_note = (
        TimelineEntry.objects.filter(incident=OuterRef("pk"))
        .exclude(note="")
        .exclude(action__in=("comment", "correct"))
        .exclude(actor=OuterRef("reporter"))
        .order_by("-at", "-id")
        .values("note")[:1]
    )
    photos = Photo.objects.only("id", "incident_id").order_by("uploaded_at", "id")
    return (
        Incident.objects.exclude(category=CategoryCode.PETITION)
        .select_related("street", "subcategory")
        .prefetch_related(Prefetch("photos", queryset=photos))
        .annotate(status_note=Subquery(status_note))
    )


def requests_list(*, query: RequestQuery) -> list[Incident]:
    """Newest first, at most MAX_RESULTS (the spec's "first 1000 requests returned")."""
    incidents = requests_public()
    if query.numbers:
        incidents = incidents.filter(number__in=query.numbers)
    else:
        incidents = incidents.filter(created_at__gte=query.start, created_at__lte=query.end)
        if query.statuses and set(query.statuses) != {"open", "closed"}:
            closed = Q(status__in=FINAL_STATUSES)
            incidents = incidents.filter(closed if "closed" in query.statuses else ~closed)
        if query.service_codes:
            incidents = incidents.filter(_services_filter(query.service_codes))
    return list(incidents.order_by("-created_at", "-id")[:MAX_RESULTS])


def _services_filter(codes: list[str]) -> Q:
    match = Q(pk__in=[])
    for code in codes:
        try:
            service = service_get(code=code, active_only=False)
        except NotFound:
            raise Invalid(f"Unknown service_code '{code[:100]}'.", field="service_code") from None
        if service.subcategory_id is None:
            match |= Q(category=service.category, subcategory__isnull=True)
        else:
            match |= Q(subcategory_id=service.subcategory_id)
    return match


def request_get(*, number: str) -> Incident:
    found = requests_public().filter(number=number).first()
    if found is None:
        raise NotFound(f"service_request_id '{number[:100]}' was not found.")
    return found


def public_photo_get(*, photo_id: int) -> Photo:
    """A photo of a public request; the EXIF-free copy is what gets served."""
    found = (
        Photo.objects.exclude(incident__category=CategoryCode.PETITION).filter(pk=photo_id).first()
    )
    if found is None:
        raise NotFound("No such media.")
    return found
