"""Housing delivery projects (保交楼): stalled or late residential projects whose buyers paid in
advance, tracked per project. Progress is a series of dated records, never overwritten, so the
history of a project can be told at any meeting."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskLevel(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")


class FundingStatus(models.TextChoices):
    SECURED = "secured", _("资金到位")
    SPECIAL_LOAN = "special_loan", _("专项借款")
    SHORTFALL = "shortfall", _("资金缺口")
    FROZEN = "frozen", _("账户冻结")


class HousingProject(models.Model):
    name = models.CharField(max_length=200)
    developer = models.CharField(max_length=200)
    lon = models.FloatField()
    lat = models.FloatField()
    footprint = models.TextField(blank=True, help_text="GeoJSON (Multi)Polygon, WGS-84; optional")
    street = models.ForeignKey(
        "boundaries.Street", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grid = models.ForeignKey(
        "boundaries.Grid", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    total_units = models.PositiveIntegerField()
    planned_delivery = models.DateField()
    responsible_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The latest progress record's figures, kept here for lists and the zone summary; the
    # records themselves are the history.
    delivered_units = models.PositiveIntegerField(default=0)
    revised_delivery = models.DateField(null=True, blank=True)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    funding_status = models.CharField(
        max_length=16, choices=FundingStatus.choices, default=FundingStatus.SECURED
    )
    risk_level = models.CharField(max_length=8, choices=RiskLevel.choices, default=RiskLevel.LOW)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ProgressUpdate(models.Model):
    project = models.ForeignKey(HousingProject, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    progress_percent = models.PositiveSmallIntegerField()
    delivered_units = models.PositiveIntegerField()
    revised_delivery = models.DateField(null=True, blank=True)
    funding_status = models.CharField(max_length=16, choices=FundingStatus.choices)
    risk_level = models.CharField(max_length=8, choices=RiskLevel.choices)
    note = models.TextField(blank=True)
    # Set by the phone's outbox, which may send one record several times over a bad connection;
    # null for records entered without one (the admin, the demo, older clients).
    client_id = models.UUIDField(null=True, blank=True)
    # A digest of the submitted body: a retry with the same client_id must carry the same one.
    client_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"], name="one_progress_update_per_client_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.at:%Y-%m-%d}: {self.progress_percent}%"


class ProgressPhoto(models.Model):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="photos")
    uploaded_at = models.DateTimeField()
    image = models.FileField(upload_to="housing/")
    content_type = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"photo of {self.update}"
