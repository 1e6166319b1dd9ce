"""GET /stats/map.png and `gridgov map-report`: a PNG/PDF map for supervisors and admins only."""

import io

import pytest
from django.core.management import call_command
from PIL import Image

from backend.stats.map_report import period_text
from tests.conftest import WEST, sign_in


def png_size(data: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.size


@pytest.mark.parametrize("who", ["supervisor", "admin_user"])
def test_supervisors_and_admins_get_an_a4_png(cases, who, request):
    client = sign_in(request.getfixturevalue(who))
    response = client.get("/stats/map.png", {"street": WEST, "from": "2020-01-01T00:00:00+08:00"})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "image/png"
    width, height = png_size(response.content)
    assert width > height > 1000  # A4 landscape at 150 dpi


def test_whole_zone_map_without_a_street(cases, supervisor):
    response = sign_in(supervisor).get("/stats/map.png")
    assert response.status_code == 200 and png_size(response.content)


@pytest.mark.parametrize("who", ["worker", "resident"])
def test_workers_and_residents_get_403(cases, who, request):
    response = sign_in(request.getfixturevalue(who)).get("/stats/map.png")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


@pytest.mark.parametrize(
    "params",
    [
        {"street": "12"},
        {"from": "yesterday"},
        {"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"},
        {"category": "nonsense"},
    ],
)
def test_bad_input_is_422(cases, supervisor, params):
    response = sign_in(supervisor).get("/stats/map.png", params)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_unknown_street_is_404(cases, supervisor):
    assert sign_in(supervisor).get("/stats/map.png", {"street": "999999999"}).status_code == 404


def test_command_writes_png_and_pdf(cases, tmp_path):
    call_command("map_report", street=WEST, date_from="2020-01-01", out=str(tmp_path / "m.png"))
    assert png_size((tmp_path / "m.png").read_bytes())
    call_command("map_report", out=str(tmp_path / "m.pdf"))
    assert (tmp_path / "m.pdf").read_bytes().startswith(b"%PDF")


def test_period_reads_as_local_days_with_to_inclusive():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Shanghai")
    text = period_text(datetime(2026, 1, 1, tzinfo=zone), datetime(2026, 2, 1, tzinfo=zone))
    assert text.startswith("2026-01-01 至 2026-01-31")
    assert period_text(None, None) == "全部时间 all time"
