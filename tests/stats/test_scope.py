"""Counts cover only what the caller may see."""

from django.utils import timezone

from backend.accounts.models import Role
from backend.boundaries.models import Street
from tests.conftest import EAST, WEST, grid_code, make_user, sign_in

from .conftest import ZERO, assert_same_counts, recount


def test_worker_counts_only_their_scope(cases, worker):
    now = timezone.now()
    body = sign_in(worker).get("/stats/grids").json()
    expected = recount(worker, "grid", now=now)
    listed = {feature["properties"]["code"] for feature in body["features"]}
    assert {grid_code(WEST, 1), grid_code(WEST, 2)} <= listed
    for feature in body["features"]:
        properties = feature["properties"]
        counts = {k: properties[k] for k in ZERO}
        assert_same_counts(counts, expected.get(properties["code"], ZERO), median_tolerance_h=0)


def test_worker_of_grid_a_cannot_count_grid_b(cases, worker, other_worker):
    grid_b = grid_code(WEST, 3)
    body = sign_in(other_worker).get("/stats/grids", {"grid": grid_b}).json()
    assert body["features"][0]["properties"]["total"] > 0  # grid B has cases...
    body = sign_in(worker).get("/stats/grids", {"grid": grid_b}).json()
    seen = recount(worker, "grid", now=timezone.now()).get(grid_b, ZERO)["total"]
    # ...which `worker` sees only where assigned to or reported by them.
    assert sum(f["properties"]["total"] for f in body["features"]) == seen
    everything = sign_in(worker).get("/stats/grids").json()
    total = sum(f["properties"]["total"] for f in everything["features"])
    assert total + everything["unassigned"]["total"] == sum(
        c["total"] for c in recount(worker, "grid", now=timezone.now()).values()
    )


def test_street_supervisor_counts_only_their_streets(cases):
    supervisor = make_user("east-supervisor", Role.SUPERVISOR)
    supervisor.streets.set(Street.objects.filter(code=EAST))
    client = sign_in(supervisor)
    now = timezone.now()
    grids = client.get("/stats/grids").json()
    assert {f["properties"]["street"] for f in grids["features"]} == {EAST}
    expected = recount(supervisor, "grid", now=now)
    for feature in grids["features"]:
        properties = feature["properties"]
        counts = {k: properties[k] for k in ZERO}
        assert_same_counts(counts, expected.get(properties["code"], ZERO), median_tolerance_h=0.5)
    assert grids["unassigned"]["total"] == 0
    streets = client.get("/stats/streets").json()
    assert [f["properties"]["code"] for f in streets["features"]] == [EAST]
    other = client.get("/stats/grids", {"street": WEST}).json()
    assert other["features"] == [] and other["unassigned"]["total"] == 0


def test_resident_is_refused(cases, resident):
    response = sign_in(resident).get("/stats/grids")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert sign_in(resident).get("/stats/streets").status_code == 403


def test_signed_out_is_401(anonymous):
    for path in ("/stats/grids", "/stats/grids.csv", "/stats/streets"):
        response = anonymous.get(path)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
