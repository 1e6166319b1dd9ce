"""The layers in `pyproject.toml` ([tool.importlinter]) hold: every app imports only the apps
below it, and `gis` imports no Django and nothing of the backend."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _copy_of_the_code(tmp_path: Path) -> Path:
    for name in ("backend", "gis"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_every_app_imports_only_the_layers_below_it():
    run = _lint_imports(ROOT)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_an_upward_import_breaks_the_layer_check(tmp_path):
    code = _copy_of_the_code(tmp_path)
    models = code / "backend" / "incidents" / "models.py"
    models.write_text(models.read_text() + "\nfrom backend.stats import counting  # noqa\n")
    run = _lint_imports(code)
    assert run.returncode == 1
    assert "backend.incidents is not allowed to import backend.stats" in run.stdout


def test_django_in_gis_breaks_the_library_check(tmp_path):
    code = _copy_of_the_code(tmp_path)
    coords = code / "gis" / "coords.py"
    coords.write_text(coords.read_text() + "\nimport django  # noqa\n")
    run = _lint_imports(code)
    assert run.returncode == 1
    assert "gis is not allowed to import django" in run.stdout
