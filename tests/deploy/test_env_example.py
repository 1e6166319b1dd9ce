"""The example env file of `deploy/` is a production configuration: with its placeholders
filled in as a deployment fills them, it passes `gridgov check --deploy`."""

from tests.core.test_deploy_check import run_check
from tests.deploy.conftest import DEPLOY, env_file


def test_the_example_env_file_passes_the_deploy_check(tmp_path):
    environment = env_file(DEPLOY / "gridgov.env.example")
    # The shared photo directory must exist on the host; the check reaches no database.
    media_dir = tmp_path / "media"
    media_dir.mkdir()
    environment.update(GRIDGOV_DATA_DIR=str(tmp_path), GRIDGOV_MEDIA_STORAGE=media_dir.as_uri())

    result = run_check(**environment)

    assert result.returncode == 0, result.stdout + result.stderr
