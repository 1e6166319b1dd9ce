"""Exports that spreadsheets open without mangling 14-digit codes; names that say the format."""

import re
import zipfile

import pytest
from django.core.management import call_command

from tests.gridgov_cli import gridgov


def test_xlsx_keeps_grid_codes_as_text_cells_and_counts_as_numbers(cases, tmp_path):
    out = tmp_path / "stats.xlsx"
    call_command("export", what="grid-stats", out=str(out))
    with zipfile.ZipFile(out) as book:
        strings = re.findall(r"<t[^>]*>([^<]*)</t>", book.read("xl/sharedStrings.xml").decode())
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    # Excel shows a shared string as it is; a number cell of 14 digits would read 2.10404E+13.
    assert "21040400101001" in strings
    cells = dict(re.findall(r'<c r="([A-Z]+\d+)"( t="s")?', sheet))
    header = [strings[int(v)] for v in re.findall(r'<c r="[A-Z]+1" t="s">\s*<v>(\d+)</v>', sheet)]
    code_column = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[header.index("code")]
    total_column = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[header.index("total")]
    assert cells[f"{code_column}2"] == ' t="s"'
    assert cells[f"{total_column}2"] == ""  # a number


def test_csv_quotes_its_text_so_codes_stay_text_where_quotes_count(two_streets, tmp_path):
    out = tmp_path / "grids.csv"
    call_command("export", what="grids", out=str(out))
    assert '"21040400101001"' in out.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    ("fmt", "name"), [("gpkg", "grids.geojson"), ("geojson", "grids.gpkg"), ("csv", "g.xlsx")]
)
def test_a_format_the_file_name_contradicts_is_refused_and_nothing_written(
    fmt, name, two_streets, tmp_path, capsys
):
    out = tmp_path / name
    status, err = gridgov(
        "export", "--what", "grids", "--format", fmt, "--out", str(out), capsys=capsys
    )
    assert status == 2 and err.count("\n") == 1
    assert str(out) in err and f"not {fmt}" in err and "--format" in err
    assert not out.exists()


@pytest.mark.parametrize(
    "command", ["export --what grid-stats --out s.gpkg", "map-report --out m.png"]
)
def test_a_period_that_ends_before_it_starts_is_refused(command, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = [*command.split(), "--from", "2026-02-01", "--to", "2026-01-31"]
    status, err = gridgov(*argv, capsys=capsys)
    assert status == 2
    assert "--from 2026-02-01 is after --to 2026-01-31" in err
    assert list(tmp_path.iterdir()) == []


def test_a_one_day_period_is_accepted(cases, tmp_path):
    out = tmp_path / "s.gpkg"
    call_command(
        "export", what="grid-stats", out=str(out), date_from="2026-01-31", date_to="2026-01-31"
    )
    assert out.exists()
