from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "backend.realtime"
    label = "realtime"
    verbose_name = "Real-time events"

    def ready(self) -> None:
        from . import signals  # noqa: F401
