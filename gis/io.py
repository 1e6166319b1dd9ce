"""Reading, checking and writing street and grid boundary files (GeoJSON, GeoPackage, Shapefile).

Everything leaves this module in EPSG:4326 lon/lat degrees, each area as a MultiPolygon.
"""

import codecs
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from struct import error as struct_error
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely
from shapely import MultiPolygon
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from gis import coords
from gis.codes import code_problem
from gis.encoding import decode_csv_bytes, detect_shapefile_encoding
from gis.i18n import _
from gis.tolerances import DENSIFY_DEG, DENSIFY_M

# A repair may move at most this share of the area before we refuse to guess what was meant.
MAX_REPAIR_AREA_CHANGE = 0.01

# Map SDK offsets are not pyproj CRSs: these names select a gis.coords conversion instead.
_OFFSET_SYSTEMS: dict[str, Callable] = {
    "gcj02": coords.gcj02_to_wgs84,
    "gcj-02": coords.gcj02_to_wgs84,
    "bd09": coords.bd09_to_wgs84,
    "bd-09": coords.bd09_to_wgs84,
}


class BoundaryFileError(Exception):
    """The file cannot be read at all (missing, not a vector format, unknown layer or CRS)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class Boundary:
    """One street or grid area: EPSG:4326 lon/lat, always a MultiPolygon."""

    code: str
    name: str
    geometry: MultiPolygon
    properties: dict[str, Any]
    # The feature's number as QGIS shows it, for messages: the fid of a GeoPackage (or any
    # format with a fid column), else its position in the file counting from 1.
    feature: int


@dataclass(frozen=True)
class Problem:
    """A defect (or a repair note) about one feature of a boundary file, or the whole file."""

    feature: int | None
    code: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = _("file") if self.feature is None else _("feature {n}").format(n=self.feature)
        if self.code:
            where += _(" (code {code})").format(code=self.code)
        if self.field:
            where += _(", field {field!r}").format(field=self.field)
        return f"{where}: {self.message}"


@dataclass
class BoundaryFile:
    """What read_boundaries found: clean and repaired boundaries, problems and repair notes."""

    path: str
    crs: str  # the source CRS as declared, given or assumed; boundaries are EPSG:4326
    boundaries: list[Boundary]
    problems: list[Problem]
    repairs: list[Problem] = field(default_factory=list)
    # The encoding text was decoded with when it was given or detected (None: the file's own);
    # encoding_reason says why it was detected, None when it was given.
    encoding: str | None = None
    encoding_reason: str | None = None

    @property
    def ok(self) -> bool:
        """True when the file has no problems (repairs are allowed)."""
        return not self.problems

    @property
    def encoding_note(self) -> str | None:
        """One line saying which encoding was guessed for the text, or None if none was."""
        return _encoding_note(self.encoding, self.encoding_reason)


@dataclass
class Points:
    """Household or building points read by read_points (EPSG:4326 lon/lat degrees)."""

    path: str
    lons: np.ndarray
    lats: np.ndarray
    weights: np.ndarray
    without_geometry: int = 0  # features skipped because they have no geometry
    encoding: str | None = None
    encoding_reason: str | None = None

    @property
    def encoding_note(self) -> str | None:
        """One line saying which encoding was guessed for the text, or None if none was."""
        return _encoding_note(self.encoding, self.encoding_reason)


def _encoding_note(encoding: str | None, reason: str | None) -> str | None:
    if encoding is None or reason is None:
        return None
    return _("text read as {encoding} ({reason}); --encoding chooses another").format(
        encoding=encoding, reason=reason
    )


def read_boundaries(
    path: str | Path,
    *,
    level: Literal["street", "grid"],
    code_field: str = "code",
    name_field: str = "name",
    layer: str | int | None = None,
    source_crs: str | None = None,
    encoding: str | None = None,
) -> BoundaryFile:
    """Read street or grid boundaries from a vector file and check them; output is EPSG:4326.

    Text is decoded with `encoding` when given; a Shapefile that names no encoding has it
    detected (`gis.encoding`), and the result says which.
    """
    path = str(path)
    frame, text = _read_frame(path, layer, encoding)
    problem = _unusable_frame_problem(frame, code_field)
    if problem is not None:
        return BoundaryFile(path, _crs_label(frame), [], [problem], **text)
    frame, crs_label, crs_problem = _to_wgs84(frame, path, source_crs)
    if crs_problem is not None:
        return BoundaryFile(path, crs_label, [], [crs_problem], **text)

    result = BoundaryFile(path, crs_label, [], [], **text)
    first_feature_of: dict[str, int] = {}
    for feature, row in zip(frame.index.tolist(), frame.itertuples(index=False), strict=True):
        record = row._asdict()
        code = _code_text(record[code_field])
        message = code_problem(code, level)
        if message is not None:
            result.problems.append(Problem(feature, code, code_field, message))
            continue
        assert code is not None
        if code in first_feature_of:
            message = _("duplicate code, also used by feature {n}").format(n=first_feature_of[code])
            result.problems.append(Problem(feature, code, code_field, message))
            continue
        first_feature_of[code] = feature
        geometry, message, repair = _checked_geometry(record["geometry"])
        if message is not None:
            result.problems.append(Problem(feature, code, "geometry", message))
            continue
        assert geometry is not None
        if repair is not None:
            result.repairs.append(Problem(feature, code, "geometry", repair))
        properties = {
            k: _plain(v) for k, v in record.items() if k not in (code_field, name_field, "geometry")
        }
        name = _plain(record.get(name_field))
        boundary = Boundary(code, "" if name is None else str(name), geometry, properties, feature)
        result.boundaries.append(boundary)
    return result


def read_features(
    path: str | Path,
    *,
    code_field: str = "code",
    name_field: str = "name",
    layer: str | int | None = None,
    source_crs: str | None = None,
    encoding: str | None = None,
) -> BoundaryFile:
    """Read every feature as it is, unchecked: codes as text (or None), geometries in EPSG:4326
    but neither validated nor repaired (possibly None, invalid or not polygonal).

    For `gis.check`, which reports what `read_boundaries` would refuse or repair; only
    file-level problems (missing code field, unusable CRS) are in `problems`. Text encoding as
    in `read_boundaries`.
    """
    path = str(path)
    frame, text = _read_frame(path, layer, encoding)
    problem = _unusable_frame_problem(frame, code_field)
    if problem is not None:
        return BoundaryFile(path, _crs_label(frame), [], [problem], **text)
    frame, crs_label, crs_problem = _to_wgs84(frame, path, source_crs)
    if crs_problem is not None:
        return BoundaryFile(path, crs_label, [], [crs_problem], **text)
    result = BoundaryFile(path, crs_label, [], [], **text)
    for feature, row in zip(frame.index.tolist(), frame.itertuples(index=False), strict=True):
        record = row._asdict()
        geometry = record["geometry"]
        if geometry is not None and not geometry.is_empty:
            geometry = shapely.force_2d(geometry)
        properties = {
            k: _plain(v) for k, v in record.items() if k not in (code_field, name_field, "geometry")
        }
        name = _plain(record.get(name_field))
        code = _code_text(record[code_field])
        boundary = Boundary(
            code,  # type: ignore[arg-type]  # None when missing: gis.check reports it
            "" if name is None else str(name),
            geometry,
            properties,
            feature,
        )
        result.boundaries.append(boundary)
    return result


def _unusable_frame_problem(frame: gpd.GeoDataFrame, code_field: str) -> Problem | None:
    """The file-level problem that stops a read before any feature: no features, no code field."""
    if frame.empty:
        return Problem(None, None, None, _("the file has no features"))
    if code_field not in frame.columns:
        fields = ", ".join(str(c) for c in frame.columns if c != "geometry") or "none"
        message = _("no such field in the file (fields: {fields})").format(fields=fields)
        return Problem(None, None, code_field, message)
    return None


def _read_frame(
    path: str, layer: str | int | None, encoding: str | None
) -> tuple[gpd.GeoDataFrame, dict[str, str | None]]:
    """The file as a frame, and the `encoding`/`encoding_reason` its text was decoded with."""
    if not Path(path).exists() and not path.startswith("/vsi"):
        raise BoundaryFileError(path, _("no such file"))
    if Path(path).is_file() and Path(path).stat().st_size == 0:
        raise BoundaryFileError(path, _("the file is empty"))
    reason = None
    if encoding is not None:
        try:
            # GDAL knows Python's canonical names ("iso8859-1") but not every alias ("latin-1").
            encoding = codecs.lookup(encoding).name
        except LookupError as exc:
            message = _("unknown encoding '{encoding}'").format(encoding=encoding)
            raise BoundaryFileError(path, message) from exc
    else:
        try:
            detected = detect_shapefile_encoding(path, layer)
        except (OSError, ValueError, struct_error) as exc:
            message = _("cannot read the DBF file: {error}").format(error=exc)
            raise BoundaryFileError(path, message) from exc
        if detected is not None:
            encoding, reason = detected.name, detected.reason
    try:
        # pyogrio opens "x.zip" (a zipped shapefile) through GDAL's /vsizip/ by itself.
        frame = gpd.read_file(
            path, layer=layer, engine="pyogrio", encoding=encoding, fid_as_index=True
        )
    except UnicodeDecodeError as exc:
        message = _("the text is not {encoding} ({reason}); give the right --encoding").format(
            encoding=encoding, reason=exc.reason
        )
        raise BoundaryFileError(path, message) from exc
    except (RuntimeError, OSError, ValueError) as exc:  # pyogrio errors are RuntimeErrors
        message = str(exc)
        if "not recognized as being in a supported file format" in message:
            # GDAL's own words repeat the path and suggest a driver prefix nobody should type.
            message = _(
                "not a GeoJSON, GeoPackage, Shapefile or CSV that can be read: "
                "damaged, or another kind of file"
            )
        raise BoundaryFileError(path, message) from exc
    if not isinstance(frame, gpd.GeoDataFrame):
        # A table without geometry (a CSV of codes and names) comes back as a plain DataFrame.
        fields = ", ".join(str(c) for c in frame.columns) or "-"
        message = _(
            "has no geometry, only the fields {fields}: give a GeoJSON, GeoPackage or "
            "Shapefile, or a CSV with a WKT column"
        ).format(fields=fields)
        raise BoundaryFileError(path, message)
    if not _has_fid_column(path, layer):
        # Shapefile and GeoJSON fids count from 0 in GDAL; people count rows from 1.
        frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame, {"encoding": encoding, "encoding_reason": reason}


def _has_fid_column(path: str, layer: str | int | None) -> bool:
    try:
        return bool(pyogrio.read_info(path, layer=layer).get("fid_column"))
    except (RuntimeError, OSError, ValueError):
        return False


def _crs_label(frame: gpd.GeoDataFrame) -> str:
    return frame.crs.to_string() if frame.crs is not None else "EPSG:4326"


def _fits_lon_lat(frame: gpd.GeoDataFrame) -> bool:
    present = frame.geometry[~(frame.geometry.isna() | frame.geometry.is_empty)]
    if present.empty:
        return True
    min_x, min_y, max_x, max_y = present.total_bounds
    return -180.0 <= min_x <= max_x <= 180.0 and -90.0 <= min_y <= max_y <= 90.0


def _degrees_in_metres(frame: gpd.GeoDataFrame) -> bool:
    present = frame.geometry[~(frame.geometry.isna() | frame.geometry.is_empty)]
    return not present.empty and _fits_lon_lat(frame)


def _projected_crs_hint(min_x: float, max_x: float) -> str:
    """Which CRS metres with these eastings are likely in, as a --source-crs suggestion."""
    if 2.5e7 <= min_x <= max_x < 4.6e7:
        # CGCS2000 3° Gauss-Krüger with the zone number before the easting: zone 25-45 are
        # EPSG:4513-4533 (zone 41, around 123° E, is EPSG:4529).
        zone = int(min_x // 1_000_000)
        hint = _("it looks like CGCS2000 3° Gauss-Krüger zone {zone}: try --source-crs {crs}")
        return hint.format(zone=zone, crs=f"EPSG:{4488 + zone}")
    return _(
        "give its CRS with --source-crs, e.g. EPSG:4549 or EPSG:4550 (CGCS2000 3° "
        "Gauss-Krüger, central meridian 120° E or 123° E)"
    )


def _not_lon_lat_problem(frame: gpd.GeoDataFrame) -> Problem:
    """The file claims (or, as GeoJSON without `crs`, is assumed to be) lon/lat but is not."""
    min_x, _min_y, max_x, _max_y = frame.geometry[~frame.geometry.is_empty].total_bounds
    message = _(
        "coordinates are not longitude/latitude (x from {min_x:,.0f} to {max_x:,.0f}), so "
        "the file's CRS is missing or wrong; {hint}"
    ).format(min_x=min_x, max_x=max_x, hint=_projected_crs_hint(min_x, max_x))
    return Problem(None, None, "geometry", message)


def _outside_projection_problem(frame: gpd.GeoDataFrame) -> Problem:
    """The file's metres lie where its projected CRS reaches no place on Earth."""
    min_x, _min_y, max_x, _max_y = frame.geometry[~frame.geometry.is_empty].total_bounds
    message = _(
        "coordinates lie outside what {crs} can place (x from {min_x:,.0f} to {max_x:,.0f}), "
        "so the file's CRS is wrong; {hint}"
    ).format(
        crs=frame.crs.to_string(), min_x=min_x, max_x=max_x, hint=_projected_crs_hint(min_x, max_x)
    )
    return Problem(None, None, "geometry", message)


