"""API keys of Open311 clients, and what those clients told us about who filed a report.

A report arriving through Open311 is filed as the key's service account (a resident), so it is
placed, numbered and handled like any other. The submitter's own details (name, phone, email,
device) are kept apart in `Submission`, for the admins only: Open311 reads are public.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiKey(models.Model):
    """A key for `POST requests`. Only its SHA-256 is stored, like `AuthToken`."""

    name = models.CharField(max_length=100, help_text="Who uses the key, e.g. the app's name")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The account reports are filed as; empty: a new resident account is made",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "API key"

    def __str__(self) -> str:
        return self.name


class Submission(models.Model):
    """The submitter an Open311 client named for one report; never shown by the API."""

    incident = models.OneToOneField(
        "incidents.Incident", on_delete=models.CASCADE, related_name="+"
    )
    api_key = models.ForeignKey(ApiKey, null=True, on_delete=models.SET_NULL, related_name="+")
    email = models.CharField(max_length=254, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    address_id = models.CharField(max_length=100, blank=True)
    # Not fetched: following a client's URL from the server would be a request forgery hole.
    media_url = models.CharField(max_length=2000, blank=True)
    attributes = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"Open311 submission of incident {self.incident_id}"
