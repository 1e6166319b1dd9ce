"""Writing boundaries and per-grid tables for QGIS and spreadsheets: GeoJSON, GeoPackage,
Shapefile, CSV, XLSX.

All but XLSX are EPSG:4326 lon/lat, or the `crs` given (GeoPackage, Shapefile). GeoJSON follows
RFC 7946 (no crs member, 7 decimals, about a centimetre); the GeoPackage layer and the
Shapefile's .prj declare their CRS; the Shapefile (`.shp`, or zipped `.shp.zip`) has a .cpg
saying UTF-8; the CSV has the geometry as WKT in its first column (QGIS "Add Delimited Text
Layer" finds it), a UTF-8 BOM so Excel reads Chinese names, text in quotes and a .csvt sidecar
giving the column types (QGIS reads it). Excel ignores both quotes and .csvt and shows a 14-digit
code as 2.10404E+13, so for Excel there is XLSX: the same table without the geometry, codes and
names as text cells, counts as numbers.

Polygons that tile are written so that they still tile when read back: neighbours share every
vertex of their common edges (`gis.coverage`), rounded alike, densified before reprojecting.
"""

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from gis.coverage import coverage_noded, coverage_rounded
from gis.i18n import _
from gis.io import Boundary
from gis.problems import PROBLEM_FIELDS, CheckReport
from gis.tolerances import DENSIFY_DEG, GEOJSON_DECIMALS

Format = Literal["geojson", "gpkg", "shp", "csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("geojson", "gpkg", "shp", "csv", "xlsx")
_SUFFIXES: dict[str, Format] = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".shp": "shp",
    ".shp.zip": "shp",  # GDAL writes and reads a zipped Shapefile by that name
    ".csv": "csv",
    ".xlsx": "xlsx",
}
_SHAPEFILE_SIDECARS = (".shx", ".dbf", ".prj", ".cpg")


def format_for(path: str | Path, fmt: str | None = None) -> Format:
    """The export format named, or the one the file name's suffix implies; a name whose suffix
    says another format is refused (a GeoPackage called .geojson fools every program)."""
    name = Path(path).name.lower()
    suffix = ".shp.zip" if name.endswith(".shp.zip") else Path(name).suffix
    if fmt is not None:
        if fmt not in FORMATS:
            message = _("unknown format {fmt!r}; one of {formats}")
            raise ValueError(message.format(fmt=fmt, formats=", ".join(FORMATS)))
        if _SUFFIXES.get(suffix, fmt) != fmt:
            message = _(
                "{path} is named for {named}, not {fmt}: name it {fixed} or leave out --format"
            )
            fixed = Path(path).with_suffix(f".{fmt}")
            raise ValueError(
                message.format(path=path, named=_SUFFIXES[suffix], fmt=fmt, fixed=fixed)
            )
        return fmt  # type: ignore[return-value]
    if suffix not in _SUFFIXES:
        message = _(
            "cannot tell the format of {path} from its name; give --format, one of {formats}"
        )
        raise ValueError(message.format(path=path, formats=", ".join(FORMATS)))
    return _SUFFIXES[suffix]


def boundaries_frame(boundaries: Sequence[Boundary]) -> gpd.GeoDataFrame:
    """Boundaries as a GeoDataFrame: code, name, their properties, geometry (EPSG:4326)."""
    rows = [{"code": b.code, "name": b.name, **_flat(b.properties)} for b in boundaries]
    return _frame(rows, [b.geometry for b in boundaries])


def features_frame(features: Iterable[Mapping[str, Any]]) -> gpd.GeoDataFrame:
    """GeoJSON-like feature dicts (EPSG:4326) as a GeoDataFrame; nested properties flattened
    (`by_category: {safety: 2}` becomes a column `safety`)."""
    rows, geometries = [], []
    for feature in features:
        rows.append(_flat(feature.get("properties") or {}))
        geometry = feature.get("geometry")
        geometries.append(None if geometry is None else shape(geometry))
    return _frame(rows, geometries)


