from django.contrib import admin

from .models import Incident, Photo, Subcategory, TimelineEntry


@admin.register(Subcategory)
class SubcategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "category", "name", "name_en", "handling_days", "active")
    list_filter = ("category", "active")


class TimelineInline(admin.TabularInline):
    model = TimelineEntry
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor", "action", "from_status", "to_status", "note")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("number", "category", "title", "status", "priority", "grid", "due_at")
    list_filter = ("category", "status", "priority")
    search_fields = ("number", "title")
    raw_id_fields = ("reporter", "assignee", "street", "grid")
    readonly_fields = ("client_id", "client_fingerprint", "created_at", "updated_at")
    inlines = [TimelineInline]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ("incident", "uploaded_by", "uploaded_at", "content_type", "width", "height")
    raw_id_fields = ("incident", "uploaded_by")
