"""Django admin (superusers only) for the competency dictionary and standards."""

from django.contrib import admin

from .models import BehaviourValue, Competency, CompetencyLevel, Framework, PositionStandard


class LevelInline(admin.TabularInline):
    model = CompetencyLevel
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "name", "is_current", "loaded_at"]


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "framework", "agency"]
    list_filter = ["group", "framework", "agency"]
    inlines = [LevelInline]


@admin.register(BehaviourValue)
class BehaviourValueAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "framework"]


@admin.register(PositionStandard)
class PositionStandardAdmin(admin.ModelAdmin):
    list_display = ["position", "competency", "required_level", "agency"]
    list_filter = ["agency"]
    raw_id_fields = ["position", "competency"]
