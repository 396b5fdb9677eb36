from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectionsConfig(AppConfig):
    name = "kinerja.objections"
    verbose_name = _("Keberatan")
