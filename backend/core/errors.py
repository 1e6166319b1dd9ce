"""The one family of exceptions that business logic raises.

Services and selectors raise these; a single handler on the API turns each into the contract's
error shape ``{"detail", "code"}`` with its HTTP status. Routes never catch them.
"""


class GridgovError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, detail: str, *, code: str | None = None, headers: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.headers = headers or {}


class Unreadable(GridgovError):
    """A body the parser cannot read: no multipart boundary, a broken part, too many fields."""

    code = "unreadable_body"


class TooLarge(GridgovError):
    status = 413
    code = "too_large"


class UnsupportedMediaType(GridgovError):
    status = 415
    code = "unsupported_media_type"


class NotAuthenticated(GridgovError):
    status = 401
    code = "not_authenticated"


class Forbidden(GridgovError):
    status = 403
    code = "forbidden"


class NotFound(GridgovError):
    """Missing, or outside the caller's scope: the two must look the same."""

    status = 404
    code = "not_found"


class Conflict(GridgovError):
    status = 409
    code = "conflict"


class Invalid(GridgovError):
    """Input that parsed but breaks a business rule; ``field`` names the culprit."""

    status = 422
    code = "invalid"

    def __init__(self, detail: str, *, field: str | None = None, code: str | None = None):
        super().__init__(detail, code=code)
        self.field = field


class Throttled(GridgovError):
    status = 429
    code = "throttled"

    def __init__(self, detail: str, *, retry_after_s: int):
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after_s))})
        self.retry_after_s = retry_after_s
