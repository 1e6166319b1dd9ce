"""What the real-time app hears from others: every change to a case is recorded as an event,
and when a user's scope changes, their open sockets move to the groups of the new scope."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from backend.accounts.models import User
from backend.incidents.models import Incident
from backend.incidents.schemas import incident_payload
from backend.incidents.signals import incident_changed

from .scope import user_group
from .services import event_record

logger = logging.getLogger("gridgov.realtime")


def _tell_sockets_of(user_id: int) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(user_group(user_id), {"type": "scope.changed"})
    except Exception:
        # Redis down: the sockets re-read their scope at their next periodic re-check.
        logger.exception("could not tell the sockets of user %s about a scope change", user_id)


@receiver(m2m_changed, sender=User.grids.through)
@receiver(m2m_changed, sender=User.streets.through)
def on_scope_change(sender, instance, action: str, reverse: bool, pk_set, **_kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    # From the user's side the instance is the user; from the grid's side, pk_set holds users.
    user_ids = (pk_set or set()) if reverse else {instance.pk}
    for user_id in user_ids:
        transaction.on_commit(lambda user_id=user_id: _tell_sockets_of(user_id))


@receiver(post_save, sender=User)
def on_user_saved(sender, instance: User, created: bool, update_fields=None, **_kwargs) -> None:
    # A role may have changed; a sign-in only stamps last_login, which changes no scope.
    if created or (update_fields and set(update_fields) <= {"last_login"}):
        return
    transaction.on_commit(lambda: _tell_sockets_of(instance.pk))


@receiver(incident_changed, sender=Incident)
def on_incident_changed(
    sender, *, incident: Incident, event_type: str, previous_assignee_id: int | None, **_kwargs
) -> None:
    # Sent last in the change's transaction, which is where the event must be recorded.
    event_record(
        type=event_type,
        at=incident.updated_at,
        incident_id=incident.pk,
        category=incident.category,
        grid_id=incident.grid_id,
        street_id=incident.street_id,
        reporter_id=incident.reporter_id,
        assignee_id=incident.assignee_id,
        previous_assignee_id=previous_assignee_id,
        # Stored as a supervisor sees it; each socket masks it for its own user.
        payload=incident_payload(incident),
    )
