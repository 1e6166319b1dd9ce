"""Grids written in any format we write, and read back, still tile: no overlaps, no gaps, each
inside its street; in EPSG:4326 and in projected CGCS2000 (EPSG:4550)."""

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from shapely import MultiPolygon
from shapely.geometry import shape

from gis.check import CheckOptions, check_boundaries, check_file
from gis.codes import make_grid_code
from gis.coords import gcj02_to_wgs84, transform_geometry
from gis.demo import build_demo_zone
from gis.export import write_boundaries
from gis.generate import voronoi_cut
from gis.io import Boundary, read_boundaries

HUNNAN = Path(__file__).parent / "data" / "hunnan-210112-gcj02.geojson"
FILE_NAMES = ["grids.geojson", "grids.gpkg", "grids.shp", "grids.shp.zip"]
# Far stricter than the check's tolerance: only noding, not the tolerance, can pass it.
EXACT = CheckOptions(noise_width_m=0.001)


@pytest.fixture(scope="module")
def demo():
    return build_demo_zone()


@pytest.fixture(scope="module")
def hunnan() -> tuple[list[Boundary], list[Boundary]]:
    """Hunnan (808 km²) cut into 4 generated streets of 30 grids each: (streets, grids)."""
    with open(HUNNAN, encoding="utf-8") as source:
        outline_gcj02 = shape(json.load(source)["features"][0]["geometry"])
    outline = transform_geometry(outline_gcj02, gcj02_to_wgs84)
    streets, grids = [], []
    for number, area in enumerate(voronoi_cut(outline, 4, seed=1), start=1):
        code = f"210112{number:03d}"
        streets.append(Boundary(code, f"街道{number}", MultiPolygon([area]), {}, number - 1))
        for seq, cell in enumerate(voronoi_cut(area, 30, seed=number), start=1):
            grid_code = make_grid_code(code, 1, seq)
            grids.append(Boundary(grid_code, "", MultiPolygon([cell]), {}, len(grids)))
    return streets, grids


def round_trip(grids: list[Boundary], path: Path, crs: str | None = None) -> list[Boundary]:
    write_boundaries(grids, path, **({"crs": crs} if crs else {}))
    loaded = read_boundaries(path, level="grid")
    assert loaded.ok and len(loaded.boundaries) == len(grids)
    return loaded.boundaries


@pytest.mark.parametrize("name", FILE_NAMES)
def test_demo_grids_read_back_clean_from_every_format_we_write(demo, tmp_path, name):
    grids = round_trip(demo.grids, tmp_path / name)

    assert check_boundaries(grids, demo.streets).summary().endswith("0 errors, 0 warnings (none)")
    assert check_boundaries(grids, options=EXACT).ok


@pytest.mark.parametrize("name", FILE_NAMES)
def test_generated_hunnan_grids_read_back_clean_from_every_format_we_write(hunnan, tmp_path, name):
    streets, grids = hunnan

    read_back = round_trip(grids, tmp_path / name)

    assert check_boundaries(read_back, streets).ok
    assert check_boundaries(read_back, options=EXACT).ok


def test_geojson_neighbours_share_the_rounded_vertex_of_a_t_junction(tmp_path):
    # The south grid's slanted north edge runs under both north grids, whose shared corner lies
    # on it at a point 7 decimals cannot hold: it must be rounded in all three grids alike.
    x0, x1, y0, y1 = 123.8, 123.81, 41.8, 41.81
    y_west, y_east = 41.8031234567, 41.8057654321
    x_mid = 123.80512345678
    y_mid = y_west + (y_east - y_west) * (x_mid - x0) / (x1 - x0)
    south = shapely.Polygon([(x0, y0), (x1, y0), (x1, y_east), (x0, y_west)])
    west = shapely.Polygon([(x0, y_west), (x_mid, y_mid), (x_mid, y1), (x0, y1)])
    east = shapely.Polygon([(x_mid, y_mid), (x1, y_east), (x1, y1), (x_mid, y1)])
    grids = [
        Boundary(make_grid_code("210404001", 1, k + 1), "", MultiPolygon([cell]), {}, k)
        for k, cell in enumerate([south, west, east])
    ]

    read_back = round_trip(grids, tmp_path / "grids.geojson")

    assert check_boundaries(read_back, options=CheckOptions(noise_width_m=0.0)).ok
    corner = [round(x_mid, 7), round(y_mid, 7)]
    for grid in read_back:
        assert corner in shapely.get_coordinates(grid.geometry).tolist()


