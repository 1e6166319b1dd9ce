from typing import Literal

from ninja import Schema
from pydantic import Field


class StreetProperties(Schema):
    code: str
    name: str
    grid_count: int
    households: int | None
    area_km2: float


class GridProperties(Schema):
    code: str
    name: str
    street: str
    community: str
    households: int
    area_km2: float
    workers: list[str] | None = Field(description="Usernames; null unless signed in as staff")
    worker_names: dict[str, str] | None = Field(
        description="Each worker's name to show, by username; null unless signed in as staff"
    )


class Geometry(Schema):
    type: Literal["Polygon", "MultiPolygon"]
    coordinates: list


class StreetFeature(Schema):
    type: Literal["Feature"]
    id: str
    bbox: list[float]
    geometry: Geometry
    properties: StreetProperties


class GridFeature(Schema):
    type: Literal["Feature"]
    id: str
    bbox: list[float]
    geometry: Geometry
    properties: GridProperties


class StreetCollection(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[StreetFeature]


class GridCollection(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[GridFeature]


class GridsQuery(Schema):
    street: str | None = Field(default=None, pattern=r"^\d{9}$", description="9-digit street code")


PointCrs = Literal["wgs84", "gcj02", "bd09"]
CRS_NOTE = (
    "The system lon/lat are in: wgs84 (GPS, the default), gcj02 (AMap, Tencent) or bd09 "
    "(Baidu); converted to WGS-84 before use."
)


class LocateQuery(Schema):
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    crs: PointCrs = Field(default="wgs84", description=CRS_NOTE)


class PlaceOut(Schema):
    code: str
    name: str


class LocationOut(Schema):
    street: PlaceOut | None
    grid: PlaceOut | None
