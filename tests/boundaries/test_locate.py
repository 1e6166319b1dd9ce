import pytest
from shapely import from_geojson

from backend.boundaries.models import Grid
from backend.demo.services import demo_zone_load
from tests.conftest import EAST, WEST, ApiClient, grid_code

EDGE_X = 123.80 + 0.01  # built the way the fixture builds its squares, so floats match exactly


def locate(lon, lat):
    return ApiClient().get("/locate", {"lon": lon, "lat": lat})


def test_point_inside_a_grid_gives_grid_and_street(two_streets):
    body = locate(123.805, 41.815).json()

    assert body == {
        "street": {"code": WEST, "name": "西街道"},
        "grid": {"code": grid_code(WEST, 3), "name": "网格3"},
    }


def test_point_on_an_edge_shared_by_two_grids_belongs_to_the_lower_code(two_streets):
    assert locate(EDGE_X, 41.805).json()["grid"]["code"] == grid_code(WEST, 1)


def test_point_on_a_vertex_shared_by_four_grids_belongs_to_the_lowest_code(two_streets):
    assert locate(EDGE_X, 41.80 + 0.01).json()["grid"]["code"] == grid_code(WEST, 1)


def test_point_on_the_border_of_two_streets_belongs_to_the_lower_grid_code(two_streets):
    body = locate(123.82, 41.805).json()

    assert body["grid"]["code"] == grid_code(WEST, 2)
    assert body["street"]["code"] == WEST


def test_point_on_the_outer_edge_is_inside(two_streets):
    assert locate(123.84, 41.805).json()["grid"]["code"] == grid_code(EAST, 2)


def test_point_outside_every_grid_gives_nulls(two_streets):
    assert locate(120.0, 30.0).json() == {"street": None, "grid": None}


@pytest.mark.parametrize(
    "params",
    [
        {"lon": 999, "lat": 41.8},
        {"lon": 123.8, "lat": "abc"},
        {"lon": 123.8},
        {},
        {"lon": "nan", "lat": 41.8},
        {"lon": "inf", "lat": 41.8},
        {"lon": 123.8, "lat": -91},
    ],
)
def test_bad_coordinates_are_422_in_the_error_shape(two_streets, params):
    response = ApiClient().get("/locate", params)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["detail"]
    assert body["errors"] and all("field" in e and "message" in e for e in body["errors"])


def test_each_demo_grids_representative_point_locates_that_grid(db):
    demo_zone_load()

    grids = list(Grid.objects.values_list("code", "geometry"))
    assert len(grids) >= 60
    for code, geometry in grids:
        point = from_geojson(geometry).representative_point()
        assert locate(point.x, point.y).json()["grid"]["code"] == code
