"""Incident reports and their case history.

An incident moves through the closed loop of DOMAIN.md (report → accept → dispatch → handle →
resolve → verify → close); `workflow.py` holds the one table of legal moves. Every move, the
creation included, appends a `TimelineEntry`; entries are never edited.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CategoryCode(models.TextChoices):
    SAFETY = "safety", _("安全隐患")
    PETITION = "petition", _("信访")
    HOUSING = "housing", _("保交楼")
    OTHER = "other", _("其他")


class Status(models.TextChoices):
    REPORTED = "reported", _("待受理")
    ACCEPTED = "accepted", _("已立案")
    DISPATCHED = "dispatched", _("已派遣")
    IN_PROGRESS = "in_progress", _("处置中")
    RESOLVED = "resolved", _("待核查")
    CLOSED = "closed", _("已结案")
    REJECTED = "rejected", _("不予立案")


FINAL_STATUSES = frozenset({Status.CLOSED, Status.REJECTED})


class Priority(models.TextChoices):
    NORMAL = "normal", _("一般")
    HIGH = "high", _("较急")
    URGENT = "urgent", _("紧急")


class Severity(models.TextChoices):
    GENERAL = "general", _("一般隐患")
    SERIOUS = "serious", _("较大隐患")
    MAJOR = "major", _("重大隐患")


class Subcategory(models.Model):
    """A kind of case within one of the four categories; admins add their own."""

    category = models.CharField(max_length=16, choices=CategoryCode.choices)
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, help_text="Chinese name")
    name_en = models.CharField(max_length=100)
    handling_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Working days to handle; empty: the category's default"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "code"]
        verbose_name_plural = "subcategories"

    def __str__(self) -> str:
        return f"{self.category}/{self.code} {self.name}"


class Incident(models.Model):
    number = models.CharField(max_length=24, unique=True)
    category = models.CharField(max_length=16, choices=CategoryCode.choices)
    subcategory = models.ForeignKey(Subcategory, null=True, blank=True, on_delete=models.PROTECT)
    severity = models.CharField(max_length=16, choices=Severity.choices, blank=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    lon = models.FloatField()
    lat = models.FloatField()
    address = models.CharField(max_length=300, blank=True)
    street = models.ForeignKey(
        "boundaries.Street", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grid = models.ForeignKey(
        "boundaries.Grid", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REPORTED)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reported_incidents"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_incidents",
    )
    client_id = models.UUIDField(default=uuid.uuid4)
    # A digest of the submitted body: a retry with the same client_id must carry the same one.
    client_fingerprint = models.CharField(max_length=64)
    occurred_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()
    # The deadline of the current stage; null once the case is closed or rejected (each
    # stage's deadline stays on the timeline entry that ended it).
    due_at = models.DateTimeField(null=True, blank=True)
    # 按期办结 (`deadlines.closed_on_time`), set when the case closes; null while it is not closed.
    closed_on_time = models.BooleanField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Petitions (信访): the people who signed a joint petition (联名), the earlier case a repeat
    # petition (重复信访) follows, when the petitioner was answered and when they asked for a
    # review (复查); the answer clock runs from acceptance, the review clock from the request.
    people_count = models.PositiveIntegerField(default=1)
    repeat_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    review_requested_at = models.DateTimeField(null=True, blank=True)
    # Calendar days the petition's answer deadline was extended by (at most once, 30 days).
    extended_days = models.PositiveSmallIntegerField(default=0)
    housing_project = models.ForeignKey(
        "housing.HousingProject",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    hazard_site = models.ForeignKey(
        "HazardSite", null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    # The deadline last escalated: escalating again for the same deadline changes nothing.
    escalated_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("view_petitioner", "May see who filed a petition (信访人)")]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "client_id"], name="one_incident_per_client_id"
            )
        ]
        indexes = [
            models.Index(fields=["grid", "-created_at"]),
            models.Index(fields=["street", "-created_at"]),
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["category", "-created_at"]),
            models.Index(fields=["assignee", "-created_at"]),
            models.Index(fields=["reporter", "-created_at"]),
            models.Index(fields=["lon", "lat"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class HazardSite(models.Model):
    """A place whose safety hazards are followed together: an enterprise, a building."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        BUILDING = "building", _("建筑")
        SITE = "site", _("工地")
        OTHER = "other", _("其他")

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ENTERPRISE)
    address = models.CharField(max_length=300, blank=True)
    lon = models.FloatField()
    lat = models.FloatField()
    street = models.ForeignKey(
        "boundaries.Street", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grid = models.ForeignKey(
        "boundaries.Grid", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class TimelineEntry(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=24)
    # Taken by the system (an escalation), not by a person: `actor` is null then. Stored, not
    # read off a null actor, which also means a deleted user or a masked reporter.
    system = models.BooleanField(default=False)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)
    # On a move: the deadline of the stage it ended, as it stood then (extensions included),
    # and whether the stage ended by it; null on entries that keep the status, and for stages
    # without a deadline. Evaluations count on-time rates from these.
    due_at = models.DateTimeField(null=True, blank=True)
    met = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "timeline entries"

    def __str__(self) -> str:
        return f"{self.incident_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


def photo_path(photo: "Photo", filename: str) -> str:
    return f"incidents/{photo.incident_id}/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class Photo(models.Model):
    """A photo kept twice: the original for supervisors, and a re-encoded copy without EXIF
    (which may hold the GPS position of a reporter's home) for everyone else."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="photos")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    original = models.FileField(upload_to=photo_path)
    stripped = models.FileField(upload_to=photo_path)
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"photo {self.pk} of incident {self.incident_id}"


class NumberSequence(models.Model):
    """The last number handed out per prefix and day, e.g. `SF-20261124` → 17."""

    prefix = models.CharField(max_length=16, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last}"
