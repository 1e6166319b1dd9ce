from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from backend.accounts.auth import REQUIRED
from backend.accounts.schemas import ErrorOut

from . import export, selectors
from .schemas import (
    PERIOD_NOTE,
    GridStatsCollection,
    GridStatsQuery,
    StreetStatsCollection,
    StreetStatsQuery,
)

router = Router(tags=["stats"], auth=REQUIRED)

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
SCOPE_NOTE = (
    "Counts cover only the cases the caller may see; the features are the grids (streets) of "
    "the caller's scope plus any holding a case they see. Residents get 403."
)


@router.get(
    "/grids",
    response={200: GridStatsCollection, **ERRORS},
    description=f"Case counts per grid. {PERIOD_NOTE} {SCOPE_NOTE} "
    "`unassigned` counts the cases outside every grid.",
)
def grid_stats(request: HttpRequest, query: Query[GridStatsQuery]):
    table = selectors.grid_stats(user=request.auth, filters=query.filters())
    return {
        "type": "FeatureCollection",
        "features": selectors.grid_features(table),
        "unassigned": table.unassigned.as_dict(),
        "counted_at": table.counted_at,
    }


@router.get(
    "/grids.csv",
    response={200: None, **ERRORS},
    description=f"The table of `/stats/grids` as CSV (UTF-8 with BOM). {PERIOD_NOTE}",
    openapi_extra={"responses": {"200": {"description": "CSV", "content": {"text/csv": {}}}}},
)
def grid_stats_csv(request: HttpRequest, query: Query[GridStatsQuery]):
    table = selectors.grid_stats(user=request.auth, filters=query.filters())
    response = HttpResponse(export.grid_stats_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="grid-stats.csv"'
    return response


@router.get(
    "/streets",
    response={200: StreetStatsCollection, **ERRORS},
    description=f"Case counts per street, including cases in a street but outside every grid. "
    f"{PERIOD_NOTE} {SCOPE_NOTE} `unassigned` counts the cases outside every street.",
)
def street_stats(request: HttpRequest, query: Query[StreetStatsQuery]):
    table = selectors.street_stats(user=request.auth, filters=query.filters())
    return {
        "type": "FeatureCollection",
        "features": selectors.street_features(table),
        "unassigned": table.unassigned.as_dict(),
        "counted_at": table.counted_at,
    }
