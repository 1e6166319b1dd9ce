"""Case numbers, `SF-20261124-0001`: zone prefix, the zone's local date, the day's sequence.

A number is taken inside the report's transaction, so it commits with the case, yet no report
waits for another: on PostgreSQL each day has a sequence of its own (`nextval` locks nothing
until commit; a report that rolls back leaves a gap, as a sequence does). It is created before
the report's transaction, once a day per process, so its DDL never holds up a report. On SQLite
the day's counter row is upserted in the transaction: its single writer holds the database's
lock until commit anyway.
"""

from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from ..models import NumberSequence

# The days whose sequence this process has seen committed.
_day_sequences_made: set[str] = set()


def case_numbers_prepare(now: datetime) -> None:
    """Make sure the day of `now` can hand out numbers; call it before the report's transaction."""
    if connection.vendor != "postgresql":
        return
    prefix = _day_prefix(now)
    if prefix in _day_sequences_made:
        return
    # Rolled back with an enclosing transaction (tests): only a committed sequence is known.
    committed = not connection.in_atomic_block
    # Continues after the day's counter row, which numbered the reports before the sequences.
    taken = NumberSequence.objects.filter(prefix=prefix).values_list("last", flat=True).first()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"CREATE SEQUENCE IF NOT EXISTS {_day_sequence(prefix)} START WITH %s",
                [(taken or 0) + 1],
            )
    except DatabaseError:
        # Another process created it between the check and the insert into the catalogue.
        pass
    if committed:
        _day_sequences_made.add(prefix)


def case_number_take(now: datetime) -> str:
    """The next number of the day of `now`, in the caller's transaction."""
    prefix = _day_prefix(now)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(%s)", [_day_sequence(prefix)])
        else:
            table = NumberSequence._meta.db_table
            cursor.execute(
                f"INSERT INTO {table} (prefix, last) VALUES (%s, 1) "
                f"ON CONFLICT (prefix) DO UPDATE SET last = {table}.last + 1 RETURNING last",
                [prefix],
            )
        (last,) = cursor.fetchone()
    return f"{prefix}-{last:04d}"


def _day_prefix(now: datetime) -> str:
    return f"{settings.GRIDGOV_NUMBER_PREFIX}-{timezone.localdate(now).strftime('%Y%m%d')}"


def _day_sequence(prefix: str) -> str:
    return connection.ops.quote_name(f"incident_number_{prefix}")
