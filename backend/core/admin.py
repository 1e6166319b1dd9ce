"""What every app's admin shares: the admin of a record that only the services write."""

from django.contrib import admin
from django.http import HttpRequest


class RecordAdmin(admin.ModelAdmin):
    """A record the services keep (an event, a timeline entry, a rollup, a progress record):
    shown here, never added, changed or deleted. The map, the statistics and every phone follow
    the services' trail; a row written here would leave them disagreeing with the database."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class RecordInline(admin.TabularInline):
    """A record shown under its owner, view-only, for the same reason as `RecordAdmin`."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
