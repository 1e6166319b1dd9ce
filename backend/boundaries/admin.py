from django.contrib import admin

from .models import Grid, Street


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "households", "area_m2")
    search_fields = ("code", "name")


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "street", "community", "households", "area_m2")
    list_filter = ("street",)
    search_fields = ("code", "name", "community")
