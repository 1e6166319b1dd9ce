"""The commands speak the console's language: Chinese when the locale asks for zh, else English."""

import ast
import gettext
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation
from shapely import MultiPolygon, box

from backend.cli import main
from gis import i18n
from gis.export import write_boundaries
from gis.io import Boundary
from tests.conftest import WEST
from tests.core.test_error_language import _read_po
from tests.gridgov_cli import gridgov, gridgov_run

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh-hans"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({}, "en"),
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh-hans"),
        ({"LANGUAGE": "en_GB:zh", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANGUAGE": "zh_TW:en", "LANG": "C"}, "zh-hans"),
    ],
)
def test_the_language_is_read_from_the_locale_variables_in_gettext_order(environ, language):
    assert i18n.language_from_environment(environ) == language


def refusal(tmp_path, monkeypatch, capsys, lang: str) -> str:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", lang)
    path = tmp_path / "streets.csv"
    path.write_text("code,name\n210404001,west\n")
    with pytest.raises(SystemExit) as exited:
        main(["gridgov", "import-boundaries", str(path), "--level", "street"])
    assert exited.value.code == 2
    return capsys.readouterr().err


def test_a_refusal_is_in_chinese_under_a_chinese_locale(tmp_path, monkeypatch, capsys):
    err = refusal(tmp_path, monkeypatch, capsys, "zh_CN.UTF-8")
    assert "没有几何图形" in err


@pytest.mark.parametrize("lang", ["C.UTF-8", "en_US.UTF-8"])
def test_a_refusal_is_in_english_otherwise(lang, tmp_path, monkeypatch, capsys):
    err = refusal(tmp_path, monkeypatch, capsys, lang)
    assert "has no geometry" in err and "没有" not in err


def test_an_argument_error_from_a_real_process_is_chinese_one_line_and_exit_2(tmp_path):
    env = {"LANG": "zh_CN.UTF-8", "PYTHONPATH": str(REPO), "GRIDGOV_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "backend.cli", "generate-grids", "--street", "210404001",
         "--method", "hex", "--community", "100", "--out", "g.geojson"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert (
        done.stderr
        == "gridgov generate-grids: 参数 --community：100 不在 1 到 99 之间（参见 --help）\n"
    )


def test_the_gis_catalogue_is_compiled_from_its_source():
    folder = REPO / "gis" / "locale" / "zh_Hans" / "LC_MESSAGES"
    with (folder / "gis.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    source = {k: v for k, v in _read_po(folder / "gis.po").items() if k}
    assert len(source) >= 5
    for msgid, msgstr in source.items():
        assert msgstr, f"gis.po: no Chinese for {msgid!r}"
        assert catalogue.gettext(msgid) == msgstr, f"gis.mo is stale for {msgid!r}"


def test_a_command_leaves_the_language_as_it_found_it(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    before = (i18n.get_language(), translation.get_language())
    gridgov("import-boundaries", str(tmp_path / "none.geojson"), "--level", "street", capsys=capsys)
    assert (i18n.get_language(), translation.get_language()) == before


def test_check_lines_and_totals_are_chinese_under_a_chinese_locale(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    grids = [
        Boundary(f"{WEST}01001", "a", MultiPolygon([box(123.80, 41.80, 123.8106, 41.81)]), {}, 1),
        Boundary(f"{WEST}01002", "b", MultiPolygon([box(123.81, 41.80, 123.82, 41.81)]), {}, 2),
        Boundary("2104", "c", MultiPolygon([box(123.82, 41.80, 123.83, 41.81)]), {}, 3),
    ]
    path = tmp_path / "grids.geojson"
    write_boundaries(grids, path)
    status, out, _err = gridgov_run("check-boundaries", str(path), capsys=capsys)
    assert status == 1
    assert "网格编码 '2104' 应为 14 位数字" in out
    assert "3 个网格，0 个街道：2 个错误" in out


@pytest.mark.parametrize(
    ("what", "noun"), [("streets", "个街道"), ("grids", "个网格"), ("grid-stats", "行网格统计")]
)
def test_what_export_wrote_is_named_in_chinese(
    what, noun, two_streets, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    path = tmp_path / "out.gpkg"
    main(["gridgov", "export", "--what", what, "--out", str(path)])  # done: no exit
    out = capsys.readouterr().out
    assert re.fullmatch(rf"已把 \d+ {noun}写入 {path}\n", out), out


@pytest.mark.parametrize(
    ("argv", "chinese"),
    [
        (["export", "--what", "bogus", "--out", "x.csv"], "参数 --what：无效的选项：'bogus'"),
        (["export", "--what", "grids"], "缺少以下参数：--out"),
        (["escalate", "--now"], "无法识别的参数：--now"),
    ],
)
def test_argparse_s_own_mistakes_are_chinese_too(argv, chinese, monkeypatch, capsys):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    status, err = gridgov(*argv, capsys=capsys)
    assert status == 2 and chinese in err and err.endswith("（参见 --help）\n")


def test_every_command_s_help_has_its_chinese(monkeypatch, capsys):
    # A help text edited without its translation falls back to English: this says which.
    from django.core.management import load_command_class

    commands = sorted(
        (path.parts[-4], path.stem)
        for path in (REPO / "backend").glob("*/management/commands/*.py")
        if not path.stem.startswith("_") and path.stem != "serve"
    )
    assert len(commands) >= 8
    with translation.override("zh-hans"):
        for app, name in commands:
            command = load_command_class(f"backend.{app}", name)
            assert re.search("[\u4e00-\u9fff]", str(command.help)), f"{name}: no Chinese help"


def _literal_messages(paths: list[Path]) -> set[str]:
    """The literal first argument of every _() and gettext_lazy() call in these files."""
    found = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "gettext_lazy")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


@pytest.mark.parametrize(
    ("sources", "catalogue"),
    [
        (
            ["backend/core/commands.py", "backend/*/management/commands/*.py"],
            "backend/locale/zh_Hans/LC_MESSAGES/django.mo",
        ),
        (["gis/*.py", "gis/*/*.py"], "gis/locale/zh_Hans/LC_MESSAGES/gis.mo"),
    ],
    ids=["commands", "gis"],
)
def test_every_message_the_commands_and_gis_print_has_its_chinese(sources, catalogue):
    # A message added without its translation prints English to a Chinese console: `make
    # messages` extracts it, and this names it.
    paths = [path for pattern in sources for path in REPO.glob(pattern)]
    with (REPO / catalogue).open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    messages = _literal_messages(paths)
    assert len(messages) > 20
    missing = sorted(m for m in messages if translations.gettext(m) == m)
    assert missing == []
