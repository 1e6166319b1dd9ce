from tests.conftest import EAST, WEST, ApiClient, grid_code, sign_in


def test_streets_are_a_feature_collection_readable_without_a_token(two_streets):
    response = ApiClient().get("/streets")

    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in body["features"]] == [WEST, EAST]
    west = body["features"][0]
    assert west["properties"]["name"] == "西街道"
    assert west["properties"]["grid_count"] == 4
    assert west["geometry"]["type"] == "MultiPolygon"


def test_grids_of_one_street(two_streets):
    body = ApiClient().get("/grids", {"street": EAST}).json()

    assert [f["properties"]["code"] for f in body["features"]] == [
        grid_code(EAST, n) for n in range(1, 5)
    ]
    assert {f["properties"]["street"] for f in body["features"]} == {EAST}
    assert body["features"][0]["properties"]["households"] == 400


def test_all_grids_without_a_street_filter(two_streets):
    assert len(ApiClient().get("/grids").json()["features"]) == 8


def test_workers_are_hidden_from_anonymous_and_residents(worker, resident):
    for client in (ApiClient(), sign_in(resident)):
        features = client.get("/grids", {"street": WEST}).json()["features"]
        assert all(f["properties"]["workers"] is None for f in features)
        assert all(f["properties"]["worker_names"] is None for f in features)


def test_workers_are_listed_to_staff(worker, other_worker, supervisor):
    features = sign_in(supervisor).get("/grids", {"street": WEST}).json()["features"]

    workers = {f["properties"]["code"]: f["properties"]["workers"] for f in features}
    assert workers[grid_code(WEST, 1)] == ["worker"]
    assert workers[grid_code(WEST, 3)] == ["worker2"]
    assert workers[grid_code(WEST, 4)] == []


def test_staff_see_the_workers_display_names(worker, other_worker, supervisor):
    features = sign_in(supervisor).get("/grids", {"street": WEST}).json()["features"]

    names = {f["properties"]["code"]: f["properties"]["worker_names"] for f in features}
    assert names[grid_code(WEST, 1)] == {"worker": "Worker"}
    assert names[grid_code(WEST, 4)] == {}


def test_unknown_street_is_404(two_streets):
    response = ApiClient().get("/grids", {"street": "999999999"})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_malformed_street_code_is_422(two_streets):
    for street in ["abc", "12345", "2104040011", "'; DROP TABLE x; --"]:
        response = ApiClient().get("/grids", {"street": street})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "street"


def test_invalid_token_on_a_public_route_is_401(two_streets):
    assert ApiClient("expired-or-made-up").get("/streets").status_code == 401
