"""The deployment of docs/deploy.md, run: two app hosts as separate `gridgov serve` processes on
separate addresses (127.0.0.2 and 127.0.0.3, both on the loopback interface), started with the
systemd unit's command line and the example env file, behind Debian's nginx with the site file
of `deploy/`, on one PostgreSQL, one Redis and one shared photo directory.

A report filed through one host reaches sockets on the other, live and by replay; a photo
uploaded through one is served by the other; nginx lets a 10 MB photo through and hands the
hosts the client address it saw; a host killed outright in the middle of a stream of reports
costs no report and no event (clients retry through nginx, which fails over); and escalation,
scheduled on both hosts, runs once per deadline.

Runs in the PostgreSQL + Redis half of `make test` (the advisory lock and pub/sub between hosts
are what it proves); under CI it fails rather than skip when nginx is missing.
"""

import asyncio
import io
import json
import os
import re
import shlex
import shutil
import ssl
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import websockets
from django.conf import settings
from django.db import connection
from django.utils import timezone
from PIL import Image

from backend.accounts.models import AuthAttempt
from backend.core.images import MAX_PHOTO_BYTES
from backend.incidents.models import Incident, TimelineEntry
from tests.conftest import AS_FROM_THE_PROXY, Server, free_port
from tests.deploy.conftest import DEPLOY, env_file
from tests.realtime.conftest import GRID_1_01, report, token_for

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.REDIS_URL,
        reason="needs PostgreSQL and Redis (the second half of make test)",
    ),
    pytest.mark.django_db(transaction=True),
]

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HOST_A, HOST_B = "127.0.0.2", "127.0.0.3"
# Short rounds, so both hosts try every deadline within the test's time.
JOBS_EVERY_S = 0.5


def unit_command(path: Path, environment: dict[str, str]) -> list[str]:
    """The unit's ExecStart after the `gridgov` program, with its ${VARIABLES} filled in."""
    exec_start = re.search(r"^ExecStart=\S+/gridgov (.+)$", path.read_text(), re.MULTILINE)
    assert exec_start, f"no gridgov ExecStart in {path}"
    filled = re.sub(r"\$\{(\w+)\}", lambda name: environment[name[1]], exec_start[1])
    return shlex.split(filled)


def start_host(address: str, *, media_dir: Path, log: Path) -> Server:
    port = free_port(address)
    environment = {
        **env_file(DEPLOY / "gridgov.env.example"),
        # What differs from a real host: the addresses, the test run's database and Redis
        # (Server sets them), a data folder and photo directory of the test's own, one Uvicorn
        # process (two cores for everything), short job rounds, and sockets that read the log
        # every 2 s, so an event whose publish died with its host is found within the test.
        "GRIDGOV_SERVE_HOST": address,
        "GRIDGOV_SERVE_PORT": str(port),
        "GRIDGOV_SERVE_WORKERS": "1",
        "GRIDGOV_JOBS_EVERY": str(JOBS_EVERY_S),
        "GRIDGOV_WS_RECHECK_SECONDS": "2",
        "SECRET_KEY": "multi-host-test-" + "k" * 50,
        "ALLOWED_HOSTS": f"127.0.0.1,{HOST_A},{HOST_B}",
        "GRIDGOV_DATA_DIR": str(log.parent),
        "GRIDGOV_MEDIA_STORAGE": media_dir.as_uri(),
    }
    for name in ("DATABASE_URL", "REDIS_URL"):
        environment.pop(name)
    return Server(
        host=address,
        port=port,
        arguments=unit_command(DEPLOY / "systemd" / "gridgov.service", environment),
        environment=environment,
        log=log,
    )


