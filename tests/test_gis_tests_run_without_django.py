"""`tests/gis` tests a library that never imports Django, so it runs without Django too."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COLLECT_WITHOUT_DJANGO = """
import sys
import pytest
code = pytest.main(["tests/gis", "-p", "no:django", "-p", "no:cacheprovider", "--co", "-q"])
leaked = sorted(name for name in sys.modules if name.split(".")[0] == "backend")
print("LEAKED", leaked)
sys.exit(code)
"""


def test_tests_gis_collect_with_the_django_plugin_off_and_import_no_backend_module():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = subprocess.run(
        [sys.executable, "-c", COLLECT_WITHOUT_DJANGO],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "LEAKED []" in run.stdout, run.stdout[-3000:]
