"""Grids a steady GCJ-02 (or BD-09) offset away from their streets are recognised, and the
set that was read in that system is named; on the real Wanghua outline (GCJ-02, gis/data)."""

import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely import affinity
from shapely.geometry import shape

from gis import coords
from gis.check import check_boundaries
from gis.gridding import coded_grids, lattice_cut
from gis.io import Boundary
from gis.offsets import grids_offset_fit, points_offset_fit

DATA = Path(__file__).resolve().parents[2] / "gis" / "data" / "wanghua-210404-gcj02.geojson"
STREET = "210404001"


@pytest.fixture(scope="module")
def outline_gcj02():
    return shape(json.loads(DATA.read_text())["features"][0]["geometry"])


@pytest.fixture(scope="module")
def outline_wgs84(outline_gcj02):
    return coords.transform_geometry(outline_gcj02, coords.gcj02_to_wgs84)


def hexes(outline) -> list:
    return lattice_cut(outline, cell_area_m2=4_000_000, shape="hex")


def test_grids_drawn_in_gcj02_over_wgs84_streets_are_named_with_the_offset(
    outline_gcj02, outline_wgs84
):
    fit = grids_offset_fit(hexes(outline_gcj02), [outline_wgs84])
    assert (fit.system, fit.moved) == ("gcj02", "grids")
    assert 500 < fit.offset_m < 600 and fit.outside_before > 0.05 and fit.outside_after < 1e-4
    assert "--source-crs gcj02" in fit.hint() and "grid file" in fit.hint()


def test_streets_read_from_gcj02_as_wgs84_are_named_as_the_moved_set(outline_gcj02, outline_wgs84):
    fit = grids_offset_fit(hexes(outline_wgs84), [outline_gcj02])
    assert (fit.system, fit.moved) == ("gcj02", "streets")
    assert "street file" in fit.hint() and "--source-crs gcj02" in fit.hint()


def test_baidu_grids_are_named_bd09(outline_wgs84):
    outline_bd09 = coords.transform_geometry(outline_wgs84, coords.wgs84_to_bd09)
    fit = grids_offset_fit(hexes(outline_bd09), [outline_wgs84])
    assert (fit.system, fit.moved) == ("bd09", "grids") and "--source-crs bd09" in fit.hint()


def test_grids_that_fit_their_streets_need_no_hint(outline_wgs84):
    assert grids_offset_fit(hexes(outline_wgs84), [outline_wgs84]) is None


def test_a_shift_of_the_same_size_in_another_direction_is_not_called_gcj02(outline_wgs84):
    # 550 m due south: as far as GCJ-02 moves things here, but not where it moves them.
    shifted = affinity.translate(outline_wgs84, yoff=-550 / 111_000)
    assert grids_offset_fit(hexes(shifted), [outline_wgs84]) is None


def test_the_check_adds_the_hint_to_its_outside_street_errors(outline_gcj02, outline_wgs84):
    grids = coded_grids(STREET, hexes(outline_gcj02))
    street = Boundary(STREET, "望花", shapely.MultiPolygon(list(outline_wgs84.geoms)), {}, 1)
    report = check_boundaries(grids, [street])
    assert report.counts()["outside_street"] > 0
    [hint] = report.notes
    assert "--source-crs gcj02" in hint


def test_points_in_gcj02_around_a_small_street_are_named():
    street = shapely.box(123.80, 41.85, 123.81, 41.86)  # about 830 m x 1,100 m
    rng = np.random.default_rng(7)
    lons, lats = rng.uniform(123.80, 123.81, 500), rng.uniform(41.85, 41.86, 500)
    fit = points_offset_fit(*coords.wgs84_to_gcj02(lons, lats), street)
    assert (fit.system, fit.moved) == ("gcj02", "points") and fit.outside_before > 0.3
    assert points_offset_fit(lons, lats, street) is None
