"""Parsing Open311 query strings and forms at the edge: garbage becomes `Invalid` (a 400),
never an exception further in."""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from backend.core.errors import Invalid

# The spec's defaults: at most 90 days per query, and "first 1000 requests returned".
MAX_WINDOW = timedelta(days=90)
MAX_RESULTS = 1000
STATUSES = ("open", "closed")
# The spec limits description to 4,000 characters; the rest fit the columns they go to.
FIELD_LIMITS = {
    "description": 4000,
    "address_string": 300,
    "address_id": 100,
    "email": 254,
    "first_name": 100,
    "last_name": 100,
    "phone": 32,
    "device_id": 100,
    "account_id": 100,
    "media_url": 2000,
}
MAX_ATTRIBUTES = 50
# C0 controls other than tab and line breaks: PostgreSQL refuses NUL and XML 1.0 refuses all.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,100})\](?:\[\])?$")


def text(params: Mapping, name: str) -> str:
    """A parameter's value, stripped; absent and empty are the same (the spec's "optional")."""
    value = params.get(name) or ""
    return _CONTROL.sub("", value).strip()


def csv(params: Mapping, name: str) -> list[str]:
    return [item.strip() for item in text(params, name).split(",") if item.strip()]


def w3c_datetime(value: str, name: str) -> datetime:
    """A W3C date or date-time; one without an offset is read in the zone's time."""
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            moment = datetime.combine(day, time()) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise Invalid(f"{name} must be a W3C date-time, e.g. 2010-01-01T00:00:00Z.", field=name)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@dataclass(frozen=True)
class RequestQuery:
    numbers: list[str] = field(default_factory=list)
    service_codes: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None


def request_query_parse(params: Mapping, *, now: datetime) -> RequestQuery:
    numbers = csv(params, "service_request_id")
    if numbers:
        # The spec: service_request_id "overrides all other arguments".
        if len(numbers) > MAX_RESULTS:
            raise Invalid(f"At most {MAX_RESULTS} service_request_id at once.")
        return RequestQuery(numbers=numbers)
    statuses = csv(params, "status")
    unknown = sorted(set(statuses) - set(STATUSES))
    if unknown:
        raise Invalid(f"status must be open or closed, not {', '.join(unknown)}.", field="status")
    start, end = _window(text(params, "start_date"), text(params, "end_date"), now=now)
    return RequestQuery(
        service_codes=csv(params, "service_code"), statuses=statuses, start=start, end=end
    )


def _window(start_text: str, end_text: str, *, now: datetime) -> tuple[datetime, datetime]:
    """The spec's range: never more than 90 days; the most recent 90 when none is given."""
    start = w3c_datetime(start_text, "start_date") if start_text else None
    end = w3c_datetime(end_text, "end_date") if end_text else None
    try:
        if start and end:
            if end < start:
                raise Invalid("end_date is before start_date.", field="end_date")
            if end - start > MAX_WINDOW:
                raise Invalid("start_date to end_date may not span more than 90 days.")
            return start, end
        if start:
            return start, start + MAX_WINDOW
        if end:
            return end - MAX_WINDOW, end
    except OverflowError:
        # 9999-12-31 plus 90 days is past what datetime can hold.
        raise Invalid("start_date or end_date is out of range.") from None
    return now - MAX_WINDOW, now


@dataclass(frozen=True)
class NewRequest:
    service_code: str
    lat: float
    lon: float
    description: str = ""
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    device_id: str = ""
    account_id: str = ""
    media_url: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)


def new_request_parse(form: Mapping) -> NewRequest:
    """The POST form. gridgov places reports by their point, so lat & long are required: an
    address_string or address_id alone cannot be put in a grid (there is no geocoder)."""
    service_code = text(form, "service_code")
    if not service_code:
        raise Invalid("service_code was not provided.", field="service_code")
    values = {name: text(form, name) for name in FIELD_LIMITS}
    for name, limit in FIELD_LIMITS.items():
        if len(values[name]) > limit:
            raise Invalid(f"{name} may be at most {limit} characters.", field=name)
    # Line breaks are allowed in the description; keep them rather than the stripped form.
    values["description"] = _CONTROL.sub("", form.get("description") or "").strip()
    media_url = values["media_url"]
    if media_url and not media_url.lower().startswith(("http://", "https://")):
        raise Invalid("media_url must be an http(s) URL.", field="media_url")
    lat_text, lon_text = text(form, "lat"), text(form, "long")
    if not lat_text and not lon_text:
        raise Invalid("lat and long are required: reports are placed in grids by coordinates.")
    lat = _coordinate(lat_text, "lat", 90)
    lon = _coordinate(lon_text, "long", 180)
    return NewRequest(
        service_code=service_code,
        lat=lat,
        lon=lon,
        attributes=_attributes(form),
        **values,
    )


def _coordinate(value: str, name: str, limit: float) -> float:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or abs(number) > limit:
        raise Invalid(f"{name} must be a WGS-84 number between -{limit} and {limit}.", field=name)
    return number


def _attributes(form: Mapping) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key in form:
        match = _ATTRIBUTE.match(key)
        if match is None:
            continue
        if len(found) >= MAX_ATTRIBUTES:
            raise Invalid(f"At most {MAX_ATTRIBUTES} attributes.", field="attribute")
        values = form.getlist(key) if hasattr(form, "getlist") else [form[key]]
        found[match.group(1)] = [_CONTROL.sub("", value)[:1000] for value in values[:50]]
    return found
