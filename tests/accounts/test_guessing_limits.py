"""CONTRACT.md: 5 wrong passwords for one username from one address in 15 minutes lock that pair
for the rest of the window; 50 failures from one address lock the address; others unaffected."""

from datetime import timedelta

from django.utils import timezone

from backend.accounts.models import AuthAttempt
from tests.conftest import PASSWORD, ApiClient


def attempt(username: str, password: str, address: str = "10.0.0.1"):
    return ApiClient(REMOTE_ADDR=address).post(
        "/auth/token", {"username": username, "password": password}
    )


def test_sixth_attempt_after_five_wrong_passwords_is_429_with_retry_after(worker):
    for _ in range(5):
        assert attempt("worker", "wrong").status_code == 401

    response = attempt("worker", "wrong")

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 15 * 60


def test_locked_pair_is_refused_even_with_the_right_password(worker):
    for _ in range(5):
        attempt("worker", "wrong")

    assert attempt("worker", PASSWORD).status_code == 429


def test_same_account_from_another_address_is_unaffected(worker):
    for _ in range(5):
        attempt("worker", "wrong", address="10.0.0.1")

    assert attempt("worker", PASSWORD, address="10.0.0.2").status_code == 200


def test_other_account_from_the_same_address_is_unaffected(worker, other_worker):
    for _ in range(5):
        attempt("worker", "wrong")

    assert attempt("worker2", PASSWORD).status_code == 200


def test_lock_lifts_when_the_failures_are_older_than_fifteen_minutes(worker):
    for _ in range(5):
        attempt("worker", "wrong")
    AuthAttempt.objects.update(at=timezone.now() - timedelta(minutes=15, seconds=1))

    assert attempt("worker", PASSWORD).status_code == 200


def test_four_failures_do_not_lock(worker):
    for _ in range(4):
        attempt("worker", "wrong")

    assert attempt("worker", PASSWORD).status_code == 200


def test_fifty_failures_from_one_address_lock_every_username_from_it(worker):
    for n in range(50):
        assert attempt(f"guess{n}", "wrong").status_code == 401

    assert attempt("worker", PASSWORD).status_code == 429
    assert attempt("worker", PASSWORD, address="10.0.0.9").status_code == 200


def test_refused_attempts_do_not_extend_the_lock(worker):
    for _ in range(5):
        attempt("worker", "wrong")
    for _ in range(3):
        attempt("worker", "wrong")

    assert AuthAttempt.objects.filter(kind="login_failure").count() == 5
