"""A printable map of cases per grid (A4 landscape, PNG or PDF) for supervisors' meetings.

Grids are filled by their open cases (classed choropleth); overdue cases are red circles sized by
count. Also on the page: title and period, legend, north arrow, scale bar, a table of the worst
grids and, for the demo zone, the notice that its ground is fictional. Drawn in the local UTM
zone, so the scale bar is true and grid north is within a degree or two of true north.

Chinese text needs a CJK font: Debian's fonts-noto-cjk is looked for first. Without one the map
still renders, in English only (grid names give way to codes), with a warning: never tofu.
"""

import io
import itertools
import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")  # no display on servers; must precede pyplot

import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from shapely.geometry.base import BaseGeometry

from gis.measure import utm_crs_for

CJK_FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
# Print-friendly sequential classes (ColorBrewer YlOrRd, 6 classes), white for no open case.
_COLOURS = ["#ffffff", "#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"]
_OVERDUE = "#67000d"
_A4_LANDSCAPE_IN = (11.69, 8.27)


@dataclass(frozen=True)
class GridCounts:
    """One grid on the map: code, name, EPSG:4326 geometry, open and overdue cases."""

    code: str
    name: str
    geometry: BaseGeometry
    open: int
    overdue: int


@dataclass(frozen=True)
class MapReport:
    """What the page says: title (e.g. the street), period text, grids, optional notice."""

    title: str
    period: str
    grids: Sequence[GridCounts]
    notice: str | None = None
    counted_at: str = ""
    outline: BaseGeometry | None = None  # the street (EPSG:4326), drawn bold around the grids


def cjk_font_path() -> str | None:
    """The first CJK font file found on this machine, or None."""
    for path in CJK_FONT_PATHS:
        if Path(path).is_file():
            return path
    return None


def render_map_report(
    report: MapReport,
    out: str | Path | BinaryIO | None = None,
    *,
    fmt: Literal["png", "pdf"] = "png",
    dpi: int = 150,
    worst: int = 8,
    font_path: str | None = "auto",
) -> bytes:
    """Draw the report page; write it to `out` if given and return the PNG or PDF bytes."""
    font_path = cjk_font_path() if font_path == "auto" else font_path
    family = ["DejaVu Sans"]
    if font_path is not None:
        font_manager.fontManager.addfont(font_path)
        family = [font_manager.FontProperties(fname=font_path).get_name(), "DejaVu Sans"]
    else:
        warnings.warn(
            "no CJK font found (install fonts-noto-cjk); the map report is in English only",
            RuntimeWarning,
            stacklevel=2,
        )
    zh = font_path is not None
    with plt.rc_context({"font.family": family, "pdf.fonttype": 42, "axes.unicode_minus": False}):
        figure = _draw(report, zh=zh, worst=worst)
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, dpi=dpi)
        plt.close(figure)
    data = buffer.getvalue()
    if isinstance(out, str | Path):
        Path(out).write_bytes(data)
    elif out is not None:
        out.write(data)
    return data


def _label(zh: bool, chinese: str, english: str) -> str:
    return f"{chinese} {english}" if zh else english


