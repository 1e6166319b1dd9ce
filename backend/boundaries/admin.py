from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Generation, Grid, Street


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "households", "area_m2")
    search_fields = ("code", "name")


class CurrentFilter(admin.SimpleListFilter):
    title = "current or retired"
    parameter_name = "retired"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("no", "current"), ("yes", "retired")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("no", "yes"):
            return queryset.filter(retired_in__isnull=self.value() == "no")
        return queryset


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "street",
        "community",
        "households",
        "area_m2",
        "generation",
        "retired_in",
    )
    list_filter = (CurrentFilter, "street")
    search_fields = ("code", "name", "community")
    readonly_fields = ("generation", "retired_in")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Grid]:
        # Retired grids are shown (old cases point at them) but are history: read-only below.
        return Grid.all_generations.select_related("street", "generation", "retired_in")

    def has_change_permission(self, request: HttpRequest, obj: Grid | None = None) -> bool:
        if obj is not None and not obj.is_current:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Grid | None = None) -> bool:
        if obj is not None and not obj.is_current:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Generation)
class GenerationAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "note")
    readonly_fields = ("created_at", "note")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Generations are made by imports (`import-boundaries --replace`), not by hand.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Generation | None = None) -> bool:
        return False
