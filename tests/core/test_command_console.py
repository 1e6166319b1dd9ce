"""What the commands print on the console besides their own lines: nothing per file written."""

import logging
import warnings

import pyogrio
import pytest
from django.core.management import call_command


def test_writing_a_file_logs_no_line_per_write(two_streets, tmp_path, caplog, capsys):
    caplog.set_level("DEBUG", logger="")  # whatever the root lets through would be printed
    for fmt in ("geojson", "gpkg", "csv"):
        call_command("export", what="grids", fmt=fmt, out=str(tmp_path / f"grids.{fmt}"))
    assert [r.getMessage() for r in caplog.records if r.name.startswith("pyogrio")] == []
    assert capsys.readouterr().out.count("written to") == 3


@pytest.mark.parametrize("level", ["WARNING", "ERROR"])
def test_pyogrio_warnings_still_reach_the_console(level):
    assert logging.getLogger("pyogrio._io").isEnabledFor(getattr(logging, level))


def test_a_shapefile_with_long_field_names_is_written_without_warnings(two_streets, tmp_path):
    path = tmp_path / "grid-stats.shp"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # each would be two lines on the console
        call_command("export", what="grid-stats", fmt="shp", out=str(path))
    assert [str(w.message) for w in caught] == []
    # DBF names hold 10 bytes: cut as GDAL would have cut them (docs/gis.md, export).
    assert "median_hou" in list(pyogrio.read_info(path)["fields"])
