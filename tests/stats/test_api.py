"""The HTTP shape: GeoJSON with geometry, CSV for spreadsheets, errors in the contract's shape."""

import csv
import io

import pytest

from backend.boundaries.models import Street
from tests.conftest import WEST, grid_code, sign_in

from .conftest import CATEGORIES


def test_grid_stats_are_a_feature_collection_with_geometry(cases, supervisor):
    body = sign_in(supervisor).get("/stats/grids").json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 8
    feature = body["features"][0]
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert set(feature["properties"]) == {
        "code", "name", "street", "total", "open", "overdue", "closed", "by_category",
        "median_hours_to_close", "retired",
    }  # fmt: skip
    assert set(feature["properties"]["by_category"]) == set(CATEGORIES)
    assert body["unassigned"]["total"] > 0
    assert "counted_at" in body


def test_street_stats_are_a_feature_collection(cases, supervisor):
    body = sign_in(supervisor).get("/stats/streets").json()
    assert [f["properties"]["code"] for f in body["features"]] == ["210404001", "210404002"]
    assert body["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_csv_is_the_same_table(cases, supervisor):
    client = sign_in(supervisor)
    params = {"street": WEST, "category": "safety,other"}
    body = client.get("/stats/grids", params).json()
    response = client.get("/stats/grids.csv", {**params, "lang": "en"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    counts = ["Total", "Open", "Overdue", "Closed"]
    categories = ["Safety hazard", "Petition", "Housing delivery", "Other"]
    header = ["Grid code", "Grid name", "Street code", "Street name", *counts, *categories]
    assert list(rows[0]) == [*header, "Median hours to close"]
    rows = [
        dict(
            zip(
                [
                    "code",
                    "name",
                    "street",
                    "street_name",
                    "total",
                    "open",
                    "overdue",
                    "closed",
                    *CATEGORIES,
                    "median_hours_to_close",
                ],
                row.values(),
                strict=True,
            )
        )
        for row in rows
    ]
    *grid_rows, unassigned = rows
    assert [r["code"] for r in grid_rows] == [f["properties"]["code"] for f in body["features"]]
    for row, feature in zip(grid_rows, body["features"], strict=True):
        properties = feature["properties"]
        assert row["name"] == properties["name"]
        for column in ("total", "open", "overdue", "closed"):
            assert int(row[column]) == properties[column]
        for category in CATEGORIES:
            assert int(row[category]) == properties["by_category"][category]
        median = properties["median_hours_to_close"]
        assert row["median_hours_to_close"] == ("" if median is None else str(median))
    assert unassigned["code"] == "" and int(unassigned["total"]) == body["unassigned"]["total"]


def _csv_header(response) -> list[str]:
    assert response.status_code == 200, response.content
    return next(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))


def test_csv_headers_are_chinese_for_a_chinese_caller_and_streets_have_names(cases, supervisor):
    client = sign_in(supervisor)
    answer = client.get("/stats/grids.csv", {"street": WEST}, HTTP_ACCEPT_LANGUAGE="zh-Hans")
    text = answer.content.decode("utf-8")[1:]
    rows = list(csv.reader(io.StringIO(text)))

    assert rows[0][:8] == [
        "网格编码",
        "网格名称",
        "街道编码",
        "街道名称",
        "案件总数",
        "未结案",
        "超期",
        "已结案",
    ]
    assert rows[0][8:12] == ["安全隐患", "信访", "保交楼", "其他"]
    assert rows[1][2] == WEST and rows[1][3] == Street.objects.get(code=WEST).name
    assert rows[-1][1] == "（不在任何网格内）"


def test_a_csv_asked_in_no_language_has_chinese_headers(cases, supervisor):
    # A bare download link sends no Accept-Language; the file is read by a Chinese office.
    assert _csv_header(sign_in(supervisor).get("/stats/grids.csv"))[:2] == ["网格编码", "网格名称"]


def test_csv_headers_follow_accept_language_and_lang_overrides_it(cases, supervisor):
    client = sign_in(supervisor)
    english = client.get("/stats/grids.csv", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    chosen = client.get("/stats/grids.csv", {"lang": "zh-Hans"}, HTTP_ACCEPT_LANGUAGE="en")

    assert _csv_header(english)[:2] == ["Grid code", "Grid name"]
    assert _csv_header(chosen)[:2] == ["网格编码", "网格名称"]


def test_a_reversed_period_is_422_for_the_table_and_the_csv(cases, supervisor):
    client = sign_in(supervisor)
    period = {"from": "2026-03-10T00:00:00+08:00", "to": "2026-03-01T00:00:00+08:00"}
    for path in ("/stats/grids", "/stats/grids.csv"):
        response = client.get(path, period)
        assert response.status_code == 422
        body = response.json()
        assert body["code"] and body["detail"] and body["errors"][0]["field"] == "to"


def test_period_filters_through_http(cases, supervisor):
    client = sign_in(supervisor)
    everything = client.get("/stats/grids").json()
    early = client.get("/stats/grids", {"to": "2000-01-01T00:00:00+08:00"}).json()
    assert sum(f["properties"]["total"] for f in early["features"]) == 0
    # Any offset ISO 8601 allows, even beyond what PostgreSQL stores.
    later = client.get("/stats/grids", {"from": "2000-01-01T00:00:00-21:39"}).json()
    assert [f["properties"]["total"] for f in later["features"]] == [
        f["properties"]["total"] for f in everything["features"]
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"street": "12345"}, "street"),
        ({"grid": "2104040010100x"}, "grid"),
        ({"category": "weather"}, "category"),
        ({"category": "safety,nope"}, "category"),
        ({"from": "yesterday"}, "from"),
        ({"from": "2026-01-01T00:00:00"}, "from"),  # no offset
        ({"to": "2026-13-01T00:00:00Z"}, "to"),
        ({"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}, "to"),
        ({"from": "9999-12-31T23:00:00Z"}, "from"),
    ],
)
@pytest.mark.parametrize("path", ["/stats/grids", "/stats/grids.csv", "/stats/streets"])
def test_bad_query_is_422_in_the_error_shape(supervisor, params, field, path):
    if path == "/stats/streets" and field in ("street", "grid"):
        pytest.skip("streets take no street or grid filter")
    response = sign_in(supervisor).get(path, params)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert [error["field"] for error in body["errors"]] == [field]


@pytest.mark.parametrize("params", [{"street": "210404009"}, {"grid": grid_code("210404009", 1)}])
def test_unknown_street_or_grid_is_404(supervisor, params):
    response = sign_in(supervisor).get("/stats/grids", params)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
