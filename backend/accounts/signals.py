"""A user object's cached `Scope` follows changes to their grids and streets made through it."""

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from .models import User
from .scope import forget_scope


@receiver(m2m_changed, sender=User.grids.through)
@receiver(m2m_changed, sender=User.streets.through)
def on_scope_change(sender, instance, action: str, reverse: bool, **_kwargs) -> None:
    # From the grid's or street's side the users are other objects, whose scope (if any) is
    # of their own request; only this object's is known to be stale.
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        forget_scope(instance)
