"""An Open311 request is numbered inside its report's transaction, as a report through the REST
API is (`incident_create`): the number commits with the case, and takes no lock another report
waits for (a sequence per day on PostgreSQL; SQLite has one writer anyway)."""

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
        takes_sqlite_number = sql.lstrip().upper().startswith("INSERT") and (
            NumberSequence._meta.db_table in sql
        )
        takes_postgresql_number = "nextval" in sql and "incident_number_" in str(params)
        if takes_sqlite_number or takes_postgresql_number:
            seen.append(len(connection.atomic_blocks) > outside)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        work()
    return seen


def test_an_open311_request_takes_its_case_number_in_the_reports_transaction(client, api_key):
    responses = []

    assert _numbering_in_a_transaction(lambda: responses.append(post(client, api_key))) == [True]

    [response] = responses
    assert response.status_code == 200
    [answer] = response.json()
    assert Incident.objects.filter(number=answer["service_request_id"]).exists()
