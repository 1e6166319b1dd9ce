from django.contrib import admin
from django.utils.html import format_html

from backend.core.admin import RecordAdmin, RecordInline

from .models import HousingProject, ProgressPhoto, ProgressUpdate
from .schemas import progress_photo_url

# The current figures and the records are written only through progress updates: editing them
# here would rewrite the history the meetings rely on.
FIGURES = (
    "delivered_units",
    "revised_delivery",
    "progress_percent",
    "funding_status",
    "risk_level",
)


class ProgressUpdateInline(RecordInline):
    model = ProgressUpdate
    fields = ("at", "author", *FIGURES, "note")
    readonly_fields = fields


@admin.register(HousingProject)
class HousingProjectAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "developer",
        "street",
        "grid",
        "total_units",
        "delivered_units",
        "planned_delivery",
        "revised_delivery",
        "risk_level",
        "funding_status",
    )
    list_filter = ("risk_level", "funding_status", "street")
    search_fields = ("name", "developer")
    raw_id_fields = ("street", "grid", "responsible_officer")
    readonly_fields = (*FIGURES, "created_at")
    inlines = [ProgressUpdateInline]


# Progress records are never overwritten, nor added here: `housing_progress_record` also moves the
# project's figures with them.
@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(RecordAdmin):
    list_display = ("project", "at", "progress_percent", "delivered_units", "risk_level")
    list_filter = ("risk_level", "funding_status")


@admin.register(ProgressPhoto)
class ProgressPhotoAdmin(RecordAdmin):
    list_display = ("update", "uploaded_at", "content_type")
    # The file's own link would point into the store, which serves no one; the API serves it.
    exclude = ("image",)
    readonly_fields = ("served_at",)

    @admin.display(description="photo")
    def served_at(self, photo: ProgressPhoto) -> str:
        url = progress_photo_url(photo, photo.update)
        return format_html('<a href="{}">{}</a>', url, url)
