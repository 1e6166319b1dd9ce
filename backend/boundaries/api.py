from django.http import HttpRequest
from ninja import Query, Router

from backend.accounts.auth import OPTIONAL
from backend.core.schemas import ErrorOut
from gis.coords import point_to_wgs84

from . import locator, selectors
from .schemas import GridCollection, GridsQuery, LocateQuery, LocationOut, StreetCollection

router = Router(tags=["boundaries"], auth=OPTIONAL)


@router.get("/streets", response={200: StreetCollection, 401: ErrorOut})
def streets(request: HttpRequest):
    return {"type": "FeatureCollection", "features": selectors.street_features()}


@router.get("/grids", response={200: GridCollection, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def grids(request: HttpRequest, filters: Query[GridsQuery]):
    features = selectors.grid_features(street_code=filters.street, viewer=request.auth)
    return {"type": "FeatureCollection", "features": features}


@router.get("/locate", response={200: LocationOut, 401: ErrorOut, 422: ErrorOut})
def locate(request: HttpRequest, point: Query[LocateQuery]):
    return locator.locate(*point_to_wgs84(point.lon, point.lat, point.crs))
