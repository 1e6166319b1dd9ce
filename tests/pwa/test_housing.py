"""保交楼 in the app: supervisors see the projects at risk first, each with its progress records,
delivered against planned units, days late and linked cases; the responsible officer records
progress with a photo, online or offline (sent once when the signal is back); a housing case is
linked to its project from the report form."""

import uuid

import pytest

from .conftest import (
    DESKTOP,
    PHONE,
    cut_off_first_answer,
    photo_file,
    screenshot,
    sign_in,
    wait_for_service_worker,
)

# The demo project `worker` is the responsible officer of, in their grid.
OFFICERS_PROJECT = "翠湖湾二期"


def _followed(server, username: str) -> list[dict]:
    status, projects = server.call(
        "GET", "/housing-projects?followed=true&order=risk", token=server.token(username)
    )
    assert status == 200
    return projects


def _detail(server, project_id: int, username: str = "supervisor") -> dict:
    status, project = server.call(
        "GET", f"/housing-projects/{project_id}", token=server.token(username)
    )
    assert status == 200
    return project


def _project_named(server, name: str) -> dict:
    return next(p for p in _followed(server, "supervisor") if p["name"] == name)


def _too_small(page, selector: str) -> list[str]:
    """Visible controls under `selector` lower than 44 px."""
    return page.eval_on_selector_all(
        selector,
        """els => els.filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
                  .map(e => e.outerHTML.slice(0, 80))""",
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_supervisor_sees_projects_at_risk_first_then_a_project_and_its_cases(
    new_context, server, viewport
):
    page = new_context(viewport=viewport).new_page()
    sign_in(page, "supervisor")

    page.click("#tabs a[data-tab=housing]")
    page.wait_for_selector("#housing-list li.project")
    expected = _followed(server, "supervisor")
    shown = page.eval_on_selector_all(
        "#housing-list li.project", "els => els.map(e => [e.dataset.name, e.dataset.atRisk])"
    )
    assert shown == [[p["name"], str(p["at_risk"]).lower()] for p in expected]
    flags = [at_risk == "true" for _, at_risk in shown]
    assert flags[0] and flags == sorted(flags, reverse=True)
    assert _too_small(page, "#housing-list li.project, #tabs a") == []
    name = "desktop" if viewport == DESKTOP else "phone"
    screenshot(page, f"housing-list-{name}.png")

    # The stalled project: late, high risk, with buyers' complaints linked to it.
    project = _detail(server, _project_named(server, "锦绣华府")["id"])
    page.click(f'#housing-list li.project[data-name="{project["name"]}"]')
    page.wait_for_selector("#housing-history li.progress-record")
    assert page.locator("#housing-history li.progress-record").count() == len(project["history"])
    newest = page.locator("#housing-history li.progress-record").first
    assert newest.get_attribute("data-id") == str(project["history"][-1]["id"])
    assert page.inner_text("#units-planned") == str(project["total_units"])
    assert page.inner_text("#units-delivered") == str(project["delivered_units"])
    assert page.inner_text("#days-late") == f"{project['days_late']:,}"
    # People by their names, never their logins.
    facts = dict(
        zip(
            page.locator("article.project dl.facts dt").all_inner_texts(),
            page.locator("article.project dl.facts dd").all_inner_texts(),
            strict=True,
        )
    )
    assert facts["责任人"] == project["responsible_officer_display_name"]
    whens = page.locator("#housing-history li.progress-record .when").all_inner_texts()
    authors = [f" · {record['author_display_name']}" for record in reversed(project["history"])]
    assert len(whens) == len(authors)
    assert all(when.endswith(author) for when, author in zip(whens, authors, strict=True))
    assert project["days_late"] > 0
    cases = page.locator("#housing-cases li.case")
    assert cases.count() == len(project["cases"])
    assert project["cases"], "the demo links housing complaints to the stalled project"
    assert _too_small(page, ".project-page button, .project-page li.case") == []
    screenshot(page, f"housing-project-{name}.png")

    first = project["cases"][0]
    cases.first.click()
    page.wait_for_selector(f'article.incident[data-id="{first["id"]}"]')


def test_the_officer_records_progress_with_a_photo_kept_as_a_draft_until_saved(
    new_context, server, tmp_path
):
    page = new_context().new_page()
    sign_in(page, "worker")
    project = _project_named(server, OFFICERS_PROJECT)
    note = f"4号楼交付 {uuid.uuid4().hex[:8]}"

    page.click("#tabs a[data-tab=housing]")
    page.click(f'#housing-list li.project[data-name="{OFFICERS_PROJECT}"]')
    page.click("#housing-add-update")
    page.fill("#housing-update-form input[name=progress_percent]", "94")
    page.fill("#housing-update-form input[name=delivered_units]", "300")
    page.fill("#housing-update-form textarea[name=note]", note)
    page.set_input_files("#housing-photo-input", str(photo_file(tmp_path)))
    page.wait_for_selector("#housing-update-form .thumbs img")
    form_controls = ", ".join(
        f"#housing-update-form {control}"
        for control in ("button", "input:not([type=file])", "select", "label.button")
    )
    assert _too_small(page, form_controls) == []
    screenshot(page, "housing-update-phone.png")
    # What was typed, photo included, is kept as a draft across a reload.
    page.reload()
    page.wait_for_selector("#housing-update-form .thumbs img")
    assert page.input_value("#housing-update-form textarea[name=note]") == note
    assert page.input_value("#housing-update-form input[name=progress_percent]") == "94"
    page.click("#housing-update-form button[type=submit]")

    page.wait_for_selector(f'#housing-history li.progress-record:first-child:has-text("{note}")')
    records = [u for u in _detail(server, project["id"])["history"] if u["note"] == note]
    assert len(records) == 1
    assert (records[0]["progress_percent"], records[0]["delivered_units"]) == (94, 300)
    assert (records[0]["author"], len(records[0]["photos"])) == ("worker", 1)
    page.reload()
    page.wait_for_selector("#housing-history li.progress-record")
    assert page.locator("#housing-update-form").count() == 0


def test_progress_recorded_offline_is_sent_once_when_back_online(new_context, server, tmp_path):
    context = new_context()
    page = context.new_page()
    sign_in(page, "worker")
    wait_for_service_worker(page)
    project = _project_named(server, OFFICERS_PROJECT)
    note = f"室外工程 {uuid.uuid4().hex[:8]}"
    page.click("#tabs a[data-tab=housing]")
    page.click(f'#housing-list li.project[data-name="{OFFICERS_PROJECT}"]')
    page.wait_for_selector("#housing-history li.progress-record")

    context.set_offline(True)
    page.reload()  # the shell from the service worker, the project from the saved copy
    page.wait_for_selector("#housing-history li.progress-record")
    assert page.locator(".offline-copy").count() == 1
    page.click("#housing-add-update")
    page.fill("#housing-update-form input[name=progress_percent]", "95")
    page.fill("#housing-update-form input[name=delivered_units]", "320")
    page.fill("#housing-update-form textarea[name=note]", note)
    page.set_input_files("#housing-photo-input", str(photo_file(tmp_path)))
    page.wait_for_selector("#housing-update-form .thumbs img")
    page.click("#housing-update-form button[type=submit]")
    page.wait_for_selector("#housing-pending li[data-status=waiting]")
    assert [u for u in _detail(server, project["id"])["history"] if u["note"] == note] == []

    context.set_offline(False)
    page.wait_for_selector(f'#housing-history li.progress-record:first-child:has-text("{note}")')
    assert page.locator("#housing-pending li").count() == 0
    records = [u for u in _detail(server, project["id"])["history"] if u["note"] == note]
    assert len(records) == 1
    assert len(records[0]["photos"]) == 1


def test_progress_whose_first_answer_is_cut_off_is_recorded_once(new_context, server):
    context = new_context()
    page = context.new_page()
    sign_in(page, "worker")
    project = _project_named(server, OFFICERS_PROJECT)
    note = f"竣工验收 {uuid.uuid4().hex[:8]}"
    cut = cut_off_first_answer(context, f"**/api/v1/housing-projects/{project['id']}/updates")
    page.goto(f"/#/housing/{project['id']}")
    page.click("#housing-add-update")
    page.fill("#housing-update-form textarea[name=note]", note)
    page.click("#housing-update-form button[type=submit]")
    for _ in range(100):
        if cut:
            break
        page.wait_for_timeout(100)
    assert cut == [201]

    page.click("#tabs a[data-tab=outbox]")
    page.click(f'#outbox-list li[data-title^="{OFFICERS_PROJECT}"] button')  # retry now
    page.wait_for_selector("#outbox-list li.empty")
    records = [u for u in _detail(server, project["id"])["history"] if u["note"] == note]
    assert len(records) == 1


@pytest.mark.parametrize("username", ["resident", "worker"])
def test_a_housing_case_is_linked_to_its_project_from_the_report_form(
    new_context, server, username
):
    page = new_context().new_page()
    sign_in(page, username)
    project = _project_named(server, OFFICERS_PROJECT)
    title = f"逾期未交房 {uuid.uuid4().hex[:8]}"
    # The tab follows the server: a resident follows no project, the officer does.
    assert page.locator("#tabs a[data-tab=housing]").count() == (username == "worker")

    page.click("#tabs a[data-tab=report]")
    assert page.locator("#housing-project-select").is_hidden()
    if username == "resident":
        page.select_option("select[name=kind]", "housing:delivery_delay")
    else:
        page.select_option("select[name=category]", "housing")
        page.select_option("select[name=subcategory]", "delivery_delay")
    page.wait_for_selector(
        f'#housing-project-select option[value="{project["id"]}"]', state="attached"
    )
    page.select_option("#housing-project-select", str(project["id"]))
    assert _too_small(page, "#housing-project-select") == []
    page.fill("input[name=title]", title)
    page.wait_for_function(
        "() => document.querySelector('#position-text').textContent.includes('WGS-84')"
    )
    page.click("#report-form button[type=submit]")

    page.wait_for_selector(f'#case-list li.case[data-title="{title}"]')
    [incident] = server.incidents_titled(title)
    assert (incident["category"], incident["housing_project"]) == ("housing", project["id"])
