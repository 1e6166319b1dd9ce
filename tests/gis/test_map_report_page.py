"""The printed map at real scale: labels only where they fit, furniture outside the frame,
streets outlined and named, the Simplified Chinese face embedded, a quiet PDF writer."""

import io
import itertools
import logging
import re
import warnings
from pathlib import Path

import geopandas as gpd
import matplotlib.pyplot as plt
import pytest
import shapely
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from gis.measure import utm_crs_for
from gis.report import draw_map_report, render_map_report
from gis.report.labels import LabelRequest, place_labels
from gis.report.page import (
    GRID_LABEL,
    MAP,
    STREET_NAME,
    STREET_OUTLINE,
    WORST_RANK,
    worst_grids,
)
from tests.gis.map_report_samples import eighty_grids, hunnan_850_grids, ten_grids

NOTO_TTC = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@pytest.fixture(scope="module")
def hunnan():
    report = hunnan_850_grids()
    figure = draw_map_report(report)
    figure.canvas.draw()  # lays out text so extents are final
    yield report, figure
    plt.close(figure)


@pytest.fixture(scope="module")
def demo_zone():
    report = eighty_grids()
    figure = draw_map_report(report)
    figure.canvas.draw()
    yield report, figure
    plt.close(figure)


def map_axes(figure):
    return next(axes for axes in figure.axes if axes.get_gid() == MAP)


def texts(figure, gid):
    return [t for t in map_axes(figure).texts if t.get_gid() == gid]


def extent(artist, figure) -> Bbox:
    return artist.get_window_extent(figure.canvas.get_renderer())


def overlaps(a: Bbox, b: Bbox) -> bool:
    # Strict: boxes that only touch along an edge do not overlap.
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def on_the_ground(text, figure) -> shapely.Polygon:
    """A drawn text's extent in the map's metres."""
    box = extent(text, figure)
    to_data = map_axes(figure).transData.inverted()
    (x0, y0), (x1, y1) = to_data.transform([(box.x0, box.y0), (box.x1, box.y1)])
    return shapely.box(x0, y0, x1, y1)


def projected(report):
    """The grids in the map's own CRS, by code, with the map's data-to-display transform."""
    shapes = [g.geometry for g in report.grids]
    frame = gpd.GeoSeries(shapes, crs="EPSG:4326").to_crs(utm_crs_for(shapes))
    return dict(zip([g.code for g in report.grids], frame, strict=True))


def test_at_850_grids_few_labels_are_drawn_and_the_page_counts_the_rest(hunnan):
    report, figure = hunnan
    labels = texts(figure, GRID_LABEL)
    assert len(report.grids) > 840
    assert len(labels) <= 100  # a 1 km² grid is about 3 mm across at 1:350,000
    unlabelled = len(report.grids) - len(labels)
    footer = " ".join(t.get_text() for t in figure.texts)
    assert f"{unlabelled} grids too small to label" in footer


@pytest.mark.parametrize("sample", ["hunnan", "demo_zone"])
def test_drawn_labels_never_overlap_and_each_lies_inside_its_grid(sample, request):
    report, figure = request.getfixturevalue(sample)
    labels = texts(figure, GRID_LABEL) + texts(figure, WORST_RANK) + texts(figure, STREET_NAME)
    boxes = [extent(label, figure) for label in labels]
    for a, b in itertools.combinations(boxes, 2):
        assert not overlaps(a, b)
    grids = projected(report)
    county = report.grids[0].code[:6]
    for label in texts(figure, GRID_LABEL):
        code = county + label.get_text().replace("\n", "").replace("-", "")
        assert grids[code].contains(on_the_ground(label, figure)), label.get_text()


@pytest.mark.parametrize("sample", ["hunnan", "demo_zone"])
def test_worst_grids_without_room_for_their_code_carry_their_rank_in_the_table(sample, request):
    report, figure = request.getfixturevalue(sample)
    ranked = [g.code for g in worst_grids(report.grids, 8)]
    marks = texts(figure, WORST_RANK)
    assert marks
    grids = projected(report)
    for mark in marks:
        rank = ord(mark.get_text()) - ord("①") + 1
        assert grids[ranked[rank - 1]].intersects(on_the_ground(mark, figure))
    table = next(
        a for a in map_axes(figure).figure.axes[-1].get_children() if hasattr(a, "get_celld")
    )
    ranks_in_table = [
        cell.get_text().get_text()
        for (row, col), cell in table.get_celld().items()
        if col == 0 and row
    ]
    assert {m.get_text() for m in marks} <= set(ranks_in_table)


def test_the_80_grid_map_labels_most_grids_and_no_label_repeats(demo_zone):
    report, figure = demo_zone
    shown = [t.get_text().replace("\n", "-") for t in texts(figure, GRID_LABEL)]
    assert len(shown) >= len(report.grids) / 2
    assert len(set(shown)) == len(shown)
    assert all(len(text.split("-")) == 3 for text in shown)  # street-community-grid


