"""Without base tiles (no tile URL is set in the test build) every map draws the grid and street
outlines with their names, and the case screen has a small map and 导航 links that open the
phone's map app at the point (AMap and Baidu with the point converted on the server)."""

from .conftest import screenshot, sign_in


def _label_texts(page, selector: str) -> set[str]:
    return set(page.eval_on_selector_all(selector, "els => els.map(e => e.textContent)"))


def _worker_grid_names(server) -> set[str]:
    token = server.token("worker")
    _, me = server.call("POST", "/auth/token", {"username": "worker", "password": "gridgov-demo"})
    _, grids = server.call("GET", "/grids", token=token)
    mine = set(me["user"]["grids"])
    return {f["properties"]["name"] for f in grids["features"] if f["properties"]["code"] in mine}


def test_the_case_screen_has_a_small_map_with_names_and_navigation_links(new_context, server):
    page = new_context().new_page()
    sign_in(page, "worker")
    page.wait_for_selector("#case-list li.case")
    page.locator("#case-list li.case").first.click()
    page.wait_for_selector("#case-map .place-label.grid span")
    incident_id = page.get_attribute("article.incident", "data-id")
    _, detail = server.call("GET", f"/incidents/{incident_id}", token=server.token("worker"))
    _, grid = server.call("GET", f"/locate?lon={detail['lon']}&lat={detail['lat']}")

    assert grid["grid"]["name"] in _label_texts(page, "#case-map .place-label.grid span")
    assert page.locator("#case-map svg path").count() >= 1
    assert page.get_attribute("a.nav-link[data-kind=geo]", "href") == detail["nav"]["geo"]
    assert page.get_attribute("a.nav-link[data-kind=amap]", "href") == detail["nav"]["amap"]
    assert page.get_attribute("a.nav-link[data-kind=baidu]", "href") == detail["nav"]["baidu"]
    screenshot(page, "worker-case-phone.png")


def test_the_report_map_and_the_grid_map_name_the_grids_without_tiles(new_context, server):
    page = new_context().new_page()
    sign_in(page, "worker")
    names = _worker_grid_names(server)

    page.click("#tabs a[data-tab=report]")
    page.wait_for_selector("#report-map .place-label.grid span")
    assert _label_texts(page, "#report-map .place-label.grid span") & names
    assert page.locator("#report-map svg path").count() > len(names)

    page.click("#tabs a[data-tab=map]")
    page.wait_for_selector("#worker-map .place-label.grid span")
    assert names <= _label_texts(page, "#worker-map .place-label.grid span")
