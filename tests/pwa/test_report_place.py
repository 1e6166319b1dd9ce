"""The report form names the grid and street under the pin as it moves, and warns when the point
lies outside every grid: from the server's `locate` with signal, from the cached outlines
without, by the same rule (border included, the lowest code wins)."""

from collections import Counter
from itertools import pairwise

from .conftest import WORKER_GRID_POINT, sign_in, wait_for_service_worker

# Far from the demo zone: in no grid and no street.
OUTSIDE = {"latitude": 40.0, "longitude": 120.0, "accuracy": 10}


def _locate(server, lon: float, lat: float) -> dict:
    status, found = server.call("GET", f"/locate?lon={lon!r}&lat={lat!r}")
    assert status == 200, found
    return found


def _move_gps(page, context, position: dict) -> None:
    context.set_geolocation(position)
    page.click("#report-form button:has-text('重新定位')")


def _border_points(grids: dict) -> list[tuple[float, float]]:
    """Vertices on two or more grids' outlines, exactly as stored, and the midpoint of each
    edge between two of them (on the border up to rounding: the exact test must agree)."""
    owners = Counter()
    edges = []
    for feature in grids["features"]:
        polygons = feature["geometry"]["coordinates"]
        if feature["geometry"]["type"] == "Polygon":
            polygons = [polygons]
        for rings in polygons:
            for ring in rings:
                owners.update({(x, y) for x, y in ring})
                edges.extend(pairwise(ring))
    shared = sorted(point for point, count in owners.items() if count >= 2)
    on_shared = set(shared)
    midpoints = [
        ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
        for a, b in edges
        if tuple(a) in on_shared and tuple(b) in on_shared
    ]
    return shared[:80] + midpoints[:80]


def test_the_form_names_the_grid_and_street_under_the_pin_and_warns_outside_every_grid(
    new_context, server
):
    context = new_context()
    page = context.new_page()
    sign_in(page, "worker")
    page.click("#tabs a[data-tab=report]")
    expected = _locate(server, WORKER_GRID_POINT["longitude"], WORKER_GRID_POINT["latitude"])

    page.wait_for_selector(f'#place-text[data-grid="{expected["grid"]["code"]}"]')
    place = page.locator("#place-text").inner_text()
    assert expected["grid"]["name"] in place and expected["street"]["name"] in place

    _move_gps(page, context, OUTSIDE)
    page.wait_for_selector("#place-text.warn")
    assert "不在任何网格内" in page.locator("#place-text").inner_text()


def test_offline_the_cached_outlines_place_the_pin_as_the_server_does_borders_included(
    new_context, server
):
    context = new_context()
    page = context.new_page()
    sign_in(page, "worker")
    page.wait_for_selector("#case-list li.case")
    wait_for_service_worker(page)
    _, grids = server.call("GET", "/grids")
    samples = _border_points(grids)
    samples.append((OUTSIDE["longitude"], OUTSIDE["latitude"]))
    expected = [_locate(server, lon, lat) for lon, lat in samples]
    # Points on a border shared by grids of different codes: the lowest code must win.
    assert len({(answer["grid"] or {}).get("code") for answer in expected}) > 3
    inside = _locate(server, WORKER_GRID_POINT["longitude"], WORKER_GRID_POINT["latitude"])

    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#case-list")
    page.click("#tabs a[data-tab=report]")
    _move_gps(page, context, WORKER_GRID_POINT)
    page.wait_for_selector(f'#place-text[data-grid="{inside["grid"]["code"]}"]')
    assert inside["street"]["name"] in page.locator("#place-text").inner_text()

    found = page.evaluate(
        """async (samples) => {
          const { locateOffline } = await import("/locate.js");
          const { loadGrids, loadStreets } = await import("/data.js");
          const [grids, streets] = await Promise.all([loadGrids(), loadStreets()]);
          return samples.map(([lon, lat]) => locateOffline(grids, streets, lon, lat));
        }""",
        samples,
    )
    assert found == expected

    _move_gps(page, context, OUTSIDE)
    page.wait_for_selector("#place-text.warn")
