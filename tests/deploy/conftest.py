"""The files of `deploy/`, read as systemd and nginx read them, so the tests run what a
deployment installs (docs/deploy.md)."""

from pathlib import Path

from tests.conftest import REPO

DEPLOY = REPO / "deploy"


def env_file(path: Path) -> dict[str, str]:
    """The variables of a systemd EnvironmentFile (KEY=value lines, # comments)."""
    lines = (line.strip() for line in path.read_text().splitlines())
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
