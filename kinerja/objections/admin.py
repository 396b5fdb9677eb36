"""Django admin (superusers only) for the objections: read-mostly, for support."""

from django.contrib import admin

from .models import Objection, ObjectionSettings


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ("employee", "cycle", "status", "outcome", "official", "filed_at")
    list_filter = ("status", "outcome")
    raw_id_fields = ("employee", "official", "supervisor", "cycle")


@admin.register(ObjectionSettings)
class ObjectionSettingsAdmin(admin.ModelAdmin):
    list_display = ("cycle", "window_days", "decision_days", "reminder_days")
