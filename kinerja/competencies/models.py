"""Competency dictionary models: framework versions, competencies, levels, BerAKHLAK, standards."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinerja.core.models import Agency
from kinerja.organisation.models import Position

LEVELS = range(1, 6)


class Framework(models.Model):
    """A version of the national dictionary. Cycles freeze the version they used."""

    code = models.SlugField(max_length=60)
    version = models.PositiveIntegerField()
    name = models.CharField(_("nama"), max_length=300)
    source = models.TextField(_("sumber"), blank=True)
    is_current = models.BooleanField(default=True)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kamus kompetensi")
        verbose_name_plural = _("kamus kompetensi")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="framework_code_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class Competency(models.Model):
    """National competencies belong to a framework; teknis ones belong to one agency."""

    class Group(models.TextChoices):
        MANAJERIAL = "manajerial", _("Manajerial")
        SOSIAL_KULTURAL = "sosial_kultural", _("Sosial kultural")
        TEKNIS = "teknis", _("Teknis")

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, null=True, blank=True, related_name="competencies"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="competencies"
    )
    code = models.CharField(_("kode"), max_length=20)
    name = models.CharField(_("nama kompetensi"), max_length=200)
    group = models.CharField(_("kelompok"), max_length=20, choices=Group.choices)
    definition = models.TextField(_("definisi"))
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("kompetensi")
        verbose_name_plural = _("kompetensi")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"],
                condition=Q(framework__isnull=False),
                name="competency_code_unique_in_framework",
            ),
            models.UniqueConstraint(
                fields=["agency", "code"],
                condition=Q(agency__isnull=False),
                name="competency_code_unique_in_agency",
            ),
            models.CheckConstraint(
                condition=(Q(framework__isnull=False, agency__isnull=True) & ~Q(group="teknis"))
                | (Q(framework__isnull=True, agency__isnull=False) & Q(group="teknis")),
                name="competency_national_or_agency_teknis",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_national(self) -> bool:
        return self.framework_id is not None


class CompetencyLevel(models.Model):
    """One of the five levels of a competency, with its behaviour indicators."""

    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(_("level"))
    title = models.CharField(_("judul level"), max_length=300)
    description = models.TextField(_("deskripsi"), blank=True)
    indicators = models.JSONField(_("indikator perilaku"), default=list)

    class Meta:
        verbose_name = _("level kompetensi")
        verbose_name_plural = _("level kompetensi")
        ordering = ["competency", "level"]
        constraints = [
            models.UniqueConstraint(fields=["competency", "level"], name="level_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="level_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.competency.code} L{self.level}"


class BehaviourValue(models.Model):
    """A BerAKHLAK core value with its three behaviour guides."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="behaviour_values"
    )
    code = models.CharField(_("kode"), max_length=10)
    name = models.CharField(_("nilai"), max_length=100)
    description = models.TextField(_("makna"), blank=True)
    guides = models.JSONField(_("panduan perilaku"), default=list)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("nilai BerAKHLAK")
        verbose_name_plural = _("nilai BerAKHLAK")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="behaviour_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class PositionStandard(models.Model):
    """Standar kompetensi jabatan: the required level of one competency for one position."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="position_standards")
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="standards")
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="position_standards"
    )
    required_level = models.PositiveSmallIntegerField(_("level yang dipersyaratkan"))

    class Meta:
        verbose_name = _("standar kompetensi jabatan")
        verbose_name_plural = _("standar kompetensi jabatan")
        ordering = ["position", "competency__order", "competency__code"]
        constraints = [
            models.UniqueConstraint(fields=["position", "competency"], name="standard_unique"),
            models.CheckConstraint(
                condition=Q(required_level__gte=1, required_level__lte=5),
                name="standard_level_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position} · {self.competency.code} = {self.required_level}"
