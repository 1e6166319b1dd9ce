"""The Django admin never goes around the services: what the workflow owns is read-only there,
and the records the services keep (events, timeline entries, rollups, progress records, photos)
can be looked at but not added, changed or deleted."""

import pytest
from django import forms
from django.contrib.auth.models import Permission
from django.test import Client

from backend.accounts.models import Role, User
from backend.housing.models import ProgressUpdate
from backend.incidents.models import Incident, Photo, TimelineEntry
from backend.realtime.models import Event
from backend.stats.models import GridCloseHours, GridDayTally
from tests.conftest import make_user, sign_in
from tests.housing.conftest import create_project, record
from tests.incidents.conftest import act_ok, image_bytes, submit, upload


@pytest.fixture
def browser(admin_user) -> Client:
    admin_user.is_superuser = True
    admin_user.save()
    client = Client()
    client.force_login(admin_user)
    return client


def as_submitted(page) -> dict:
    """What a browser sends back from the admin change form `page`, unchanged: every field it
    shows, and the management data of its inlines."""
    data = {}
    forms_on_page = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update(
            {management[name].html_name: management[name].value() for name in management.fields}
        )
        forms_on_page.extend(formset.forms)
    for form in forms_on_page:
        for name in form.fields:
            bound = form[name]
            value, widget = bound.value(), bound.field.widget
            if isinstance(widget, forms.MultiWidget):
                for index, part in enumerate(widget.decompress(value)):
                    data[f"{bound.html_name}_{index}"] = "" if part is None else str(part)
            elif isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list):
                data[bound.html_name] = [str(item) for item in value]
            else:
                data[bound.html_name] = "" if value is None else str(value)
    return data


@pytest.fixture
def dispatched(resident, supervisor, worker) -> Incident:
    case = submit(sign_in(resident))
    as_supervisor = sign_in(supervisor)
    act_ok(as_supervisor, case["id"], "accept")
    act_ok(as_supervisor, case["id"], "dispatch", assignee="worker")
    return Incident.objects.get(pk=case["id"])


def test_the_change_form_does_not_move_status_assignee_deadline_or_priority(
    browser, dispatched, other_worker
):
    url = f"/admin/incidents/incident/{dispatched.pk}/change/"
    data = as_submitted(browser.get(url))
    other_worker.grids.add(dispatched.grid)
    data.update(
        status="closed",
        priority="urgent",
        assignee=str(other_worker.pk),
        due_at_0="2030-01-01",
        due_at_1="12:00:00",
    )

    response = browser.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    after = Incident.objects.get(pk=dispatched.pk)
    assert (after.status, after.priority, after.assignee_id, after.due_at) == (
        dispatched.status,
        dispatched.priority,
        dispatched.assignee_id,
        dispatched.due_at,
    )


def test_a_corrected_title_leaves_a_timeline_entry_and_an_event(browser, dispatched, admin_user):
    url = f"/admin/incidents/incident/{dispatched.pk}/change/"
    data = as_submitted(browser.get(url))
    last_seq = Event.objects.order_by("-seq").values_list("seq", flat=True).first()
    data.update(title="东门路灯不亮（更正）")

    response = browser.post(url, data)

    assert response.status_code == 302
    after = Incident.objects.get(pk=dispatched.pk)
    assert after.title == "东门路灯不亮（更正）"
    entry = after.timeline.last()
    assert (entry.action, entry.actor, entry.note) == ("correct", admin_user, "title")
    [event] = Event.objects.filter(seq__gt=last_seq)
    assert event.payload["title"] == "东门路灯不亮（更正）"
    assert after.updated_at == entry.at


def test_an_unchanged_form_leaves_no_trail(browser, dispatched):
    url = f"/admin/incidents/incident/{dispatched.pk}/change/"
    entries = dispatched.timeline.count()

    response = browser.post(url, as_submitted(browser.get(url)))

    assert response.status_code == 302
    assert dispatched.timeline.count() == entries


def test_cases_are_neither_added_nor_deleted_in_the_admin(browser, dispatched):
    assert browser.get("/admin/incidents/incident/add/").status_code == 403
    delete = f"/admin/incidents/incident/{dispatched.pk}/delete/"
    assert browser.post(delete, {"post": "yes"}).status_code == 403
    assert Incident.objects.filter(pk=dispatched.pk).exists()


def test_a_petitioner_stays_hidden_from_an_admin_without_the_permission(resident):
    petition = submit(sign_in(resident), category="petition", subcategory="petition_general")
    staff = make_user("clerk", Role.ADMIN)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="incidents"))
    staff.user_permissions.remove(Permission.objects.get(codename="view_petitioner"))
    browser = Client()
    browser.force_login(User.objects.get(pk=staff.pk))

    page = browser.get(f"/admin/incidents/incident/{petition['id']}/change/")

    assert page.status_code == 200
    assert b"resident" not in page.content


def _records(resident, supervisor, media_root) -> dict[str, object]:
    case = submit(sign_in(resident))
    upload(sign_in(supervisor), case["id"], image_bytes())
    act_ok(sign_in(supervisor), case["id"], "reject", note="不属实")
    project = create_project(sign_in(supervisor))
    record(sign_in(supervisor), project["id"])
    return {
        "realtime/event": Event.objects.first(),
        "incidents/timelineentry": TimelineEntry.objects.first(),
        "incidents/photo": Photo.objects.first(),
        "stats/griddaytally": GridDayTally.objects.first(),
        "housing/progressupdate": ProgressUpdate.objects.first(),
    }


RECORDS = [
    "realtime/event",
    "incidents/timelineentry",
    "incidents/photo",
    "stats/griddaytally",
    "housing/progressupdate",
]


@pytest.mark.parametrize("model", RECORDS)
def test_records_are_shown_but_never_added_changed_or_deleted(
    browser, resident, supervisor, media_root, model
):
    row = _records(resident, supervisor, media_root)[model]
    before = type(row).objects.filter(pk=row.pk).values().get()
    base = f"/admin/{model}/"

    assert browser.get(base).status_code == 200
    assert browser.get(f"{base}{row.pk}/change/").status_code == 200
    assert browser.get(f"{base}add/").status_code == 403
    assert browser.post(f"{base}add/", {}).status_code == 403
    assert browser.post(f"{base}{row.pk}/change/", {}).status_code == 403
    assert browser.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert type(row).objects.filter(pk=row.pk).values().get() == before


def test_close_hours_rollups_are_read_only_too(browser):
    row = GridCloseHours.objects.create(grid_key=1, street_key=1, category="other", hours=3, n=1)

    assert browser.get(f"/admin/stats/gridclosehours/{row.pk}/change/").status_code == 200
    assert (
        browser.post(f"/admin/stats/gridclosehours/{row.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert GridCloseHours.objects.filter(pk=row.pk).exists()


def test_users_are_deactivated_not_deleted(browser, dispatched):
    # Deleting the assignee would unassign the case with no event and blank their entries.
    response = browser.post(
        f"/admin/accounts/user/{dispatched.assignee_id}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert Incident.objects.get(pk=dispatched.pk).assignee_id == dispatched.assignee_id


def test_a_housing_project_is_not_deleted_with_its_progress_records(browser, supervisor):
    project = create_project(sign_in(supervisor))
    record(sign_in(supervisor), project["id"])

    response = browser.post(
        f"/admin/housing/housingproject/{project['id']}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert ProgressUpdate.objects.filter(project_id=project["id"]).count() == 1
