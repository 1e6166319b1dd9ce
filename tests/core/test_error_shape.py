from tests.conftest import ApiClient


def test_unknown_api_path_is_404_in_the_error_shape(db):
    response = ApiClient().get("/no-such-thing")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found", "code": "not_found"}


def test_wrong_method_is_405_in_the_error_shape(db):
    response = ApiClient().get("/auth/token")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_every_response_carries_a_content_security_policy(db):
    response = ApiClient().get("/streets")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_openapi_document_is_served(db):
    response = ApiClient().get("/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/streets", "/api/v1/grids", "/api/v1/locate", "/api/v1/auth/token"} <= set(
        paths
    )


def test_interactive_docs_are_served(db):
    assert ApiClient().get("/docs").status_code == 200