def _to_wgs84(
    frame: gpd.GeoDataFrame, path: str, source_crs: str | None
) -> tuple[gpd.GeoDataFrame, str, Problem | None]:
    if source_crs is not None and source_crs.lower() in _OFFSET_SYSTEMS:
        if not _fits_lon_lat(frame):
            message = _("source CRS {crs} needs lon/lat coordinates, the file has others")
            message = message.format(crs=source_crs)
            return frame, source_crs, Problem(None, None, None, message)
        convert = _OFFSET_SYSTEMS[source_crs.lower()]
        # The offsets bend straight edges too (by ~6 cm over 800 m): densified first, an edge
        # keeps the line it was drawn along, and a neighbour's vertex on it stays there.
        densified = shapely.segmentize(frame.geometry.to_numpy(), DENSIFY_DEG)
        geometries = coords.transform_geometry(densified, convert)
        frame = frame.set_geometry(gpd.GeoSeries(geometries, crs="EPSG:4326", index=frame.index))
        return frame, source_crs.lower().replace("-", ""), None
    if source_crs is not None:
        try:
            frame = frame.set_crs(source_crs, allow_override=True)
        except (pyproj.exceptions.CRSError, ValueError) as exc:
            message = _("unknown source CRS {crs!r}: {error}").format(crs=source_crs, error=exc)
            raise BoundaryFileError(path, message) from exc
    if (frame.crs is None or frame.crs.is_geographic) and not _fits_lon_lat(frame):
        # GDAL reports EPSG:4326 for every GeoJSON without a crs member, so "geographic" here
        # is often an assumption, and metres read as degrees would only fail much later.
        return frame, "unknown", _not_lon_lat_problem(frame)
    if frame.crs is not None and frame.crs.is_projected and _degrees_in_metres(frame):
        # Within 180 m of a projection's false origin nobody draws a street; lon/lat given a
        # projected CRS by mistake would land there, in the ocean, and import "fine".
        min_x, _min_y, max_x, _max_y = frame.total_bounds
        message = _(
            "coordinates look like longitude/latitude (x from {min_x:.4f} to {max_x:.4f}), not "
            "the metres of {crs}: leave out --source-crs, or give a geographic CRS (EPSG:4490)"
        ).format(min_x=min_x, max_x=max_x, crs=frame.crs.to_string())
        return frame, frame.crs.to_string(), Problem(None, None, "geometry", message)
    if frame.crs is None:
        # GeoJSON without "crs" is lon/lat by RFC 7946; the range check guards other formats.
        return frame.set_crs("EPSG:4326"), "EPSG:4326", None
    label = frame.crs.to_string()
    if not frame.crs.equals(pyproj.CRS.from_epsg(4326)):
        try:
            reprojected = _densified_in_its_crs(frame).to_crs("EPSG:4326")
        except (pyproj.exceptions.ProjError, pyproj.exceptions.CRSError, ValueError) as exc:
            message = _("cannot reproject from {crs}: {error}").format(crs=label, error=exc)
            raise BoundaryFileError(path, message) from exc
        if not _fits_lon_lat(reprojected):
            # pyproj answers inf for eastings its projection cannot reach (EPSG:4529's zone
            # number in front, read as EPSG:4550): one line on the file, not one per feature.
            return frame, label, _outside_projection_problem(frame)
        frame = reprojected
    return frame, label, None


