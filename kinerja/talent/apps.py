from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "kinerja.talent"
    verbose_name = _("Manajemen talenta")
