"""The rollups follow every change to a case: moved in its transaction, just before it is saved."""

from django.dispatch import receiver

from backend.incidents.models import Incident
from backend.incidents.signals import incident_saving

from .services import grid_rollup_apply


@receiver(incident_saving, sender=Incident)
def on_incident_saving(sender, *, incident: Incident, **_kwargs) -> None:
    grid_rollup_apply(incident=incident)
