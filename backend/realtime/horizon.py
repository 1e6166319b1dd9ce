"""Taking an event's seq without a lock, and the safe horizon below which readers hand events out.

PostgreSQL. `seq` comes from a sequence, so two reports never wait for each other, and a lower
seq may commit after a higher one. Every writer makes sure it has a transaction id, and marks
its session as an event writer (`application_name`, set for the rest of its transaction),
*before* it takes a seq (in the same statement, evaluated first). Its insert, a later
statement, records `writers_before_xid`: one above the highest transaction id of this
database's event writers (`pg_stat_activity`) as the insert sees them. So:

  a transaction that holds a lower seq than event E had its id and its mark, and was running,
  when E's seq was taken, before E's insert read the sessions: its id is below
  E.writers_before_xid.

A reader finds the safe horizon: the highest seq of a committed event E such that no event
writer of this database runs a transaction with an id below E.writers_before_xid. Then every
transaction that could hold a seq at or below E's has ended, committed or rolled back, before
the reader looked: the log up to E is final, and a later statement sees all of it. (A session
drops its mark only after its transaction has ended: PostgreSQL ends the transaction before it
resets the settings made with SET LOCAL. A savepoint rolled back drops the mark early, but
with it every seq taken since it, which then never commits.) (A snapshot's xmax is
no bound here: it is one past the latest *completed* transaction, and younger ones may run.)
Only this database's event writers count, so a long transaction of another database on the
same server, or one here that records no event, holds nothing up. What keeps this true: the
horizon is read in a statement of its own, outside a transaction, before the events it covers
are read (`pg_stat_activity` is cached for the rest of a transaction; the writer clears that
cache when it takes a seq); the database role
sees its own sessions' `backend_xid` (every role does; the app uses one role); prepared
(two-phase) transactions, which have no session, are not used.

SQLite. One writer at a time: a counter row hands out dense numbers that commit in order, and
the horizon is the counter's committed value.
"""

from django.db import connection
from django.db.models.expressions import RawSQL

from .models import EventCounter

EVENT_SEQUENCE = "realtime_event_seq"

# What a writer's session shows as its application_name (`pg_stat_activity`) from before it
# takes a seq until its transaction ends (SET LOCAL), so that readers wait only for writers of
# events, not for every transaction that writes (an import, an admin's open psql session).
EVENT_WRITER = "gridgov event writer"

# The writer's transaction id is assigned, and its session marked, in the subquery, which the
# outer row is built from, so before nextval runs. Clearing the statistics snapshot makes the
# insert, the next statement, read the sessions afresh even when this transaction read them
# before.
_PG_SEQ_TAKE = (
    f"SELECT nextval('{EVENT_SEQUENCE}'), pg_stat_clear_snapshot(), writer.xid "
    "FROM (SELECT pg_current_xact_id() AS xid,"
    f" set_config('application_name', '{EVENT_WRITER}', true) OFFSET 0) AS writer"
)

# The ids (xid8, as numbers) of the transactions of event writers running in this database's
# sessions. A session shows the low 32 bits of its id; each is widened next to the snapshot's
# xmax, which is within 2^31 of every running id.
_PG_RUNNING_XIDS = (
    "SELECT r.ref + mod(a.backend_xid::text::bigint - mod(r.ref, 4294967296) + 6442450944,"
    " 4294967296) - 2147483648"
    " FROM pg_stat_activity a,"
    " (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS ref) r"
    " WHERE a.datname = current_database() AND a.backend_xid IS NOT NULL"
    f" AND a.application_name = '{EVENT_WRITER}'"
)

_PG_WRITERS_BEFORE_XID = (
    f"(SELECT COALESCE(MAX(running.xid), 0) + 1 FROM ({_PG_RUNNING_XIDS}) AS running(xid))"
)

# A scalar subquery, so the token socket's opening can read it in its one query. The oldest
# running id is read once (an uncorrelated subquery); with none running, every event is safe.
_PG_HORIZON = (
    "(SELECT e.seq FROM realtime_event e WHERE e.writers_before_xid <= COALESCE("
    f"(SELECT MIN(running.xid) FROM ({_PG_RUNNING_XIDS}) AS running(xid)),"
    " 9223372036854775807) ORDER BY e.seq DESC LIMIT 1)"
)

_SQLITE_HORIZON = f"(SELECT c.last FROM {EventCounter._meta.db_table} c WHERE c.id = 1)"


def seq_take() -> tuple[int, int | RawSQL]:
    """A new event's seq and its `writers_before_xid` (an expression the insert evaluates)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_PG_SEQ_TAKE)
            (seq, _cleared, _xid) = cursor.fetchone()
        return seq, RawSQL(_PG_WRITERS_BEFORE_XID, [])
    return _counter_next(), 0


def _counter_next() -> int:
    # The UPDATE takes the counter row's lock until commit, in one round trip; SQLite's writer
    # holds the database's lock until then anyway. The row comes with a migration;
    # get_or_create only covers a database flushed since (tests).
    table = EventCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last = last + 1 WHERE id = 1 RETURNING last")
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    EventCounter.objects.get_or_create(pk=1)
    return _counter_next()


def horizon_sql() -> str:
    """The safe horizon as a scalar subquery (NULL while the log is empty), to read on its own
    or inside another query."""
    return _PG_HORIZON if connection.vendor == "postgresql" else _SQLITE_HORIZON


def seq_horizon() -> int:
    """The highest seq below which the log is final: every event at or below it is committed
    and visible to the next statement, and none will be added. Read it outside a transaction."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {horizon_sql()}")
        (horizon,) = cursor.fetchone()
    return horizon or 0


def seq_horizon_passes(seq: int) -> bool:
    """Whether every event up to `seq` is final. Always, once it has committed, on SQLite."""
    return connection.vendor != "postgresql" or seq_horizon() >= seq
