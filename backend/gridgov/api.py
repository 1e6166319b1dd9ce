"""The one HTTP API, `/api/v1/`: every app's router mounts here."""

from ninja import NinjaAPI

from backend.accounts.api import router as accounts_router
from backend.boundaries.api import router as boundaries_router
from backend.core.api import router as health_router
from backend.core.handlers import register_error_handlers
from backend.housing.api import router as housing_router
from backend.incidents.api import router as incidents_router
from backend.incidents.hazard_sites_api import router as hazard_sites_router
from backend.stats.api import router as stats_router

api = NinjaAPI(
    title="gridgov",
    version="1",
    description="Grid-based community governance: streets, grids and incident cases.",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
register_error_handlers(api)
api.add_router("/", health_router)
api.add_router("/auth", accounts_router)
api.add_router("/", boundaries_router)
api.add_router("/", incidents_router)
api.add_router("/", hazard_sites_router)
api.add_router("/", housing_router)
api.add_router("/stats", stats_router)
