"""The PWA in a real browser: Debian's chromium driven by Playwright against a live server.

One server (migrated, demo loaded, always SQLite) and one browser serve every test here; each
test gets a fresh browser context, so its IndexedDB, service worker and cache start empty.
Without a chromium the tests are skipped with one clear reason, unless CI=true (then they fail);
with DATABASE_URL set (the PostgreSQL half of `make test`) they are skipped as repeats.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DIST = REPO / "pwa" / "dist"
SCREENSHOTS = REPO / "docs" / "screenshots"
CHROMIUM = os.environ.get("GRIDGOV_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "gridgov-demo"
# Inside grid 21040400101001 of the demo zone, one of `worker`'s grids.
WORKER_GRID_POINT = {"latitude": 41.8930, "longitude": 123.7370, "accuracy": 18}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run on CI: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ensure_built() -> None:
    if (DIST / "sw.js").exists():
        return
    if not (REPO / "pwa" / "node_modules").exists() or not shutil.which("node"):
        _unavailable("pwa/dist is not built (run `make pwa-build`)")
    subprocess.run(["node", str(REPO / "pwa" / "build.mjs")], check=True, timeout=120)


@dataclass
class Server:
    base: str
    # The server's environment: its own data directory and database.
    env: dict = field(default_factory=dict)

    def command(self, *args: str) -> str:
        """A management command run against the server's database, e.g. `escalate`."""
        done = subprocess.run(
            [sys.executable, "-m", "backend.cli", *args],
            cwd=REPO,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return done.stdout

    def call(self, method: str, path: str, body: dict | None = None, token: str | None = None):
        """One API call: (status, parsed JSON)."""
        request = urllib.request.Request(
            f"{self.base}/api/v1{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json"},
        )
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def token(self, username: str) -> str:
        status, data = self.call(
            "POST", "/auth/token", {"username": username, "password": PASSWORD}
        )
        assert status == 200, data
        return data["token"]

    def incidents_titled(self, title: str) -> list[dict]:
        status, page = self.call("GET", "/incidents?page_size=100", token=self.token("supervisor"))
        assert status == 200
        return [item for item in page["items"] if item["title"] == title]

    def report_in_worker_grid(self, title: str, username: str = "resident") -> dict:
        status, incident = self.call(
            "POST",
            "/incidents",
            {
                "client_id": str(uuid.uuid4()),
                "category": "other",
                "subcategory": "sanitation",
                "title": title,
                "lon": WORKER_GRID_POINT["longitude"],
                "lat": WORKER_GRID_POINT["latitude"],
            },
            token=self.token(username),
        )
        assert status == 201, incident
        return incident


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    if os.environ.get("DATABASE_URL"):
        # The browser tests always run the server on SQLite; the PostgreSQL half of
        # `make test` would only repeat them.
        pytest.skip("browser tests run in the SQLite half of `make test`")
    if not Path(CHROMIUM).exists():
        _unavailable(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    _ensure_built()
    data_dir = tmp_path_factory.mktemp("pwa-server")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(GRIDGOV_DATA_DIR=str(data_dir), GRIDGOV_HTTPS="0", LOG_LEVEL="WARNING")
    for step in (["migrate", "--noinput"], ["demo"]):
        subprocess.run(
            [sys.executable, "-m", "backend.cli", *step],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    port = _free_port()
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if process.poll() is not None:
                pytest.fail(f"the server died: {(data_dir / 'server.log').read_text()[-2000:]}")
            try:
                urllib.request.urlopen(f"{base}/api/v1/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield Server(base, env)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, server):
    """Contexts made by a test, closed after it: `new_context(viewport=...)`."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", PHONE)
        options.setdefault("geolocation", WORKER_GRID_POINT)
        options.setdefault("permissions", ["geolocation"])
        options.setdefault("locale", "zh-CN")
        context = browser.new_context(base_url=server.base, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def sign_in(page, username: str) -> None:
    page.goto("/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.auth button[type=submit]")
    page.wait_for_selector("#tabs a")


def wait_for_service_worker(page) -> None:
    """The shell is cached and the page controlled: from here on it opens offline."""
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null"
    )


def wait_live(page) -> None:
    page.wait_for_selector("body[data-live=on]")


def photo_file(tmp_path: Path) -> Path:
    """A camera-sized JPEG (the app shrinks it to 1600 px before storing it)."""
    from PIL import Image

    path = tmp_path / "camera.jpg"
    Image.new("RGB", (3000, 2000), (40, 120, 90)).save(path, "JPEG", quality=90)
    return path


def fill_worker_report(page, title: str, photo: Path | None = None) -> None:
    page.click("#tabs a[data-tab=report]")
    page.select_option("select[name=category]", "other")
    page.select_option("select[name=subcategory]", "sanitation")
    page.fill("input[name=title]", title)
    page.fill("textarea[name=description]", "巡查发现，浏览器测试")
    page.wait_for_function(
        "() => document.querySelector('#position-text').textContent.includes('WGS-84')"
    )
    if photo:
        page.set_input_files("#photo-input", str(photo))
        page.wait_for_selector(".thumbs img")


def cut_off_first_answer(context, url_glob: str) -> list[int]:
    """The first POST to `url_glob` reaches the server but its answer never reaches the phone,
    as when the signal drops mid-request; returns the list the server's status is put in."""
    cut: list[int] = []

    def cut_off(route) -> None:
        if route.request.method == "POST" and not cut:
            cut.append(route.fetch().status)
            route.abort("connectionreset")
        else:
            route.continue_()

    context.route(url_glob, cut_off)
    return cut


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))
