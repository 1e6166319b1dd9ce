"""The suite's root conftest. `tests/gis` runs without Django (`pytest tests/gis -p no:django`),
so the Django fixtures (the two-street map, named users, signed-in clients) are loaded only when
pytest-django has configured Django; they live in `tests/django_fixtures.py`."""

from django.conf import settings

if settings.configured:
    # Re-exported: fixtures are found here, and tests import helpers from `tests.conftest`.
    from tests.django_fixtures import *  # noqa: F403
