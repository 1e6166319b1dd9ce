"""Shared Django fixtures: a two-street map with named users, API clients signed in as each, and
`gridgov serve` processes on the test run's database. Loaded by `tests/conftest.py` when Django
is configured (not for `tests/gis -p no:django`).

The map: two streets side by side, each cut into a 2 x 2 block of square grids.

    41.82 +------+------+------+------+
          | 1-03 | 1-04 | 2-03 | 2-04 |      street 210404001 (west), 210404002 (east)
    41.81 +------+------+------+------+      grid "1-03" is 21040400101003
          | 1-01 | 1-02 | 2-01 | 2-02 |
    41.80 +------+------+------+------+
       123.80  123.81  123.82  123.83  123.84
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from shapely.geometry import MultiPolygon, box

from backend.accounts.models import Role, User
from backend.boundaries.models import Grid, Street
from backend.boundaries.services import grids_import, streets_import
from backend.realtime.horizon import EVENT_SEQUENCE
from gis.io import Boundary

# The commands speak the console's language (backend/core/commands.py) and the suite reads
# their English: a developer's Chinese locale must not fail it. Tests of Chinese set LANG.
for _name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"

PASSWORD = "correct horse battery staple"
WEST, EAST = "210404001", "210404002"

# What only PostgreSQL has (advisory locks, row locks another transaction waits on): the
# PostgreSQL + Redis half of `make test` runs these, the SQLite half skips them.
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://...)"
)


REPO = Path(__file__).resolve().parents[1]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on `host` that nothing listens on, for servers the tests start."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def database_url() -> str:
    # Servers the tests start must use the database this test run made, not the configured one.
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


# What nginx adds to every request it passes on: a host that insists on HTTPS (GRIDGOV_HTTPS=1)
# then answers a test's direct request instead of redirecting it.
AS_FROM_THE_PROXY = {"X-Forwarded-Proto": "https"}


class Server:
    """A `gridgov serve` process (Uvicorn) on the test run's database, started and answering
    /api/v1/health before it is used. `arguments` replace `serve --host --port`; `environment`
    is laid over the test's own, and `log` receives the server's output."""

    def __init__(
        self,
        *,
        redis_url: str | None = None,
        host: str = "127.0.0.1",
        port: int | None = None,
        arguments: Sequence[str] = (),
        environment: Mapping[str, str] | None = None,
        log: Path | None = None,
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url or settings.REDIS_URL,
            "GRIDGOV_HTTPS": "0",
            "LOG_LEVEL": "WARNING",
            **(environment or {}),
        }
        arguments = arguments or ["serve", "--host", host, "--port", str(self.port)]
        output = log.open("ab") if log else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", *arguments],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            # A session of its own, so `kill` takes every process of it, as a host that dies does.
            start_new_session=True,
        )
        if log:
            output.close()  # the server has its own copy
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                health = httpx.get(f"{self.http}/api/v1/health", headers=AS_FROM_THE_PROXY)
                if health.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.process.kill()
        raise RuntimeError(f"gridgov serve on {self.host}:{self.port} did not start (log: {log})")

    @property
    def http(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://{self.host}:{self.port}/ws/events"

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=20)

    def kill(self) -> None:
        """SIGKILL to every process of the server: no socket is closed, no request finished."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)


def grid_code(street: str, seq: int) -> str:
    return f"{street}01{seq:03d}"


def _boundary(code: str, name: str, minx: float, miny: float, size: float, **props) -> Boundary:
    square = box(minx, miny, minx + size, miny + size)
    return Boundary(
        code=code, name=name, geometry=MultiPolygon([square]), properties=props, feature=0
    )


def load_two_street_map() -> None:
    streets_import(
        boundaries=[
            Boundary(
                code=WEST,
                name="西街道",
                geometry=MultiPolygon([box(123.80, 41.80, 123.82, 41.82)]),
                properties={},
                feature=0,
            ),
            Boundary(
                code=EAST,
                name="东街道",
                geometry=MultiPolygon([box(123.82, 41.80, 123.84, 41.82)]),
                properties={},
                feature=1,
            ),
        ]
    )
    grids = []
    for street, x0 in ((WEST, 123.80), (EAST, 123.82)):
        for seq, (dx, dy) in enumerate([(0, 0), (0.01, 0), (0, 0.01), (0.01, 0.01)], start=1):
            grids.append(
                _boundary(
                    grid_code(street, seq),
                    f"网格{seq}",
                    x0 + dx,
                    41.80 + dy,
                    0.01,
                    households=400,
                    community="第一社区",
                )
            )
    grids_import(boundaries=grids)


