"""Writes for Open311: issuing and checking API keys, and filing a POSTed request as an
incident through the same `incident_create` every other report goes through."""

import secrets
import uuid

from django.db import transaction
from django.utils.text import slugify

from backend.accounts.models import Role, User, hash_token
from backend.core.errors import Forbidden
from backend.incidents.models import Incident
from backend.incidents.services import incident_create
from backend.incidents.services.create import NewIncident

from .models import ApiKey, Submission
from .params import NewRequest
from .selectors import service_get

DEMO_KEY = "gridgov-demo-key"
DEMO_USERNAME = "open311-demo"
TITLE_MAX = 200


def service_user_create(*, name: str) -> User:
    """A resident account for one Open311 client; it cannot sign in."""
    base = f"open311-{slugify(name)[:40] or secrets.token_hex(4)}"
    username = base
    while User.objects.filter(username=username).exists():
        username = f"{base}-{secrets.token_hex(3)}"
    user = User(username=username, role=Role.RESIDENT, display_name=f"Open311: {name}"[:100])
    user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def api_key_issue(*, api_key: ApiKey, key: str | None = None) -> str:
    """Save a new (unsaved) key and return its secret, which is not kept: show it once."""
    secret = key or secrets.token_urlsafe(32)
    api_key.key_hash = hash_token(secret)
    if api_key.user_id is None:
        api_key.user = service_user_create(name=api_key.name)
    api_key.save()
    return secret


def api_key_create(
    *, name: str, user: User | None = None, key: str | None = None
) -> tuple[ApiKey, str]:
    api_key = ApiKey(name=name, user=user)
    return api_key, api_key_issue(api_key=api_key, key=key)


@transaction.atomic
def open311_demo_key_create() -> ApiKey:
    """The demo's key `gridgov-demo-key`, filing as the resident `open311-demo`; idempotent."""
    user, created = User.objects.get_or_create(
        username=DEMO_USERNAME,
        defaults={"role": Role.RESIDENT, "display_name": "Open311 演示客户端"},
    )
    if created:
        user.set_unusable_password()
        user.save()
    api_key, _ = ApiKey.objects.update_or_create(
        key_hash=hash_token(DEMO_KEY),
        defaults={"name": "gridgov demo", "user": user, "active": True},
    )
    return api_key


def api_key_authenticate(*, key: str) -> ApiKey:
    if not key:
        raise Forbidden("api_key was not provided.")
    found = ApiKey.objects.select_related("user").filter(key_hash=hash_token(key)).first()
    if found is None or not found.active or not found.user.is_active:
        raise Forbidden("Invalid api_key received -- can't proceed with create_request.")
    return found


def open311_request_create(*, api_key: ApiKey, report: NewRequest) -> Incident:
    """File the request as the key's account; the submitter's details go to `Submission`.

    Not one transaction around both: `incident_create` makes sure of the day's case numbering
    before its own transaction (on PostgreSQL, creating the day's sequence at most once a day),
    and an outer transaction would hold that open for the whole insert.
    """
    service = service_get(code=report.service_code)
    incident, _ = incident_create(
        reporter=api_key.user,
        report=NewIncident(
            # Open311 has no idempotency token: each POST is a new report.
            client_id=uuid.uuid4(),
            category=service.category,
            subcategory=service.code if service.subcategory_id else None,
            title=_title(report.description, fallback=service.name),
            description=report.description,
            lon=report.lon,
            lat=report.lat,
            address=report.address_string,
        ),
    )
    Submission.objects.create(
        incident=incident,
        api_key=api_key,
        email=report.email,
        first_name=report.first_name,
        last_name=report.last_name,
        phone=report.phone,
        device_id=report.device_id,
        account_id=report.account_id,
        address_id=report.address_id,
        media_url=report.media_url,
        attributes=report.attributes,
    )
    return incident


def _title(description: str, *, fallback: str) -> str:
    first_line = next((line.strip() for line in description.splitlines() if line.strip()), "")
    return (first_line or fallback)[:TITLE_MAX]
