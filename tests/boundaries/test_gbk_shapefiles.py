"""Commands that read a GBK Shapefile without .cpg say which encoding they used; --encoding
chooses another."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from backend.boundaries.models import Street
from tests.gis.test_shapefile_encoding import STREET_NAMES, gbk_shapefile_without_cpg


def run(command: str, *args, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_import_of_a_gbk_shapefile_stores_the_right_names_and_says_gbk(db, tmp_path):
    path = gbk_shapefile_without_cpg(tmp_path)
    _out, err = run("import_boundaries", str(path), level="street")
    assert sorted(Street.objects.values_list("name", flat=True)) == sorted(STREET_NAMES)
    assert "text read as GBK" in err


def test_import_with_encoding_given_uses_it_and_guesses_nothing(db, tmp_path):
    path = gbk_shapefile_without_cpg(tmp_path)
    _out, err = run("import_boundaries", str(path), level="street", encoding="GB18030")
    assert sorted(Street.objects.values_list("name", flat=True)) == sorted(STREET_NAMES)
    assert "text read as" not in err


def test_import_with_an_encoding_that_does_not_fit_is_refused_in_one_line(db, tmp_path):
    path = gbk_shapefile_without_cpg(tmp_path)
    with pytest.raises(CommandError, match="not utf-8"):
        run("import_boundaries", str(path), level="street", encoding="utf-8")
    assert not Street.objects.exists()


def test_check_of_a_gbk_grid_file_says_gbk(db, tmp_path):
    grids = gbk_shapefile_without_cpg(tmp_path, level="grid")
    out, err = run("check_boundaries", str(grids))
    assert "text read as GBK" in err and "0 errors" in out
