import pytest

from backend.accounts.models import User
from tests.conftest import ApiClient


@pytest.mark.parametrize(
    "body",
    [
        '{"username": "nul\\u0000user", "password": "a quiet street 42"}',
        '{"username": "someone", "password": "a quiet street 42", "display_name": "\\u0000"}',
    ],
)
def test_nul_characters_in_a_json_body_are_422_and_nothing_is_written(db, body):
    response = ApiClient().post("/auth/register", body, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert not User.objects.exists()


def test_nul_characters_in_a_query_string_are_422(db):
    response = ApiClient().get("/locate?lon=1%00&lat=2")

    assert response.status_code == 422
