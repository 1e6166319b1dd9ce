"""What a map page shows: grids with their counts, the streets they lie in, title and period."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from shapely.geometry.base import BaseGeometry


@dataclass(frozen=True)
class GridCounts:
    """One grid on the map: code, name, EPSG:4326 geometry, open and overdue cases."""

    code: str
    name: str
    geometry: BaseGeometry
    open: int
    overdue: int


@dataclass(frozen=True)
class StreetArea:
    """A street drawn on the map: code, name and EPSG:4326 geometry."""

    code: str
    name: str
    geometry: BaseGeometry


@dataclass(frozen=True)
class MapReport:
    """What the page says: title (e.g. the street), period text, grids, optional notice.

    `outline` (EPSG:4326) is drawn bold around the grids; `streets` are drawn bold too and,
    when there are several, named inside their outlines.
    """

    title: str
    period: str
    grids: Sequence[GridCounts]
    notice: str | None = None
    counted_at: str = ""
    outline: BaseGeometry | None = None
    streets: Sequence[StreetArea] = field(default_factory=tuple)
