"""The `Authorization` header, judged before anything else looks at the request."""

from django.http import HttpRequest, HttpResponse
from django.utils.deprecation import MiddlewareMixin

from backend.core.errors import NotAuthenticated
from backend.core.handlers import gridgov_error_json
from backend.core.middleware import API_PREFIX

from .auth import header_user


class AuthorizationHeaderMiddleware(MiddlewareMixin):
    """Answer 401 to any API request whose `Authorization` header names no live token.

    On every route, the public ones too (sign-in, registration, reads): a client carrying a
    dead token learns so at once, and no route falls back to the session cookie for it. It
    sits after Django's session middleware so the token's user replaces the cookie's; the
    route's auth then finds the user already resolved and asks the database nothing more.
    """

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIX):
            return None
        try:
            header_user(request)
        except NotAuthenticated as error:
            return gridgov_error_json(error)
        return None
