"""The migration that brings boundary generations keeps every existing grid, current."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("boundaries", "0001_initial")]
AFTER = [("boundaries", "0002_generations")]


# serialized_rollback, like every transactional test here: its flush then skips post_migrate,
# whose content types would clash with the next test's restored ones.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_grids_stay_current_in_the_first_generation():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    street = old.get_model("boundaries", "Street").objects.create(
        code="210404001", name="西街道", geometry="{}", **_box()
    )
    old.get_model("boundaries", "Grid").objects.create(
        code="21040400101001", name="网格1", geometry="{}", street=street, **_box()
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    new = executor.loader.project_state(AFTER).apps
    grid = new.get_model("boundaries", "Grid").objects.get(code="21040400101001")
    generation = new.get_model("boundaries", "Generation").objects.get()
    assert (grid.name, grid.generation_id, grid.retired_in_id) == ("网格1", generation.pk, None)


def _box() -> dict:
    return {"min_lon": 0, "min_lat": 0, "max_lon": 1, "max_lat": 1, "area_m2": 1.0}
