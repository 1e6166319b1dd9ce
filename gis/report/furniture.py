"""The map's furniture, drawn in the side panel beside the map frame, never over the grids:
north arrow, scale bar with its ratio, legends, and the table of the worst grids."""

import itertools
import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.colors import ListedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Patch, Rectangle

from gis.report.text import bilingual, rank_mark

FURNITURE = "furniture"  # the gid of every artist outside the map frame
OVERDUE_COLOUR = "#67000d"
# Steps of about 10%: a round scale wastes at most a tenth of the frame.
_NICE_STEPS = (
    1,
    1.1,
    1.2,
    1.25,
    1.4,
    1.5,
    1.6,
    1.75,
    2,
    2.25,
    2.5,
    2.75,
    3,
    3.5,
    4,
    4.5,
    5,
    5.5,
    6,
    7,
    7.5,
    8,
    9,
)


def nice_scale(minimum: float) -> int:
    """The smallest round scale denominator (1:N) at least `minimum`: 1, 1.1, 1.2 … 9 × 10ᵏ."""
    exponent = math.floor(math.log10(max(minimum, 1)))
    for multiplier in (*_NICE_STEPS, 10):
        candidate = multiplier * 10**exponent
        if candidate >= minimum * (1 - 1e-9):
            return round(candidate)
    raise AssertionError("unreachable: 10 × 10ᵏ ≥ minimum")


def north_arrow(figure: plt.Figure, rect: tuple[float, float, float, float], zh: bool) -> None:
    """A north arrow in its own small axes at `rect` (figure fraction); UTM grid north."""
    axes = figure.add_axes(rect, gid=FURNITURE)
    axes.set_axis_off()
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.add_patch(
        FancyArrow(
            0.5,
            0.0,
            0,
            0.7,
            width=0.14,
            head_width=0.5,
            head_length=0.25,
            length_includes_head=True,
            color="black",
        )
    )
    axes.text(0.5, 0.76, "北 N" if zh else "N", ha="center", va="bottom", fontsize=9, weight="bold")


def scale_bar(
    figure: plt.Figure,
    *,
    left: float,
    bottom: float,
    max_width_in: float,
    metres_per_pt: float,
    scale: int,
    zh: bool,
) -> None:
    """A four-part scale bar no wider than `max_width_in`, and the ratio under it."""
    metres_per_in = metres_per_pt * 72
    length_m = max(
        (n for n in _nice_lengths() if n <= max_width_in * metres_per_in),
        default=_nice_lengths()[0],
    )
    fig_width_in, fig_height_in = figure.get_size_inches()
    width = length_m / metres_per_in / fig_width_in
    height = 0.06 / fig_height_in
    for k in range(4):
        figure.patches.append(
            Rectangle(
                (left + k * width / 4, bottom),
                width / 4,
                height,
                facecolor="black" if k % 2 == 0 else "white",
                edgecolor="black",
                linewidth=0.8,
                transform=figure.transFigure,
                figure=figure,
                gid=FURNITURE,
            )
        )
    unit, divisor = ("km", 1000) if length_m >= 1000 else ("m", 1)
    for fraction in (0, 0.5, 1):
        value = f"{fraction * length_m / divisor:g}" + (f" {unit}" if fraction == 1 else "")
        figure.text(
            left + fraction * width,
            bottom + 1.5 * height,
            value,
            ha="center",
            fontsize=8,
            gid=FURNITURE,
        )
    ratio = bilingual(zh, "比例尺", "Scale") + f" 1:{scale:,}"
    note = bilingual(zh, "（A4 按 100% 打印）", "(A4 at 100%)")
    figure.text(
        left, bottom - 0.035, f"{ratio} {note}", fontsize=7.5, color="#333333", gid=FURNITURE
    )


def _nice_lengths() -> list[int]:
    return [n * 10**e for e in range(1, 6) for n in (1, 2, 5)]