def test_grids_written_in_cgcs2000_gauss_kruger_read_back_clean(hunnan, tmp_path):
    streets, grids = hunnan

    read_back = round_trip(grids, tmp_path / "grids.gpkg", crs="EPSG:4550")

    assert gpd.read_file(tmp_path / "grids.gpkg").crs.to_epsg() == 4550
    assert check_boundaries(read_back, streets).ok
    assert check_boundaries(read_back, options=EXACT).ok


def test_a_tiling_drawn_in_cgcs2000_gauss_kruger_reads_back_without_overlaps_or_gaps(tmp_path):
    # Drawn in EPSG:4550 metres near Shenyang: one 10 km wide grid over two of 5 km, the middle
    # corner on the long edge. Straight in metres, that edge bows 1.7 m in lon/lat.
    x0, y0 = 530_000.0, 4_620_000.0
    cells = {
        make_grid_code("210112001", 1, 1): shapely.box(x0, y0 + 2_000, x0 + 10_000, y0 + 4_000),
        make_grid_code("210112001", 1, 2): shapely.box(x0, y0, x0 + 5_000, y0 + 2_000),
        make_grid_code("210112001", 1, 3): shapely.box(x0 + 5_000, y0, x0 + 10_000, y0 + 2_000),
    }
    street = shapely.box(x0, y0, x0 + 10_000, y0 + 4_000)
    grids_path, streets_path = tmp_path / "grids.gpkg", tmp_path / "streets.gpkg"
    gpd.GeoDataFrame({"code": list(cells)}, geometry=list(cells.values()), crs=4550).to_file(
        grids_path
    )
    gpd.GeoDataFrame({"code": ["210112001"]}, geometry=[street], crs=4550).to_file(streets_path)

    grids = read_boundaries(grids_path, level="grid").boundaries
    streets = read_boundaries(streets_path, level="street").boundaries

    report = check_boundaries(grids, streets, options=EXACT)
    assert report.ok, report.summary()
    # And the middle corner is where the file put it, to the millimetre.
    to_4550 = pyproj.Transformer.from_crs(4326, 4550, always_xy=True)
    lons, lats = shapely.get_coordinates(grids[0].geometry).T
    xs, ys = to_4550.transform(lons, lats)
    assert min(np.hypot(xs - (x0 + 5_000), ys - (y0 + 2_000))) < 0.001


def test_a_shapefile_says_utf8_in_its_cpg_and_keeps_chinese_names(demo, tmp_path):
    read_back = round_trip(demo.grids, tmp_path / "grids.shp")

    assert (tmp_path / "grids.cpg").read_text().strip() == "UTF-8"
    assert [g.name for g in read_back] == [g.name for g in demo.grids]
    assert read_back[0].properties["community"] == demo.grids[0].properties["community"]


def test_streets_and_grids_written_to_two_geojson_files_fit_exactly(demo, tmp_path):
    grids_path, streets_path = tmp_path / "grids.geojson", tmp_path / "streets.geojson"
    write_boundaries(demo.grids, grids_path, neighbours=[s.geometry for s in demo.streets])
    write_boundaries(demo.streets, streets_path, neighbours=[g.geometry for g in demo.grids])

    exact = CheckOptions(noise_width_m=0.0, min_area_m2=0.0)
    report = check_file(grids_path, streets_path=streets_path, options=exact)

    assert report.ok, report.summary()
