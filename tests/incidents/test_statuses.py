from tests.conftest import ApiClient


def test_statuses_list_the_workflow_in_loop_order_saying_which_are_open_without_sign_in(db):
    response = ApiClient().get("/statuses")

    assert response.status_code == 200
    body = response.json()
    assert [(s["code"], s["open"]) for s in body] == [
        ("reported", True),
        ("accepted", True),
        ("dispatched", True),
        ("in_progress", True),
        ("resolved", True),
        ("closed", False),
        ("rejected", False),
    ]
    assert body[0]["name"] == "待受理"