def write_frame(
    frame: gpd.GeoDataFrame,
    path: str | Path,
    fmt: str | None = None,
    *,
    layer: str = "grids",
    crs: str | None = None,
    neighbours: Sequence[BaseGeometry] = (),
) -> Path:
    """Write an EPSG:4326 frame as GeoJSON, GeoPackage (layer `layer`), Shapefile, CSV or XLSX
    (sheet `layer`, no geometry), in `crs` (GeoPackage, Shapefile; default and always else
    EPSG:4326); returns the path. The vertices of `neighbours` (EPSG:4326, e.g. the grids of
    streets being written) that lie on the frame's edges are written there too, so the two
    files fit exactly."""
    path = Path(path)
    fmt = format_for(path, fmt)
    write_frame_crs_check(fmt, crs)
    frame = frame.to_crs("EPSG:4326") if frame.crs is not None else frame.set_crs("EPSG:4326")
    frame = _tiled_for_writing(frame, fmt, crs, neighbours)
    # A stale file would otherwise gain a second layer (GPKG) or refuse to be replaced.
    path.unlink(missing_ok=True)
    if fmt == "geojson":
        options = {"RFC7946": "YES", "COORDINATE_PRECISION": GEOJSON_DECIMALS}
        frame.to_file(path, driver="GeoJSON", engine="pyogrio", layer_options=options)
    elif fmt == "gpkg":
        frame.to_file(path, driver="GPKG", engine="pyogrio", layer=layer)
    elif fmt == "shp":
        if path.suffix.lower() == ".shp":
            for sidecar in _SHAPEFILE_SIDECARS:
                path.with_suffix(sidecar).unlink(missing_ok=True)
        frame = frame.rename(columns=_shapefile_field_names(frame))
        # The .cpg says UTF-8, so QGIS and ArcGIS read Chinese names without guessing.
        frame.to_file(
            path, driver="ESRI Shapefile", engine="pyogrio", layer_options={"ENCODING": "UTF-8"}
        )
    elif fmt == "xlsx":
        # GDAL writes text columns as shared strings, which Excel shows as they are.
        table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        pyogrio.write_dataframe(table, path, driver="XLSX", layer=layer)
    else:
        path.with_suffix(".csvt").unlink(missing_ok=True)
        options = {
            "GEOMETRY": "AS_WKT",
            "WRITE_BOM": "YES",
            "CREATE_CSVT": "YES",
            # Spreadsheets that honour quotes (LibreOffice "quoted field as text") keep codes.
            "STRING_QUOTING": "ALWAYS",
        }
        frame.to_file(path, driver="CSV", engine="pyogrio", layer_options=options)
    return path


def write_boundaries(
    boundaries: Sequence[Boundary],
    path: str | Path,
    fmt: str | None = None,
    *,
    layer: str = "grids",
    crs: str | None = None,
    neighbours: Sequence[BaseGeometry] = (),
) -> Path:
    """Write EPSG:4326 boundaries in any export format (by `fmt` or the file suffix), in `crs`,
    noded with `neighbours` as `write_frame` says."""
    frame = boundaries_frame(boundaries)
    return write_frame(frame, path, fmt, layer=layer, crs=crs, neighbours=neighbours)


def write_frame_crs_check(fmt: Format, crs: str | None) -> None:
    """ValueError unless `fmt` can be written in `crs` (GeoPackage and Shapefile in any CRS
    pyproj knows, the others in EPSG:4326 only)."""
    if crs is not None and not _is_wgs84(crs) and fmt not in ("gpkg", "shp"):
        message = _("{fmt} is written in EPSG:4326 only, not {crs}; write gpkg or shp")
        raise ValueError(message.format(fmt=fmt, crs=crs))


def _tiled_for_writing(
    frame: gpd.GeoDataFrame, fmt: Format, crs: str | None, neighbours: Sequence[BaseGeometry]
) -> gpd.GeoDataFrame:
    """The frame as it will be written: noded (with `neighbours` too), then rounded (GeoJSON) or
    densified and reprojected (another CRS), so polygons that tile in EPSG:4326 tile in the file
    too."""
    count = len(frame)
    geometries = np.concatenate(
        [frame.geometry.to_numpy(), np.asarray(list(neighbours), dtype=object)]
    )
    if fmt == "geojson":
        geometries = coverage_rounded(geometries, GEOJSON_DECIMALS)[:count]
    elif fmt != "xlsx":
        geometries = coverage_noded(geometries)[:count]
    else:
        geometries = geometries[:count]
    frame = frame.set_geometry(gpd.GeoSeries(geometries, crs="EPSG:4326", index=frame.index))
    if crs is None or _is_wgs84(crs):
        return frame
    # An edge is straight in EPSG:4326; projected point by point it would become a chord that
    # leaves the neighbours' vertices on it behind. Densified first, it keeps its line.
    densified = shapely.segmentize(frame.geometry.to_numpy(), DENSIFY_DEG)
    frame = frame.set_geometry(gpd.GeoSeries(densified, crs="EPSG:4326", index=frame.index))
    return frame.to_crs(crs)


