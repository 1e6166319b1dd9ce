"""Steps the case tests share: reports and actions through the API, as a named demo user."""

import uuid

from .conftest import WORKER_GRID_POINT, Server


def report(server: Server, username: str, title: str, **fields) -> dict:
    """A case in `worker`'s grid, reported by `username`; `fields` override the kind."""
    body = {
        "client_id": str(uuid.uuid4()),
        "category": "other",
        "subcategory": "sanitation",
        "title": title,
        "lon": WORKER_GRID_POINT["longitude"],
        "lat": WORKER_GRID_POINT["latitude"],
        **fields,
    }
    status, incident = server.call("POST", "/incidents", body, token=server.token(username))
    assert status == 201, incident
    return incident


def act(server: Server, username: str, incident_id: int, action: str, **fields) -> dict:
    status, incident = server.call(
        "POST",
        f"/incidents/{incident_id}/actions",
        {"action": action, **fields},
        token=server.token(username),
    )
    assert status == 200, incident
    return incident


def detail(server: Server, incident_id: int) -> dict:
    status, incident = server.call(
        "GET", f"/incidents/{incident_id}", token=server.token("supervisor")
    )
    assert status == 200, incident
    return incident


def dispatched_to_worker(server: Server, incident_id: int) -> dict:
    act(server, "supervisor", incident_id, "accept")
    return act(server, "supervisor", incident_id, "dispatch", assignee="worker")


def open_case(page, incident_id: int) -> None:
    page.goto(f"/#/incident/{incident_id}")
    page.wait_for_selector(f'article.incident[data-id="{incident_id}"]')
