"""Stored results of a cycle: one snapshot per cycle and one row per assessed employee.

Pages, exports and the API read these rows; they never recompute. Everything anonymous in them
has already passed the threshold in the scoring engine (kinerja/scoring)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kinerja.assessment.models import Cycle, WorkResult
from kinerja.core.models import Agency
from kinerja.organisation.models import Employee, OrgUnit, Position
from kinerja.scoring.uncertainty import category_uncertain


class SnapshotJSONField(models.JSONField):
    """A JSONField that PostgreSQL bulk inserts as one parameter per value.

    Django 5.2 bulk-inserts on PostgreSQL through UNNEST of one array per column; a jsonb[]
    array literal makes psycopg escape every character of every document with a regex, which
    took 26 of the 26 seconds of storing 10,000 results (bench/results.py). A field with its
    own placeholder keeps Django on the plain VALUES path."""

    def get_placeholder(self, value, compiler, connection):
        return "%s"


class Predikat(models.TextChoices):
    VERY_GOOD = "sangat_baik", _("Sangat Baik")
    GOOD = "baik", _("Baik")
    NEEDS_IMPROVEMENT = "butuh_perbaikan", _("Butuh Perbaikan")
    POOR = "kurang", _("Kurang/Misconduct")
    VERY_POOR = "sangat_kurang", _("Sangat Kurang")


class OrganisationPredikat(models.TextChoices):
    OUTSTANDING = "istimewa", _("Istimewa")
    GOOD = "baik", _("Baik")
    NEEDS_IMPROVEMENT = "butuh_perbaikan", _("Butuh Perbaikan")
    POOR = "kurang", _("Kurang")
    VERY_POOR = "sangat_kurang", _("Sangat Kurang")


class JpmCategory(models.TextChoices):
    OPTIMAL = "optimal", _("Optimal")
    FAIRLY_OPTIMAL = "cukup_optimal", _("Cukup Optimal")
    SUBOPTIMAL = "kurang_optimal", _("Kurang Optimal")
    QUALIFIED = "memenuhi_syarat", _("Memenuhi Syarat")
    STILL_QUALIFIED = "masih_memenuhi_syarat", _("Masih Memenuhi Syarat")
    NOT_QUALIFIED = "kurang_memenuhi_syarat", _("Kurang Memenuhi Syarat")


class CycleResult(models.Model):
    """The computed results of one cycle: the scoring version and policy, and summaries."""

    class Status(models.TextChoices):
        COMPUTED = "dihitung", _("Dihitung (belum final)")
        FINAL = "final", _("Final")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="result")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.COMPUTED)
    scoring_version = models.CharField(max_length=20)
    policy = models.JSONField(default=dict)
    # {"employees": n, "flagged": n, "heatmap": …, "calibration": {distribution and impact of the
    # correction, no names}, "rater_effects": {employee id: b} (atasan only; shown to that rater
    # alone), "pool": {"mean", "raters"}, "reliability": {"sigma", "sigma_source",
    # "sigma_groups", "items", "jpm"}}
    summary = models.JSONField(default=dict)
    computed_at = models.DateTimeField()
    # sha256 over the ids of the anonymous forms the first computation used: a recomputation
    # must use exactly these (a vanished form would be subtractable), docs/scoring.md.
    release_digest = models.CharField(max_length=64, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("hasil siklus")
        verbose_name_plural = _("hasil siklus")

    def __str__(self) -> str:
        return f"{self.cycle_id}: {self.status}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class EmployeeResult(models.Model):
    """Everything the engine computed for one employee in one cycle (docs/scoring.md)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="employee_results")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="results")
    # Where the employee stood when the results were computed.
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="+")
    jpm = models.FloatField(null=True)
    jpm_se = models.FloatField(null=True)  # standard error (kinerja/scoring/uncertainty.py)
    jpm_category = models.CharField(max_length=30, choices=JpmCategory.choices, blank=True)
    jpm_missing = SnapshotJSONField(default=list)
    perilaku_score = models.FloatField(null=True)
    perilaku_suggested = models.CharField(
        max_length=20, choices=WorkResult.Rating.choices, blank=True
    )
    perilaku_rating = models.CharField(max_length=20, choices=WorkResult.Rating.choices, blank=True)
    hasil_kerja = models.CharField(max_length=20, choices=WorkResult.Rating.choices, blank=True)
    predikat = models.CharField(max_length=20, choices=Predikat.choices, blank=True)
    nine_box = models.PositiveSmallIntegerField(null=True)
    # {code: {"score", "required", "gap", "meets", "self", "groups", "n_raters", "sd", "rwg",
    # "flags", "se"}}
    items = SnapshotJSONField(default=dict)
    blind_spots = SnapshotJSONField(default=list)
    hidden_strengths = SnapshotJSONField(default=list)
    # [{"source": "atasan"|"anonim"|"diri", "item": code or "", "kind", "text"}]; anonymous
    # comments only when at least k anonymous raters submitted, never with names.
    comments = SnapshotJSONField(default=list)
    flagged = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("hasil pegawai")
        verbose_name_plural = _("hasil pegawai")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "employee"], name="one_result_per_employee")
        ]
        indexes = [
            models.Index(fields=["cycle", "unit"]),
            models.Index(fields=["cycle", "nine_box"]),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} @ {self.cycle_id}"

    def nine_box_borderline(self, jpm_categories: str) -> bool:
        """Does the JPM's 95 % interval reach another category (the 9-box "di perbatasan")?"""
        return category_uncertain(self.jpm, self.jpm_se, jpm_categories)


class PerilakuDecision(models.Model):
    """The supervisor's confirmation of (or change to) the suggested rating perilaku. Kept apart
    from the computed rows so a recomputation never loses it."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="perilaku_decisions")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    rating = models.CharField(
        _("rating perilaku"), max_length=20, choices=WorkResult.Rating.choices
    )
    reason = models.TextField(_("alasan"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "employee"], name="one_perilaku_decision")
        ]

    def __str__(self) -> str:
        return f"{self.employee_id}: {self.rating}"


class UnitPredikat(models.Model):
    """The predikat organisasi of a unit (or of the agency, unit empty) for one cycle."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="unit_predikat")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, null=True, blank=True)
    predikat = models.CharField(
        _("predikat organisasi"), max_length=20, choices=OrganisationPredikat.choices
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit"], name="one_predikat_per_unit"),
            models.UniqueConstraint(
                fields=["cycle"],
                condition=models.Q(unit__isnull=True),
                name="one_agency_predikat",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id or 'instansi'}: {self.predikat}"
