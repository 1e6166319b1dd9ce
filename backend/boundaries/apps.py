from django.apps import AppConfig


class BoundariesConfig(AppConfig):
    name = "backend.boundaries"
    label = "boundaries"
    verbose_name = "Streets and grids"

    def ready(self) -> None:
        from . import signals  # noqa: F401
