"""Which sockets need the session: only those that carry no token."""

from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack


def socket_token(scope: dict) -> str | None:
    """The token a socket is signed with, or None for a cookie (or anonymous) socket.

    A socket that carries an `Authorization` header is judged by that header alone, as an HTTP
    request is: a bearer token in it, or "" (which no token matches) for anything else.
    """
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").strip().partition(" ")
            return token.strip() if scheme.lower() == "bearer" else ""
    params = parse_qs(scope.get("query_string", b"").decode(errors="replace"))
    return (params.get("token") or [None])[0]


class SessionUnlessToken:
    """Resolve the session user (a database trip on Django's one shared thread) only for
    sockets signed in by cookie; phones send a token, which the consumer checks itself."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.with_session = AuthMiddlewareStack(inner)

    async def __call__(self, scope, receive, send):
        application = self.inner if socket_token(scope) is not None else self.with_session
        return await application(scope, receive, send)
