"""Which sockets need the session: only those without a token."""

from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack


class SessionUnlessToken:
    """Resolve the session user (a database trip on Django's one shared thread) only for
    sockets signed in by cookie; phones send a token, which the consumer checks itself."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.with_session = AuthMiddlewareStack(inner)

    async def __call__(self, scope, receive, send):
        params = parse_qs(scope.get("query_string", b"").decode(errors="replace"))
        application = self.inner if params.get("token") else self.with_session
        return await application(scope, receive, send)
