from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "backend.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from backend.boundaries.places import place_model_register
        from backend.boundaries.signals import grids_retired
        from backend.core.periodic import periodic_job_register

        from .jobs import ESCALATION_JOB
        from .models import HazardSite
        from .services.relocation import on_grids_retired

        place_model_register(HazardSite)
        grids_retired.connect(on_grids_retired, dispatch_uid="incidents.on_grids_retired")
        periodic_job_register(ESCALATION_JOB)