@dataclass
class Proxy:
    """nginx in front of the hosts, over TLS with a certificate of the test's own."""

    process: subprocess.Popen
    port: int
    tls: ssl.SSLContext

    @property
    def https(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def wss(self) -> str:
        return f"wss://127.0.0.1:{self.port}/ws/events"


def start_proxy(hosts: list[Server], folder: Path) -> Proxy:
    certificate, key = folder / "cert.pem", folder / "key.pem"
    openssl = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
    openssl += " -addext subjectAltName=IP:127.0.0.1"
    subprocess.run(
        [*openssl.split(), "-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    http_port, https_port = free_port(), free_port()
    site = (DEPLOY / "nginx" / "gridgov.conf").read_text()
    substitutions = {
        "10.0.0.11:8000": f"{hosts[0].host}:{hosts[0].port}",
        "10.0.0.12:8000": f"{hosts[1].host}:{hosts[1].port}",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        "/etc/letsencrypt/live/grid.example.org/fullchain.pem": str(certificate),
        "/etc/letsencrypt/live/grid.example.org/privkey.pem": str(key),
    }
    for example, value in substitutions.items():
        assert example in site, f"deploy/nginx/gridgov.conf no longer says {example!r}"
        site = site.replace(example, value)
    # The test's nginx listens on the loopback interface only.
    site = re.sub(r"^\s*listen \[::\]:\d+.*$", "", site, flags=re.MULTILINE)
    (folder / "site.conf").write_text(site)
    # In place of /etc/nginx/nginx.conf: a child process (no daemon) whose pid, logs and
    # request bodies stay in this folder; as root, workers of root's, since the folder is
    # private to it. The site file is included as a real nginx includes it.
    (folder / "nginx.conf").write_text(
        f"""
        {"user root;" if os.geteuid() == 0 else ""}
        daemon off;
        worker_processes 1;
        pid {folder}/nginx.pid;
        error_log {folder}/nginx-error.log;
        events {{ worker_connections 1024; }}
        http {{
            access_log off;
            client_body_temp_path {folder}/body;
            proxy_temp_path {folder}/proxy;
            fastcgi_temp_path {folder}/fastcgi;
            uwsgi_temp_path {folder}/uwsgi;
            scgi_temp_path {folder}/scgi;
            include {folder}/site.conf;
        }}
        """
    )
    with (folder / "nginx-stderr.log").open("ab") as stderr:
        process = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", "stderr"],
            stderr=stderr,
        )
    tls = ssl.create_default_context(cafile=certificate)
    proxy = Proxy(process=process, port=https_port, tls=tls)
    deadline = time.monotonic() + 10
    while True:
        try:
            if httpx.get(f"{proxy.https}/api/v1/health", verify=tls).status_code == 200:
                return proxy
        except httpx.HTTPError:
            pass
        assert process.poll() is None, (folder / "nginx-stderr.log").read_text()
        assert time.monotonic() < deadline, "nginx did not pass /api/v1/health on"
        time.sleep(0.1)


@dataclass
class Deployment:
    host_a: Server
    host_b: Server
    proxy: Proxy
    folder: Path

    def logs(self) -> str:
        return "".join(path.read_text() for path in sorted(self.folder.glob("host-*.log")))


@pytest.fixture(scope="module")
def deployment(django_db_setup, tmp_path_factory) -> Iterator[Deployment]:
    if not Path(NGINX).exists():
        message = "nginx is not installed (`make install` installs Debian's as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("deployment")
    media_dir = folder / "shared-media"
    media_dir.mkdir()
    hosts: list[Server] = []
    proxy = None
    try:
        for name, address in (("a", HOST_A), ("b", HOST_B)):
            hosts.append(start_host(address, media_dir=media_dir, log=folder / f"host-{name}.log"))
        proxy = start_proxy(hosts, folder)
        yield Deployment(host_a=hosts[0], host_b=hosts[1], proxy=proxy, folder=folder)
    finally:
        if proxy:
            proxy.process.terminate()
            proxy.process.wait(timeout=10)
        for host in hosts:
            if host.process.poll() is None:
                host.stop()


@dataclass
class Listened:
    heard: list[dict] = field(default_factory=list)
    connections: int = 0


def report_body(title: str = "井盖缺失") -> dict:
    lon, lat = GRID_1_01
    return {
        "client_id": str(uuid.uuid4()),
        "category": "other",
        "title": title,
        "lon": lon,
        "lat": lat,
    }


async def next_event(ws, timeout_s: float = 10) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout_s))


