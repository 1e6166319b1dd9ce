"""Streets (街道) and grids (网格): boundaries are data, loaded from files or the admin.

Polygons are stored as GeoJSON text in WGS-84 (EPSG:4326) so that no GDAL or PostGIS is
needed; point lookups never touch these columns but go through the in-memory locator
(`boundaries.locator`), which `BoundaryVersion` tells when to rebuild.
"""

from django.core.exceptions import ValidationError
from django.db import models

from gis.codes import is_grid_code, is_street_code


class Area(models.Model):
    code = models.CharField(max_length=14, unique=True)
    name = models.CharField(max_length=100)
    geometry = models.TextField(help_text="GeoJSON (Multi)Polygon, WGS-84 lon/lat")
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    area_m2 = models.FloatField(help_text="Geodesic area on the WGS-84 ellipsoid")
    households = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Street(Area):
    def clean(self) -> None:
        if not is_street_code(self.code):
            raise ValidationError({"code": "A street code is 9 digits (county 6 + street 3)."})


class Grid(Area):
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="grids")
    community = models.CharField(max_length=100, blank=True)

    def clean(self) -> None:
        if not is_grid_code(self.code):
            raise ValidationError({"code": "A grid code is 14 digits (GB/T 30428.1)."})
        if self.street_id and not self.code.startswith(self.street.code):
            raise ValidationError({"code": "A grid code starts with its street's code."})


class BoundaryVersion(models.Model):
    """One row whose number changes (to a random one) with every change to streets or grids.

    Each server process keeps its own locator; comparing this number is how a process learns
    that another one (or the admin) changed the boundaries.
    """

    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"boundaries v{self.version}"
