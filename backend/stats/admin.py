from django.contrib import admin

from backend.core.admin import RecordAdmin

from .models import GridCloseHours, GridDayTally


@admin.register(GridDayTally)
class GridDayTallyAdmin(RecordAdmin):
    list_display = ("grid_key", "street_key", "day", "category", "status", "n")
    list_filter = ("category", "status")


@admin.register(GridCloseHours)
class GridCloseHoursAdmin(RecordAdmin):
    list_display = ("grid_key", "street_key", "category", "hours", "n")
    list_filter = ("category",)
