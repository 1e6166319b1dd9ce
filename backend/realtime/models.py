"""The event log: every change to an incident, numbered, stored in the transaction of the change.

`seq` is handed out by `EventCounter` under a row lock held until commit, so the numbers are
dense and commit in order: when event n is visible, every event before it is too. That is what
lets a client that dropped off ask for "everything after n" and miss nothing.
"""

from django.db import models


class EventCounter(models.Model):
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
