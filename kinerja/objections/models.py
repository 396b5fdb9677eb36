"""Keberatan (PP 30/2019, PermenPANRB 6/2022): an employee's objection against their rating
perilaku / predikat, decided by the atasan pejabat penilai; the explanations asked of both sides,
the attachments, the result's versions and the per-cycle settings (window, decision deadline)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinerja.assessment.models import Cycle, WorkResult
from kinerja.core.models import Agency
from kinerja.organisation.models import Employee
from kinerja.results.models import Predikat

DEFAULT_WINDOW_DAYS = 14
DEFAULT_DECISION_DAYS = 14
DEFAULT_REMINDER_DAYS = "3,1"


class ObjectionSettings(models.Model):
    """A cycle's objection rules; a cycle without a row uses the defaults (14 and 14 days)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="objection_settings")
    window_days = models.PositiveSmallIntegerField(
        _("batas pengajuan keberatan (hari kalender sejak hasil diterima)"),
        default=DEFAULT_WINDOW_DAYS,
    )
    decision_days = models.PositiveSmallIntegerField(
        _("batas keputusan (hari kalender sejak keberatan diajukan)"),
        default=DEFAULT_DECISION_DAYS,
    )
    # Days before the decision deadline on which the official is reminded, e.g. "3,1".
    reminder_days = models.CharField(
        _("pengingat (hari sebelum batas keputusan)"),
        max_length=40,
        default=DEFAULT_REMINDER_DAYS,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pengaturan keberatan")
        verbose_name_plural = _("pengaturan keberatan")
        constraints = [
            models.CheckConstraint(
                condition=Q(window_days__gte=1, decision_days__gte=1),
                name="objection_settings_days_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id}: {self.window_days}/{self.decision_days}"

    @property
    def reminder_thresholds(self) -> list[int]:
        """The reminder days, largest first ("3,1" → [3, 1])."""
        days = {int(p) for p in self.reminder_days.split(",") if p.strip().isdigit()}
        return sorted(days, reverse=True)


class Objection(models.Model):
    """One employee's objection against their result in one cycle (one per result)."""

    class Status(models.TextChoices):
        FILED = "diajukan", _("Diajukan")
        IN_REVIEW = "dalam_telaah", _("Dalam telaah")
        DECIDED = "diputus", _("Diputus")

    class Outcome(models.TextChoices):
        REJECTED = "ditolak", _("Ditolak (hasil tetap)")
        ACCEPTED = "diterima", _("Diterima (rating diubah)")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="objections")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="objections")
    reasons = models.TextField(_("alasan keberatan"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filed_at = models.DateTimeField()
    # The result objected to, as it stood when filed.
    perilaku_rating = models.CharField(max_length=20, choices=WorkResult.Rating.choices, blank=True)
    hasil_kerja = models.CharField(max_length=20, choices=WorkResult.Rating.choices, blank=True)
    predikat = models.CharField(max_length=20, choices=Predikat.choices, blank=True)
    nine_box = models.PositiveSmallIntegerField(null=True)
    # The pejabat penilai (direct supervisor) at filing and their justification (PerilakuDecision).
    supervisor = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    supervisor_reason = models.TextField(blank=True)
    # The atasan pejabat penilai who decides: from the org chart, or assigned by HR.
    official = models.ForeignKey(
        Employee,
        verbose_name=_("atasan pejabat penilai"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="objections_to_decide",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assignment_note = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.FILED)
    review_started_at = models.DateTimeField(null=True, blank=True)
    decision_due = models.DateTimeField(_("batas keputusan"))
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    decided_rating = models.CharField(
        _("rating perilaku baru"), max_length=20, choices=WorkResult.Rating.choices, blank=True
    )
    decision_reason = models.TextField(_("alasan keputusan"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("keberatan")
        verbose_name_plural = _("keberatan")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "employee"], name="one_objection_per_result"),
            models.CheckConstraint(
                condition=(Q(status="diputus", decided_at__isnull=False) & ~Q(outcome=""))
                | (~Q(status="diputus") & Q(outcome="")),
                name="objection_decided_has_outcome",
            ),
        ]
        indexes = [models.Index(fields=["agency", "cycle", "status"])]

    def __str__(self) -> str:
        return f"{self.employee_id} @ {self.cycle_id}: {self.status}"

    @property
    def is_decided(self) -> bool:
        return self.status == self.Status.DECIDED


class ObjectionMessage(models.Model):
    """A written explanation the official asks of the employee or the supervisor, and its answer."""

    class Party(models.TextChoices):
        EMPLOYEE = "pegawai", _("Pegawai yang dinilai")
        SUPERVISOR = "atasan", _("Pejabat penilai (atasan langsung)")

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="messages")
    party = models.CharField(max_length=10, choices=Party.choices)
    recipient = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    question = models.TextField(_("permintaan penjelasan"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    asked_at = models.DateTimeField()
    answer = models.TextField(_("penjelasan"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]

    def __str__(self) -> str:
        return f"{self.objection_id} → {self.party}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class Attachment(models.Model):
    """A file the employee attached (PDF, PNG, JPG), kept in the private storage under a random
    name and handed out only by a view that checks who asks."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="attachments")
    path = models.CharField(max_length=300)  # name inside storages["private"]
    name = models.CharField(max_length=200)  # the uploader's file name, shown and downloaded as
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ResultVersion(models.Model):
    """A result changed by an accepted objection: what it was and what it became. The
    EmployeeResult row holds the current version (so the board, the distribution and the exports
    follow it); this row keeps the original readable."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    objection = models.OneToOneField(Objection, on_delete=models.CASCADE, related_name="version")
    version = models.PositiveSmallIntegerField()  # the new version's number: the original is 1
    before_perilaku = models.CharField(max_length=20, choices=WorkResult.Rating.choices, blank=True)
    before_predikat = models.CharField(max_length=20, choices=Predikat.choices, blank=True)
    before_nine_box = models.PositiveSmallIntegerField(null=True)
    before_reason = models.TextField(blank=True)  # the supervisor's justification
    after_perilaku = models.CharField(max_length=20, choices=WorkResult.Rating.choices)
    after_predikat = models.CharField(max_length=20, choices=Predikat.choices, blank=True)
    after_nine_box = models.PositiveSmallIntegerField(null=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["version"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "employee", "version"], name="one_result_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} @ {self.cycle_id} v{self.version}"


class ObjectionReminder(models.Model):
    """One reminder to the official for one objection at one threshold (days before the
    deadline): never more."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="reminders")
    threshold = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()
    sent = models.BooleanField(default=True)  # False: passed while a nearer one was sent

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["objection", "threshold"], name="one_objection_reminder_per_threshold"
            )
        ]

    def __str__(self) -> str:
        return f"{self.objection_id} −{self.threshold}"
