from django.db import DatabaseError, connection
from django.http import HttpRequest
from ninja import Router, Schema, Status

router = Router(tags=["health"])


class HealthOut(Schema):
    status: str
    database: bool


@router.get("/health", response={200: HealthOut, 503: HealthOut})
def health(request: HttpRequest):
    """For load balancers and monitoring: the process answers and reaches its database."""
    try:
        connection.ensure_connection()
    except DatabaseError:
        return Status(503, {"status": "degraded", "database": False})
    return {"status": "ok", "database": True}
