"""The statutory clock of petitions (信访工作条例), in calendar days of the zone's time zone,
each deadline at the end of its last day; checked with a frozen clock across month ends."""

import uuid
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from backend.core.errors import Conflict, Invalid
from backend.incidents.services import incident_apply_action, incident_create
from backend.incidents.services.actions import ActionRequest
from backend.incidents.services.create import NewIncident

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def end_of(year: int, month: int, day: int) -> datetime:
    return datetime.combine(datetime(year, month, day).date(), time.max, SHANGHAI)


def petition(resident, when: datetime, **fields):
    incident, _ = incident_create(
        reporter=resident,
        report=NewIncident(
            client_id=uuid.uuid4(),
            category="petition",
            title="反映供暖问题",
            lon=123.805,
            lat=41.805,
            **fields,
        ),
        now=when,
    )
    return incident


def act(user, incident, action: str, when: datetime, **details):
    return incident_apply_action(
        user=user,
        incident_id=incident.pk,
        request=ActionRequest(action=action, **details),
        now=when,
    )


@pytest.fixture
def accepted(resident, supervisor, worker):
    """A petition registered on 20 January 2026 and accepted on 30 January."""
    case = petition(resident, at(2026, 1, 20))
    return act(supervisor, case, "accept", at(2026, 1, 30, 9))


def test_acceptance_is_due_at_the_end_of_the_fifteenth_day_across_a_month_end(resident):
    case = petition(resident, at(2026, 1, 20, 16, 30))

    assert case.due_at == end_of(2026, 2, 4)


def test_the_answer_is_due_sixty_days_after_acceptance_not_after_the_report(accepted):
    assert accepted.due_at == end_of(2026, 3, 31)


def test_dispatch_and_start_keep_the_answer_deadline(accepted, supervisor, worker):
    case = act(supervisor, accepted, "dispatch", at(2026, 2, 2), assignee="worker")
    case = act(worker, case, "start", at(2026, 2, 3))

    assert case.due_at == end_of(2026, 3, 31)


def test_the_answer_deadline_can_be_extended_once_by_up_to_thirty_days(accepted, supervisor):
    case = act(
        supervisor,
        accepted,
        "extend",
        at(2026, 3, 20),
        due_at=at(2026, 4, 30),
        note="案情复杂，需延期答复",
    )

    assert case.due_at == end_of(2026, 4, 30)
    assert case.extended_days == 30
    with pytest.raises(Conflict):
        act(supervisor, case, "extend", at(2026, 3, 21), due_at=at(2026, 5, 1), note="再延期")


def test_an_extension_beyond_thirty_days_is_refused(accepted, supervisor):
    with pytest.raises(Invalid):
        act(supervisor, accepted, "extend", at(2026, 3, 20), due_at=at(2026, 5, 1), note="延期")


def test_an_extension_survives_a_reopen(accepted, supervisor, worker):
    case = act(supervisor, accepted, "extend", at(2026, 2, 1), due_at=at(2026, 4, 10), note="延期")
    case = act(supervisor, case, "dispatch", at(2026, 2, 2), assignee="worker")
    case = act(worker, case, "start", at(2026, 2, 3))
    case = act(worker, case, "resolve", at(2026, 2, 10), note="已答复")

    case = act(supervisor, case, "reopen", at(2026, 2, 10, 15), note="答复不完整")

    assert case.due_at == end_of(2026, 4, 10)


def answered(accepted, supervisor, worker, when: datetime):
    case = act(supervisor, accepted, "dispatch", at(2026, 2, 2), assignee="worker")
    case = act(worker, case, "start", at(2026, 2, 3))
    return act(worker, case, "resolve", when, note="已书面答复信访人")


def test_a_review_asked_for_within_thirty_days_of_the_answer_is_due_thirty_days_later(
    accepted, supervisor, worker, resident
):
    case = answered(accepted, supervisor, worker, at(2026, 2, 27))
    case = act(supervisor, case, "verify", at(2026, 2, 27, 15))

    case = act(resident, case, "request_review", at(2026, 3, 29, 23, 0), note="对答复不满意")

    assert case.status == "in_progress"
    assert case.due_at == end_of(2026, 4, 28)


def test_a_review_asked_for_after_thirty_days_is_refused(accepted, supervisor, worker, resident):
    case = answered(accepted, supervisor, worker, at(2026, 2, 27))

    with pytest.raises(Conflict):
        act(resident, case, "request_review", at(2026, 3, 30, 0, 1), note="对答复不满意")


def test_only_petitions_have_reviews(resident, supervisor, worker):
    incident, _ = incident_create(
        reporter=resident,
        report=NewIncident(
            client_id=uuid.uuid4(), category="other", title="路灯不亮", lon=123.805, lat=41.805
        ),
    )
    incident = act(worker, incident, "handle_on_spot", at(2026, 2, 2))

    with pytest.raises(Conflict):
        act(resident, incident, "request_review", at(2026, 2, 3), note="?")


def test_a_joint_petition_records_how_many_signed(resident):
    assert petition(resident, at(2026, 1, 20), people_count=37).people_count == 37


def test_a_repeat_petition_links_to_the_earlier_case(resident, supervisor):
    earlier = petition(resident, at(2026, 1, 5))
    later = petition(resident, at(2026, 1, 20))

    later = act(supervisor, later, "mark_repeat", at(2026, 1, 21), repeat_of=str(earlier.pk))

    assert later.repeat_of_id == earlier.pk
    with pytest.raises(Invalid):
        act(supervisor, later, "mark_repeat", at(2026, 1, 21), repeat_of=str(later.pk))
