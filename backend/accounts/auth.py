"""How a request proves who it is: a bearer token, or the browser's session cookie with CSRF."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from backend.core.errors import NotAuthenticated

from .services import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
            request.auth_token = token
        return user


class OptionalAuth:
    """For routes anyone may read: a valid token or session names the user, none is anonymous.

    A token that is sent but invalid is still a 401, so a client learns its token has expired.
    """

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _, token = header.partition(" ")
            user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
            if user is None:
                raise NotAuthenticated("Invalid or expired token.", code="invalid_token")
            request.user = user
            return user
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else AnonymousUser()


bearer_token = BearerToken()
session_cookie = SessionAuth()
REQUIRED = [bearer_token, session_cookie]
OPTIONAL = [OptionalAuth()]