def test_a_report_filed_through_host_a_reaches_sockets_on_host_b_live_and_by_replay(
    deployment, worker
):
    token = token_for(worker)

    async def scenario() -> tuple[dict, dict, dict]:
        async with websockets.connect(f"{deployment.host_b.ws}?token={token}") as live:
            hello = await next_event(live)
            async with httpx.AsyncClient() as http:
                filed = await http.post(
                    f"{deployment.host_a.http}/api/v1/incidents",
                    json=report_body(),
                    headers={**AS_FROM_THE_PROXY, "Authorization": f"Bearer {token}"},
                )
            assert filed.status_code == 201, filed.text
            heard_live = await next_event(live)
        # A client that was away asks host B for what came after the last seq it had.
        after = f"?token={token}&after={hello['seq']}"
        async with websockets.connect(f"{deployment.host_b.ws}{after}") as replaying:
            assert (await next_event(replaying))["type"] == "hello"
            replayed = await next_event(replaying)
        return filed.json(), heard_live, replayed

    filed, heard_live, replayed = asyncio.run(scenario())

    assert heard_live["type"] == replayed["type"] == "incident.created"
    assert heard_live["incident"]["id"] == replayed["incident"]["id"] == filed["id"]
    assert heard_live["seq"] == replayed["seq"]


def test_a_photo_uploaded_through_host_a_is_served_by_host_b(deployment, worker):
    headers = {**AS_FROM_THE_PROXY, "Authorization": f"Bearer {token_for(worker)}"}
    jpeg = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(jpeg, "JPEG")
    host_a, host_b = deployment.host_a.http, deployment.host_b.http

    filed = httpx.post(f"{host_a}/api/v1/incidents", json=report_body(), headers=headers)
    uploaded = httpx.post(
        f"{host_a}/api/v1/incidents/{filed.json()['id']}/photos",
        files={"file": ("pothole.jpg", jpeg.getvalue(), "image/jpeg")},
        headers=headers,
    )
    assert uploaded.status_code == 201, uploaded.text
    photo_path = uploaded.json()["url"]
    from_a = httpx.get(f"{host_a}{photo_path}", headers=headers)
    from_b = httpx.get(f"{host_b}{photo_path}", headers=headers)

    assert from_b.status_code == 200
    assert from_b.headers["content-type"] == "image/jpeg"
    assert from_b.content == from_a.content


def test_nginx_passes_a_photo_of_10_mb_on_to_the_hosts(deployment, worker):
    proxy = deployment.proxy
    headers = {"Authorization": f"Bearer {token_for(worker)}"}
    filed = httpx.post(
        f"{proxy.https}/api/v1/incidents", json=report_body(), headers=headers, verify=proxy.tls
    )
    # At the limit, and not an image: the app must be the one to say no (nginx says 413).
    not_a_photo = b"\xff\xd8\xff" + bytes(MAX_PHOTO_BYTES - 1024)

    answer = httpx.post(
        f"{proxy.https}/api/v1/incidents/{filed.json()['id']}/photos",
        files={"file": ("big.jpg", not_a_photo, "image/jpeg")},
        headers=headers,
        verify=proxy.tls,
        timeout=30,
    )

    assert answer.status_code != 413 and answer.json()["code"], answer.text


def test_hosts_take_the_client_address_nginx_saw_not_one_the_client_wrote(deployment, worker):
    proxy = deployment.proxy

    refused = httpx.post(
        f"{proxy.https}/api/v1/auth/token",
        json={"username": worker.username, "password": "not the password"},
        headers={"X-Forwarded-For": "203.0.113.9"},
        verify=proxy.tls,
    )

    assert refused.status_code == 401
    assert list(AuthAttempt.objects.values_list("address", flat=True)) == ["127.0.0.1"]


def test_escalation_scheduled_on_both_hosts_runs_once_per_deadline(deployment, resident):
    case = report(resident, GRID_1_01)
    Incident.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(minutes=1))

    def escalations() -> int:
        return TimelineEntry.objects.filter(incident=case, action="escalate").count()

    deadline = time.monotonic() + 15
    while escalations() == 0:
        assert time.monotonic() < deadline, deployment.logs()
        time.sleep(0.1)
    # Both hosts keep starting rounds; a second escalation of this deadline would come in one.
    time.sleep(6 * JOBS_EVERY_S)

    assert escalations() == 1
    assert deployment.logs().count("escalated 1 overdue case(s)") == 1
    assert deployment.host_a.process.poll() is None and deployment.host_b.process.poll() is None


