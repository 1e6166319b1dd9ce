"""An unknown project or update is 404 in the contract's shape, whatever the id looks like."""

import pytest

from tests.incidents.conftest import assert_error, image_bytes

from .conftest import create_project, record, upload


@pytest.mark.parametrize("raw_id", ["999999", "abc", "-1", "1.5", "9" * 30, "²"])
def test_an_unknown_project_is_not_found(as_supervisor, raw_id):
    assert_error(as_supervisor.get(f"/housing-projects/{raw_id}"), 404, code="not_found")
    assert_error(
        as_supervisor.post(
            f"/housing-projects/{raw_id}/updates", {"progress_percent": 1, "delivered_units": 0}
        ),
        404,
    )


def test_an_update_is_not_found_under_another_project(as_supervisor, project, media_root):
    other = create_project(as_supervisor, name="另一个项目")
    update = record(as_supervisor, project["id"])

    response = upload(as_supervisor, other["id"], update["id"], image_bytes("PNG"))

    assert_error(response, 404)


def test_signed_out_callers_get_401(anonymous, two_streets):
    assert_error(anonymous.get("/housing-projects"), 401)
    assert_error(anonymous.get("/housing-projects/summary"), 401)
