"""Reads of housing projects (保交楼).

Two levels of visibility. Every signed-in user may know that a project exists and where it is
(its basic fields): buyers pick their project when they complain, so no project is hidden and
none is a 404 except a missing one. Its figures (progress, delivered units, revised date,
funding, risk, officer, open cases, history) are for the staff who follow it:
`housing_projects_followed_by(user)` is that one rule, and every read asks it; where a project
lies in the caller's scope is the caller's `Scope` (`backend.accounts.scope`).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.scope import Scope, scope_of
from backend.core.errors import Forbidden, NotFound
from backend.incidents.models import FINAL_STATUSES, CategoryCode, Incident

from .models import FundingStatus, HousingProject, ProgressPhoto, ProgressUpdate, RiskLevel


def housing_projects_supervised_by(scope: Scope) -> QuerySet[HousingProject]:
    """The projects a supervisor answers for (`Scope.supervised`): those in their streets, or
    all in a zone supervisor's or an admin's scope; none for anyone else."""
    return HousingProject.objects.filter(scope.supervised())


def housing_projects_followed_by(user: User) -> QuerySet[HousingProject]:
    """The projects whose figures the user sees: what they supervise, projects in a worker's
    grids, and any project they are the responsible officer of. Residents follow none: risk
    and funding of a developer are not told to buyers through the app."""
    scope = scope_of(user)
    if not scope.follows_housing:
        return HousingProject.objects.none()
    # A subquery, not `scope.supervised() | ...`: the whole zone's filter is the empty Q, which
    # an OR would drop.
    supervised = housing_projects_supervised_by(scope).values("pk")
    return HousingProject.objects.filter(
        Q(pk__in=supervised) | Q(grid_id__in=scope.grid_ids) | Q(responsible_officer=user)
    )


def may_record_progress(user: User, project: HousingProject) -> bool:
    """Whether the user reports the project's progress (`Scope.may_record_progress`)."""
    return scope_of(user).may_record_progress(
        street_id=project.street_id, responsible_officer_id=project.responsible_officer_id
    )


def days_late(project: HousingProject, *, today: date) -> int:
    """Whole days since the delivery date (the revised one when set), in the zone's calendar;
    0 before that date, on it, and once every unit is delivered."""
    if project.delivered_units >= project.total_units:
        return 0
    due = project.revised_delivery or project.planned_delivery
    return max(0, (today - due).days)


def is_at_risk(project: HousingProject, *, today: date) -> bool:
    """At risk: risk level high, or late (days late > 0)."""
    return project.risk_level == RiskLevel.HIGH or days_late(project, today=today) > 0


RISK_RANK = {RiskLevel.HIGH: 0, RiskLevel.MEDIUM: 1, RiskLevel.LOW: 2}


def _risk_order(project: HousingProject, today: date) -> tuple:
    # Only the figures the caller sees may move a project up: residents get the name order.
    if not project.figures_visible:
        return (1, 1, 0, 0)
    return (
        0,
        0 if is_at_risk(project, today=today) else 1,
        RISK_RANK[project.risk_level],
        -days_late(project, today=today),
    )


