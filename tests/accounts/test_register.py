from backend.accounts.models import AuthAttempt, Role, User
from tests.conftest import ApiClient

GOOD = {
    "username": "wangfang",
    "password": "a quiet street 42",
    "display_name": "王芳",
    "phone": "13900001111",
}


def register(body: dict, address: str = "10.1.0.1"):
    return ApiClient(REMOTE_ADDR=address).post("/auth/register", body)


def test_registration_creates_a_resident_and_signs_them_in(db):
    response = register(GOOD)

    assert response.status_code == 201
    assert response.json()["user"]["role"] == "resident"
    user = User.objects.get(username="wangfang")
    assert user.role == Role.RESIDENT and user.display_name == "王芳"
    assert ApiClient(response.json()["token"]).get("/auth/me").status_code == 200


def test_taken_username_is_409(db):
    register(GOOD)

    response = register({**GOOD, "username": "WangFang"})

    assert response.status_code == 409
    assert response.json()["code"] == "username_taken"


def test_weak_password_is_422_naming_password_and_creates_nobody(db):
    response = register({**GOOD, "password": "123"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "password"
    assert not User.objects.exists()


def test_username_with_spaces_or_markup_is_422(db):
    for username in ["a b", "<script>", "", "x" * 151]:
        assert register({**GOOD, "username": username}).status_code == 422
    assert not User.objects.exists()


def test_registration_cannot_choose_a_role(db):
    response = register({**GOOD, "role": "admin"})

    assert response.status_code == 201
    assert User.objects.get().role == Role.RESIDENT


def test_thirty_first_registration_from_one_address_in_an_hour_is_429(db):
    for n in range(30):
        assert register({**GOOD, "username": f"user{n}"}).status_code == 201

    refused = register({**GOOD, "username": "user30"})

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert register({**GOOD, "username": "user30"}, address="10.1.0.2").status_code == 201
    assert AuthAttempt.objects.filter(kind="registration").count() == 31
