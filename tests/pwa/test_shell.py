"""The app shell: served at /, installable, under the CSP, with no errors in the console."""

import json
import urllib.request

from .conftest import REPO, sign_in

# Records CSP violations in the page, where the console might not show them.
RECORD_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def _head(url: str):
    with urllib.request.urlopen(url) as response:
        return response.status, response.headers, response.read()


def test_manifest_and_service_worker_are_served_with_their_types(server):
    status, headers, body = _head(f"{server.base}/manifest.webmanifest")
    assert status == 200
    assert headers["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(body)
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}

    status, headers, body = _head(f"{server.base}/sw.js")
    assert status == 200
    assert "javascript" in headers["Content-Type"]
    assert headers["Cache-Control"] == "no-cache"
    assert b"gridgov-shell-" in body and b"__VERSION__" not in body


def test_the_shell_is_served_at_the_root_under_the_csp(server):
    status, headers, body = _head(f"{server.base}/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert b'<script type="module" src="/app.js">' in body
    assert b"onclick=" not in body and b"<script>" not in body


def test_the_app_loads_and_signs_in_with_no_console_errors_or_csp_violations(new_context):
    page = new_context().new_page()
    page.add_init_script(RECORD_CSP)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    sign_in(page, "worker")
    page.wait_for_selector("#case-list li.case")
    page.click("#tabs a[data-tab=map]")
    page.wait_for_selector("#worker-map path.leaflet-interactive")

    assert problems == []
    assert page.evaluate("window.__csp") == []


def test_both_catalogues_have_the_same_keys():
    zh = json.loads((REPO / "pwa/src/i18n/zh-Hans.json").read_text())
    en = json.loads((REPO / "pwa/src/i18n/en.json").read_text())
    assert set(zh) == set(en)
    assert all(value.strip() for value in [*zh.values(), *en.values()])
