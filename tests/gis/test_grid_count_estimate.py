"""A street that would make more than 999 grids is refused from its area, before any cutting."""

import re

import pytest
import shapely

from gis.gridding import (
    MAX_GRIDS_PER_COMMUNITY,
    lattice_cells_estimate,
    lattice_cut,
    lattice_refusal,
)

# About 9.3 x 11.1 km at 41.8° N: 103 km².
STREET = shapely.MultiPolygon([shapely.box(123.3, 41.75, 123.4125, 41.85)])


def test_a_street_under_the_limit_is_not_refused():
    assert lattice_refusal(STREET, cell_area_m2=250_000) is None


@pytest.mark.parametrize("shape", ["square", "hex"])
def test_the_refusal_says_how_many_and_a_cell_area_that_fits(shape):
    refusal = lattice_refusal(STREET, cell_area_m2=50_000)
    assert refusal is not None
    assert "about 2,0" in refusal and "999" in refusal
    least_m2 = int(re.search(r"--cell-area-m2 (\d+) or more", refusal)[1])
    cells = lattice_cut(STREET, cell_area_m2=least_m2, shape=shape)
    assert 800 < len(cells) <= MAX_GRIDS_PER_COMMUNITY


@pytest.mark.parametrize("shape", ["square", "hex"])
def test_the_estimate_is_within_a_tenth_of_the_cut(shape):
    outline = shapely.Point(123.35, 41.8).buffer(0.04)  # a round street: many edge pieces
    cells = lattice_cut(outline, cell_area_m2=50_000, shape=shape)
    estimate = lattice_cells_estimate(outline, cell_area_m2=50_000)
    assert len(cells) > 300 and abs(estimate - len(cells)) / len(cells) < 0.1
