"""Competency development (PP 11/2017 Pasal 203–206): the agency's training catalog, each
employee's yearly plan built from their gaps, and what was actually done (the JP ledger)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinerja.core.models import Agency
from kinerja.organisation.models import Employee

MIN_JP_PER_YEAR = 20  # every ASN: at least 20 JP (1 JP = 45 minutes) of development a year


class Training(models.Model):
    """One item of the katalog pengembangan kompetensi."""

    class Mode(models.TextChoices):
        CLASSICAL = "klasikal", _("Klasikal")
        NON_CLASSICAL = "non_klasikal", _("Non-klasikal")

    class Method(models.TextChoices):
        TRAINING = "pelatihan", _("Pelatihan")
        WORKSHOP = "workshop", _("Workshop / bimbingan teknis")
        SEMINAR = "seminar", _("Seminar / konferensi")
        E_LEARNING = "e_learning", _("E-learning")
        COACHING = "coaching", _("Coaching")
        MENTORING = "mentoring", _("Mentoring")
        INTERNSHIP = "magang", _("Magang / praktik kerja")
        BENCHMARKING = "benchmarking", _("Benchmarking")
        SECONDMENT = "detasering", _("Detasering")
        SELF_DEVELOPMENT = "belajar_mandiri", _("Belajar mandiri")
        OTHER = "lainnya", _("Lainnya")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="trainings")
    code = models.CharField(_("kode"), max_length=30)
    name = models.CharField(_("nama"), max_length=200)
    mode = models.CharField(_("jalur"), max_length=15, choices=Mode.choices)
    method = models.CharField(_("metode"), max_length=20, choices=Method.choices)
    jp = models.PositiveSmallIntegerField(_("JP"), help_text=_("1 JP = 45 menit"))
    # Competency codes it develops; empty = any competency (e.g. coaching by the supervisor).
    competencies = models.JSONField(_("kompetensi"), default=list, blank=True)
    level_min = models.PositiveSmallIntegerField(_("level dari"), default=1)
    level_max = models.PositiveSmallIntegerField(_("level sampai"), default=5)
    provider = models.CharField(_("penyelenggara"), max_length=200, blank=True)
    cost = models.DecimalField(
        _("biaya (Rp)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    description = models.TextField(_("keterangan"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("pelatihan")
        verbose_name_plural = _("katalog pengembangan")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="training_code_unique"),
            models.CheckConstraint(condition=Q(jp__gte=1), name="training_jp_positive"),
            models.CheckConstraint(
                condition=Q(
                    level_min__gte=1, level_max__lte=5, level_min__lte=models.F("level_max")
                ),
                name="training_level_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DevelopmentPlan(models.Model):
    """Rencana pengembangan kompetensi of one employee for one year."""

    class Status(models.TextChoices):
        DRAFT = "draf", _("Draf")
        SUBMITTED = "diajukan", _("Diajukan ke atasan")
        APPROVED = "disetujui", _("Disetujui")
        RETURNED = "dikembalikan", _("Dikembalikan untuk diperbaiki")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="development_plans"
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.DRAFT)
    supervisor_comment = models.TextField(_("catatan atasan"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("rencana pengembangan")
        verbose_name_plural = _("rencana pengembangan")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "year"], name="one_plan_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.year}"

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class PlanItem(models.Model):
    """One planned activity: from a recommendation, from the catalog, or written by hand."""

    class Source(models.TextChoices):
        RECOMMENDATION = "rekomendasi", _("Rekomendasi")
        CATALOG = "katalog", _("Katalog")
        MANUAL = "manual", _("Ditulis sendiri")

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="items")
    training = models.ForeignKey(
        Training, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("kegiatan"), max_length=200)
    competency = models.CharField(_("kompetensi"), max_length=20, blank=True)
    jp_planned = models.PositiveSmallIntegerField(_("JP direncanakan"))
    source = models.CharField(max_length=15, choices=Source.choices, default=Source.CATALOG)
    note = models.CharField(_("catatan"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(jp_planned__gte=1), name="plan_item_jp_positive")
        ]

    def __str__(self) -> str:
        return self.title


def evidence_path(instance: Realisation, filename: str) -> str:
    """Under MEDIA_ROOT (outside the web root), a random name: never the uploader's file name."""
    suffix = Path(filename).suffix.lower()[:10]
    return f"bukti/{instance.plan.agency_id}/{uuid.uuid4().hex}{suffix}"


class Realisation(models.Model):
    """What was done: a date, the JP earned and the evidence (certificate)."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="realisations")
    item = models.ForeignKey(
        PlanItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="realisations"
    )
    title = models.CharField(_("kegiatan"), max_length=200)
    date = models.DateField(_("tanggal selesai"))
    jp = models.PositiveSmallIntegerField(_("JP"))
    evidence = models.FileField(_("bukti"), upload_to=evidence_path, blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(jp__gte=1), name="realisation_jp_positive")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.jp} JP)"
