"""Core app: tenancy, roles, permissions, audit, the UI shell."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kinerja.core"
    label = "core"
    verbose_name = _("Inti")
