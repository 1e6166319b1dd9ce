"""Every control on the phone screens is at least 44 x 44 CSS px (WCAG 2.5.5, Apple's HIG), for
each role: buttons, links, selects, inputs, the labels of checkboxes and the Leaflet controls,
whose zoom titles are translated."""

from .conftest import PHONE, sign_in

MIN_PX = 44

# The box a finger can hit: a visually hidden input (a file or a checkbox) is hit through its
# label, so the label is measured; everything else by its own box.
TARGETS = """(min) => {
  const selector = "button, a[href], select, input, textarea, label.toggle, .leaflet-control a";
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || el.closest("[hidden]")) continue;
    let target = el;
    if (el.matches("input[type=file], input[type=checkbox], input[type=radio]")) {
      target = el.closest("label") || el;
    }
    const box = target.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not displayed
    if (box.width < min - 0.5 || box.height < min - 0.5) {
      const name = (target.textContent || target.getAttribute("aria-label") || target.name || "")
        .trim().slice(0, 24);
      const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
      const tag = `${target.tagName.toLowerCase()}.${target.className}`;
      small.push(`${location.hash} ${tag} "${name}" ${size}`);
    }
  }
  return [...new Set(small)];
}"""


def _small_targets(page) -> list[str]:
    page.wait_for_timeout(400)  # maps and lists settle
    return page.evaluate(TARGETS, MIN_PX)


def _walk(page, case_list: str) -> list[str]:
    """Every tab the role has (screens added later are walked too), then a case."""
    tabs = page.eval_on_selector_all("#tabs a", "els => els.map(e => e.dataset.tab)")
    small = []
    for tab in tabs:
        page.click(f"#tabs a[data-tab={tab}]")
        page.wait_for_selector(f"body[data-route={tab}]")
        small += _small_targets(page)
    page.click(f"#tabs a[data-tab={tabs[0]}]")
    page.locator(f"{case_list} li.case").first.click()
    page.wait_for_selector("article.incident #case-map .leaflet-control-zoom-in")
    small += _small_targets(page)
    return small


def test_the_sign_in_and_register_screens_have_no_target_under_44_px(new_context):
    page = new_context(viewport=PHONE).new_page()
    page.goto("/")
    page.wait_for_selector("form.auth")
    small = _small_targets(page)
    page.goto("/#/register")
    page.wait_for_selector("form.auth input[name=display_name], form.auth input[name=phone]")
    small += _small_targets(page)
    assert small == [], "\n".join(small)


def test_the_workers_screens_have_no_target_under_44_px(new_context):
    page = new_context(viewport=PHONE).new_page()
    sign_in(page, "worker")
    page.wait_for_selector("#case-list li.case")

    small = _walk(page, "#case-list")

    assert small == [], "\n".join(small)


def test_the_residents_screens_have_no_target_under_44_px(new_context, server):
    server.report_in_worker_grid("楼道灯不亮", username="resident")
    page = new_context(viewport=PHONE).new_page()
    sign_in(page, "resident")
    page.wait_for_selector("#case-list li.case")

    small = _walk(page, "#case-list")

    assert small == [], "\n".join(small)


def test_the_map_zoom_controls_are_titled_in_the_users_language(new_context):
    page = new_context(viewport=PHONE).new_page()
    sign_in(page, "worker")
    page.click("#tabs a[data-tab=map]")
    page.wait_for_selector("#worker-map .leaflet-control-zoom-in")

    assert page.get_attribute("#worker-map .leaflet-control-zoom-in", "title") == "放大"
    assert page.get_attribute("#worker-map .leaflet-control-zoom-out", "title") == "缩小"