def _densified_in_its_crs(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame with edges cut to DENSIFY_M, in its projected CRS's own units.

    An edge is straight in the CRS it was drawn in; reprojected point by point it becomes a
    chord of the curve it stands for, and a neighbour's vertex on that edge (a T-junction) ends
    up beside it: a 5 km edge in a CGCS2000 Gauss-Krüger zone bows 0.4 m. Geographic CRSs
    (EPSG:4490) differ from EPSG:4326 by a shift at most, which keeps edges straight.
    """
    if not frame.crs.is_projected:
        return frame
    metres_per_unit = frame.crs.axis_info[0].unit_conversion_factor or 1.0
    densified = shapely.segmentize(frame.geometry.to_numpy(), DENSIFY_M / metres_per_unit)
    return frame.set_geometry(gpd.GeoSeries(densified, crs=frame.crs, index=frame.index))


def _code_text(raw: Any) -> str | None:
    if raw is None or (np.isscalar(raw) and pd.isna(raw)):
        return None
    # Numeric columns come back as int or float; a leading zero lost there cannot be restored,
    # so the digits are kept and code_problem judges their length.
    if isinstance(raw, bool | np.bool_):
        return str(raw)
    if isinstance(raw, int | np.integer):
        return str(int(raw))
    if isinstance(raw, float | np.floating) and float(raw).is_integer():
        return str(int(raw))
    return str(raw).strip()


def _plain(value: Any) -> Any:
    if value is None or (np.isscalar(value) and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def _as_multipolygon(geometry: BaseGeometry) -> MultiPolygon:
    if geometry.geom_type == "MultiPolygon":
        return geometry
    return MultiPolygon([geometry])


def _polygonal_parts(geometry: BaseGeometry) -> MultiPolygon:
    # make_valid may return a GeometryCollection holding polygons beside collapsed lines/points.
    parts = shapely.get_parts(shapely.get_parts(geometry))
    return MultiPolygon([p for p in parts if p.geom_type == "Polygon" and not p.is_empty])


def _invalid_reason(geometry: BaseGeometry) -> str:
    reason = shapely.is_valid_reason(geometry)
    match = re.fullmatch(r"(.*?)\[(.*)\]", reason)
    return f"{match[1]} at ({match[2]})" if match else reason


def _checked_geometry(
    geometry: BaseGeometry | None,
) -> tuple[MultiPolygon | None, str | None, str | None]:
    """(geometry, problem, repair note) for one feature; exactly one of the first two is None."""
    if geometry is None or geometry.is_empty:
        return None, _("missing geometry"), None
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        return None, _("non-polygon geometry: {kind}").format(kind=geometry.geom_type), None
    geometry = shapely.force_2d(geometry)
    if geometry.is_valid:
        return _as_multipolygon(geometry), None, None
    reason = _invalid_reason(geometry)
    repaired = _polygonal_parts(shapely.make_valid(geometry))
    # The shoelace area of an invalid ring still says what the drawer meant, e.g. a bow-tie
    # nets to zero, so a repair that changes it much is a guess we must not make silently.
    original_area = geometry.area
    change = abs(repaired.area - original_area) / original_area if original_area > 0 else math.inf
    if repaired.is_empty or change > MAX_REPAIR_AREA_CHANGE:
        return (
            None,
            _("invalid geometry: {reason} cannot be repaired safely").format(reason=reason),
            None,
        )
    note = _("invalid geometry repaired: {reason}, area changed {change:.3%}")
    return repaired, None, note.format(reason=reason, change=change)


def write_geojson(boundaries: Sequence[Boundary], path: str | Path) -> None:
    """Write boundaries as an RFC 7946 GeoJSON FeatureCollection (EPSG:4326 lon/lat)."""
    features = [
        {
            "type": "Feature",
            "properties": {"code": b.code, "name": b.name, **b.properties},
            "geometry": mapping(b.geometry),
        }
        for b in boundaries
    ]
    collection = {"type": "FeatureCollection", "features": features}
    with open(path, "w", encoding="utf-8") as out:
        json.dump(collection, out, ensure_ascii=False)


def read_points(
    path: str | Path,
    *,
    weight_field: str | None = "households",
    weight_field_required: bool = False,
    source_crs: str | None = None,
    encoding: str | None = None,
) -> Points:
    """The points of a vector file or of a CSV with lon/lat columns, as `Points`.

    For household or building points: each point weighs its `weight_field` value (e.g. the
    households of a building), or 1 when the field is empty, or absent and not
    `weight_field_required` (a field someone named and mistyped is refused). Output is EPSG:4326.
    A CSV is read as UTF-8, else GBK, else GB18030 (Excel's Chinese CSV is GBK) unless
    `encoding` is given; a Shapefile's encoding as in `read_boundaries`.
    """
    path = str(path)
    if path.lower().endswith(".csv"):
        table, text = _read_csv(path, encoding)
        missing = {"lon", "lat"} - set(table.columns)
        if missing:
            message = _("a CSV of points needs lon and lat columns; missing: {columns}")
            raise BoundaryFileError(path, message.format(columns=", ".join(sorted(missing))))
        for column in ("lon", "lat"):
            numbers = pd.to_numeric(table[column], errors="coerce")
            bad = table[column][numbers.isna() & table[column].notna()]
            if len(bad):
                # Rows counted as a spreadsheet shows them: the header is row 1.
                message = _("row {row}, column {column}: {value!r} is not a number")
                row = int(bad.index[0]) + 2
                raise BoundaryFileError(
                    path, message.format(row=row, column=column, value=bad.iloc[0])
                )
            table[column] = numbers
        frame = gpd.GeoDataFrame(
            table, geometry=gpd.points_from_xy(table["lon"], table["lat"]), crs=None
        )
    else:
        frame, text = _read_frame(path, None, encoding)
    if weight_field_required and weight_field not in frame.columns:
        fields = ", ".join(str(c) for c in frame.columns if c != frame.geometry.name) or "-"
        message = _("no field {field!r} in the file (fields: {fields})")
        raise BoundaryFileError(path, message.format(field=weight_field, fields=fields))
    frame, _label, problem = _to_wgs84(frame, path, source_crs)
    if problem is not None:
        raise BoundaryFileError(path, problem.message)
    present = ~(frame.geometry.isna() | frame.geometry.is_empty)
    without_geometry = int((~present).sum())
    frame = frame[present]
    if not (frame.geometry.geom_type == "Point").all():
        # A building outline stands for its households at its centre.
        frame = frame.set_geometry(frame.geometry.representative_point())
    weights = np.ones(len(frame))
    if weight_field and weight_field in frame.columns:
        values = pd.to_numeric(frame[weight_field], errors="coerce").fillna(1.0)
        weights = np.clip(values.to_numpy(dtype=float), 0.0, None)
    return Points(
        path,
        frame.geometry.x.to_numpy(),
        frame.geometry.y.to_numpy(),
        weights,
        without_geometry,
        **text,
    )


def _read_csv(path: str, encoding: str | None) -> tuple[pd.DataFrame, dict[str, str | None]]:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BoundaryFileError(path, str(exc)) from exc
    if encoding is not None:
        try:
            text, reason = data.decode(encoding), None
        except (LookupError, UnicodeDecodeError) as exc:
            message = _("the text is not {encoding} ({reason}); give the right --encoding").format(
                encoding=encoding, reason=getattr(exc, "reason", exc)
            )
            raise BoundaryFileError(path, message) from exc
    else:
        text, encoding = decode_csv_bytes(data)
        reason = None if encoding == "UTF-8" else _("the CSV is not UTF-8")
    try:
        table = pd.read_csv(StringIO(text))
    except (ValueError, pd.errors.ParserError) as exc:
        raise BoundaryFileError(path, _("not a readable CSV: {error}").format(error=exc)) from exc
    return table, {"encoding": encoding, "encoding_reason": reason}


def read_lines(
    path: str | Path, *, source_crs: str | None = None, encoding: str | None = None
) -> BaseGeometry:
    """All lines of a vector file (roads, rivers; polygon outlines) as one EPSG:4326 geometry.

    `encoding` only matters for reading the file at all: no text of it is kept.
    """
    path = str(path)
    frame, _text = _read_frame(path, None, encoding)
    frame, _label, problem = _to_wgs84(frame, path, source_crs)
    if problem is not None:
        raise BoundaryFileError(path, problem.message)
    geometries = frame.geometry[~(frame.geometry.isna() | frame.geometry.is_empty)].to_numpy()
    polygonal = np.isin(shapely.get_type_id(geometries), (3, 6))  # (Multi)Polygon: its outline
    geometries = np.where(polygonal, shapely.boundary(geometries), geometries)
    return shapely.union_all(shapely.force_2d(geometries))
