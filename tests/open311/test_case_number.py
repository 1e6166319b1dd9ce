"""An Open311 request is numbered before its transaction, as a report through the REST API is
(`incident_create`): the day's counter row is then locked for one statement, not for the whole
insert, so one slow request does not make every other report of the zone wait."""

import pytest
from django.db import connection

from backend.incidents.models import Incident, NumberSequence

from .test_post_request import post

pytestmark = pytest.mark.django_db


def _numbering_in_a_transaction(work) -> list[bool]:
    """For each statement that takes a case number during `work`: had the request opened a
    transaction? (The test's own transaction is there throughout: blocks beyond it count.)"""
    seen: list[bool] = []
    outside = len(connection.atomic_blocks)

    def watch(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and NumberSequence._meta.db_table in sql:
            seen.append(len(connection.atomic_blocks) > outside)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        work()
    return seen


def test_an_open311_request_takes_its_case_number_outside_any_transaction(client, api_key):
    responses = []

    assert _numbering_in_a_transaction(lambda: responses.append(post(client, api_key))) == [False]

    [response] = responses
    assert response.status_code == 200
    [answer] = response.json()
    assert Incident.objects.filter(number=answer["service_request_id"]).exists()
