"""Turn every failure the API can meet into the contract's error shape."""

import logging

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from .errors import GridgovError, Invalid, TooLarge, Unreadable, UnsupportedMediaType
from .validation_messages import PYDANTIC_MESSAGES

logger = logging.getLogger("gridgov.api")

# Ninja's own messages, translated when they are answered (`on_http_error`).
NINJA_MESSAGES = (gettext_noop("Cannot parse request body"), gettext_noop("CSRF check Failed"))
# Pydantic joins the allowed values itself, in English ("'a', 'b' or 'c'"): the joiner is ours.
CHOICE_LISTS = {"expected", "expected_schemes"}


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    detail: str,
    code: str,
    errors: list[dict] | None = None,
    headers: dict | None = None,
) -> HttpResponse:
    body: dict = {"detail": detail, "code": code}
    if errors is not None:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def gridgov_error_body(exc: GridgovError) -> dict:
    # str(): a detail may be lazy, translated here into the request's language.
    detail = str(exc.detail)
    body: dict = {"detail": detail, "code": exc.code}
    if isinstance(exc, Invalid):
        body["errors"] = [{"field": exc.field, "message": detail}]
    return body


def gridgov_error_json(exc: GridgovError) -> JsonResponse:
    """The error shape for middleware, which answers before Ninja is reached."""
    return JsonResponse(gridgov_error_body(exc), status=exc.status, headers=exc.headers)


def register_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(GridgovError)
    def on_gridgov_error(request: HttpRequest, exc: GridgovError) -> HttpResponse:
        response = api.create_response(request, gridgov_error_body(exc), status=exc.status)
        for name, value in exc.headers.items():
            response[name] = value
        return response

    # Django parses a body only when a route first reads it, so its parser's refusals surface
    # here, inside Ninja, and would otherwise fall through to the 500 below.
    for unreadable in (MultiPartParserError, UnreadablePostError, BadRequest, SuspiciousOperation):

        @api.exception_handler(unreadable)
        def on_unreadable_body(request: HttpRequest, exc: Exception) -> HttpResponse:
            if isinstance(exc, RequestDataTooBig):
                return on_gridgov_error(request, TooLarge(_("The request body is too large.")))
            return on_gridgov_error(request, Unreadable(_("The request body could not be read.")))

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        unreadable = _unreadable_upload(request, exc)
        if unreadable is not None:
            return on_gridgov_error(request, unreadable)
        errors = [
            {"field": _field_name(error.get("loc", ())), "message": _validation_message(error)}
            for error in exc.errors
        ]
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or _("Invalid input.")
        return error_response(
            api, request, status=422, detail=summary, code="invalid", errors=errors
        )

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            api,
            request,
            status=401,
            detail=_("Sign in first: send a valid bearer token or session cookie."),
            code="not_authenticated",
            headers={"WWW-Authenticate": "Bearer"},
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(
            api, request, status=exc.status_code, detail=_(str(exc.message)), code="http_error"
        )

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, status=404, detail=_("Not found."), code="not_found")

    @api.exception_handler(Exception)
    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(
            api, request, status=500, detail=_("Internal server error."), code="server_error"
        )


def _unreadable_upload(request: HttpRequest, exc: ValidationError) -> GridgovError | None:
    """Why a route that takes a file found none, when the body itself is to blame.

    Django's multipart parser reads a body that is not multipart, or whose parts it cannot
    find, as an empty form; Ninja then reports the file as missing, which blames the client's
    fields for what is the client's encoding.
    """
    if not any(error.get("loc", ("",))[0] == "file" for error in exc.errors):
        return None
    if request.content_type != "multipart/form-data":
        return UnsupportedMediaType(_("Send the file as multipart/form-data."))
    if not request.FILES and not request.POST and int(request.META.get("CONTENT_LENGTH") or 0):
        return Unreadable(_("The request body could not be read."))
    return None


def _validation_message(error: dict) -> str:
    """Pydantic's message for `error`, in the request's language (`PYDANTIC_MESSAGES`)."""
    english = error.get("msg", "invalid")
    msgid = PYDANTIC_MESSAGES.get(error.get("type", ""))
    if msgid is None:
        return english
    translated = _(msgid)
    if translated == msgid:
        return english
    try:
        return translated % {
            name: _choices(str(value)) if name in CHOICE_LISTS else str(value)
            for name, value in (error.get("ctx") or {}).items()
        }
    except (KeyError, TypeError, ValueError):
        return english


def _choices(listed: str) -> str:
    head, joiner, last = listed.rpartition(" or ")
    return f"{head} {_('or')} {last}" if joiner else listed


def _field_name(loc: tuple | list) -> str:
    # Ninja prefixes the source ("body", "query") and, for a body, the view's parameter name;
    # clients know fields only by their names in the payload.
    parts = [str(part) for part in loc]
    source, rest = (parts[0], parts[1:]) if parts else ("body", [])
    if source == "body" and len(rest) > 1:
        rest = rest[1:]
    return ".".join(rest) or source
