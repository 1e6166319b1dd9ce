"""Submitting a report: idempotent by client_id, placed in its grid, never dropped."""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.boundaries.locator import Location, locate
from backend.boundaries.models import Grid, Street
from backend.core.errors import Invalid
from backend.core.schemas import parse_id

from ..deadlines import stage_due_at
from ..models import (
    CategoryCode,
    HazardSite,
    Incident,
    Photo,
    Priority,
    Severity,
    Status,
    Subcategory,
)
from ..selectors import hazard_sites_visible_to, incidents_visible_to
from ..workflow import word
from .events import incident_change_announce, incident_save
from .numbers import case_number_take, case_numbers_prepare
from .timeline import timeline_record

SEVERITY_PRIORITY = {
    Severity.GENERAL: Priority.NORMAL,
    Severity.SERIOUS: Priority.HIGH,
    Severity.MAJOR: Priority.URGENT,
}


@dataclass(frozen=True)
class NewIncident:
    client_id: uuid.UUID
    category: str
    title: str
    lon: float
    lat: float
    subcategory: str | None = None
    description: str = ""
    address: str = ""
    occurred_at: datetime | None = None
    housing_project: str | None = None
    severity: str | None = None
    people_count: int = 1
    repeat_of: str | None = None
    hazard_site: str | None = None

    def fingerprint(self) -> str:
        body = {name: getattr(self, name) for name in self.__dataclass_fields__}
        canonical = json.dumps(body, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


def incident_create(
    *, reporter: User, report: NewIncident, now: datetime | None = None
) -> tuple[Incident, bool]:
    """File a report; returns the incident and whether it is new.

    A retry with the same client_id returns the first incident (also when retries race: the
    unique constraint decides, and the loser reads the winner's row); the same client_id with
    a different body is refused. `now` is for replaying history and frozen-clock tests.

    One transaction: the retry check, the case number, the case, its timeline entry, the
    statistics and the event commit together or not at all, and none of them locks anything
    another report needs (the only shared numbers come from sequences, `.numbers` and
    `backend.realtime.horizon`).
    """
    fingerprint = report.fingerprint()
    now = now or timezone.now()
    case_numbers_prepare(now)
    try:
        with transaction.atomic():
            existing = _existing(reporter, report.client_id, fingerprint)
            if existing is not None:
                return existing, False
            links = _links(reporter, report)
            location = locate(report.lon, report.lat)
            number = case_number_take(now)
            return _insert(reporter, report, links, fingerprint, number, location, now), True
    except IntegrityError:
        # A retry racing this one committed first: the unique (reporter, client_id) made this
        # insert wait for it and fail, rolling back all of this one (its number is a gap).
        existing = _existing(reporter, report.client_id, fingerprint)
        if existing is None:
            raise
        return existing, False


def _existing(reporter: User, client_id: uuid.UUID, fingerprint: str) -> Incident | None:
    # Asked before every report, and almost always finds nothing: SQL written by hand, since
    # the ORM took longer to build the query than the database to answer it.
    key = Incident._meta.get_field("client_id").get_db_prep_value(client_id, connection)
    sql = f"SELECT * FROM {Incident._meta.db_table} WHERE reporter_id = %s AND client_id = %s"
    found = next(iter(Incident.objects.raw(sql, [reporter.pk, key])), None)
    if found is not None and found.client_fingerprint != fingerprint:
        raise Invalid(
            _("This client_id was already used for a different report."),
            field="client_id",
            code="client_id_reused",
        )
    return found


@dataclass(frozen=True)
class _Links:
    subcategory: Subcategory | None
    repeat_of: Incident | None
    hazard_site: HazardSite | None
    housing_project: Model | None


def _links(reporter: User, report: NewIncident) -> _Links:
    """Check what the report points at; each link belongs to one kind of case."""
    _only_for(report, "severity", CategoryCode.SAFETY)
    _only_for(report, "hazard_site", CategoryCode.SAFETY)
    _only_for(report, "housing_project", CategoryCode.HOUSING)
    _only_for(report, "repeat_of", CategoryCode.PETITION)
    if report.people_count != 1 and report.category != CategoryCode.PETITION:
        raise Invalid(_("people_count applies to petitions only."), field="people_count")
    return _Links(
        subcategory=_subcategory(report),
        repeat_of=_by_id(
            # A callable: the scope query runs only when a repeat is named.
            lambda: incidents_visible_to(reporter).filter(category=CategoryCode.PETITION),
            report.repeat_of,
            field="repeat_of",
        ),
        # A site out of the reporter's scope is missing to them, as in the sites' own list.
        hazard_site=_by_id(
            lambda: hazard_sites_visible_to(reporter), report.hazard_site, field="hazard_site"
        ),
        # Housing builds on cases (its projects list their cases), so the project is reached
        # through the case's foreign key rather than by importing `backend.housing`.
        housing_project=_by_id(_housing_projects, report.housing_project, field="housing_project"),
    )


def _housing_projects() -> QuerySet:
    return Incident.housing_project.field.related_model.objects.all()


def _only_for(report: NewIncident, field: str, category: str) -> None:
    if getattr(report, field) and report.category != category:
        raise Invalid(
            _("%(field)s applies to %(category)s cases only.")
            % {"field": field, "category": word(category)},
            field=field,
        )


def _by_id(candidates, raw_id: str | None, *, field: str):
    """The object `raw_id` names among `candidates()`, or a 422 naming `field`."""
    if raw_id is None:
        return None
    pk = parse_id(raw_id)
    found = candidates().filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise Invalid(
            _("No %(field)s with id %(id)s.") % {"field": field, "id": raw_id}, field=field
        )
    return found


def _subcategory(report: NewIncident) -> Subcategory | None:
    if not report.subcategory:
        return None
    found = Subcategory.objects.filter(code=report.subcategory, active=True).first()
    if found is None or found.category != report.category:
        raise Invalid(
            _("No subcategory '%(subcategory)s' in category '%(category)s'.")
            % {"subcategory": report.subcategory, "category": report.category},
            field="subcategory",
        )
    return found


def _insert(
    reporter: User,
    report: NewIncident,
    links: _Links,
    fingerprint: str,
    number: str,
    location: Location,
    now: datetime,
) -> Incident:
    incident = Incident(
        number=number,
        category=report.category,
        subcategory=links.subcategory,
        severity=report.severity or "",
        title=report.title,
        description=report.description,
        lon=report.lon,
        lat=report.lat,
        address=report.address,
        occurred_at=report.occurred_at,
        # The locator knows the ids and codes: no need to read the boundaries (and their
        # long geometry columns) again for a report.
        street=Street(pk=location.street.pk, code=location.street.code)
        if location.street
        else None,
        grid=Grid(pk=location.grid.pk, code=location.grid.code, name=location.grid.name)
        if location.grid
        else None,
        status=Status.REPORTED,
        priority=SEVERITY_PRIORITY.get(report.severity, Priority.NORMAL),
        reporter=reporter,
        client_id=report.client_id,
        client_fingerprint=fingerprint,
        created_at=now,
        updated_at=now,
        people_count=report.people_count,
        repeat_of=links.repeat_of,
        hazard_site=links.hazard_site,
        housing_project=links.housing_project,
    )
    incident.due_at = stage_due_at(incident, Status.REPORTED, now=now)
    incident_save(incident)
    # A new case has no photos: spare the payloads below a query each to find that out.
    incident._prefetched_objects_cache = {"photos": Photo.objects.none()}
    timeline_record(
        incident=incident,
        actor=reporter,
        action="create",
        from_status="",
        to_status=Status.REPORTED,
        at=now,
    )
    incident_change_announce(incident=incident, type="incident.created")
    return incident
