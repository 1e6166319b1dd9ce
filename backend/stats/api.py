import dataclasses

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from ninja import Query, Router
from pydantic import Field

from backend.accounts.auth import REQUIRED
from backend.core.schemas import error_responses

from . import export, map_report, selectors
from .schemas import (
    PERIOD_NOTE,
    GridStatsCollection,
    GridStatsQuery,
    StreetStatsCollection,
    StreetStatsQuery,
)

router = Router(tags=["stats"], auth=REQUIRED)


class MapQuery(StreetStatsQuery):
    street: str | None = Field(default=None, pattern=r"^\d{9}$", description="9-digit street code")

    def filters(self) -> selectors.StatsFilters:
        return dataclasses.replace(super().filters(), street=self.street)


class CsvQuery(GridStatsQuery):
    lang: str | None = Field(
        default=None,
        pattern=r"^(zh|en)([-_][A-Za-z0-9]{1,8})*$",
        description="Language of the headers (zh-Hans or en); without it, Accept-Language; "
        "without either, Chinese",
    )


ERRORS = error_responses(401, 403, 404, 422)
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
    description="The table of `/stats/grids` as CSV (UTF-8 with BOM), headers in zh-Hans or "
    f"English (`lang`, else Accept-Language), each street by code and name. {PERIOD_NOTE}",
    openapi_extra={"responses": {"200": {"description": "CSV", "content": {"text/csv": {}}}}},
)
def grid_stats_csv(request: HttpRequest, query: Query[CsvQuery]):
    table = selectors.grid_stats(user=request.auth, filters=query.filters())
    # `lang` first, then the language the middleware read from Accept-Language; a request
    # with neither (a bare download link) gets Chinese, the language of the people who open
    # this file in a spreadsheet, not the English that the API's error messages default to.
    spoken = translation.get_language() if request.headers.get("Accept-Language") else None
    language = export.csv_language(query.lang or spoken)
    response = HttpResponse(
        export.grid_stats_csv(table, language), content_type="text/csv; charset=utf-8"
    )
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


@router.get(
    "/map.png",
    response={200: None, **ERRORS},
    description="A printable map (A4 landscape PNG) of open and overdue cases per grid, of one "
    f"street or of every grid in scope, with legend, north arrow, scale bar and the worst grids. "
    f"Supervisors and admins; others get 403. {PERIOD_NOTE}",
    openapi_extra={"responses": {"200": {"description": "PNG", "content": {"image/png": {}}}}},
)
def grid_map_png(request: HttpRequest, query: Query[MapQuery]):
    image = map_report.grid_map_report(user=request.auth, filters=query.filters())
    return HttpResponse(image, content_type="image/png")
