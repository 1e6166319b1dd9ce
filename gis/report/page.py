"""The A4 landscape page: the map in its frame on the left at a round scale, furniture beside it.

The map is drawn in the local UTM zone at a true scale (1:N when printed at 100%), so a label's
size on paper can be compared with its grid's: grid codes are drawn only where they fit inside
their grid, most important grids first, and the page says how many were left out.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.text import Text
from shapely import Polygon, box

from gis.measure import utm_crs_for
from gis.report import furniture
from gis.report.labels import LabelRequest, PlacedLabel, anchor_point, place_labels, place_name
from gis.report.model import GridCounts, MapReport
from gis.report.text import ascii_only, bilingual, grid_labels, rank_mark

A4_LANDSCAPE_IN = (11.69, 8.27)
MAP_RECT = (0.02, 0.085, 0.635, 0.82)  # figure fraction: the map frame, left of the panel
PANEL_LEFT = 0.675
GRID_LABEL, STREET_NAME, STREET_OUTLINE, MAP = "grid-label", "street-name", "street-outline", "map"
WORST_RANK = "worst-rank"  # a worst grid's rank mark, drawn where its code does not fit
# Grid codes print at 8 pt where grids are roomy (median over 1 inch across), else at 6 pt,
# about the smallest a printed code stays legible.
GRID_LABEL_PT = (8.0, 6.0)
# Print-friendly sequential classes (ColorBrewer YlOrRd, 6 classes), white for no open case.
_COLOURS = ["#ffffff", "#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"]
_METRES_PER_PT_AT_1_TO_1 = 0.0254 / 72
_STREET_NAME_PT = (12, 11, 10, 9, 8, 7)
_HALO = "white"


def draw_page(report: MapReport, *, zh: bool, worst: int) -> plt.Figure:
    """The whole page as a matplotlib Figure (fonts must already be set in rcParams)."""
    figure = plt.figure(figsize=A4_LANDSCAPE_IN)
    title = report.title if zh else ascii_only(report.title)
    heading = bilingual(zh, "网格案件地图", "Open and overdue cases per grid")
    figure.suptitle(f"{title} · {heading}" if title else heading, fontsize=15, y=0.972)
    period = report.period if zh else ascii_only(report.period)
    figure.text(0.5, 0.928, period, ha="center", fontsize=10.5, color="#333333")

    map_axes = figure.add_axes(MAP_RECT, gid=MAP)
    map_axes.set_xticks([])
    map_axes.set_yticks([])
    for spine in map_axes.spines.values():
        spine.set_edgecolor("#888888")
        spine.set_linewidth(0.6)

    grids = gpd.GeoDataFrame(
        {
            "code": [g.code for g in report.grids],
            "open": [g.open for g in report.grids],
            "overdue": [g.overdue for g in report.grids],
        },
        geometry=[g.geometry for g in report.grids],
        crs="EPSG:4326",
    )
    ranked = worst_grids(report.grids, worst)
    bounds = _class_bounds(int(grids["open"].max()) if len(grids) else 0)
    colours = ListedColormap(_COLOURS[: len(bounds) - 1])
    drawn = _MapDrawn()
    if len(grids):
        drawn = _draw_map(figure, map_axes, report, grids, ranked, bounds, colours, zh)
    else:
        map_axes.set_axis_off()

    panel = figure.add_axes((PANEL_LEFT, 0.085, 0.98 - PANEL_LEFT, 0.70), gid=furniture.FURNITURE)
    panel.set_axis_off()
    legend_bottom = furniture.legends(
        panel, bounds, colours, drawn.overdue_sizes, drawn.circle_area_pt2, zh
    )
    rows = [(g.code, g.name, g.open, g.overdue) for g in ranked]
    furniture.worst_table(panel, rows, legend_bottom - 0.06, zh)
    _footer(figure, report, zh, drawn)
    return figure


@dataclass(frozen=True)
class _MapDrawn:
    """What the rest of the page needs to know about the map drawn in the frame."""

    circle_area_pt2: float = 40.0
    overdue_sizes: tuple[int, ...] = ()
    many_streets: bool = False
    unlabelled: int = 0
    marked: int = 0
    crs: str = ""


def _draw_map(figure, axes, report, grids, ranked, bounds, colours, zh) -> _MapDrawn:
    """Grids, streets, circles and labels in the frame at a round scale; north arrow and scale
    bar beside it."""
    crs = utm_crs_for(list(grids.geometry))
    grids = grids.to_crs(crs)
    streets = _streets_frame(report, crs)
    metres_per_pt, scale = _fit_to_frame(axes, grids, streets)
    many = len(streets) > 1
    edge_pt = 0.6 if len(grids) <= 120 else 0.3
    grids.plot(
        ax=axes,
        column="open",
        cmap=colours,
        norm=BoundaryNorm(bounds, colours.N),
        edgecolor="#555555",
        linewidth=edge_pt,
    )
    if len(streets):
        streets.boundary.plot(ax=axes, color="#1a1a1a", linewidth=max(1.4, 4 * edge_pt))
        axes.collections[-1].set_gid(STREET_OUTLINE)
    axes.set_aspect("auto")  # the limits already hold 1 m = 1 m both ways
    axes.set_xlabel("")  # geopandas names the axes; the frame has no ticks to name
    axes.set_ylabel("")

    anchors = [anchor_point(g, metres_per_pt) for g in grids.geometry]
    circle_area_pt2 = _circle_area_pt2(grids, metres_per_pt)
    circle_pt = [math.sqrt(circle_area_pt2 * n) for n in grids["overdue"]]
    circle_boxes = [
        _square(anchor, size / 2 * metres_per_pt) if size else None
        for anchor, size in zip(anchors, circle_pt, strict=True)
    ]
    circles = [b for b in circle_boxes if b is not None]
    names = _street_names(figure, axes, streets, metres_per_pt, zh, circles) if many else []
    requests = [
        LabelRequest((), area, anchor, size, circle)
        for area, anchor, size, circle in zip(
            grids.geometry, anchors, circle_pt, circle_boxes, strict=True
        )
    ]
    ranks = {g.code: rank for rank, g in enumerate(ranked, start=1)}
    labels = _grid_labels(
        figure, axes, grids, requests, metres_per_pt, many, circles + names, ranks
    )
    centres = [
        (labels[k].circle_x, labels[k].circle_y) if k in labels else (a.x, a.y)
        for k, a in enumerate(anchors)
    ]
    _overdue_circles(axes, centres, circle_pt)

    furniture.north_arrow(figure, (PANEL_LEFT, 0.815, 0.035, 0.085), zh)
    furniture.scale_bar(
        figure,
        left=PANEL_LEFT + 0.06,
        bottom=0.845,
        max_width_in=2.4,
        metres_per_pt=metres_per_pt,
        scale=scale,
        zh=zh,
    )
    marks = {rank_mark(rank) for rank in ranks.values()}
    marked = sum(label.text in marks for label in labels.values())
    top = int(grids["overdue"].max())
    return _MapDrawn(
        circle_area_pt2=circle_area_pt2,
        overdue_sizes=tuple(sorted({1, max(1, top // 2), top})) if top else (),
        many_streets=many,
        unlabelled=len(grids) - len(labels) + marked,
        marked=marked,
        crs=f"CRS {crs.to_string()} (UTM)",
    )


def _streets_frame(report: MapReport, crs) -> gpd.GeoDataFrame:
    names = [s.name for s in report.streets]
    codes = [s.code for s in report.streets]
    shapes = [s.geometry for s in report.streets]
    if report.outline is not None and not report.streets:
        names, codes, shapes = [report.title], [""], [report.outline]
    frame = gpd.GeoDataFrame({"name": names, "code": codes}, geometry=shapes, crs="EPSG:4326")
    return frame.to_crs(crs)


def _fit_to_frame(axes: plt.Axes, grids: gpd.GeoDataFrame, streets: gpd.GeoDataFrame):
    """Set the map's limits for the smallest round scale at which everything fits the frame;
    returns (metres per point on paper, the scale's denominator)."""
    min_x, min_y, max_x, max_y = grids.total_bounds
    if len(streets):
        s_min_x, s_min_y, s_max_x, s_max_y = streets.total_bounds
        min_x, min_y = min(min_x, s_min_x), min(min_y, s_min_y)
        max_x, max_y = max(max_x, s_max_x), max(max_y, s_max_y)
    fig_w, fig_h = axes.figure.get_size_inches()
    width_pt, height_pt = MAP_RECT[2] * fig_w * 72, MAP_RECT[3] * fig_h * 72
    # 3% margin so no edge touches the frame.
    needed = 1.03 * max((max_x - min_x) / width_pt, (max_y - min_y) / height_pt)
    scale = furniture.nice_scale(max(needed, 1e-6) / _METRES_PER_PT_AT_1_TO_1)
    metres_per_pt = scale * _METRES_PER_PT_AT_1_TO_1
    centre_x, centre_y = (min_x + max_x) / 2, (min_y + max_y) / 2
    axes.set_xlim(centre_x - width_pt * metres_per_pt / 2, centre_x + width_pt * metres_per_pt / 2)
    axes.set_ylim(
        centre_y - height_pt * metres_per_pt / 2, centre_y + height_pt * metres_per_pt / 2
    )
    return metres_per_pt, scale


def _circle_area_pt2(grids: gpd.GeoDataFrame, metres_per_pt: float) -> float:
    # Circle area (pt²) per overdue case: 40 pt² on roomy maps; on crowded ones the biggest
    # circle stays about one grid across so circles do not bury the map.
    top = int(grids["overdue"].max())
    if top <= 0:
        return 40.0
    grid_pt = math.sqrt(float(np.median(grids.geometry.area))) / metres_per_pt
    biggest_pt = min(28.0, max(8.0, 1.2 * grid_pt))
    return min(40.0, biggest_pt**2 / top)


def _square(centre, half: float) -> Polygon:
    return box(centre.x - half, centre.y - half, centre.x + half, centre.y + half)


def _overdue_circles(axes, centres, circle_pt) -> None:
    """Circles sized by overdue count, on each grid's anchor or where its label moved them."""
    late = [(c, size) for c, size in zip(centres, circle_pt, strict=True) if size > 0]
    if not late:
        return
    axes.scatter(
        [x for (x, _), _ in late],
        [y for (_, y), _ in late],
        s=[size**2 for _, size in late],  # scatter sizes are diameters squared, in pt²
        facecolor=furniture.OVERDUE_COLOUR,
        edgecolor="white",
        linewidth=0.6,
        alpha=0.85,
        zorder=4,
    )


def _text_measure(figure: plt.Figure, weight: str = "normal", default_pt: float = 6.0):
    # Measured as matplotlib will lay the text out (lines, line spacing, descent), so a box
    # that fits here is the box drawn.
    renderer = figure.canvas.get_renderer()
    cache: dict[tuple[str, float], tuple[float, float]] = {}

    def size_pt(text: str, size: float = default_pt) -> tuple[float, float]:
        # Codes differ only in digits, and digits are tabular (one width) in Noto CJK and
        # DejaVu: measuring '00-000' once serves every label of that form (850 layouts cost
        # a second otherwise).
        shape = re.sub(r"[0-9]", "0", text)
        if (shape, size) not in cache:
            probe = Text(0, 0, shape, fontsize=size, weight=weight, linespacing=1.0)
            probe.set_figure(figure)
            extent = probe.get_window_extent(renderer)
            cache[shape, size] = (extent.width * 72 / figure.dpi, extent.height * 72 / figure.dpi)
        return cache[shape, size]

    return size_pt


def _street_names(figure, axes, streets, metres_per_pt, zh, circles) -> list[Polygon]:
    """Each street's name deep inside it, as large as fits, clear of circles; their boxes."""
    measure = _text_measure(figure, weight="bold")
    boxes = []
    for name, code, area in zip(streets["name"], streets["code"], streets.geometry, strict=True):
        text = name if zh else code
        anchor = anchor_point(area, metres_per_pt)
        x, y, size = place_name(
            area, anchor, text, measure, _STREET_NAME_PT, metres_per_pt, circles
        )
        axes.text(
            x,
            y,
            text,
            ha="center",
            va="center",
            fontsize=size,
            weight="bold",
            color="#1a1a1a",
            zorder=7,
            gid=STREET_NAME,
            path_effects=[patheffects.withStroke(linewidth=2.5, foreground=_HALO)],
        )
        width_pt, height_pt = measure(text, size)
        half_w, half_h = (width_pt / 2 + 2) * metres_per_pt, (height_pt / 2 + 2) * metres_per_pt
        boxes.append(box(x - half_w, y - half_h, x + half_w, y + half_h))
    return boxes


def _grid_labels(
    figure, axes, grids, requests: list[LabelRequest], metres_per_pt, many, obstacles, ranks
) -> dict[int, PlacedLabel]:
    """Label the grids whose label fits inside them, grids with overdue then open cases first;
    a worst grid whose code does not fit gets its rank mark from the table, beside it if not
    inside. Returns the placed labels by grid position."""
    order = sorted(
        range(len(grids)),
        key=lambda k: (
            -grids["overdue"].iloc[k],
            -grids["open"].iloc[k],
            -grids.geometry.iloc[k].area,
        ),
    )
    texts = [grid_labels(code, many_streets=many) for code in grids["code"]]
    # A worst grid's rank mark may overhang its grid: on a crowded map it is the only way to
    # find the table's grids.
    overhanging = [(rank_mark(ranks[code]),) if code in ranks else () for code in grids["code"]]
    marks = {rank_mark(rank) for rank in ranks.values()}
    median_grid_pt = math.sqrt(float(np.median(grids.geometry.area))) / metres_per_pt
    label_pt = GRID_LABEL_PT[0] if median_grid_pt > 72 else GRID_LABEL_PT[1]
    mark_pt = label_pt + 2  # a rank mark is one glyph: it can afford to stand out
    code_size, mark_size = _text_measure(figure), _text_measure(figure, weight="bold")

    def size_pt(text: str) -> tuple[float, float]:
        return mark_size(text, mark_pt) if text in marks else code_size(text, label_pt)

    placed = place_labels(
        [replace(requests[k], texts=texts[k], overhanging=overhanging[k]) for k in order],
        metres_per_pt=metres_per_pt,
        text_size_pt=size_pt,
        obstacles=obstacles,
    )
    for label in placed:
        if label is None:
            continue
        mark = label.text in marks
        axes.text(
            label.x,
            label.y,
            label.text,
            ha="center",
            va="center",
            fontsize=mark_pt if mark else label_pt,
            weight="bold" if mark else "normal",
            linespacing=1.0,
            color="#222222",
            zorder=5,
            gid=WORST_RANK if mark else GRID_LABEL,
            path_effects=[patheffects.withStroke(linewidth=1.5, foreground=_HALO)],
        )
    return {k: label for k, label in zip(order, placed, strict=True) if label is not None}


def _class_bounds(maximum: int) -> list[float]:
    # Class edges sit between integers: 0 | 1-a | a+1-b ... so every count falls in one class.
    if maximum <= 0:
        return [-0.5, 0.5]
    step = max(1, math.ceil(maximum / 5))
    edges = [-0.5, 0.5]
    top = 0
    while top < maximum:
        top += step
        edges.append(top + 0.5)
    return edges


def worst_grids(grids: Sequence[GridCounts], n: int) -> list[GridCounts]:
    """The n grids with most overdue, then most open cases (grids with none left out)."""
    ranked = sorted(
        (g for g in grids if g.open or g.overdue), key=lambda g: (-g.overdue, -g.open, g.code)
    )
    return ranked[:n]


def _footer(figure, report: MapReport, zh: bool, drawn: _MapDrawn) -> None:
    unlabelled, marked = drawn.unlabelled, drawn.marked
    if drawn.many_streets:
        footer = bilingual(
            zh,
            "图中编号为街道-社区-网格序号（编码末八位）。",
            "Labels: street-community-grid (last 8 code digits).",
        )
    else:
        footer = bilingual(
            zh,
            "图中编号为社区-网格序号（编码末五位）。",
            "Labels: community-grid (last 5 code digits).",
        )
    if unlabelled:
        footer += "  " + bilingual(
            zh,
            f"{unlabelled} 个网格过小，未标编号",
            f"{unlabelled} grids too small to label.",
        )
    if marked:
        footer += "  " + bilingual(
            zh, "①②…：重点网格表中的排名。", "①②…: rank in the worst-grids table."
        )
    figure.text(0.02, 0.052, footer, fontsize=7.5, color="#444444", gid=furniture.FURNITURE)
    second = f"{bilingual(zh, '统计时间', 'Counted at')} {report.counted_at}"
    second = "  ".join(part for part in (second if report.counted_at else "", drawn.crs) if part)
    figure.text(0.02, 0.033, second, fontsize=7.5, color="#444444", gid=furniture.FURNITURE)
    if report.notice:
        notice = report.notice if zh else report.notice.split(" / ")[-1]
        figure.text(0.02, 0.012, notice, fontsize=7.5, color="#8a1c1c", style="italic")
