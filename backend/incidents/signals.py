"""What a change to a case announces, for the apps above incidents to react to.

Incidents imports none of the apps that keep something per change (the statistics' rollups, the
real-time event log); each connects its receiver in its `AppConfig.ready()`. Both signals are
sent inside the change's transaction with `send`, not `send_robust`: a receiver that fails
fails the change, and its transaction rolls back with everything the other receivers wrote.
"""

from django.dispatch import Signal

# Sent just before a service saves a case row, with `incident` in its new state: the stored row
# (locked by the service) is still the state before, which receivers may read to see what moved.
# The statistics move their per-grid tallies here.
incident_saving = Signal()

# Sent last in the change's transaction, with `incident` as saved, `event_type`
# ("incident.created" or "incident.updated") and `previous_assignee_id` (the assignee this change
# took the case from, else None). It must be last: the real-time app takes the event's seq here,
# and sockets hold back every later seq until this transaction ends.
incident_changed = Signal()
