"""Middleware shared by every app.

Each one is a `MiddlewareMixin` with plain request/response hooks. Under ASGI the whole chain
runs in the request's one thread (`OneThreadPerRequest` in `backend/gridgov/asgi.py`).
"""

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation.trans_real import parse_accept_lang_header

API_PREFIX = "/api/"
# The API's `detail` is English unless the client asks for Chinese (CONTRACT.md, Errors); the
# app's own pages keep the site's default, Chinese.
API_DEFAULT_LANGUAGE = "en"

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


# Django's reason phrases, for the answers Django gives before or around Ninja.
_STATUS_DETAILS = {
    400: gettext_lazy("Bad Request"),
    401: gettext_lazy("Unauthorized"),
    403: gettext_lazy("Forbidden"),
    404: gettext_lazy("Not Found"),
    405: gettext_lazy("Method Not Allowed"),
    409: gettext_lazy("Conflict"),
    413: gettext_lazy("Request Entity Too Large"),
    415: gettext_lazy("Unsupported Media Type"),
    422: gettext_lazy("Unprocessable Entity"),
    429: gettext_lazy("Too Many Requests"),
    500: gettext_lazy("Internal Server Error"),
}


def api_language(request: HttpRequest) -> str:
    """The language the API answers in: the first of `Accept-Language` we speak, else English.

    Only the header counts (not the site's cookie or default): a phone's or a city platform's
    request says what its user reads, and one without the header gets the contract's English.
    """
    header = request.headers.get("Accept-Language", "")
    for code, _quality in parse_accept_lang_header(header[:255]):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return API_DEFAULT_LANGUAGE


class LanguageMiddleware(LocaleMiddleware):
    """Django's `LocaleMiddleware`, with the API's own choice of language (`api_language`).

    Early in the chain, so the answers of the middleware after it speak the language too.
    """

    def process_request(self, request: HttpRequest) -> None:
        if not request.path.startswith(API_PREFIX):
            return super().process_request(request)
        language = api_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None


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
                "detail": str(_STATUS_DETAILS.get(status, response.reason_phrase or "Error")),
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
                message = _("must not contain NUL characters")
                return JsonResponse(
                    {
                        "detail": f"{field}: {message}",
                        "code": "invalid",
                        "errors": [{"field": field, "message": message}],
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
