"""Map reports of 10, 80 and about 850 grids on real outlines, for the tests and the docs.

`python -m tests.gis.map_report_samples docs` redraws docs/map-report-{10,80,850}.png.
"""

import json
import sys
from functools import cache
from pathlib import Path

from shapely.geometry import shape

from gis.coords import gcj02_to_wgs84, transform_geometry
from gis.demo import NOTICE, build_demo_zone
from gis.generate import voronoi_cut
from gis.gridding import coded_grids
from gis.report import GridCounts, MapReport, StreetArea, render_map_report

HUNNAN_PATH = Path(__file__).parent / "data" / "hunnan-210112-gcj02.geojson"
HUNNAN_NOTICE = (
    "浑南区真实边界，街道与网格为生成数据 / "
    "The real outline of Hunnan District; its streets and grids are generated."
)
_HUNNAN_STREETS = [
    "浑河站街道",
    "白塔街道",
    "桃仙街道",
    "祝家街道",
    "李相街道",
    "王滨街道",
    "深井子街道",
]


def _counts(k: int) -> tuple[int, int]:
    # Busy grids every so often, a few with overdue cases: a plausible month.
    return (k * 7) % 11 % 6 if k % 3 else 0, (k % 13 == 0) + (k % 29 == 0) * 3


def _report(title: str, period: str, grids, streets, notice=None, outline=None) -> MapReport:
    counted = [GridCounts(g.code, g.name, g.geometry, *_counts(k)) for k, g in enumerate(grids)]
    return MapReport(
        title, period, counted, notice, "2026-12-01 08:00", outline=outline, streets=streets
    )


def ten_grids() -> MapReport:
    """One demo street cut into 10 grids."""
    street = build_demo_zone().streets[0]
    cells = voronoi_cut(street.geometry, 10, seed=10, relax_steps=10)
    grids = coded_grids(street.code, cells, name_prefix="启明一社区")
    return _report(
        f"{street.name} {street.code}",
        "2026-11-01 至 2026-11-30",
        grids,
        (),
        NOTICE,
        street.geometry,
    )


def eighty_grids() -> MapReport:
    """The whole demo zone: 4 streets, 80 grids."""
    zone = build_demo_zone()
    streets = [StreetArea(s.code, s.name, s.geometry) for s in zone.streets]
    return _report("全部网格 all grids", "2026-11-01 至 2026-11-30", zone.grids, streets, NOTICE)


@cache
def hunnan_streets() -> tuple[list[StreetArea], list]:
    """Hunnan District (808 km²) cut into 7 fictional streets of about 121 grids each (847)."""
    with open(HUNNAN_PATH, encoding="utf-8") as source:
        district = shape(json.load(source)["features"][0]["geometry"])
    outline = transform_geometry(district, gcj02_to_wgs84)
    areas = voronoi_cut(outline, len(_HUNNAN_STREETS), seed=210112, relax_steps=6)
    streets, grids = [], []
    for number, (name, area) in enumerate(zip(_HUNNAN_STREETS, areas, strict=True), start=1):
        code = f"210112{number:03d}"
        streets.append(StreetArea(code, name, area))
        cells = voronoi_cut(area, 121, seed=number, relax_steps=3)
        grids.extend(coded_grids(code, cells, name_prefix=name.removesuffix("街道")))
    return streets, grids


def hunnan_850_grids() -> MapReport:
    """All of Hunnan: 7 streets, 847 grids."""
    streets, grids = hunnan_streets()
    return _report("浑南区（虚构网格）", "2026-11-01 至 2026-11-30", grids, streets, HUNNAN_NOTICE)


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    for name, build in (("10", ten_grids), ("80", eighty_grids), ("850", hunnan_850_grids)):
        render_map_report(build(), out / f"map-report-{name}.png", dpi=110)
        print(out / f"map-report-{name}.png")
