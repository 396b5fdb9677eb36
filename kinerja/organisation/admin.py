"""Django admin (superusers only) for organisation data."""

from django.contrib import admin

from .models import Employee, OrgUnit, Position


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "agency"]
    list_filter = ["agency", "kind"]
    search_fields = ["name", "code"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["name", "position_type", "unit", "agency"]
    list_filter = ["agency", "position_type"]
    search_fields = ["name"]


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["name", "nip", "grade", "position", "unit", "agency", "is_active"]
    list_filter = ["agency", "asn_status", "is_active"]
    search_fields = ["name", "nip"]
    raw_id_fields = ["supervisor", "position", "unit", "user"]
    list_select_related = ["position", "unit", "agency"]
