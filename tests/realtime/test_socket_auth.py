"""CONTRACT.md: a socket without valid credentials is accepted and closed at once with 4401;
a token socket needs no Origin; a cookie socket must come from the app's own origin."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.utils import timezone

from backend.accounts.models import AuthToken
from backend.accounts.services import token_revoke
from tests.conftest import PASSWORD
from tests.realtime.conftest import atoken_for, socket

pytestmark = pytest.mark.usefixtures("ws_db")


async def closed_with(communicator) -> int:
    message = await communicator.receive_output(timeout=2)
    assert message["type"] == "websocket.close"
    return message["code"]


async def test_socket_without_credentials_is_closed_with_4401():
    async with socket() as communicator:
        assert await closed_with(communicator) == 4401


async def test_socket_with_a_made_up_token_is_closed_with_4401(worker):
    async with socket("?token=not-a-token") as communicator:
        assert await closed_with(communicator) == 4401


async def test_socket_with_a_token_needs_no_origin_and_says_hello(worker):
    token = await atoken_for(worker)

    async with socket(f"?token={token}") as communicator:
        assert await communicator.receive_json_from() == {"type": "hello", "seq": 0}


async def test_malformed_after_is_closed_with_4400(worker):
    token = await atoken_for(worker)

    async with socket(f"?token={token}&after=abc") as communicator:
        assert await closed_with(communicator) == 4400


def session_cookie(user) -> str:
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client.cookies["sessionid"].value


async def test_cookie_socket_from_our_own_origin_is_accepted(worker):
    cookie = await sync_to_async(session_cookie)(worker)
    headers = [
        (b"cookie", f"sessionid={cookie}".encode()),
        (b"origin", b"http://testserver"),
        (b"host", b"testserver"),
    ]

    async with socket(headers=headers) as communicator:
        assert (await communicator.receive_json_from())["type"] == "hello"


async def test_cookie_socket_from_another_origin_is_refused(worker):
    cookie = await sync_to_async(session_cookie)(worker)
    headers = [
        (b"cookie", f"sessionid={cookie}".encode()),
        (b"origin", b"https://evil.example"),
        (b"host", b"testserver"),
    ]

    async with socket(headers=headers) as communicator:
        assert await closed_with(communicator) == 4403


async def test_socket_with_a_forged_authorization_header_is_closed_despite_its_cookie(worker):
    cookie = await sync_to_async(session_cookie)(worker)
    headers = [
        (b"cookie", f"sessionid={cookie}".encode()),
        (b"origin", b"http://testserver"),
        (b"host", b"testserver"),
        (b"authorization", b"Bearer forged"),
    ]

    async with socket(headers=headers) as communicator:
        assert await closed_with(communicator) == 4401


async def test_socket_with_a_token_in_its_authorization_header_says_hello(worker):
    token = await atoken_for(worker)

    async with socket(headers=[(b"authorization", f"Bearer {token}".encode())]) as communicator:
        assert (await communicator.receive_json_from())["type"] == "hello"


async def test_socket_is_closed_when_its_token_is_revoked(worker, settings):
    settings.GRIDGOV_WS_RECHECK_SECONDS = 0.2
    token = await atoken_for(worker)
    async with socket(f"?token={token}") as communicator:
        await communicator.receive_json_from()

        await sync_to_async(token_revoke)(token=token)

        assert await closed_with(communicator) == 4401


async def test_socket_is_closed_when_its_token_expires(worker, settings):
    token = await atoken_for(worker)
    soon = timezone.now() + timedelta(seconds=0.5)
    await sync_to_async(AuthToken.objects.update)(expires_at=soon)
    async with socket(f"?token={token}") as communicator:
        await communicator.receive_json_from()

        assert await closed_with(communicator) == 4401


async def test_socket_with_a_revoked_token_is_closed_with_4401(worker):
    token = await atoken_for(worker)
    await sync_to_async(token_revoke)(token=token)

    async with socket(f"?token={token}") as communicator:
        assert await closed_with(communicator) == 4401


async def test_socket_with_an_expired_token_is_closed_with_4401(worker):
    token = await atoken_for(worker)
    await sync_to_async(AuthToken.objects.update)(expires_at=timezone.now() - timedelta(seconds=1))

    async with socket(f"?token={token}") as communicator:
        assert await closed_with(communicator) == 4401


async def test_socket_of_a_deactivated_user_is_closed_with_4401(worker):
    token = await atoken_for(worker)
    worker.is_active = False
    await sync_to_async(worker.save)(update_fields=["is_active"])

    async with socket(f"?token={token}") as communicator:
        assert await closed_with(communicator) == 4401
