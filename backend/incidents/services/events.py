"""A change to a case, announced (`..signals`): the apps above incidents react to it there."""

from ..models import Incident
from ..signals import incident_changed, incident_saving


def incident_save(incident: Incident, *, update_fields: list[str] | None = None) -> None:
    """Save `incident` in the caller's transaction, announcing it just before (the stored row is
    then still the state before the change)."""
    incident_saving.send(sender=Incident, incident=incident)
    incident.save(update_fields=update_fields)


def incident_change_announce(
    *, incident: Incident, type: str, previous_assignee_id: int | None = None
) -> None:
    """Announce the saved change (its event is recorded); call it last, just before commit."""
    incident_changed.send(
        sender=Incident,
        incident=incident,
        event_type=type,
        previous_assignee_id=previous_assignee_id,
    )
