"""What Open311 shows: services and requests as a public aggregator may see them.

Never the reporter: no name, phone, email, device or account. Free text written by people
(description, notes, address) also has phone numbers, e-mail addresses and ID card numbers
masked, since residents do type "call me on 138…" into reports.
"""

import re
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from backend.incidents.models import FINAL_STATUSES, Incident, Status

from .params import MAX_RESULTS, MAX_WINDOW
from .selectors import Service, service_of

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
STATUS_NAMES_EN = {
    Status.REPORTED: "Reported, awaiting acceptance",
    Status.ACCEPTED: "Accepted, awaiting dispatch",
    Status.DISPATCHED: "Dispatched to a grid worker",
    Status.IN_PROGRESS: "Being handled",
    Status.RESOLVED: "Handled, awaiting verification",
    Status.CLOSED: "Closed",
    Status.REJECTED: "Not accepted",
}
SUBMITTED_NOTICE = {
    False: "已登记，将按所在网格分派处置；可凭编号查询进度。",
    True: "Registered; it goes to the grid where it is and can be tracked by its number.",
}
_PERSONAL = [
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),
    re.compile(r"(?<!\d)\d{17}[\dXx](?!\w)"),  # resident ID card (身份证)
    re.compile(r"(?<!\d)(\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)"),  # mobile
    re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)"),  # landline with area code
]


def mask(value: str) -> str:
    for pattern in _PERSONAL:
        value = pattern.sub("***", value)
    return value


def w3c(moment: datetime | None) -> str | None:
    # The zone's own offset, as the rest of the API does; the spec wants one included.
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def discovery_out(*, url: str, changeset: datetime) -> dict:
    stamp = w3c(changeset)
    contact = getattr(
        settings,
        "GRIDGOV_OPEN311_CONTACT",
        "gridgov Open311 GeoReport v2: the zone's command centre (指挥中心).",
    )
    limits = (
        f" GET requests answers at most {MAX_RESULTS} requests, newest first, over at most "
        f"{MAX_WINDOW.days} days (default: the last {MAX_WINDOW.days}). Petitions (信访) are "
        "not served. POST requests needs lat and long."
    )
    return {
        "changeset": stamp,
        "contact": contact + limits,
        "key_service": "API keys for POST requests are issued by the zone's administrators.",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": stamp,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def service_out(service: Service, *, english: bool) -> dict:
    return {
        "service_code": service.code,
        "service_name": service.name_en if english else service.name,
        "description": f"{service.name} / {service.name_en}",
        # No service needs attributes (CONTRACT.md), so no definition call is needed.
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join(
            dict.fromkeys([service.name, service.name_en, service.group, service.group_en])
        ),
        "group": service.group_en if english else service.group,
    }


def service_definition_out(service: Service) -> dict:
    return {"service_code": service.code, "attributes": []}


def request_out(incident: Incident, *, english: bool, media_url: str | None) -> dict:
    service = service_of(incident)
    stage = STATUS_NAMES_EN[incident.status] if english else str(Status(incident.status).label)
    note = getattr(incident, "status_note", None) or ""
    return {
        "service_request_id": incident.number,
        "status": "closed" if incident.status in FINAL_STATUSES else "open",
        "status_notes": mask(note) or None,
        "service_name": service.name_en if english else service.name,
        "service_code": service.code,
        "description": mask(_text(incident)) or None,
        "agency_responsible": incident.street.name if incident.street_id else None,
        "service_notice": stage,
        "requested_datetime": w3c(incident.created_at),
        "updated_datetime": w3c(incident.updated_at),
        "expected_datetime": w3c(incident.due_at),
        "address": mask(incident.address) or None,
        "address_id": None,
        "zipcode": None,
        "lat": incident.lat,
        "long": incident.lon,
        "media_url": media_url,
    }


def created_out(incident: Incident, *, english: bool) -> dict:
    return {
        "service_request_id": incident.number,
        "service_notice": SUBMITTED_NOTICE[english],
        "account_id": None,
    }


def _text(incident: Incident) -> str:
    """Title and description as one text; Open311 filings already open with their title."""
    if not incident.description:
        return incident.title
    if incident.description.startswith(incident.title):
        return incident.description
    return f"{incident.title}\n{incident.description}"
