"""The event log: every change to an incident, numbered, stored in the transaction of the change.

On PostgreSQL `seq` comes from a sequence (`realtime_event_seq`), taken without a lock, so a
lower seq can commit after a higher one: readers hand out only events below the safe horizon
(`backend.realtime.horizon`), the point below which no transaction still running can commit
one. SQLite has a single writer: there `EventCounter` hands out dense numbers that commit in
order, and the horizon is simply the latest one.
"""

from django.db import models


class EventCounter(models.Model):
    """The last seq handed out, on SQLite only (PostgreSQL has a sequence)."""

    last = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"last event {self.last}"


class Event(models.Model):
    seq = models.BigIntegerField(primary_key=True)
    type = models.CharField(max_length=40)
    at = models.DateTimeField()
    incident_id = models.BigIntegerField()
    category = models.CharField(max_length=16)
    grid_id = models.BigIntegerField(null=True)
    street_id = models.BigIntegerField(null=True)
    reporter_id = models.BigIntegerField(null=True)
    assignee_id = models.BigIntegerField(null=True)
    # The assignee before a reassignment, so they learn the case left them.
    previous_assignee_id = models.BigIntegerField(null=True)
    # The incident as a supervisor sees it; masked per recipient when sent.
    payload = models.JSONField()
    # PostgreSQL: every transaction that may still commit a lower seq has an xid (xid8, as a
    # number) below this, so the event is safe to hand out once none below it is running.
    # 0 on SQLite and for the events from before the sequence.
    writers_before_xid = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["grid_id", "seq"]),
            models.Index(fields=["street_id", "seq"]),
            models.Index(fields=["assignee_id", "seq"]),
            models.Index(fields=["reporter_id", "seq"]),
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.type} incident {self.incident_id}"
