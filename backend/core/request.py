from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The caller's IP address; behind a proxy, the header the deployment names as trusted."""
    header = getattr(settings, "GRIDGOV_CLIENT_IP_HEADER", "")
    if header:
        forwarded = request.META.get(header, "")
        if forwarded:
            # The proxy appends the address it saw last; everything before it is client-made.
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"
