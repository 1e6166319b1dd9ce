"""Users, their role and scope, API tokens and the record of sign-in attempts."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("居民")
    WORKER = "worker", _("网格员")
    SUPERVISOR = "supervisor", _("指挥中心")
    ADMIN = "admin", _("管理员")


STAFF_ROLES = frozenset({Role.WORKER, Role.SUPERVISOR, Role.ADMIN})


class User(AbstractUser):
    """A person using gridgov; the role says what they may do, grids and streets where.

    A worker's grids are the grids they patrol (and so `Grid.workers`); a supervisor's streets
    bound what they supervise, and a supervisor with no streets supervises the whole zone.
    """

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.RESIDENT)
    display_name = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    grids = models.ManyToManyField("boundaries.Grid", blank=True, related_name="workers")
    streets = models.ManyToManyField("boundaries.Street", blank=True, related_name="supervisors")

    @property
    def shown_name(self) -> str:
        """How the person is named to others (their username when they gave no name); the
        callers decide whether they may be named at all (a masked reporter is not)."""
        return self.display_name or self.username

    def save(self, *args, **kwargs) -> None:
        # Admins reach the Django admin; nobody else does.
        self.is_staff = self.role == Role.ADMIN or self.is_superuser
        super().save(*args, **kwargs)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AuthToken(models.Model):
    """A bearer token. Only its SHA-256 is stored, so a database leak yields no usable token."""

    key_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token of {self.user} until {self.expires_at:%Y-%m-%d %H:%M}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class AuthAttempt(models.Model):
    """Failed sign-ins and registrations, counted to slow down guessing and sign-up floods."""

    class Kind(models.TextChoices):
        LOGIN_FAILURE = "login_failure"
        REGISTRATION = "registration"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    username = models.CharField(max_length=150, blank=True)
    address = models.GenericIPAddressField()
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "address", "at"]),
            models.Index(fields=["kind", "username", "address", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.username}@{self.address} {self.at:%Y-%m-%d %H:%M:%S}"
