from shapely.geometry import MultiPolygon, box

from backend.boundaries import locator
from backend.boundaries.models import BoundaryVersion, Grid
from backend.boundaries.services import grids_import
from gis.io import Boundary
from tests.conftest import WEST, grid_code


def test_locator_sees_a_new_grid_without_a_restart(two_streets):
    Grid.objects.filter(code=grid_code(WEST, 4)).delete()
    assert locator.locate(123.815, 41.815).grid is None

    grids_import(
        boundaries=[
            Boundary(
                code=grid_code(WEST, 4),
                name="新网格",
                feature=0,
                properties={},
                geometry=MultiPolygon([box(123.81, 41.81, 123.82, 41.82)]),
            )
        ]
    )

    assert locator.locate(123.815, 41.815).grid.name == "新网格"


def test_a_change_made_by_another_process_reaches_this_one(two_streets):
    before = locator.current_locators()
    # Another process changing boundaries shows here only as a new version in the database.
    Grid.objects.filter(code=grid_code(WEST, 1)).update(name="别处改名")
    BoundaryVersion.objects.update(version=before.version + 1)

    assert locator.locate(123.805, 41.805).grid.name == "别处改名"


def test_locator_is_reused_while_boundaries_are_unchanged(two_streets):
    assert locator.current_locators() is locator.current_locators()


def test_a_point_in_a_street_but_in_no_grid_still_has_its_street(two_streets):
    Grid.objects.filter(code=grid_code(WEST, 1)).delete()

    location = locator.locate(123.805, 41.805)

    assert location.grid is None
    assert location.street.code == WEST
