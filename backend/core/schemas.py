"""Schema parts every app's API shares: the error shape, ids, coordinates, text and moments.

One definition each, so that a rule about input (what an id looks like, which text a database
can store) is the same on every route.
"""

from datetime import UTC, datetime
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field


class ErrorItem(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    detail: str
    code: str
    errors: list[ErrorItem] | None = None


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The `response=` entries for the error statuses a route may answer, all in the one shape."""
    return dict.fromkeys(statuses, ErrorOut)


# Strict: a coordinate sent as a string is a client bug to report, not to guess at.
Longitude = Field(ge=-180, le=180, allow_inf_nan=False, strict=True)
Latitude = Field(ge=-90, le=90, allow_inf_nan=False, strict=True)


def without_nul(text: str | None) -> str | None:
    """The text unchanged, or a ValueError (a 422) when it holds U+0000."""
    # PostgreSQL cannot store U+0000 in text (nor compare with it); refused here, it is a 422 on
    # every database instead of a server error on one.
    if text is not None and "\x00" in text:
        raise ValueError(_("must not contain NUL characters"))
    return text


# Text a client sends, refused with a 422 when it holds U+0000.
TextWithoutNul = Annotated[str, AfterValidator(without_nul)]

# Ids are at most 18 digits: short enough for every database's integers.
MAX_ID_DIGITS = 18


def parse_id(raw: str) -> int | None:
    """The id a client sent in a path or parameter, or None when it cannot be one of ours."""
    # isdigit() alone also takes "²" (int() fails) and "١" (other scripts' digits).
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_ID_DIGITS:
        return None
    return int(raw)


def _number_as_text(value: object) -> object:
    # Ids are opaque to clients, who may send them as numbers or as strings.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# An id in a request body, as digits.
ObjectId = Annotated[
    str, BeforeValidator(_number_as_text), Field(pattern=rf"^[0-9]{{1,{MAX_ID_DIGITS}}}$")
]

# Moments outside these are typos or probes: before 1901 the zone's clock ran on local mean
# time (+08:05:43, an offset ISO 8601 clients cannot read), and near years 1 and 9999 a moment
# with an offset has no UTC equivalent to store or compare (a server error otherwise).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def plausible_moment(moment: datetime | None) -> datetime | None:
    """The moment in UTC, or a ValueError (a 422) when it lies outside 1970..2100."""
    if moment is None:
        return None
    if not EARLIEST <= moment < LATEST:
        raise ValueError(
            _("must be between %(first)s and %(last)s")
            % {"first": f"{EARLIEST:%Y}", "last": f"{LATEST:%Y}"}
        )
    # The same moment in UTC: ISO 8601 allows offsets up to ±23:59, PostgreSQL only ±15:59.
    return moment.astimezone(UTC)


def local_time(moment: datetime | None) -> datetime | None:
    """The moment in the zone's own offset (+08:00), which reads better than UTC; None stays."""
    return timezone.localtime(moment) if moment else None
