"""Measurements on the WGS-84 ellipsoid, for geometries in lon/lat degrees."""

from pyproj import Geod
from shapely.geometry.base import BaseGeometry

_WGS84 = Geod(ellps="WGS84")


def geodesic_area_m2(geometry: BaseGeometry) -> float:
    """Area in square metres of a lon/lat (EPSG:4326) polygonal geometry, on the ellipsoid."""
    area, _perimeter = _WGS84.geometry_area_perimeter(geometry)
    # pyproj signs the area by ring orientation; an area is an area whichever way it winds.
    return abs(area)
