from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Grid, Street
from .services import boundaries_version_bump


@receiver([post_save, post_delete], sender=Street)
@receiver([post_save, post_delete], sender=Grid)
def on_boundary_change(**_kwargs) -> None:
    boundaries_version_bump()
