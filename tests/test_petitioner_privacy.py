"""信访工作条例: the petitioner's identity and contact never reach anyone but supervisors holding
the petition permission — checked at every exit: REST list and detail, Open311, the statistics
and their CSV. (WebSocket payloads: tests/realtime/test_live_events.py.)"""

import uuid

import pytest
from django.contrib.auth.models import Permission

from backend.incidents.services import incident_create
from backend.incidents.services.create import NewIncident
from tests.conftest import ApiClient, sign_in

SECRET_NAME, SECRET_PHONE = "信访人张三", "13912345678"


@pytest.fixture
def petition(resident):
    resident.display_name, resident.phone = SECRET_NAME, SECRET_PHONE
    resident.save()
    incident, _ = incident_create(
        reporter=resident,
        report=NewIncident(
            client_id=uuid.uuid4(),
            category="petition",
            title="反映拆迁补偿问题",
            lon=123.805,
            lat=41.805,
            people_count=12,
        ),
    )
    return incident


def leaks(text: str) -> bool:
    return SECRET_NAME in text or SECRET_PHONE in text or '"username": "resident"' in text


def test_workers_and_supervisors_without_the_permission_never_see_the_petitioner(
    petition, worker, supervisor
):
    for user in (worker, supervisor):
        client = sign_in(user)
        for path in ("/incidents", f"/incidents/{petition.pk}", "/stats/grids", "/stats/streets"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert not leaks(response.content.decode()), (user.username, path)
        csv = client.get("/stats/grids.csv")
        assert csv.status_code == 200 and not leaks(csv.content.decode("utf-8-sig"))


def test_a_supervisor_with_the_petition_permission_sees_the_petitioner(petition, supervisor):
    supervisor.user_permissions.add(Permission.objects.get(codename="view_petitioner"))

    body = sign_in(supervisor).get(f"/incidents/{petition.pk}").json()

    assert body["reporter"]["display_name"] == SECRET_NAME
    assert body["reporter"]["phone"] == SECRET_PHONE
    assert body["people_count"] == 12


def test_open311_readers_never_see_the_petition_or_its_petitioner(petition):
    anonymous = ApiClient()
    for path in ("/open311/v2/requests.json", "/open311/v2/requests.xml"):
        response = anonymous.generic("GET", path)
        assert response.status_code == 200
        text = response.content.decode()
        assert not leaks(text) and petition.number not in text
