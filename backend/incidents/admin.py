"""The incidents in the Django admin: to look at, and to correct a reporter's text.

The workflow owns every other field of a case; the admin shows them read-only, so that a change
always goes through the services and leaves its timeline entry, its event and its rollup move.
"""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from backend.accounts.models import Role
from backend.accounts.scope import Scope
from backend.core.admin import RecordAdmin, RecordInline

from .models import Incident, Photo, Subcategory, TimelineEntry
from .schemas import photo_url
from .services.corrections import CORRECTABLE_FIELDS, incident_correct


@admin.register(Subcategory)
class SubcategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "category", "name", "name_en", "handling_days", "active")
    list_filter = ("category", "active")


def _admin_scope(request: HttpRequest) -> Scope:
    # Whoever reaches the Django admin is an admin. One scope per request: its facts are read
    # once, not once per timeline entry.
    if not hasattr(request, "admin_scope"):
        request.admin_scope = Scope(request.user, role=Role.ADMIN)
    return request.admin_scope


def _sees_reporter(request: HttpRequest, incident: Incident) -> bool:
    # Petitioners stay hidden from those without the petition permission, as everywhere else.
    return _admin_scope(request).may_see_reporter(
        category=incident.category, reporter_id=incident.reporter_id
    )


class TimelineInline(RecordInline):
    model = TimelineEntry
    fields = ("at", "who", "action", "from_status", "to_status", "note", "due_at", "met")
    readonly_fields = fields

    def get_formset(self, request: HttpRequest, obj: Incident | None = None, **kwargs):
        # The incident shown, for `who` to mask the petitioner's own entries.
        self._incident, self._request = obj, request
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description="actor")
    def who(self, entry: TimelineEntry) -> str:
        if entry.system:
            return "(system)"
        if entry.actor_id is None:
            return "–"
        if entry.actor_id == self._incident.reporter_id and not _sees_reporter(
            self._request, self._incident
        ):
            return "(reporter)"
        return entry.actor.username


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("number", "category", "title", "status", "priority", "grid", "due_at")
    list_filter = ("category", "status", "priority")
    search_fields = ("number", "title")
    inlines = [TimelineInline]

    def get_fields(self, request: HttpRequest, obj: Incident | None = None) -> list[str]:
        others = [
            field.name
            for field in Incident._meta.concrete_fields
            if field.editable and field.name not in CORRECTABLE_FIELDS
        ]
        if obj is not None and not _sees_reporter(request, obj):
            others.remove("reporter")
        return [*CORRECTABLE_FIELDS, *others]

    def get_readonly_fields(self, request: HttpRequest, obj: Incident | None = None) -> list[str]:
        return [name for name in self.get_fields(request, obj) if name not in CORRECTABLE_FIELDS]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Cases are filed through the API: numbered, placed, timed and announced.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Incident | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Incident, form, change: bool) -> None:
        incident_correct(
            user=request.user,
            incident_id=obj.pk,
            changes={name: form.cleaned_data[name] for name in form.changed_data},
        )


@admin.register(Photo)
class PhotoAdmin(RecordAdmin):
    list_display = ("incident", "uploaded_by", "uploaded_at", "content_type", "width", "height")
    # The files' own links would point into the store, which serves no one; the API's route
    # serves the original or the stripped copy by the viewer's role.
    exclude = ("original", "stripped")
    readonly_fields = ("served_at",)

    @admin.display(description="photo")
    def served_at(self, photo: Photo) -> str:
        url = photo_url(photo.incident_id, photo.pk)
        return format_html('<a href="{}">{}</a>', url, url)


@admin.register(TimelineEntry)
class TimelineEntryAdmin(RecordAdmin):
    list_display = ("incident", "at", "action", "from_status", "to_status")
    list_filter = ("action",)
    search_fields = ("incident__number",)
    # The actor is left out: an entry may be a petitioner's, who stays hidden here too.
    fields = (
        "incident",
        "at",
        "system",
        "action",
        "from_status",
        "to_status",
        "note",
        "due_at",
        "met",
    )
