from django.contrib import admin

from backend.core.admin import RecordAdmin

from .models import Event


@admin.register(Event)
class EventAdmin(RecordAdmin):
    list_display = ("seq", "type", "at", "incident_id", "category", "grid_id", "street_id")
    list_filter = ("type", "category")
    # The payload and the reporter are left out: they may name a petitioner, whom only the
    # sockets mask per recipient.
    fields = ("seq", "type", "at", "incident_id", "category", "grid_id", "street_id", "assignee_id")
