"""Redraws that overlap (coming back online, the outbox changing, a route change) leave one set
of tabs and one row per waiting report, never a set per call."""

import uuid

from .conftest import WORKER_GRID_POINT, sign_in

BURST = """async () => {
  const { outboxBus } = await import("/outbox.js");
  for (let n = 0; n < 5; n += 1) outboxBus.dispatchEvent(new CustomEvent("change", { detail: {} }));
  window.dispatchEvent(new Event("hashchange"));
  await new Promise((resolve) => setTimeout(resolve, 600));
}"""


def _enqueue_offline(page, title: str) -> None:
    page.evaluate(
        """async ([title, lon, lat, clientId]) => {
          const { enqueue } = await import("/outbox.js");
          await enqueue({ client_id: clientId, category: "other", title, description: "",
                          lon, lat }, []);
        }""",
        [title, WORKER_GRID_POINT["longitude"], WORKER_GRID_POINT["latitude"], str(uuid.uuid4())],
    )


def _tab_names(page) -> list[str]:
    return page.locator("#tabs a").evaluate_all("links => links.map((a) => a.dataset.tab)")


def test_a_burst_of_redraws_leaves_one_tab_bar_and_one_row_per_waiting_report(new_context):
    context = new_context()
    page = context.new_page()
    sign_in(page, "worker")
    page.wait_for_selector("#case-list li.case")
    title = f"重复绘制 {uuid.uuid4().hex[:8]}"
    context.set_offline(True)
    _enqueue_offline(page, title)
    page.wait_for_selector(f'#pending-list li[data-title="{title}"]')
    tabs = _tab_names(page)
    assert len(tabs) == len(set(tabs))

    page.evaluate(BURST)
    assert _tab_names(page) == tabs
    assert page.locator("#pending-list li").count() == 1

    page.click("#tabs a[data-tab=outbox]")
    page.wait_for_selector(f'#outbox-list li[data-title="{title}"]')
    page.evaluate(BURST)
    assert _tab_names(page) == tabs
    assert page.locator("#outbox-list li").count() == 1
    assert page.locator("#tabs a.active").count() == 1