def class_label(low: float, high: float) -> str:
    """The counts a class holds, e.g. '3–5', from edges that sit between integers."""
    first, last = math.ceil(low), math.floor(high)
    return str(first) if first == last else f"{first}–{last}"


def legends(
    axes: plt.Axes,
    bounds: Sequence[float],
    colours: ListedColormap,
    overdue_sizes: Sequence[int],
    circle_area_pt2: float,
    zh: bool,
) -> float:
    """The fill classes and the overdue circles as two legends side by side, titles on two
    lines (Chinese over English) so each stays inside its half of the panel; returns the
    lower legend's bottom (axes fraction), where the next item may start."""
    patches = [
        Patch(facecolor=colours(i), edgecolor="#555555", label=class_label(low, high))
        for i, (low, high) in enumerate(itertools.pairwise(bounds))
    ]
    fill = axes.legend(
        handles=patches,
        title="未结案件\nOpen cases" if zh else "Open cases",
        loc="upper left",
        bbox_to_anchor=(0.0, 1.0),
        frameon=False,
        fontsize=9,
        title_fontsize=9.5,
        alignment="left",
    )
    fill.set_gid(FURNITURE)
    axes.add_artist(fill)
    circles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor=OVERDUE_COLOUR,
            markeredgecolor="white",
            markersize=math.sqrt(circle_area_pt2 * n),
            label=str(n),
        )
        for n in overdue_sizes
    ]
    title = "超期案件\nOverdue cases" if zh else "Overdue cases"
    if not circles:
        title = "超期案件：无\nOverdue: none" if zh else "Overdue: none"
    late = axes.legend(
        handles=circles,
        title=title,
        loc="upper left",
        bbox_to_anchor=(0.52, 1.0),
        frameon=False,
        fontsize=9,
        title_fontsize=9.5,
        labelspacing=1.0,
        alignment="left",
    )
    late.set_gid(FURNITURE)
    renderer = axes.figure.canvas.get_renderer()
    to_axes = axes.transAxes.inverted()
    return min(
        to_axes.transform((0, legend.get_window_extent(renderer).y0))[1] for legend in (fill, late)
    )


def worst_table(
    axes: plt.Axes, rows: Sequence[tuple[str, str, int, int]], top: float, zh: bool
) -> None:
    """The worst grids (code, name, open, overdue) as a table from `top` (axes fraction) down,
    each row led by its rank mark (①, ②, …), which the map shows where a code does not fit."""
    title = bilingual(zh, "重点网格", "Worst grids")
    axes.text(0.0, top, title, fontsize=10, weight="bold", va="top", gid=FURNITURE)
    if not rows:
        axes.text(
            0.0, top - 0.05, bilingual(zh, "无未结案件", "No open cases"), fontsize=9, va="top"
        )
        return
    header = [
        "#",
        bilingual(zh, "编码", "Code"),
        bilingual(zh, "名称", "Name"),
        bilingual(zh, "未结", "Open"),
        bilingual(zh, "超期", "Late"),
    ]
    cells = [
        [rank_mark(rank), code, name if zh else "", str(open_), str(late)]
        for rank, (code, name, open_, late) in enumerate(rows, start=1)
    ]
    widths = [0.07, 0.27, 0.33, 0.16, 0.17]
    if not zh:  # Chinese names cannot be drawn without a CJK font
        header.pop(2)
        cells = [[r[0], r[1], r[3], r[4]] for r in cells]
        widths = [0.08, 0.46, 0.23, 0.23]
    height = 0.042 * (len(cells) + 1)
    table = axes.table(
        cellText=cells,
        colLabels=header,
        bbox=(0.0, top - 0.04 - height, 1.0, height),
        cellLoc="left",
        colWidths=widths,
    )
    table.set_gid(FURNITURE)
    table.auto_set_font_size(False)
    table.set_fontsize(7.5)
    for (row, _column), cell in table.get_celld().items():
        cell.set_edgecolor("#bbbbbb")
        cell.PAD = 0.04
        if row == 0:
            cell.set_facecolor("#eeeeee")
