"""A major hazard reaches every supervisor socket of its street at once.

(No subcategory here: these tests commit for real, and the flush after each one removes the
subcategories a migration seeds.)"""

import uuid

import pytest
from asgiref.sync import sync_to_async

from backend.accounts.models import Role
from backend.boundaries.models import Street
from backend.incidents.services import incident_create
from backend.incidents.services.create import NewIncident
from tests.conftest import EAST, WEST, make_user
from tests.realtime.conftest import atoken_for, receive_all, socket

pytestmark = pytest.mark.usefixtures("ws_db")


def street_supervisor(username: str, street_code: str):
    user = make_user(username, Role.SUPERVISOR)
    user.streets.set(Street.objects.filter(code=street_code))
    return user


def major_hazard(reporter):
    incident, _ = incident_create(
        reporter=reporter,
        report=NewIncident(
            client_id=uuid.uuid4(),
            category="safety",
            title="燃气泄漏",
            lon=123.805,
            lat=41.805,
            severity="major",
        ),
    )
    return incident


async def test_every_supervisor_of_the_street_and_the_zone_hears_of_a_major_hazard(
    worker, supervisor
):
    west = [await sync_to_async(street_supervisor)(f"west{n}", WEST) for n in range(3)]
    east = await sync_to_async(street_supervisor)("east0", EAST)
    tokens = [await atoken_for(user) for user in [*west, supervisor, east]]

    async with (
        socket(f"?token={tokens[0]}") as w0,
        socket(f"?token={tokens[1]}") as w1,
        socket(f"?token={tokens[2]}") as w2,
        socket(f"?token={tokens[3]}") as zone,
        socket(f"?token={tokens[4]}") as other,
    ):
        for communicator in (w0, w1, w2, zone, other):
            await communicator.receive_json_from()

        incident = await sync_to_async(major_hazard)(worker)

        for communicator in (w0, w1, w2, zone):
            [event] = await receive_all(communicator)
            assert event["type"] == "incident.created"
            assert event["incident"]["id"] == incident.pk
            assert event["incident"]["severity"] == "major"
            assert event["incident"]["priority"] == "urgent"
        assert await receive_all(other) == []
