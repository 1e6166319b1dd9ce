import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_check(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "GRIDGOV_HTTPS"}}
    environment.update(env, DJANGO_SETTINGS_MODULE="backend.gridgov.settings")
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_check(
        SECRET_KEY="k" * 64 + "-production-secret-for-the-check",
        ALLOWED_HOSTS="gridgov.example.org",
        GRIDGOV_DATA_DIR=str(tmp_path),
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_plain_http_settings_are_flagged_by_the_deploy_check(tmp_path):
    result = run_check(GRIDGOV_HTTPS="0", GRIDGOV_DATA_DIR=str(tmp_path))

    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr
