"""Sign-in, sign-out and registration, with the guessing limits of the contract."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core.errors import Conflict, Invalid, NotAuthenticated, Throttled

from .models import AuthAttempt, AuthToken, Role, User, hash_token

LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_FAILURES_PER_ACCOUNT = 5
LOGIN_FAILURES_PER_ADDRESS = 50
REGISTRATION_WINDOW = timedelta(hours=1)
REGISTRATIONS_PER_ADDRESS = 30


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    user: User


def token_issue(*, username: str, password: str, address: str) -> IssuedToken:
    """Check a password and hand out a bearer token, or say why not.

    Limits use a sliding 15-minute window of failures: an account-and-address pair is locked
    while it has 5 failures in the window, an address while it has 50. A locked pair is refused
    without checking the password, so a lock cannot be probed for the right one.
    """
    now = timezone.now()
    _refuse_if_locked(username=username, address=address, now=now)
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        AuthAttempt.objects.create(
            kind=AuthAttempt.Kind.LOGIN_FAILURE, username=username, address=address, at=now
        )
        raise NotAuthenticated(_("Wrong username or password."), code="bad_credentials")
    return _token_create(user=user, now=now)


def token_revoke(*, token: str) -> None:
    AuthToken.objects.filter(key_hash=hash_token(token), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def user_for_token(token: str) -> User | None:
    """The active user a live token belongs to, or None for a missing, expired or revoked one."""
    found = list(User.objects.raw(*live_token_query("u.*", token)))
    return found[0] if found else None


def live_token_query(select: str, token: str) -> tuple[str, list]:
    """SQL and parameters selecting `select` over the token `t` and its user `u`, finding a row
    only while the token is live: unexpired, unrevoked, of an active user.

    Hand-written because every request and every socket asks it: the ORM spent longer
    building this query than the database did answering it.
    """
    # An empty hash matches no token; an over-long string is not worth hashing.
    key_hash = hash_token(token) if token and len(token) <= 200 else ""
    sql = (
        f"SELECT {select} FROM {AuthToken._meta.db_table} t "
        f"JOIN {User._meta.db_table} u ON u.id = t.user_id "
        f"WHERE t.key_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s AND u.is_active"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return sql, [key_hash, now]


def user_register(
    *, username: str, password: str, address: str, display_name: str = "", phone: str = ""
) -> IssuedToken:
    """Create a resident account and sign it in; at most 30 registrations an hour per address."""
    now = timezone.now()
    recent = AuthAttempt.objects.filter(
        kind=AuthAttempt.Kind.REGISTRATION, address=address, at__gt=now - REGISTRATION_WINDOW
    ).order_by("-at")
    if recent.count() >= REGISTRATIONS_PER_ADDRESS:
        oldest_counted = recent[REGISTRATIONS_PER_ADDRESS - 1].at
        raise Throttled(
            _("Too many registrations from this address; try again later."),
            retry_after_s=_seconds_until(oldest_counted + REGISTRATION_WINDOW, now),
        )
    candidate = User(username=username, display_name=display_name, phone=phone)
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise Invalid(" ".join(error.messages), field="password") from error
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("That username is taken."), code="username_taken")
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username,
                password=password,
                display_name=display_name,
                phone=phone,
                role=Role.RESIDENT,
            )
    except IntegrityError as error:
        # Two registrations of one name raced; the loser hears what a slower request would.
        raise Conflict(_("That username is taken."), code="username_taken") from error
    AuthAttempt.objects.create(
        kind=AuthAttempt.Kind.REGISTRATION, username=username, address=address, at=now
    )
    return _token_create(user=user, now=now)


def _refuse_if_locked(*, username: str, address: str, now: datetime) -> None:
    failures = AuthAttempt.objects.filter(
        kind=AuthAttempt.Kind.LOGIN_FAILURE, address=address, at__gt=now - LOGIN_WINDOW
    ).order_by("-at")
    for scoped, limit in (
        (failures, LOGIN_FAILURES_PER_ADDRESS),
        (failures.filter(username=username), LOGIN_FAILURES_PER_ACCOUNT),
    ):
        counted = list(scoped.values_list("at", flat=True)[:limit])
        if len(counted) >= limit:
            raise Throttled(
                _("Too many failed sign-ins; try again later."),
                retry_after_s=_seconds_until(counted[-1] + LOGIN_WINDOW, now),
            )


def _token_create(*, user: User, now: datetime) -> IssuedToken:
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=settings.GRIDGOV_TOKEN_TTL_HOURS)
    AuthToken.objects.create(key_hash=hash_token(token), user=user, expires_at=expires_at)
    return IssuedToken(token=token, expires_at=expires_at, user=user)


def _seconds_until(moment: datetime, now: datetime) -> int:
    return int((moment - now).total_seconds()) + 1
