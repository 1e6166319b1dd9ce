"""The suite's root conftest. `tests/gis` runs without Django (`pytest tests/gis -p no:django`),
so the Django fixtures (the two-street map, named users, signed-in clients) are loaded only when
pytest-django has configured Django; they live in `tests/django_fixtures.py`."""

from django.conf import settings

if settings.configured:
    # Re-exported: fixtures are found here, and tests import helpers from `tests.conftest`.
    from tests.django_fixtures import *  # noqa: F403


def pytest_collection_modifyitems(items) -> None:
    """Every transactional test restores the database it found (serialized rollback).

    A transactional test ends with a flush. Without serialized rollback the flush re-creates the
    content types under new ids (post_migrate), and the next test that restores its serialized
    database then meets them twice (a unique violation, on PostgreSQL); it also drops the rows
    the data migrations seeded (subcategories). With it on every such test, neither depends on
    which tests ran before.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = (marker is not None and marker.kwargs.get("transaction")) or (
            "transactional_db" in getattr(item, "fixturenames", ())
        )
        if transactional and "django_db_serialized_rollback" not in item.fixturenames:
            item.fixturenames.append("django_db_serialized_rollback")