def _annotated(projects: QuerySet[HousingProject], user: User) -> QuerySet[HousingProject]:
    # Subqueries, not joins: counting cases over a join with the updates would multiply them.
    open_cases = (
        Incident.objects.filter(housing_project=OuterRef("pk"), category=CategoryCode.HOUSING)
        .exclude(status__in=FINAL_STATUSES)
        .order_by()
        .values("housing_project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last_update = ProgressUpdate.objects.filter(project=OuterRef("pk")).order_by("-at", "-id")
    followed = housing_projects_followed_by(user).filter(pk=OuterRef("pk"))
    return projects.select_related("street", "grid", "responsible_officer").annotate(
        open_cases=Coalesce(Subquery(open_cases, output_field=IntegerField()), 0),
        last_update_at=Subquery(last_update.values("at")[:1]),
        figures_visible=Exists(followed),
    )


def housing_projects_list(
    *,
    user: User,
    street: str | None = None,
    risk_level: str | None = None,
    followed: bool = False,
    order: str = "name",
    today: date | None = None,
) -> list[HousingProject]:
    """Every project, by name; `risk_level` matches only projects whose figures the caller sees
    (so the filter cannot tell a resident what the figures would not), and so does `followed`.

    `order="risk"`: the projects whose figures the caller sees first, at risk before the rest,
    then high risk before medium and low, the latest first, then by name.
    """
    projects = _annotated(HousingProject.objects.all(), user)
    if street:
        projects = projects.filter(street__code=street)
    if risk_level:
        projects = projects.filter(figures_visible=True, risk_level=risk_level)
    if followed:
        projects = projects.filter(figures_visible=True)
    found = list(projects.order_by("name", "id"))
    if order == "risk":
        today = today or timezone.localdate()
        # Stable: equal keys keep the name order.
        found.sort(key=lambda project: _risk_order(project, today))
    return found


def housing_project_get(*, user: User, project_id: int) -> HousingProject:
    """One project with its annotations; its history is prefetched only for those who see it."""
    found = _annotated(HousingProject.objects.filter(pk=project_id), user).first()
    if found is None:
        raise NotFound(_("No such housing project."))
    found.may_record_progress = may_record_progress(user, found)
    if found.figures_visible:
        found.history = list(
            found.updates.select_related("author").prefetch_related("photos").order_by("at", "id")
        )
        # The buyers' complaints about it, as far as the caller may see cases at all.
        found.cases = list(
            Incident.objects.filter(scope_of(user).incidents(), housing_project=found).order_by(
                "-created_at", "-id"
            )
        )
    return found


@dataclass(frozen=True)
class HousingSummary:
    today: date
    project_count: int
    units_total: int
    units_planned: int
    units_delivered: int
    units_delivered_of_planned: int
    by_risk_level: dict[str, int]
    by_funding_status: dict[str, int]
    at_risk: list[HousingProject]
    with_open_cases: list[HousingProject]


def housing_zone_summary(*, user: User, today: date | None = None) -> HousingSummary:
    """The projects a supervisor answers for, summed up for a meeting.

    At risk: risk level high, or late (days late > 0). Planned units: the units of projects
    whose delivery date (revised, else planned) is before today, i.e. due by now; delivered
    units: every delivered unit, and separately those of the due projects.
    """
    scope = scope_of(user)
    if not scope.may_see_housing_summary:
        raise Forbidden(_("Only supervisors and admins see the housing summary."))
    today = today or timezone.localdate()
    supervised = housing_projects_supervised_by(scope)
    projects = list(_annotated(supervised, user).order_by("name", "id"))
    for project in projects:
        project.days_late = days_late(project, today=today)
    due = [p for p in projects if (p.revised_delivery or p.planned_delivery) < today]
    by_risk = {level: 0 for level in RiskLevel.values}
    by_funding = {status: 0 for status in FundingStatus.values}
    for project in projects:
        by_risk[project.risk_level] += 1
        by_funding[project.funding_status] += 1
    return HousingSummary(
        today=today,
        project_count=len(projects),
        units_total=sum(p.total_units for p in projects),
        units_planned=sum(p.total_units for p in due),
        units_delivered=sum(p.delivered_units for p in projects),
        units_delivered_of_planned=sum(p.delivered_units for p in due),
        by_risk_level=by_risk,
        by_funding_status=by_funding,
        at_risk=[p for p in projects if is_at_risk(p, today=today)],
        with_open_cases=[p for p in projects if p.open_cases > 0],
    )


def progress_photo_get(
    *, user: User, project_id: int, update_id: int, photo_id: int
) -> ProgressPhoto:
    """A photo of a project's history, for those who see the history; any other is not found."""
    found = (
        ProgressPhoto.objects.filter(
            pk=photo_id,
            update_id=update_id,
            update__project_id=project_id,
            update__project__in=housing_projects_followed_by(user),
        )
        .select_related("update")
        .first()
    )
    if found is None:
        raise NotFound(_("No such photo."))
    return found
