"""The browser may use Django's session cookie instead of a token, with CSRF on writes."""

from django.test import Client

from tests.conftest import PASSWORD


def signed_in_browser(user, *, enforce_csrf: bool) -> Client:
    browser = Client(enforce_csrf_checks=enforce_csrf)
    assert browser.login(username=user.username, password=PASSWORD)
    return browser


def test_session_cookie_signs_reads_in(worker):
    browser = signed_in_browser(worker, enforce_csrf=True)

    response = browser.get("/api/v1/auth/me")

    assert response.status_code == 200
    assert response.json()["username"] == "worker"


def test_cookie_write_without_csrf_token_is_refused(worker):
    browser = signed_in_browser(worker, enforce_csrf=True)

    response = browser.post("/api/v1/auth/logout")

    assert response.status_code == 403
    assert response.json()["code"] in {"forbidden", "http_error"}
    assert browser.get("/api/v1/auth/me").status_code == 200


def test_cookie_write_with_csrf_token_is_accepted(worker):
    browser = signed_in_browser(worker, enforce_csrf=True)
    # Django checks that the header repeats the cookie; any well-formed secret will do.
    token = "a" * 32
    browser.cookies["csrftoken"] = token

    response = browser.post("/api/v1/auth/logout", HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 204
    assert browser.get("/api/v1/auth/me").status_code == 401
