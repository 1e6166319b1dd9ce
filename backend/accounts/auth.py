"""How a request proves who it is: a bearer token, or the browser's session cookie with CSRF.

A request that carries an `Authorization` header is judged by that header alone: a bad one is
a 401, never a fall back to the session cookie, whose CSRF check would answer a misleading 403.
"""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.security import SessionAuth as DjangoSession

from backend.core.errors import NotAuthenticated

from .models import User
from .services import user_for_token


def header_user(request: HttpRequest) -> User | None:
    """The user the `Authorization` header names, or None when the request carries none.

    A header naming no live bearer token raises `NotAuthenticated`. Resolved once per request
    (`AuthorizationHeaderMiddleware` asks first, the route's auth again): one query, not two.
    """
    if hasattr(request, "auth_token"):
        return request.user
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _space, token = header.strip().partition(" ")
    token = token.strip()
    user = user_for_token(token) if scheme.lower() == "bearer" else None
    if user is None:
        raise NotAuthenticated(
            _("Invalid or expired token."),
            code="invalid_token",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    request.user = user
    request.auth_token = token
    return user


class BearerToken(HttpBearer):
    def __call__(self, request: HttpRequest) -> User | None:
        return header_user(request)

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return header_user(request)


class SessionAuth(DjangoSession):
    """The session cookie, only for requests without an `Authorization` header."""

    def __call__(self, request: HttpRequest):
        if "Authorization" in request.headers:
            return None
        return super().__call__(request)


class OptionalAuth:
    """For routes anyone may read: a valid token or session names the user, none is anonymous.

    A token that is sent but invalid is still a 401, so a client learns its token has expired.
    """

    def __call__(self, request: HttpRequest):
        user = header_user(request)
        if user is not None:
            return user
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else AnonymousUser()


bearer_token = BearerToken()
session_cookie = SessionAuth()
REQUIRED = [bearer_token, session_cookie]
OPTIONAL = [OptionalAuth()]
