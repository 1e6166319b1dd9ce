from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "backend.stats"
    label = "stats"
    verbose_name = "Statistics"

    def ready(self) -> None:
        from . import signals  # noqa: F401
