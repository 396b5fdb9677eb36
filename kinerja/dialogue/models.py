"""Dialog kinerja: the supervisor's recorded feedback conversation with a team member about one
cycle's results, its agreed actions (each may point at a development plan item), and the
employee's confirmation or comment. Per cycle: whether HR and leadership may read the content."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinerja.assessment.models import Cycle
from kinerja.core.models import Agency
from kinerja.development.models import PlanItem
from kinerja.organisation.models import Employee


class DialogueSettings(models.Model):
    """Per-cycle settings; a cycle without a row uses the defaults (content hidden)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="dialogue_settings")
    content_visible = models.BooleanField(
        _("isi dialog terlihat oleh kepegawaian dan pimpinan"), default=False
    )

    class Meta:
        verbose_name = _("pengaturan dialog kinerja")
        verbose_name_plural = _("pengaturan dialog kinerja")

    def __str__(self) -> str:
        return f"{self.cycle_id}: {self.content_visible}"


class Dialogue(models.Model):
    """One dialog kinerja of one employee in one cycle: dijadwalkan → dicatat → dikonfirmasi
    (or ditanggapi, when the employee adds a comment)."""

    class Status(models.TextChoices):
        SCHEDULED = "dijadwalkan", _("Dijadwalkan")
        RECORDED = "dicatat", _("Dicatat")
        CONFIRMED = "dikonfirmasi", _("Dikonfirmasi pegawai")
        RESPONDED = "ditanggapi", _("Ditanggapi pegawai")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="dialogues")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="dialogues")
    # Who holds it: the employee's supervisor when it was scheduled.
    supervisor = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, related_name="dialogues_held"
    )
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.SCHEDULED)
    scheduled_for = models.DateField(_("tanggal dijadwalkan"))
    held_on = models.DateField(_("tanggal pelaksanaan"), null=True, blank=True)
    went_well = models.TextField(_("yang sudah berjalan baik"), blank=True)
    to_develop = models.TextField(_("yang perlu dikembangkan"), blank=True)
    employee_comment = models.TextField(_("tanggapan pegawai"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dialog kinerja")
        verbose_name_plural = _("dialog kinerja")
        ordering = ["-scheduled_for", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "employee"], name="one_dialogue_per_cycle"),
            models.CheckConstraint(
                condition=Q(status="dijadwalkan") | Q(held_on__isnull=False),
                name="dialogue_recorded_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} @ {self.cycle_id}: {self.status}"

    @property
    def is_recorded(self) -> bool:
        return self.status != self.Status.SCHEDULED

    @property
    def is_answered(self) -> bool:
        return self.status in (self.Status.CONFIRMED, self.Status.RESPONDED)


class AgreedAction(models.Model):
    """A tindak lanjut agreed in the dialogue, with its due date and optionally the plan item
    of the employee's development plan that carries it out."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("tindak lanjut"), max_length=300)
    due_date = models.DateField(_("batas waktu"))
    plan_item = models.ForeignKey(
        PlanItem,
        verbose_name=_("kegiatan rencana pengembangan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("tindak lanjut")
        verbose_name_plural = _("tindak lanjut")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.description
