"""The periodic jobs of incidents: registered with `core` when the app is ready, and run once
across hosts by `gridgov serve --jobs-every` and `gridgov escalate` alike."""

from backend.core.periodic import PeriodicJob

from .services.escalation import incidents_escalate

ESCALATION_JOB = PeriodicJob(
    name="escalation", run=incidents_escalate, done="escalated %d overdue case(s)"
)
