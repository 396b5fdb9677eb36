"""Competencies app: the versioned dictionary, BerAKHLAK values and position standards."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetenciesConfig(AppConfig):
    name = "kinerja.competencies"
    label = "competencies"
    verbose_name = _("Kompetensi")
