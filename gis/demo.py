"""The fictional demo zone: streets and grids generated on the real outline of Wanghua District."""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely import MultiPolygon, Polygon
from shapely.geometry import shape

from gis.codes import make_grid_code
from gis.coords import gcj02_to_wgs84, transform_geometry
from gis.generate import voronoi_cut
from gis.io import Boundary

OUTLINE_PATH = Path(__file__).parent / "data" / "wanghua-210404-gcj02.geojson"
COUNTY_CODE = "210404"  # 望花区 Wanghua, Fushun (GB/T 2260)
# The band of the district the zone keeps, in GCJ-02 latitudes (the source's own system).
SOUTH_LAT_GCJ = 41.80
NORTH_LAT_GCJ = 41.90
NOTICE = (
    "示范区为虚构区域：以望花区真实边界为底，街道与网格为生成数据 / "
    "The demo zone is fictional ground cut from the real outline of Wanghua District; "
    "its streets and grids are generated."
)
# Invented names, chosen not to match Wanghua's real streets; grids per community.
_STREETS: list[tuple[str, str, tuple[int, ...]]] = [
    ("启明街道", "启明", (7, 7, 6)),
    ("春和街道", "春和", (10, 9)),
    ("锦绣街道", "锦绣", (7, 6, 7)),
    ("安澜街道", "安澜", (11, 10)),
]
_ORDINALS = "一二三四五六七八九"
_SEED = 210404
# More Lloyd steps than the default: demo streets and grids should look evenly sized.
_RELAX_STEPS = 10


@dataclass(frozen=True)
class DemoZone:
    """The demo zone in EPSG:4326: its outline, 4 streets and their grids, and the notice."""

    outline: MultiPolygon
    streets: list[Boundary]
    grids: list[Boundary]
    notice: str = NOTICE


def demo_outline_gcj02() -> Polygon:
    """The Wanghua band between 41.80 N and 41.90 N, in GCJ-02 lon/lat degrees as shipped."""
    with open(OUTLINE_PATH, encoding="utf-8") as source:
        district = shape(json.load(source)["features"][0]["geometry"])
    min_x, _, max_x, _ = district.bounds
    band = shapely.box(min_x - 1.0, SOUTH_LAT_GCJ, max_x + 1.0, NORTH_LAT_GCJ)
    return district.intersection(band)


def build_demo_zone() -> DemoZone:
    """Build the fictional demo zone (EPSG:4326); the same every time."""
    outline = transform_geometry(demo_outline_gcj02(), gcj02_to_wgs84)
    street_areas = _north_to_south(
        voronoi_cut(outline, len(_STREETS), seed=_SEED, relax_steps=_RELAX_STEPS)
    )
    households = np.random.default_rng(_SEED)
    streets: list[Boundary] = []
    grids: list[Boundary] = []
    for number, area in enumerate(street_areas, start=1):
        street, street_grids = _cut_street(number, area, households, first_feature=len(grids))
        streets.append(street)
        grids.extend(street_grids)
    return DemoZone(MultiPolygon([outline]), streets, grids)


def _cut_street(
    number: int, area: Polygon, households: np.random.Generator, first_feature: int
) -> tuple[Boundary, list[Boundary]]:
    name, short, grid_counts = _STREETS[number - 1]
    street_code = f"{COUNTY_CODE}{number:03d}"
    community_areas = _north_to_south(
        voronoi_cut(area, len(grid_counts), seed=_SEED + number, relax_steps=_RELAX_STEPS)
    )
    community_names = [f"{short}{_ORDINALS[k]}社区" for k in range(len(grid_counts))]
    grids: list[Boundary] = []
    for community, (community_area, count) in enumerate(
        zip(community_areas, grid_counts, strict=True), start=1
    ):
        seed = _SEED + 100 * number + community
        cells = voronoi_cut(community_area, count, seed=seed, relax_steps=_RELAX_STEPS)
        community_name = community_names[community - 1]
        for seq, cell in enumerate(_north_to_south(cells), start=1):
            properties = {
                "households": int(households.integers(300, 501)),
                "community": community_name,
                "street": name,
            }
            grids.append(
                Boundary(
                    make_grid_code(street_code, community, seq),
                    f"{community_name}{seq:02d}网格",
                    MultiPolygon([cell]),
                    properties,
                    first_feature + len(grids) + 1,  # numbered from 1, as QGIS shows them
                )
            )
    # Streets carry their grids' total so the backend can store households for both levels.
    street_properties = {
        "communities": community_names,
        "households": sum(g.properties["households"] for g in grids),
    }
    street = Boundary(street_code, name, MultiPolygon([area]), street_properties, number)
    return street, grids


def _north_to_south(cells: list[Polygon]) -> list[Polygon]:
    # Numbering runs north to south, then west to east, the way people read a map.
    def key(cell: Polygon) -> tuple[float, float]:
        centre = cell.centroid
        return (-round(centre.y, 3), centre.x)

    return sorted(cells, key=key)


def is_demo_street(code: str, name: str) -> bool:
    """True for a street of the fictional demo zone (its code and invented name), which any map
    of it must say is fictional ground."""
    names = {f"{COUNTY_CODE}{k:03d}": street[0] for k, street in enumerate(_STREETS, start=1)}
    return names.get(code) == name