def test_clients_lose_nothing_when_host_a_is_killed_in_the_middle_of_a_stream_of_reports(
    deployment, worker
):
    # Last in the file: host A stays dead.
    token = token_for(worker)
    clients, reports_each = 4, 12
    kill_after = clients * reports_each // 3
    proxy = deployment.proxy
    answered: dict[str, int] = {}  # client_id -> incident id

    async def reporter(http: httpx.AsyncClient) -> None:
        for _ in range(reports_each):
            body = report_body("停电")
            # A phone's outbox: the same client_id again, through nginx, until it is answered.
            deadline = time.monotonic() + 30
            while True:
                try:
                    response = await http.post(f"{proxy.https}/api/v1/incidents", json=body)
                    if response.status_code in (200, 201):
                        break
                    assert response.status_code >= 500, response.text
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, f"{body['client_id']} never answered"
                await asyncio.sleep(0.1)
            answered[body["client_id"]] = response.json()["id"]
            # One reporter reaches the count; the others' reports are in flight meanwhile.
            if len(answered) == kill_after:
                await asyncio.to_thread(deployment.host_a.kill)

    def start_seq() -> int:
        # Every listener asks for what came after this, so none misses a report made before
        # its socket opened.
        async def hello() -> int:
            async with websockets.connect(f"{deployment.host_b.ws}?token={token}") as ws:
                return (await next_event(ws))["seq"]

        return asyncio.run(hello())

    after_seq = start_seq()

    async def listener(first: str, then: str, stream_done: asyncio.Event) -> Listened:
        """What a client hears until it has every answered report. It opens its socket on
        `first`; whenever the socket drops it reconnects to `then`, asking for what came after
        the last event it heard."""
        listened = Listened()
        last_seq = after_seq

        def has_everything() -> bool:
            heard_ids = {event["incident"]["id"] for event in listened.heard}
            return stream_done.is_set() and set(answered.values()) <= heard_ids

        deadline = time.monotonic() + 60
        url = first
        while not has_everything():
            try:
                tls = proxy.tls if url.startswith("wss:") else None
                async with websockets.connect(
                    f"{url}?token={token}&after={last_seq}", ssl=tls
                ) as ws:
                    assert (await next_event(ws))["type"] == "hello"
                    listened.connections += 1
                    while not has_everything():
                        assert time.monotonic() < deadline, f"heard {len(listened.heard)}"
                        try:
                            event = await next_event(ws, timeout_s=0.5)
                        except TimeoutError:
                            continue
                        listened.heard.append(event)
                        last_seq = event["seq"]
            except (websockets.WebSocketException, OSError, TimeoutError):
                assert time.monotonic() < deadline, f"heard {len(listened.heard)}"
                await asyncio.sleep(0.1)
            url = then
        return listened

    async def scenario() -> list[Listened]:
        stream_done = asyncio.Event()
        host_a, host_b = deployment.host_a.ws, deployment.host_b.ws
        listeners = [
            asyncio.create_task(listener(host_b, host_b, stream_done)),
            asyncio.create_task(listener(host_b, host_b, stream_done)),
            # A phone that nginx had put on host A: after A dies it comes back through nginx.
            asyncio.create_task(listener(host_a, proxy.wss, stream_done)),
        ]
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(verify=proxy.tls, headers=headers, timeout=10) as http:
            await asyncio.gather(*(reporter(http) for _ in range(clients)))
        stream_done.set()
        return await asyncio.gather(*listeners)

    heard_by_listener = asyncio.run(scenario())

    assert deployment.host_a.process.poll() is not None  # killed in the middle of the stream
    assert len(answered) == clients * reports_each
    stored = Incident.objects.filter(reporter=worker)
    assert stored.count() == len(answered)
    assert set(stored.values_list("pk", flat=True)) == set(answered.values())
    assert heard_by_listener[-1].connections >= 2  # the phone on host A reconnected
    for listened in heard_by_listener:
        heard = listened.heard
        assert {event["type"] for event in heard} == {"incident.created"}
        ids = [event["incident"]["id"] for event in heard]
        assert len(ids) == len(set(ids)) and set(ids) == set(answered.values())
        seqs = [event["seq"] for event in heard]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
