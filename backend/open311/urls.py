from django.urls import re_path

from . import views

# `.xml` or `.json`; none at all means XML, the spec's default.
FORMAT = r"(?:\.(?P<fmt>xml|json))?$"

urlpatterns = [
    re_path(r"^$", views.discovery, name="open311-root"),
    re_path(r"^discovery" + FORMAT, views.discovery, name="open311-discovery"),
    re_path(r"^services" + FORMAT, views.services_list, name="open311-services"),
    re_path(
        r"^services/(?P<service_code>[^/.]+)" + FORMAT,
        views.service_definition,
        name="open311-service",
    ),
    re_path(r"^requests" + FORMAT, views.requests, name="open311-requests"),
    re_path(
        r"^requests/(?P<service_request_id>[^/.]+)" + FORMAT,
        views.request_detail,
        name="open311-request",
    ),
    re_path(r"^media/(?P<photo_id>[0-9]{1,18})$", views.media, name="open311-media"),
    # Anything else under /open311/v2/ answers in the spec's error shape, not Django's page.
    re_path(r"^(?P<path>.*)$", views.not_found),
]
