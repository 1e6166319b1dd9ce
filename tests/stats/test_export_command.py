"""`gridgov export`: streets, grids and grid statistics that QGIS (GDAL) reads back."""

import geopandas as gpd
import pytest
from django.core.management import call_command

from tests.conftest import WEST


def export(tmp_path, what: str, fmt: str, **options):
    out = tmp_path / f"{what}.{fmt}"
    call_command("export", what=what, fmt=fmt, out=str(out), **options)
    return gpd.read_file(out, engine="pyogrio")


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_grids_and_streets_read_back_in_wgs84(two_streets, tmp_path, fmt):
    grids = export(tmp_path, "grids", fmt)
    assert grids.crs.to_epsg() == 4326 and len(grids) == 8
    assert {"code", "name", "households", "community"} <= set(grids.columns)
    assert set(grids.geom_type) <= {"Polygon", "MultiPolygon"}
    streets = export(tmp_path, "streets", fmt)
    assert list(streets["code"]) == ["210404001", "210404002"]


def test_one_street_s_grids(two_streets, tmp_path):
    grids = export(tmp_path, "grids", "gpkg", street=WEST)
    assert len(grids) == 4 and all(c.startswith(WEST) for c in grids["code"])


def test_grid_stats_have_the_counts_per_grid(cases, tmp_path):
    stats = export(tmp_path, "grid-stats", "gpkg")
    assert stats.crs.to_epsg() == 4326 and len(stats) == 8
    columns = {"code", "name", "street", "total", "open", "overdue", "closed", "safety", "other"}
    assert columns <= set(stats.columns)
    assert stats["total"].sum() > 0


def test_grid_stats_csv_has_wkt_and_typed_columns(cases, tmp_path):
    stats = export(tmp_path, "grid-stats", "csv", street=WEST, date_from="2020-01-01")
    assert len(stats) == 4 and set(stats.geom_type) <= {"Polygon", "MultiPolygon"}
    assert stats["total"].dtype.kind == "i"  # the .csvt sidecar gives QGIS the types
    assert (tmp_path / "grid-stats.csv").read_bytes().startswith(b"\xef\xbb\xbfWKT,")


def test_period_in_the_future_counts_nothing(cases, tmp_path):
    stats = export(tmp_path, "grid-stats", "geojson", date_from="2099-01-01")
    assert stats["total"].sum() == 0