@pytest.fixture(autouse=True)
def plain_http(settings) -> None:
    """Production settings, but the test client speaks plain HTTP as the demo does."""
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def numbering_from_one(request) -> None:
    """Every test numbers its events and each day's cases from 1, as SQLite's counter rows do
    (they are rolled back or flushed with the test): PostgreSQL's sequences are neither."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if not uses_db or connection.vendor != "postgresql":
        return
    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock(), connection.cursor() as cursor:
        cursor.execute(f"SELECT setval('{EVENT_SEQUENCE}', 1, false)")
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'S' AND relname LIKE %s",
            [r"incident\_number\_%"],
        )
        # Restarted, not dropped: servers a test module started keep knowing them.
        for (day_sequence,) in cursor.fetchall():
            cursor.execute("SELECT setval(%s, 1, false)", [connection.ops.quote_name(day_sequence)])


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # Tests sign many users in; the production hasher's cost would dominate their time. The
    # usual hashers stay listed, for passwords set before the override (module-wide data).
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture
def media_root(settings, tmp_path) -> None:
    """Uploads go to a directory of the test's own, removed with it."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def two_streets(db) -> None:
    load_two_street_map()


def make_user(username: str, role: str, *, grids: list[str] = (), streets: list = ()) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        display_name=username.title(),
        phone="13800000000",
    )
    user.grids.set(Grid.objects.filter(code__in=grids))
    return user


@pytest.fixture
def resident(two_streets) -> User:
    return make_user("resident", Role.RESIDENT)


@pytest.fixture
def worker(two_streets) -> User:
    """Patrols grids 1-01 and 1-02 of the west street."""
    return make_user("worker", Role.WORKER, grids=[grid_code(WEST, 1), grid_code(WEST, 2)])


@pytest.fixture
def other_worker(two_streets) -> User:
    """Patrols grid 1-03 of the west street: a colleague of `worker`, no grid shared."""
    return make_user("worker2", Role.WORKER, grids=[grid_code(WEST, 3)])


@pytest.fixture
def supervisor(two_streets) -> User:
    """Supervises the whole zone (no streets given)."""
    return make_user("supervisor", Role.SUPERVISOR)


@pytest.fixture
def street_supervisor(two_streets) -> User:
    """Supervises the west street only."""
    user = make_user("west_supervisor", Role.SUPERVISOR)
    user.streets.set(Street.objects.filter(code=WEST))
    return user


@pytest.fixture
def admin_user(two_streets) -> User:
    return make_user("admin", Role.ADMIN)


class ApiClient(Client):
    """Django's test client (the whole middleware stack) speaking JSON to /api/v1/."""

    def __init__(self, token: str | None = None, **defaults):
        if token:
            defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        super().__init__(**defaults)

    def get(self, path, data=None, **extra):
        return super().get(f"/api/v1{path}", data, **extra)

    def post(self, path, data=None, content_type="application/json", **extra):
        return super().post(f"/api/v1{path}", data, content_type=content_type, **extra)


def sign_in(user: User) -> ApiClient:
    response = ApiClient().post("/auth/token", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return ApiClient(response.json()["token"])


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient()


@pytest.fixture
def as_resident(resident) -> ApiClient:
    return sign_in(resident)


@pytest.fixture
def as_worker(worker) -> ApiClient:
    return sign_in(worker)


@pytest.fixture
def as_other_worker(other_worker) -> ApiClient:
    return sign_in(other_worker)


@pytest.fixture
def as_supervisor(supervisor) -> ApiClient:
    return sign_in(supervisor)


@pytest.fixture
def as_admin(admin_user) -> ApiClient:
    return sign_in(admin_user)
