from datetime import timedelta

from django.utils import timezone

from backend.accounts.models import AuthToken
from tests.conftest import PASSWORD, ApiClient, sign_in


def test_right_password_gives_a_token_with_the_users_scope(worker):
    response = ApiClient().post("/auth/token", {"username": "worker", "password": PASSWORD})

    assert response.status_code == 200
    body = response.json()
    assert body["token"] and body["expires_at"]
    assert body["user"] == {
        "username": "worker",
        "role": "worker",
        "display_name": "Worker",
        "grids": ["21040400101001", "21040400101002"],
        "streets": [],
    }


def test_wrong_password_is_401_in_the_error_shape(worker):
    response = ApiClient().post("/auth/token", {"username": "worker", "password": "nope"})

    assert response.status_code == 401
    assert response.json() == {"detail": "Wrong username or password.", "code": "bad_credentials"}


def test_unknown_user_is_401_like_a_wrong_password(db):
    response = ApiClient().post("/auth/token", {"username": "ghost", "password": "nope"})

    assert response.status_code == 401
    assert response.json()["code"] == "bad_credentials"


def test_token_signs_requests_in(worker):
    client = sign_in(worker)

    assert client.get("/auth/me").json()["username"] == "worker"


def test_request_without_token_is_401(db):
    response = ApiClient().get("/auth/me")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_garbage_token_is_401(db):
    assert ApiClient("not-a-token").get("/auth/me").status_code == 401
    assert ApiClient("x" * 5000).get("/auth/me").status_code == 401


def test_expired_token_is_401(worker):
    client = sign_in(worker)
    AuthToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.get("/auth/me")

    assert response.status_code == 401


def test_token_expires_after_the_configured_lifetime(worker, settings):
    settings.GRIDGOV_TOKEN_TTL_HOURS = 8
    before = timezone.now()

    sign_in(worker)

    token = AuthToken.objects.get()
    assert timedelta(hours=8) <= token.expires_at - before < timedelta(hours=8, seconds=5)


def test_only_a_hash_of_the_token_is_stored(worker):
    client = sign_in(worker)
    token = client.defaults["HTTP_AUTHORIZATION"].removeprefix("Bearer ")

    assert not AuthToken.objects.filter(key_hash=token).exists()


def test_logout_revokes_the_token(worker):
    client = sign_in(worker)

    assert client.post("/auth/logout").status_code == 204
    assert client.get("/auth/me").status_code == 401


def test_logout_leaves_other_tokens_of_the_user_alive(worker):
    phone, laptop = sign_in(worker), sign_in(worker)

    phone.post("/auth/logout")

    assert laptop.get("/auth/me").status_code == 200


def test_inactive_user_gets_no_token(worker):
    worker.is_active = False
    worker.save()

    response = ApiClient().post("/auth/token", {"username": "worker", "password": PASSWORD})

    assert response.status_code == 401


def test_missing_fields_are_422_naming_the_field(db):
    response = ApiClient().post("/auth/token", {"username": "worker"})

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "password", "message": "Field required"}]


def test_body_that_is_not_json_is_a_4xx(db):
    response = ApiClient().post("/auth/token", "{not json", content_type="application/json")

    assert 400 <= response.status_code < 500
    assert set(response.json()) >= {"detail", "code"}
