import numpy as np
import pytest
import shapely
from pyproj import Geod, Transformer

from gis.codes import code_problem, is_street_code, street_code_of
from gis.demo import NOTICE, build_demo_zone, demo_outline_gcj02

# UTM 51N covers Fushun (120-126 E): areas in m² with negligible scale error.
TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)


def area_km2(geometry) -> float:
    projected = shapely.transform(geometry, lambda xy: np.column_stack(TO_UTM.transform(*xy.T)))
    return projected.area / 1e6


@pytest.fixture(scope="module")
def zone():
    return build_demo_zone()


def test_zone_has_four_streets_and_at_least_sixty_grids(zone):
    assert len(zone.streets) == 4
    assert len(zone.grids) >= 60


def test_every_code_is_valid_and_unique(zone):
    grid_codes = [g.code for g in zone.grids]
    assert all(code_problem(code, "grid") is None for code in grid_codes)
    assert all(is_street_code(s.code) for s in zone.streets)
    assert len(set(grid_codes)) == len(grid_codes)
    assert [s.code for s in zone.streets] == ["210404001", "210404002", "210404003", "210404004"]


def test_each_street_has_18_to_22_grids_in_2_or_3_communities(zone):
    for street in zone.streets:
        grids = [g for g in zone.grids if street_code_of(g.code) == street.code]
        assert 18 <= len(grids) <= 22
        assert len({g.code[9:11] for g in grids}) in (2, 3)
        assert {g.properties["community"] for g in grids} == set(street.properties["communities"])


def test_grids_of_each_street_lie_in_it_and_cover_it_exactly(zone):
    for street in zone.streets:
        grids = [g.geometry for g in zone.grids if street_code_of(g.code) == street.code]
        union = shapely.union_all(grids)
        assert abs(union.area - street.geometry.area) / street.geometry.area < 1e-9
        assert abs(sum(g.area for g in grids) - street.geometry.area) / street.geometry.area < 1e-9
        assert (
            shapely.symmetric_difference(union, street.geometry).area < 1e-9 * street.geometry.area
        )


def test_streets_cover_the_outline_exactly(zone):
    union = shapely.union_all([s.geometry for s in zone.streets])
    assert abs(union.area - zone.outline.area) / zone.outline.area < 1e-9
    assert shapely.symmetric_difference(union, zone.outline).area < 1e-9 * zone.outline.area


def test_every_area_is_one_valid_polygon(zone):
    for boundary in [*zone.streets, *zone.grids]:
        assert boundary.geometry.geom_type == "MultiPolygon"
        assert len(boundary.geometry.geoms) == 1 and boundary.geometry.is_valid


def test_households_are_between_300_and_500(zone):
    households = [g.properties["households"] for g in zone.grids]
    assert all(isinstance(h, int) and 300 <= h <= 500 for h in households)


def test_street_households_are_the_sum_of_its_grids(zone):
    for street in zone.streets:
        grids = [g for g in zone.grids if street_code_of(g.code) == street.code]
        assert street.properties["households"] == sum(g.properties["households"] for g in grids)


def test_grid_feature_numbers_count_up_from_one_as_in_qgis(zone):
    assert [g.feature for g in zone.grids] == list(range(1, len(zone.grids) + 1))


def test_outline_is_about_116_square_kilometres(zone):
    assert area_km2(zone.outline) == pytest.approx(116, rel=0.15)


def test_streets_are_of_similar_size(zone):
    for street in zone.streets:
        assert 20 < area_km2(street.geometry) < 40


def test_outline_was_converted_from_gcj02_by_a_few_hundred_metres(zone):
    source = shapely.get_coordinates(demo_outline_gcj02())
    converted = shapely.get_coordinates(zone.outline)
    assert source.shape == converted.shape
    shift_m = Geod(ellps="WGS84").inv(*source.T, *converted.T)[2]
    assert shift_m.min() > 300 and shift_m.max() < 600


def test_outline_band_is_cut_at_41_80_and_41_90_gcj02(zone):
    _, min_lat, _, max_lat = demo_outline_gcj02().bounds
    assert (min_lat, max_lat) == pytest.approx((41.80, 41.90), abs=1e-9)


def test_zone_is_the_same_every_time(zone):
    again = build_demo_zone()
    assert [g.code for g in again.grids] == [g.code for g in zone.grids]
    assert all(
        a.geometry.equals_exact(b.geometry, 0) for a, b in zip(again.grids, zone.grids, strict=True)
    )
    assert [g.properties for g in again.grids] == [g.properties for g in zone.grids]


def test_grid_names_are_short_and_name_the_community(zone):
    first = zone.grids[0]
    assert first.name == f"{first.properties['community']}01网格"


def test_zone_says_it_is_fictional(zone):
    assert zone.notice == NOTICE
    assert "虚构" in zone.notice and "fictional" in zone.notice