@pytest.mark.parametrize("sample", ["hunnan", "demo_zone"])
def test_furniture_lies_outside_the_map_frame_and_on_the_page(sample, request):
    _, figure = request.getfixturevalue(sample)
    frame = extent(map_axes(figure), figure)
    page = figure.bbox
    furniture = [axes for axes in figure.axes if axes.get_gid() != MAP]
    furniture += figure.texts + figure.patches
    for axes in furniture[:]:
        if hasattr(axes, "get_legend"):
            furniture += [a for a in axes.get_children() if a.get_gid() == "furniture"]
    assert len(furniture) > 10
    for artist in furniture:
        box = extent(artist, figure)
        assert not overlaps(box, frame), artist
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1
    # Inside the frame: only polygons, circles, grid labels, rank marks and street names.
    assert {t.get_gid() for t in map_axes(figure).texts} <= {GRID_LABEL, WORST_RANK, STREET_NAME}
    assert not map_axes(figure).patches


def test_all_streets_map_outlines_and_names_each_street_inside_it(demo_zone):
    report, figure = demo_zone
    axes = map_axes(figure)
    names = {t.get_text(): t.get_position() for t in texts(figure, STREET_NAME)}
    assert set(names) == {street.name for street in report.streets}
    shapes = [s.geometry for s in report.streets]
    streets = gpd.GeoSeries(shapes, crs="EPSG:4326").to_crs(utm_crs_for(shapes))
    for street, area in zip(report.streets, streets, strict=True):
        assert area.contains(shapely.Point(names[street.name]))
    outline = next(c for c in axes.collections if c.get_gid() == STREET_OUTLINE)
    grid_edges = axes.collections[0]
    assert min(outline.get_linewidth()) > 2 * max(grid_edges.get_linewidth())


def test_one_streets_map_labels_grids_by_community_and_sequence():
    report = ten_grids()
    figure = draw_map_report(report)
    try:
        shown = sorted(t.get_text() for t in texts(figure, GRID_LABEL))
        assert shown == [f"01-{k:03d}" for k in range(1, 11)]
        assert not texts(figure, STREET_NAME)  # the title names the street
    finally:
        plt.close(figure)


def embedded_fonts(pdf: bytes) -> list[str]:
    # matplotlib writes font dictionaries uncompressed: /BaseFont /ABCDEF+PostScriptName
    return [
        name.decode() for name in re.findall(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([^\s/<>\[\]]+)", pdf)
    ]


@pytest.mark.skipif(not NOTO_TTC.is_file(), reason="fonts-noto-cjk not installed")
def test_pdf_embeds_the_simplified_chinese_face_of_noto_cjk_not_the_japanese():
    fonts = embedded_fonts(render_map_report(ten_grids(), fmt="pdf", font_path=str(NOTO_TTC)))
    assert "NotoSansCJKsc-Regular" in fonts, fonts
    assert not any("jp" in name.lower() for name in fonts), fonts


def test_writing_a_pdf_logs_no_font_subsetting(caplog, capfd):
    caplog.set_level(logging.INFO)  # as a CLI that logs at INFO would
    render_map_report(ten_grids(), io.BytesIO(), fmt="pdf")
    assert not [r for r in caplog.records if r.name.startswith("fontTools")]
    assert "fontTools" not in capfd.readouterr().err
    assert logging.getLogger("fontTools.subset").level == logging.NOTSET  # left as found


@pytest.mark.parametrize("sample", ["hunnan", "demo_zone"])
def test_the_map_is_printed_at_the_round_scale_it_states(sample, request):
    _, figure = request.getfixturevalue(sample)
    axes = map_axes(figure)
    width_in = axes.get_position().width * figure.get_size_inches()[0]
    low, high = axes.get_xlim()
    scale = (high - low) / (width_in * 0.0254)  # metres on the ground per metre on paper
    stated = next(t.get_text() for t in figure.texts if "1:" in t.get_text())
    assert f"1:{round(scale):,}" in stated
    assert round(scale) % 10_000 == 0  # a round number, as a printed scale should be


def test_labels_competing_for_one_spot_give_way_to_the_first():
    area = shapely.box(0, 0, 100, 100)
    requests = [LabelRequest((f"01-{k:03d}",), area, shapely.Point(50, 50)) for k in range(20)]
    placed = place_labels(requests, metres_per_pt=1.0, text_size_pt=lambda text: (20.0, 8.0))
    assert [p is not None for p in placed] == [True] + [False] * 19


def test_a_label_wider_than_its_grid_is_left_out():
    narrow = shapely.box(0, 0, 15, 100)
    request = LabelRequest(("01-001",), narrow, shapely.Point(7.5, 50))
    assert place_labels([request], metres_per_pt=1.0, text_size_pt=lambda text: (20.0, 8.0)) == [
        None
    ]


def test_an_english_page_prints_no_chinese_and_warns_of_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = draw_map_report(eighty_grids(), language="en")
    try:
        figure.canvas.draw()
        shown = [t.get_text() for t in figure.findobj(Text)]
        assert "Open and overdue cases per grid" in " ".join(shown)
        assert not [text for text in shown if re.search(r"[\u3400-\u9fff]", text)]
    finally:
        plt.close(figure)
