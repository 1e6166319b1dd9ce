"""A live event is rendered once per view (reporter named or masked), not once per socket, and
each socket gets the text of its user's view: what REST shows that user, encoded as before."""

import json
from contextlib import AsyncExitStack

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import Permission

from backend.realtime import messages
from tests.conftest import sign_in
from tests.realtime.conftest import GRID_1_01, areport, atoken_for, hello, socket

pytestmark = pytest.mark.usefixtures("ws_db")

SOCKETS_PER_USER = 3


@sync_to_async
def as_rest_shows(user, incident: dict) -> dict:
    """`incident` as the detail route shows it to `user`, in the fields an event carries (the
    detail adds what the user may do with the case, which an event shared by all leaves out)."""
    response = sign_in(user).get(f"/incidents/{incident['id']}")
    assert response.status_code == 200, response.content
    detail = response.json()
    return {field: detail[field] for field in incident}


async def received_texts(communicators) -> list[str]:
    return [await communicator.receive_from() for communicator in communicators]


async def test_a_masked_and_a_named_viewer_each_get_what_rest_shows_them(
    worker, supervisor, resident
):
    worker_token, supervisor_token = await atoken_for(worker), await atoken_for(supervisor)
    async with (
        socket(f"?token={worker_token}") as as_worker,
        socket(f"?token={supervisor_token}") as as_supervisor,
    ):
        await hello(as_worker)
        await hello(as_supervisor)

        await areport(resident, GRID_1_01)

        [worker_text, supervisor_text] = await received_texts([as_worker, as_supervisor])
    seen_by_worker, seen_by_supervisor = json.loads(worker_text), json.loads(supervisor_text)
    assert seen_by_worker["incident"]["reporter"]["username"] is None
    assert seen_by_supervisor["incident"]["reporter"]["username"] == "resident"
    assert seen_by_worker["incident"] == await as_rest_shows(worker, seen_by_worker["incident"])
    assert seen_by_supervisor["incident"] == await as_rest_shows(
        supervisor, seen_by_supervisor["incident"]
    )
    # Encoded as Channels' send_json encodes (json.dumps' defaults), as each socket did before.
    assert worker_text == json.dumps(seen_by_worker)
    assert supervisor_text == json.dumps(seen_by_supervisor)


@pytest.mark.parametrize("category", ["other", "petition"])
async def test_an_event_is_rendered_once_per_view_however_many_sockets_hear_it(
    monkeypatch, worker, supervisor, admin_user, resident, category
):
    # The admin holds the petition permission, the supervisor does not: for a petition the
    # supervisor joins the worker's view, and still no third view is rendered.
    await sync_to_async(admin_user.user_permissions.add)(
        await sync_to_async(Permission.objects.get)(codename="view_petitioner")
    )
    renders = []
    render = messages.event_text

    def counted_render(event, *, reporter_named: bool) -> str:
        renders.append(reporter_named)
        return render(event, reporter_named=reporter_named)

    monkeypatch.setattr(messages, "event_text", counted_render)
    viewers = [worker, supervisor, admin_user]
    tokens = [await atoken_for(user) for user in viewers]
    async with AsyncExitStack() as sockets:
        communicators = [
            await sockets.enter_async_context(socket(f"?token={token}"))
            for token in tokens
            for _ in range(SOCKETS_PER_USER)
        ]
        for communicator in communicators:
            await hello(communicator)

        await areport(resident, GRID_1_01, category=category)

        texts = await received_texts(communicators)

    assert sorted(renders) == [False, True]
    by_user = [
        set(texts[start : start + SOCKETS_PER_USER])
        for start in range(0, len(texts), SOCKETS_PER_USER)
    ]
    assert all(len(user_texts) == 1 for user_texts in by_user)
    [worker_text], [supervisor_text], [admin_text] = by_user
    assert worker_text != admin_text
    assert supervisor_text == (worker_text if category == "petition" else admin_text)
