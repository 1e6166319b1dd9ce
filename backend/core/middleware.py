"""Middleware shared by every app.

Each one is a `MiddlewareMixin` with plain request/response hooks. Under ASGI the whole chain
runs in the request's one thread (`OneThreadPerRequest` in `backend/gridgov/asgi.py`).
"""

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.deprecation import MiddlewareMixin

API_PREFIX = "/api/"

# The app shell and the API docs load only our own scripts; inline styles are allowed because
# Swagger UI and map libraries set element styles. Tiles come from a configurable host.
DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src {images}; connect-src 'self' ws: wss:; font-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'; "
    "worker-src 'self'; manifest-src 'self'"
)

_STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "throttled",
}


class ContentSecurityPolicyMiddleware(MiddlewareMixin):
    def __init__(self, get_response):
        super().__init__(get_response)
        images = ["'self'", "data:", "blob:", *getattr(settings, "GRIDGOV_TILE_ORIGINS", [])]
        self.policy = DEFAULT_CSP.format(images=" ".join(images))

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class ApiErrorShapeMiddleware(MiddlewareMixin):
    """Give every 4xx/5xx under /api/ the contract's JSON shape.

    Ninja's own errors already have it; this catches what Django answers before or around
    Ninja (unknown paths, wrong methods, CSRF failures, oversized bodies).
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if _is_error_shaped(response):
            return response
        status = response.status_code
        reshaped = JsonResponse(
            {
                "detail": response.reason_phrase or "Error",
                "code": _STATUS_CODES.get(status, "server_error" if status >= 500 else "error"),
            },
            status=status,
        )
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response.headers:
                reshaped.headers[header] = response.headers[header]
        return reshaped


def _is_error_shaped(response: HttpResponse) -> bool:
    if "json" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
        return False
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return isinstance(body, dict) and "detail" in body and "code" in body


class NulCharacterGuardMiddleware(MiddlewareMixin):
    """Refuse NUL characters in API query strings and JSON bodies with a 422 naming the field.

    PostgreSQL cannot store U+0000 in text, so such input would fail deep in a query with a
    500 on one database and pass on the other; no field of ours has a use for it.
    """

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        if request.path.startswith(API_PREFIX):
            field = _field_with_nul(request)
            if field is not None:
                return JsonResponse(
                    {
                        "detail": f"{field}: must not contain NUL characters",
                        "code": "invalid",
                        "errors": [{"field": field, "message": "must not contain NUL characters"}],
                    },
                    status=422,
                )
        return None


def _field_with_nul(request: HttpRequest) -> str | None:
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", "")
    if "\x00" in request.path:
        return "path"
    if "json" not in request.content_type or b"\\u0000" not in request.body:
        return None
    try:
        return _path_to_nul(json.loads(request.body))
    except ValueError:
        return None  # not JSON: Ninja answers that itself


def _path_to_nul(value, path: str = "") -> str | None:
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return path or "body"
        found = _path_to_nul(item, f"{path}.{key}" if path else str(key))
        if found:
            return found
    return None
