"""Open311 fixtures: reports placed on the two-street map, an API key, and parsers for the
two formats. `spec_examples.py` holds the GeoReport v2 sample responses we compare with."""

import json
import uuid
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from backend.accounts.models import User
from backend.incidents.models import Incident
from backend.incidents.services import incident_create
from backend.incidents.services.create import NewIncident
from backend.open311.services import api_key_create

# Inside grid 1-01 (21040400101001) of the west street; east street's grid 2-04 further on.
WEST_1_01 = {"lon": 123.805, "lat": 41.805}
EAST_2_04 = {"lon": 123.835, "lat": 41.815}
BASE = "/open311/v2"


def report(
    reporter: User,
    *,
    category: str = "other",
    subcategory: str | None = "roads_lights",
    title: str = "路灯不亮",
    description: str = "",
    days_ago: float = 0,
    status: str | None = None,
    where: dict = WEST_1_01,
) -> Incident:
    """A report filed the normal way, then moved back in time or to a status by the ORM."""
    incident, _ = incident_create(
        reporter=reporter,
        report=NewIncident(
            client_id=uuid.uuid4(),
            category=category,
            subcategory=subcategory,
            title=title,
            description=description,
            **where,
        ),
    )
    changes = {}
    if days_ago:
        moment = timezone.now() - timedelta(days=days_ago)
        changes.update(created_at=moment, updated_at=moment)
    if status:
        changes["status"] = status
    if changes:
        Incident.objects.filter(pk=incident.pk).update(**changes)
        incident.refresh_from_db()
    return incident


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture
def api_key(two_streets) -> str:
    _, secret = api_key_create(name="Test app")
    return secret


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def tags(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def body(response) -> object:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def xml_values(element: ET.Element) -> dict[str, str | None]:
    """A flat element's children as text; an empty element is None, as JSON's null."""
    return {child.tag: child.text for child in element}


def json_as_xml_text(item: dict) -> dict[str, str | None]:
    def text(value: object) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return {name: text(value) for name, value in item.items()}
