from django.contrib import admin, messages
from django.http import HttpRequest

from .models import ApiKey, Submission
from .services import api_key_issue


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("name", "user__username")
    raw_id_fields = ("user",)
    readonly_fields = ("created_at",)

    def get_form(self, request: HttpRequest, obj: ApiKey | None = None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # A new key may leave the account empty: one is made for it.
        form.base_fields["user"].required = obj is not None
        return form

    def save_model(self, request: HttpRequest, obj: ApiKey, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        secret = api_key_issue(api_key=obj)
        # Only the hash is stored, so this is the one time anyone sees the key.
        messages.warning(request, f"API key for “{obj.name}”: {secret} (shown only this once)")


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """The submitter's details an Open311 client sent: for admins, never published."""

    list_display = ("incident", "api_key", "first_name", "last_name", "phone", "email")
    raw_id_fields = ("incident", "api_key")
    search_fields = ("incident__number", "phone", "email")
