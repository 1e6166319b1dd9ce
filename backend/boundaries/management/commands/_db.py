"""Streets and grids from the database as `gis.io.Boundary` objects, for the GIS commands.

Not a command itself (the leading underscore keeps Django from listing it).
"""

import json

from shapely.geometry import shape

from backend.boundaries.models import Area, Grid, Street
from gis.io import Boundary


def as_boundary(area: Area, feature: int = -1) -> Boundary:
    properties = {"households": area.households}
    if isinstance(area, Grid):
        properties["community"] = area.community
    geometry = shape(json.loads(area.geometry))
    return Boundary(area.code, area.name, geometry, properties, feature)


def boundaries_from_db(street_code: str | None = None) -> tuple[list[Boundary], list[Boundary]]:
    """(streets, grids) as stored, of one street when a code is given."""
    streets = Street.objects.order_by("code")
    grids = Grid.objects.order_by("code")
    if street_code is not None:
        streets = streets.filter(code=street_code)
        grids = grids.filter(street__code=street_code)
    return (
        [as_boundary(s, k) for k, s in enumerate(streets, start=1)],
        [as_boundary(g, k) for k, g in enumerate(grids, start=1)],
    )
