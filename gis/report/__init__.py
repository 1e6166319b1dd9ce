"""A printable map of cases per grid (A4 landscape, PNG or PDF) for supervisors' meetings.

Grids are filled by their open cases (classed choropleth); overdue cases are red circles sized by
count. Streets are outlined and, when several share the page, named. The map sits in a frame at
a round true scale (local UTM zone, grid north within a degree or two of true north); title,
period, north arrow, scale bar, legends and the worst grids' table sit outside the frame. Grid
codes are printed only where they fit inside their grid; the page counts the rest.

Chinese text needs a CJK font: Debian's fonts-noto-cjk is looked for first, and its Simplified
Chinese face is the one drawn and embedded. Without one the map still renders, in English only
(grid names give way to codes), with a warning: never tofu.
"""

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Literal

import matplotlib

matplotlib.use("Agg")  # no display on servers; must precede pyplot

import matplotlib.pyplot as plt

from gis.report.fonts import CJK_FONT_PATHS, cjk_family, cjk_font_path, quiet_font_subsetting
from gis.report.model import GridCounts, MapReport, StreetArea
from gis.report.page import draw_page

__all__ = [
    "CJK_FONT_PATHS",
    "GridCounts",
    "MapReport",
    "StreetArea",
    "cjk_font_path",
    "draw_map_report",
    "render_map_report",
]


def draw_map_report(
    report: MapReport,
    *,
    worst: int = 8,
    font_path: str | None = "auto",
    language: str = "zh-hans",
) -> plt.Figure:
    """The page as a matplotlib Figure (A4 landscape, inches); the caller closes it."""
    with _fonts(font_path, language) as zh:
        return draw_page(report, zh=zh, worst=worst)


def render_map_report(
    report: MapReport,
    out: str | Path | BinaryIO | None = None,
    *,
    fmt: Literal["png", "pdf"] = "png",
    dpi: int = 150,
    worst: int = 8,
    font_path: str | None = "auto",
    language: str = "zh-hans",
) -> bytes:
    """Draw the report page; write it to `out` if given and return the PNG or PDF bytes.

    `language` 'zh-hans' (or any zh) prints Chinese first and English second; 'en' prints
    English only, as does a machine without a CJK font."""
    with _fonts(font_path, language) as zh:
        figure = draw_page(report, zh=zh, worst=worst)
        buffer = io.BytesIO()
        with quiet_font_subsetting():
            figure.savefig(buffer, format=fmt, dpi=dpi)
        plt.close(figure)
    data = buffer.getvalue()
    if isinstance(out, str | Path):
        Path(out).write_bytes(data)
    elif out is not None:
        out.write(data)
    return data


@contextmanager
def _fonts(font_path: str | None, language: str) -> Iterator[bool]:
    # rcParams for the page: the CJK font's SC face first (or English only, with a warning),
    # TrueType (42) in PDFs so text stays text. Yields whether Chinese is printed.
    if not language.lower().startswith("zh"):
        font_path = None  # English asked for: no font to look for, nothing to warn about
    elif font_path == "auto":
        font_path = cjk_font_path()
    family = ["DejaVu Sans"]
    if font_path is not None:
        family = [cjk_family(font_path), "DejaVu Sans"]
    elif language.lower().startswith("zh"):
        warnings.warn(
            "no CJK font found (install fonts-noto-cjk); the map report is in English only",
            RuntimeWarning,
            stacklevel=4,  # past contextlib, at the caller of render_map_report
        )
    with plt.rc_context({"font.family": family, "pdf.fonttype": 42, "axes.unicode_minus": False}):
        yield font_path is not None
