from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import AuthAttempt, AuthToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "display_name", "role", "phone", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name", "phone")
    filter_horizontal = ("grids", "streets", "groups", "user_permissions")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("gridgov", {"fields": ("role", "display_name", "phone", "grids", "streets")}),
    )

    def has_delete_permission(self, request, obj=None) -> bool:
        # A deleted user would vanish from the timelines they acted in and leave the cases
        # assigned to them unassigned, with no event: deactivate them instead (is_active).
        return False


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    readonly_fields = ("key_hash", "user", "created_at")


@admin.register(AuthAttempt)
class AuthAttemptAdmin(admin.ModelAdmin):
    list_display = ("kind", "username", "address", "at")
    list_filter = ("kind",)
    search_fields = ("username", "address")