def _draw(report: MapReport, *, zh: bool, worst: int) -> plt.Figure:
    figure = plt.figure(figsize=_A4_LANDSCAPE_IN)
    title = report.title if zh else _ascii(report.title)
    heading = _label(zh, "网格案件地图", "Open and overdue cases per grid")
    figure.suptitle(f"{title} · {heading}" if title else heading, fontsize=16, y=0.965)
    period = report.period if zh else _ascii(report.period)
    figure.text(0.5, 0.915, period, ha="center", fontsize=11, color="#333333")

    map_axes = figure.add_axes((0.02, 0.09, 0.62, 0.80))
    side = figure.add_axes((0.66, 0.09, 0.32, 0.80))
    side.set_axis_off()

    frame = gpd.GeoDataFrame(
        {
            "code": [g.code for g in report.grids],
            "open": [g.open for g in report.grids],
            "overdue": [g.overdue for g in report.grids],
        },
        geometry=[g.geometry for g in report.grids],
        crs="EPSG:4326",
    )
    if len(frame):
        frame = frame.to_crs(utm_crs_for(list(frame.geometry)))
    bounds = _class_bounds(int(frame["open"].max()) if len(frame) else 0)
    colours = ListedColormap(_COLOURS[: len(bounds) - 1])
    norm = BoundaryNorm(bounds, colours.N)
    if len(frame):
        frame.plot(
            ax=map_axes, column="open", cmap=colours, norm=norm, edgecolor="#555555", linewidth=0.6
        )
        if report.outline is not None:
            outline = gpd.GeoSeries([report.outline], crs="EPSG:4326").to_crs(frame.crs)
            outline.boundary.plot(ax=map_axes, color="#222222", linewidth=1.4)
        _overdue_circles(map_axes, frame)
        _grid_numbers(map_axes, frame)
        _north_arrow(map_axes, zh)
        _scale_bar(map_axes)
    map_axes.set_axis_off()
    map_axes.set_aspect("equal")

    _legend(side, bounds, colours, frame, zh)
    _worst_table(side, report.grids, worst, zh)
    footer = _label(
        zh,
        "图中编号为社区-网格序号（编码末五位）；",
        "Labels: community-grid (last 5 code digits).",
    )
    if report.counted_at:
        footer += f"  {_label(zh, '统计时间', 'Counted at')} {report.counted_at}"
    if len(frame):
        footer += f"  CRS {frame.crs.to_string()} (UTM)"
    figure.text(0.02, 0.045, footer, fontsize=7.5, color="#444444")
    if report.notice:
        notice = report.notice if zh else report.notice.split(" / ")[-1]
        figure.text(0.02, 0.018, notice, fontsize=8, color="#8a1c1c", style="italic")
    return figure


def _ascii(text: str) -> str:
    # Without a CJK font, Chinese would print as empty boxes: keep the rest of the text.
    text = text.replace(" 至 ", " to ").replace("（", " (").replace("）", ")")
    return re.sub(r"\s+", " ", re.sub(r"[^\x00-\x7f]+", " ", text)).replace("( ", "(").strip()


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


def _class_label(low: float, high: float) -> str:
    first, last = math.ceil(low), math.floor(high)
    return str(first) if first == last else f"{first}–{last}"


def _overdue_circles(axes, frame: gpd.GeoDataFrame) -> None:
    late = frame[frame["overdue"] > 0]
    if late.empty:
        return
    points = late.geometry.representative_point()
    axes.scatter(
        points.x,
        points.y,
        s=_circle_size(late["overdue"]),
        facecolor=_OVERDUE,
        edgecolor="white",
        linewidth=0.8,
        alpha=0.85,
        zorder=4,
    )


def _circle_size(counts):
    # Circle area in pt² grows with the count, so the eye reads area as quantity.
    return 40 * counts


def _grid_numbers(axes, frame: gpd.GeoDataFrame) -> None:
    points = frame.geometry.representative_point()
    for code, point in zip(frame["code"], points, strict=True):
        axes.annotate(
            _short(code),
            (point.x, point.y),
            xytext=(0, -9),
            textcoords="offset points",
            ha="center",
            fontsize=6,
            color="#333333",
            zorder=5,
        )


def _short(code: str) -> str:
    return f"{code[-5:-3]}-{code[-3:]}" if len(code) >= 5 else code


def _north_arrow(axes, zh: bool) -> None:
    axes.annotate(
        "",
        xy=(0.95, 0.97),
        xytext=(0.95, 0.87),
        xycoords="axes fraction",
        arrowprops={"facecolor": "black", "width": 4, "headwidth": 12},
    )
    axes.text(
        0.95,
        0.985,
        "北 N" if zh else "N",
        transform=axes.transAxes,
        ha="center",
        va="bottom",
        fontsize=11,
        fontweight="bold",
    )


