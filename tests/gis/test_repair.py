"""gis.repair: slivers under the tolerance are fixed and each fix reported; wider ones are not."""

import pytest
import shapely
from shapely import MultiPolygon, Polygon, box

from gis.check import check_boundaries
from gis.io import Boundary
from gis.repair import repair_grids

STREET = "210404001"
M_LON = 1 / 83_000  # about a metre of longitude at 41.8° N
M_LAT = 1 / 111_000


def code(seq: int) -> str:
    return f"{STREET}01{seq:03d}"


def grid(seq: int, polygon: Polygon) -> Boundary:
    return Boundary(code(seq), f"网格{seq}", MultiPolygon([polygon]), {"households": 400}, seq - 1)


STREETS = [Boundary(STREET, "街道", MultiPolygon([box(123.80, 41.80, 123.82, 41.81)]), {}, 0)]


def pair(west_east: float, east_west: float) -> list[Boundary]:
    return [
        grid(1, box(123.80, 41.80, west_east, 41.81)),
        grid(2, box(east_west, 41.80, 123.82, 41.81)),
    ]


def test_overlap_under_the_tolerance_stays_with_the_lower_code():
    grids = pair(123.81 + 0.5 * M_LON, 123.81)
    result = repair_grids(grids, STREETS, tolerance_m=1)
    [change] = result.changes
    assert change.kind == "overlap_assigned" and change.codes == (code(1), code(2))
    assert 500 < change.area_m2 < 600  # 0.5 m x 1,110 m
    assert change.lon == pytest.approx(123.81, abs=1e-5)
    assert result.grids[0] is grids[0]  # untouched grids are the very same objects
    assert check_boundaries(result.grids, STREETS).problems == []


def test_gap_under_the_tolerance_joins_the_longest_border_neighbour():
    grids = pair(123.81, 123.81 + 0.5 * M_LON)
    result = repair_grids(grids, STREETS, tolerance_m=1)
    [change] = result.changes
    assert change.kind == "gap_filled" and change.codes in ((code(1),), (code(2),))
    assert 500 < change.area_m2 < 600
    assert check_boundaries(result.grids, STREETS).problems == []
    total = sum(g.geometry.area for g in result.grids)
    assert total == pytest.approx(STREETS[0].geometry.area, rel=1e-9)


def test_overlap_wider_than_the_tolerance_is_reported_not_repaired():
    grids = pair(123.81 + 50 * M_LON, 123.81)
    result = repair_grids(grids, STREETS, tolerance_m=1)
    [change] = result.changes
    assert change.kind == "not_repaired" and not change.applied
    assert "overlap" in change.message and change.area_m2 > 50_000
    assert result.grids == grids


def test_gap_wider_than_the_tolerance_is_reported_not_repaired():
    result = repair_grids(pair(123.81, 123.81 + 5 * M_LON), STREETS, tolerance_m=1)
    [change] = result.changes
    assert change.kind == "not_repaired" and "gap" in change.message


def test_grid_past_its_street_by_less_than_the_tolerance_is_clipped():
    grids = pair(123.81, 123.81)
    grids[0] = grid(1, box(123.80, 41.80 - 0.4 * M_LAT, 123.81, 41.81))
    result = repair_grids(grids, STREETS, tolerance_m=1)
    [change] = result.changes
    assert change.kind == "clipped_to_street" and change.codes == (code(1),)
    assert 300 < change.area_m2 < 400  # 0.4 m x 830 m
    assert check_boundaries(result.grids, STREETS).problems == []


def test_repairable_invalid_ring_is_made_valid_and_reported():
    spike = Polygon(
        [(123.80, 41.80), (123.81, 41.80), (123.81, 41.805), (123.812, 41.805),
         (123.81, 41.805), (123.81, 41.81), (123.80, 41.81)]
    )  # fmt: skip
    grids = [grid(1, spike), grid(2, box(123.81, 41.80, 123.82, 41.81))]
    result = repair_grids(grids, STREETS)
    [change] = result.changes
    assert change.kind == "make_valid"
    assert result.grids[0].geometry.is_valid
    assert check_boundaries(result.grids, STREETS).problems == []


def test_bowtie_is_not_repaired():
    bowtie = Polygon([(123.80, 41.80), (123.81, 41.81), (123.81, 41.80), (123.80, 41.81)])
    result = repair_grids([grid(1, bowtie)], tolerance_m=1)
    [change] = result.changes
    assert change.kind == "not_repaired" and "by hand" in change.message
    assert not result.grids[0].geometry.is_valid


def test_clean_grids_come_back_unchanged():
    grids = pair(123.81, 123.81)
    result = repair_grids(grids, STREETS)
    assert result.changes == [] and result.grids == grids


def test_negative_tolerance_is_refused():
    with pytest.raises(ValueError):
        repair_grids(pair(123.81, 123.81), tolerance_m=-1)


def test_repair_of_many_slivers_reports_each_one():
    grids = [
        grid(1, box(123.80, 41.80, 123.81 + 0.3 * M_LON, 41.805)),
        grid(2, box(123.81, 41.80, 123.82, 41.805)),
        grid(3, box(123.80, 41.805, 123.81, 41.81)),
        grid(4, box(123.81 + 0.3 * M_LON, 41.805, 123.82, 41.81)),
    ]
    result = repair_grids(grids, STREETS, tolerance_m=1)
    assert sorted(c.kind for c in result.changes) == ["gap_filled", "overlap_assigned"]
    assert check_boundaries(result.grids, STREETS).problems == []
    assert shapely.union_all([g.geometry for g in result.grids]).equals(STREETS[0].geometry)
