"""Streets (街道) and grids (网格): boundaries are data, loaded from files or the admin.

Polygons are stored as GeoJSON text in WGS-84 (EPSG:4326) so that no GDAL or PostGIS is
needed; point lookups never touch these columns but go through the in-memory locator
(`boundaries.locator`), which `BoundaryVersion` tells when to rebuild.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

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


class Generation(models.Model):
    """One set of boundaries put in place at once (after MapIt's `Generation`).

    Re-gridding a street does not overwrite its grids: the old ones stay, with their outlines,
    retired in the generation that replaced them, because every case keeps pointing at the grid
    it was filed in. A grid is current while `retired_in` is empty; the generation it was made
    in and the one it was retired in bound the time it was valid for.
    """

    created_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True, help_text="What was imported, and why")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"generation {self.pk} ({self.created_at:%Y-%m-%d %H:%M}) {self.note}"


def latest_generation_id() -> int:
    """The newest generation's id, making the first one when there is none."""
    latest = Generation.objects.order_by("-id").values_list("pk", flat=True).first()
    return latest if latest is not None else Generation.objects.create(note="initial").pk


class CurrentGridManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(retired_in__isnull=True)


class Grid(Area):
    # Unique among current grids only (the constraint below): a new grid may take the code of
    # a grid it replaced.
    code = models.CharField(max_length=14)
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="grids")
    community = models.CharField(max_length=100, blank=True)
    # Set by `save()` when not given: not a field default, which Django would compute (a query)
    # for every Grid object made, also the unsaved stand-ins a new report is filed with.
    generation = models.ForeignKey(Generation, on_delete=models.PROTECT, related_name="grids")
    retired_in = models.ForeignKey(
        Generation, null=True, blank=True, on_delete=models.PROTECT, related_name="retired_grids"
    )

    # `Grid.objects` is the current grids: what the locator, the map, the scope and the
    # statistics mean by "the grids". Reverse and many-to-many access (`street.grids`,
    # `user.grids`) goes through it too. A case's own `incident.grid` goes through the base
    # manager (a plain Manager), so an old case still reaches the retired grid it was filed in.
    all_generations = models.Manager()
    objects = CurrentGridManager()

    class Meta(Area.Meta):
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(retired_in__isnull=True),
                name="grid_code_unique_among_current",
            )
        ]

    def save(self, *args, **kwargs) -> None:
        # A grid made outside an import (the admin, tests) belongs to the boundaries in place.
        if self.generation_id is None:
            self.generation_id = latest_generation_id()
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        return self.retired_in_id is None

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
