from .actions import incident_apply_action
from .create import incident_create
from .photos import photo_add

__all__ = ["incident_apply_action", "incident_create", "photo_add"]
