"""Rules of the three kinds of case the zone names, applied on top of the one workflow.

- Petitions (信访工作条例): the answer deadline may be extended once, by at most 30 days, with
  a reason; a review may be asked for within 30 days of the answer; a repeat petition links to
  the earlier case.
- Major safety hazards (重大隐患): closed only after on-site verification with evidence, that is
  a photo taken after the case was resolved.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.errors import Conflict, Invalid
from backend.core.schemas import parse_id

from ..deadlines import deadlines, end_of_day_after, review_window_closes_at
from ..models import CategoryCode, Incident, Status
from ..selectors import incidents_visible_to, verification_photo_missing

ANSWER_STATUSES = (Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS)


def petition_extend(incident: Incident, due_at: datetime) -> None:
    """Move the answer deadline to the end of `due_at`'s day: once, by at most 30 days."""
    if incident.status not in ANSWER_STATUSES or incident.review_requested_at is not None:
        raise Conflict(
            _("Only the answer deadline of an accepted petition can be extended."),
            code="extension_not_allowed",
        )
    if incident.extended_days:
        raise Conflict(
            _("A petition's deadline can be extended only once."), code="already_extended"
        )
    zone_date = timezone.localtime(incident.due_at).date()
    days = (timezone.localtime(due_at).date() - zone_date).days
    limit = deadlines()["petition_max_extension_days"]
    if not 1 <= days <= limit:
        raise Invalid(
            _("A petition's deadline may be extended by 1 to %(limit)s days, not %(days)s.")
            % {"limit": limit, "days": days},
            field="due_at",
        )
    incident.extended_days = days
    incident.due_at = end_of_day_after(incident.due_at, days)


def petition_review_requested(incident: Incident, *, now: datetime) -> None:
    closes_at = review_window_closes_at(incident)
    if closes_at is None or now > closes_at:
        raise Conflict(
            _("A review can be asked for within 30 days of the answer."),
            code="review_window_closed",
        )
    incident.review_requested_at = now


def petition_mark_repeat(incident: Incident, *, user: User, earlier_id: str | None) -> None:
    earlier = None
    earlier_pk = parse_id(earlier_id) if earlier_id else None
    if earlier_pk is not None and earlier_pk != incident.pk:
        earlier = (
            incidents_visible_to(user).filter(pk=earlier_pk, category=CategoryCode.PETITION).first()
        )
    if earlier is None:
        raise Invalid(_("Name an earlier petition you can see in repeat_of."), field="repeat_of")
    incident.repeat_of = earlier


def major_hazard_verifiable(incident: Incident) -> None:
    if verification_photo_missing(incident):
        raise Conflict(
            _(
                "A major hazard is closed only with a verification photo taken after it was "
                "resolved: add one, then verify."
            ),
            code="verification_photo_required",
        )
