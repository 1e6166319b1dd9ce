"""What the households method used and dropped, and the results no street office could use.

`households_cut` silently drops points outside the street; with none inside it returns the
whole street as one grid of 0 households. These rules turn that into counts and a refusal.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import MultiPolygon, Polygon

from gis.gridding import MAX_GRIDS_PER_COMMUNITY
from gis.i18n import _

# A grid without households is a park, a lake, a works: fine when small, a sign of missing
# points when it is large.
EMPTY_GRID_MAX_M2 = 1_000_000.0


@dataclass(frozen=True)
class PointTally:
    """Household points (and their weights, i.e. households) inside and outside a street."""

    points_inside: int
    households_inside: float
    points_outside: int
    households_outside: float

    def summary(self, street: str) -> str:
        """One line: what was used, what was dropped."""
        return _(
            "{total:,} points ({households:,.0f} households) read: {inside:,} "
            "({households_inside:,.0f} households) inside street {street} used, {outside:,} "
            "({households_outside:,.0f} households) outside it dropped"
        ).format(
            total=self.points_inside + self.points_outside,
            households=self.households_inside + self.households_outside,
            inside=self.points_inside,
            households_inside=self.households_inside,
            street=street,
            outside=self.points_outside,
            households_outside=self.households_outside,
        )


def tally_points(
    polygon: Polygon | MultiPolygon, lons: np.ndarray, lats: np.ndarray, weights: np.ndarray
) -> tuple[PointTally, np.ndarray]:
    """(tally, inside mask) of lon/lat points against a street polygon, all EPSG:4326.

    "Inside" is `households_cut`'s own test (shapely.contains_xy): a point on the outline is out.
    """
    lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    weights = np.asarray(weights, dtype=float)
    inside = shapely.contains_xy(polygon, lons, lats) if len(lons) else np.zeros(0, dtype=bool)
    tally = PointTally(
        int(inside.sum()),
        float(weights[inside].sum()),
        int((~inside).sum()),
        float(weights[~inside].sum()),
    )
    return tally, inside


def points_refusal(tally: PointTally, street: str, *, households_per_grid: float) -> str | None:
    """Why no grid should be cut from these points, or None when they can be used.

    Refused: no points at all, none inside the street, fewer households inside than half a
    grid's target (the share under which `households_cut` merges a grid into its neighbour, so
    not even one grid of the norm could be formed), or so many that the grids would not fit in
    one community's 999 codes (said before the cutting, with the target that fits).
    """
    if tally.points_inside + tally.points_outside == 0:
        return _("the points file has no points")
    if tally.points_inside == 0:
        return _("none of the {count:,} points lies inside street {street}").format(
            count=tally.points_outside, street=street
        )
    if tally.households_inside < households_per_grid / 2:
        return _(
            "only {households:,.0f} households inside street {street}, under half of one "
            "grid's target of {target:g}; lower --households-per-grid or use --method square "
            "or hex"
        ).format(households=tally.households_inside, street=street, target=households_per_grid)
    estimate = tally.households_inside / households_per_grid
    if round(estimate) > MAX_GRIDS_PER_COMMUNITY:
        least = math.ceil(tally.households_inside / MAX_GRIDS_PER_COMMUNITY)
        return _(
            "{households:,.0f} households inside street {street} at {target:g} a grid make "
            "about {count:,} grids, more than the {most} a community holds: give "
            "--households-per-grid {least} or more"
        ).format(
            households=tally.households_inside,
            street=street,
            target=households_per_grid,
            count=round(estimate),
            most=MAX_GRIDS_PER_COMMUNITY,
            least=least,
        )
    return None


def empty_grids_refusal(
    areas_m2: Sequence[float],
    households: Sequence[float],
    *,
    empty_grid_max_m2: float = EMPTY_GRID_MAX_M2,
) -> str | None:
    """Why grids with no households are unusable (one larger than empty_grid_max_m2), or None."""
    too_large = [
        (k, area)
        for k, (area, count) in enumerate(zip(areas_m2, households, strict=True))
        if count <= 0 and area > empty_grid_max_m2
    ]
    if not too_large:
        return None
    largest = max(area for _, area in too_large)
    return _(
        "{count} grid(s) with no households larger than {limit:g} km² (the largest "
        "{largest:,.2f} km²): are household points missing there? Give them, or raise "
        "--empty-grid-max-km2"
    ).format(count=len(too_large), limit=empty_grid_max_m2 / 1e6, largest=largest / 1e6)