def _is_wgs84(crs: str) -> bool:
    try:
        return pyproj.CRS.from_user_input(crs).equals(pyproj.CRS.from_epsg(4326))
    except pyproj.exceptions.CRSError as error:
        raise ValueError(_("unknown CRS {crs!r}: {error}").format(crs=crs, error=error)) from error


# The layers of a problems GeoPackage: QGIS opens a file with one geometry type per layer as is,
# but splits a mixed one (points and polygons) into layers of its own making.
PROBLEM_LAYERS = {"problem_areas": "MultiPolygon", "problem_spots": "Point"}


def problems_path(path: str | Path) -> Path:
    """The path a problems GeoPackage goes to; ValueError unless it ends in .gpkg."""
    path = Path(path)
    if path.suffix.lower() != ".gpkg":
        raise ValueError(
            _("{path}: problems are written as a GeoPackage of two layers; name it .gpkg").format(
                path=path
            )
        )
    return path


def write_problems(report: CheckReport, path: str | Path) -> Path:
    """Write a check report as a GeoPackage (EPSG:4326) of two layers: `problem_areas`
    (MultiPolygons, the problems that have an area) and `problem_spots` (a Point for every
    problem, null where it has no place)."""
    path = problems_path(path)
    collections = {
        "problem_areas": report.areas_to_geojson(),
        "problem_spots": report.to_geojson(),
    }
    path.unlink(missing_ok=True)
    for layer, geometry_type in PROBLEM_LAYERS.items():
        features = collections[layer]["features"]
        table = pd.DataFrame(
            [f["properties"] for f in features], columns=list(PROBLEM_FIELDS)
        ).astype({"area_m2": float, "lon": float, "lat": float})
        geometries = [None if f["geometry"] is None else shape(f["geometry"]) for f in features]
        frame = gpd.GeoDataFrame(
            table, geometry=gpd.GeoSeries(geometries, crs="EPSG:4326").values, crs="EPSG:4326"
        )
        # Declared, not guessed: an empty layer would otherwise have no geometry type.
        frame.to_file(
            path, driver="GPKG", engine="pyogrio", layer=layer, geometry_type=geometry_type
        )
    return path


# A DBF field name holds at most 10 bytes.
_DBF_NAME_BYTES = 10


def _shapefile_field_names(frame: gpd.GeoDataFrame) -> dict[str, str]:
    """Columns whose names a DBF cannot hold, renamed as GDAL would (cut to 10 bytes, `_1`,
    `_2` … where two cuts meet), so that GDAL and geopandas have nothing to warn about: a
    warning per write is two lines on the console for a rule docs/gis.md states once."""
    taken = {str(c) for c in frame.columns if len(str(c).encode()) <= _DBF_NAME_BYTES}
    renames: dict[str, str] = {}
    for column in frame.columns:
        name = str(column)
        if column == frame.geometry.name or len(name.encode()) <= _DBF_NAME_BYTES:
            continue
        short = _cut_to_bytes(name, _DBF_NAME_BYTES)
        number = 1
        while short in taken:
            tail = f"_{number}"
            short = _cut_to_bytes(name, _DBF_NAME_BYTES - len(tail)) + tail
            number += 1
        taken.add(short)
        renames[column] = short
    return renames


def _cut_to_bytes(text: str, size: int) -> str:
    return text.encode()[:size].decode(errors="ignore")


def _flat(properties: Mapping[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in properties.items():
        if isinstance(value, Mapping):
            flat.update({str(k): v for k, v in value.items()})
        elif isinstance(value, list | tuple):
            flat[key] = ",".join(str(v) for v in value)
        else:
            flat[key] = value
    return flat


def _frame(rows: list[dict[str, Any]], geometries: list) -> gpd.GeoDataFrame:
    table = pd.DataFrame(rows) if rows else pd.DataFrame({"code": [], "name": []})
    geometry = gpd.GeoSeries(
        [shapely.force_2d(g) if g is not None else None for g in geometries], crs="EPSG:4326"
    )
    return gpd.GeoDataFrame(table, geometry=geometry.values, crs="EPSG:4326")
