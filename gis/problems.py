"""What `gis.check` reports: problem kinds and severities, thresholds, the report and its JSON
and GeoJSON forms (EPSG:4326)."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from gis.i18n import _
from gis.tolerances import FIT_TOLERANCE_M, NOISE_AREA_M2

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"


@dataclass(frozen=True)
class CheckOptions:
    """Thresholds of `check_boundaries`; lengths in metres, areas in m²."""

    # Overlaps, gaps and outside parts smaller than this, or on average thinner than
    # noise_width_m (2 × area / perimeter), are rounding noise, not drawing errors; the import
    # refuses what is left (gis.tolerances says why these values).
    min_area_m2: float = NOISE_AREA_M2
    noise_width_m: float = FIT_TOLERANCE_M
    sliver_width_m: float = 5.0
    # Polsby-Popper 4πA/P²: 1 for a disc, 0.785 for a square, about 0.03 for a 1:100 strip.
    sliver_compactness: float = 0.05
    households_low: int = 100
    households_high: int = 1000
    households_field: str = "households"


@dataclass(frozen=True)
class BoundaryProblem:
    """One defect: kind, severity, who, how big (m²), where (lon/lat) and its EPSG:4326 shape."""

    kind: str
    severity: Severity
    message: str
    codes: tuple[str, ...] = ()
    features: tuple[int, ...] = ()
    area_m2: float | None = None
    lon: float | None = None
    lat: float | None = None
    geometry: BaseGeometry | None = None

    def __str__(self) -> str:
        who = (
            ", ".join(self.codes)
            or ", ".join(_("feature {n}").format(n=f) for f in self.features)
            or _("file")
        )
        text = f"{self.severity:<7} {self.kind:<17} {who}: {self.message}"
        if self.area_m2 is not None:
            text += f" [{self.area_m2:,.2f} m²]"
        if self.lon is not None and self.lat is not None:
            text += f" at ({self.lon:.6f}, {self.lat:.6f})"
        return text

    def as_dict(self) -> dict[str, Any]:
        """The problem as JSON-ready values, without the geometry."""
        return {
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            "codes": list(self.codes),
            "features": list(self.features),
            "area_m2": None if self.area_m2 is None else round(self.area_m2, 3),
            "lon": self.lon,
            "lat": self.lat,
        }


@dataclass
class CheckReport:
    """What `check_boundaries` found, errors before warnings."""

    problems: list[BoundaryProblem]
    grid_count: int
    street_count: int
    crs: str = "EPSG:4326"
    metric_crs: str = ""
    options: CheckOptions = field(default_factory=CheckOptions)
    notes: list[str] = field(default_factory=list)  # how the files were read, e.g. encoding

    @property
    def errors(self) -> list[BoundaryProblem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[BoundaryProblem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        """True when there are no errors (warnings allowed)."""
        return not self.errors

    def counts(self) -> dict[str, int]:
        """Number of problems per kind."""
        return dict(sorted(Counter(p.kind for p in self.problems).items()))

    def summary(self) -> str:
        """One line of totals."""
        kinds = ", ".join(f"{kind} {n}" for kind, n in self.counts().items()) or _("none")
        return _(
            "{grids} grids, {streets} streets: {errors} errors, {warnings} warnings ({kinds})"
        ).format(
            grids=self.grid_count,
            streets=self.street_count,
            errors=len(self.errors),
            warnings=len(self.warnings),
            kinds=kinds,
        )

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON-ready dict."""
        return {
            "grids": self.grid_count,
            "streets": self.street_count,
            "crs": self.crs,
            "metric_crs": self.metric_crs,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "counts": self.counts(),
            "notes": self.notes,
            "problems": [p.as_dict() for p in self.problems],
        }

    def to_geojson(self) -> dict[str, Any]:
        """The problem spots, RFC 7946 (EPSG:4326): every problem, as a Point where it has a
        place (null geometry where it has none), so the file is one layer in QGIS."""
        features = []
        for problem in self.problems:
            point = None
            if problem.lon is not None and problem.lat is not None:
                point = mapping(shapely.Point(problem.lon, problem.lat))
            features.append(_feature(problem, point))
        return {"type": "FeatureCollection", "features": features}

    def areas_to_geojson(self) -> dict[str, Any]:
        """The problem areas, RFC 7946 (EPSG:4326): each problem that has an area (an overlap,
        a gap piece, a part outside the street, a whole grid) as a MultiPolygon."""
        features = [
            _feature(problem, mapping(_as_multipolygon(problem.geometry)))
            for problem in self.problems
            if is_polygonal(problem.geometry)
        ]
        return {"type": "FeatureCollection", "features": features}


# A problem's attributes in a layer: lists joined by commas, as QGIS shows text fields.
PROBLEM_FIELDS = ("kind", "severity", "message", "codes", "features", "area_m2", "lon", "lat")


def _feature(problem: BoundaryProblem, geometry: dict[str, Any] | None) -> dict[str, Any]:
    properties = {
        **problem.as_dict(),
        "codes": ",".join(problem.codes),
        "features": ",".join(str(f) for f in problem.features),
    }
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _as_multipolygon(geometry: BaseGeometry) -> BaseGeometry:
    if geometry.geom_type == "MultiPolygon":
        return geometry
    return shapely.MultiPolygon([geometry])


def is_polygonal(geometry: BaseGeometry | None) -> bool:
    """True for a non-empty Polygon or MultiPolygon."""
    return (
        geometry is not None
        and not geometry.is_empty
        and geometry.geom_type in ("Polygon", "MultiPolygon")
    )


def polygonal_parts(geometry: BaseGeometry) -> BaseGeometry:
    """The polygons of any geometry (e.g. what make_valid or an overlay gave) as a MultiPolygon."""
    parts = shapely.get_parts(shapely.get_parts(geometry))
    polygons = [p for p in parts if p.geom_type == "Polygon" and not p.is_empty]
    return shapely.multipolygons(polygons) if polygons else shapely.MultiPolygon()
