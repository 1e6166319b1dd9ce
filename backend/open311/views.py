"""Open311 GeoReport v2 endpoints as plain Django views: each parses its input, calls one
selector or service and renders the answer in the format the path asks for (XML by default).

Errors take the spec's shape (`<errors><error>` / `[{"code", "description"}]`) with its HTTP
statuses: 403 for a missing or wrong api_key, 404 for what does not exist, 400 for the rest.
"""

import functools
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt

from backend.core.errors import Forbidden, GridgovError, NotAuthenticated, NotFound
from backend.core.media import stored_photo_response

from . import formats, outputs, params, selectors, services

View = Callable[..., HttpResponse]


def _status(exc: GridgovError) -> int:
    if isinstance(exc, Forbidden | NotAuthenticated):
        return 403
    if isinstance(exc, NotFound):
        return 404
    return 400


def _check_jurisdiction(request: HttpRequest) -> None:
    """One jurisdiction per install, so the spec lets us ignore jurisdiction_id; when the
    deployment names its own (`GRIDGOV_OPEN311_JURISDICTION`), another one is not found."""
    expected = getattr(settings, "GRIDGOV_OPEN311_JURISDICTION", "")
    given = params.text(request.GET, "jurisdiction_id")
    if not given and request.method == "POST":
        given = params.text(request.POST, "jurisdiction_id")
    if expected and given and given != expected:
        raise NotFound(f"jurisdiction_id '{given[:100]}' was not found.")


def open311(*methods: str) -> Callable[[View], View]:
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view: View) -> View:
        # An API authenticated by api_key, called by other programs: no CSRF cookie exists.
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, fmt: str | None = None, **kwargs) -> HttpResponse:
            fmt = fmt or formats.XML
            if request.method not in allowed:
                response = formats.error(fmt, 405, f"Use {' or '.join(methods)}.")
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                _check_jurisdiction(request)
                return view(request, fmt, **kwargs)
            except GridgovError as exc:
                return formats.error(fmt, _status(exc), exc.detail)
            except SuspiciousOperation:
                # Oversized bodies and too many fields, which Django refuses while parsing.
                return formats.error(fmt, 400, "The request could not be read.")

        return wrapper

    return decorate


def _english() -> bool:
    # LocaleMiddleware has picked the language from Accept-Language; Chinese is the default.
    return translation.get_language().startswith("en")


@open311("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    url = request.build_absolute_uri(reverse("open311-root")).rstrip("/")
    data = outputs.discovery_out(url=url, changeset=selectors.services_changeset())
    return formats.render(fmt, "discovery", data)


@open311("GET")
def services_list(request: HttpRequest, fmt: str) -> HttpResponse:
    english = _english()
    data = [outputs.service_out(s, english=english) for s in selectors.services_list()]
    return formats.render(fmt, "services", data)


@open311("GET")
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    service = selectors.service_get(code=service_code)
    return formats.render(fmt, "service_definition", outputs.service_definition_out(service))


@open311("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _request_create(request, fmt)
    query = params.request_query_parse(request.GET, now=timezone.now())
    incidents = selectors.requests_list(query=query)
    return _requests_render(request, fmt, incidents)


@open311("GET")
def request_detail(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    incident = selectors.request_get(number=service_request_id)
    return _requests_render(request, fmt, [incident])


def _request_create(request: HttpRequest, fmt: str) -> HttpResponse:
    key = params.text(request.POST, "api_key") or params.text(request.GET, "api_key")
    api_key = services.api_key_authenticate(key=key)
    report = params.new_request_parse(request.POST)
    incident = services.open311_request_create(api_key=api_key, report=report)
    data = [outputs.created_out(incident, english=_english())]
    return formats.render(fmt, "service_requests", data)


def _requests_render(request: HttpRequest, fmt: str, incidents: list) -> HttpResponse:
    english = _english()
    data = [
        outputs.request_out(incident, english=english, media_url=_media_url(request, incident))
        for incident in incidents
    ]
    return formats.render(fmt, "service_requests", data)


def _media_url(request: HttpRequest, incident) -> str | None:
    photos = list(incident.photos.all())
    if not photos:
        return None
    return request.build_absolute_uri(reverse("open311-media", args=[photos[0].pk]))


@open311("GET")
def media(request: HttpRequest, fmt: str, photo_id: str) -> HttpResponse:
    """A request's photo for the public: always the copy re-encoded without EXIF."""
    photo = selectors.public_photo_get(photo_id=int(photo_id))
    return stored_photo_response(
        photo.stripped, content_type=photo.content_type, cache_control="public, max-age=86400"
    )


@open311("GET", "POST")
def not_found(request: HttpRequest, fmt: str, path: str = "") -> HttpResponse:
    fmt = formats.JSON if path.endswith(".json") else formats.XML
    return formats.error(fmt, 404, "No such Open311 resource.")
