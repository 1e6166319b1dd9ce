from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "backend.housing"
    label = "housing"
    verbose_name = "Housing delivery (保交楼)"

    def ready(self) -> None:
        from backend.boundaries.places import place_model_register

        from .models import HousingProject

        place_model_register(HousingProject)
