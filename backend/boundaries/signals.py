from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .models import Grid, Street
from .services import boundaries_version_bump


@receiver([post_save, post_delete], sender=Street)
@receiver([post_save, post_delete], sender=Grid)
def on_boundary_change(**_kwargs) -> None:
    boundaries_version_bump()


# Sent inside a re-gridding's transaction, after the grids were retired and the registered
# places moved, with `grid_ids` (every retired grid of the re-gridded streets, earlier
# re-griddings' included) and `relocate_open`. Each receiver returns the lines (list[str]) that
# tell the operator what it did; an exception undoes the whole re-gridding.
grids_retired = Signal()