def _scale_bar(axes) -> None:
    min_x, max_x = axes.get_xlim()
    min_y, max_y = axes.get_ylim()
    target = (max_x - min_x) / 4
    length = max(n for n in _nice_lengths() if n <= max(target, 50))
    x0 = min_x + 0.04 * (max_x - min_x)
    y0 = min_y + 0.04 * (max_y - min_y)
    height = 0.012 * (max_y - min_y)
    for k in range(4):
        colour = "black" if k % 2 == 0 else "white"
        axes.add_patch(
            Rectangle(
                (x0 + k * length / 4, y0),
                length / 4,
                height,
                facecolor=colour,
                edgecolor="black",
                linewidth=0.8,
                zorder=6,
            )
        )
    unit, divisor = ("km", 1000) if length >= 1000 else ("m", 1)
    for fraction in (0, 0.5, 1):
        value = fraction * length / divisor
        text = f"{value:g}" + (f" {unit}" if fraction == 1 else "")
        axes.text(
            x0 + fraction * length, y0 + 1.6 * height, text, ha="center", fontsize=8, zorder=6
        )


def _nice_lengths() -> list[int]:
    return [n * 10**e for e in range(1, 6) for n in (1, 2, 5)]


def _legend(axes, bounds, colours, frame, zh: bool) -> None:
    patches = [
        Patch(facecolor=colours(i), edgecolor="#555555", label=_class_label(low, high))
        for i, (low, high) in enumerate(itertools.pairwise(bounds))
    ]
    fill = axes.legend(
        handles=patches,
        title=_label(zh, "未结案件", "Open cases"),
        loc="upper left",
        bbox_to_anchor=(0.0, 1.0),
        frameon=False,
        fontsize=9,
        title_fontsize=10,
    )
    axes.add_artist(fill)
    late = frame["overdue"] if len(frame) else []
    top = int(max(late)) if len(late) else 0
    sizes = sorted({1, max(1, top // 2), max(1, top)}) if top else []
    circles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor=_OVERDUE,
            markeredgecolor="white",
            markersize=math.sqrt(_circle_size(n)),
            label=str(n),
        )
        for n in sizes
    ]
    title = _label(zh, "超期案件", "Overdue cases")
    if not circles:
        title += _label(zh, "：无", ": none")
    axes.legend(
        handles=circles,
        title=title,
        loc="upper left",
        bbox_to_anchor=(0.55, 1.0),
        frameon=False,
        fontsize=9,
        title_fontsize=10,
        labelspacing=1.2,
    )


def _worst_table(axes, grids: Sequence[GridCounts], worst: int, zh: bool) -> None:
    ranked = sorted(
        (g for g in grids if g.open or g.overdue), key=lambda g: (-g.overdue, -g.open, g.code)
    )[:worst]
    title = _label(zh, "重点网格", f"Worst {worst} grids")
    axes.text(0.0, 0.50, title, fontsize=10, fontweight="bold", transform=axes.transAxes)
    if not ranked:
        axes.text(
            0.0,
            0.45,
            _label(zh, "无未结案件", "No open cases"),
            fontsize=9,
            transform=axes.transAxes,
        )
        return
    header = [
        _label(zh, "网格编码", "Grid code"),
        "名称" if zh else "Name",
        "未结" if zh else "Open",
        "超期" if zh else "Overdue",
    ]
    rows = [[g.code, g.name if zh else "", str(g.open), str(g.overdue)] for g in ranked]
    if not zh:
        header.pop(1)
        rows = [[r[0], r[2], r[3]] for r in rows]
    height = 0.045 * (len(rows) + 1)
    table = axes.table(
        cellText=rows,
        colLabels=header,
        loc="upper left",
        bbox=(0.0, 0.48 - height, 1.0, height),
        cellLoc="left",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    widths = [0.33, 0.41, 0.13, 0.13] if zh else [0.5, 0.25, 0.25]
    for (row, col), cell in table.get_celld().items():
        cell.set_width(widths[col])
        cell.set_edgecolor("#bbbbbb")
        if row == 0:
            cell.set_facecolor("#eeeeee")
