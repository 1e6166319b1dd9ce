from tests.conftest import ApiClient


def test_categories_list_the_four_kinds_with_their_subcategories_without_sign_in(db):
    response = ApiClient().get("/categories")

    assert response.status_code == 200
    body = response.json()
    assert [c["code"] for c in body] == ["safety", "petition", "housing", "other"]
    safety = body[0]
    assert safety["name"] == "安全隐患" and safety["name_en"] == "Safety hazard"
    assert {"code": "gas", "name": "燃气隐患", "name_en": "Gas hazard"} in safety["subcategories"]
    other = body[3]
    assert all(s["code"] not in {"gas", "fire_exit"} for s in other["subcategories"])
