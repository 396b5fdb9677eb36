"""The acceptance survey (survei penerimaan) at the end of a cycle: its questions, the anonymous
responses and, apart from them, who has answered.

A response carries no person: no user, no employee, no timestamp, a random UUID key (so its key
says nothing about the order of answers), only the unit the per-unit figure needs. Who has
answered is a separate row (SurveyParticipation) written in the same transaction, with nothing
that links the two. Figures are published once, when HR closes the survey, and frozen
(`Survey.release`), see docs/scoring.md "Survei penerimaan"."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kinerja.assessment.models import Cycle
from kinerja.core.models import Agency
from kinerja.organisation.models import Employee, OrgUnit

MIN_QUESTIONS, MAX_QUESTIONS = 5, 8


def default_questions() -> list[dict[str, str]]:
    return [
        {"key": "tujuan", "text": str(_("Saya memahami tujuan penilaian 360° di siklus ini."))},
        {"key": "adil", "text": str(_("Menurut saya proses penilaian ini adil."))},
        {
            "key": "anonimitas",
            "text": str(_("Saya percaya jawaban saya sebagai penilai tetap anonim.")),
        },
        {"key": "umpan_balik", "text": str(_("Umpan balik yang saya terima bermanfaat."))},
        {
            "key": "pengembangan",
            "text": str(_("Hasil penilaian ini akan membantu pengembangan diri saya.")),
        },
        {"key": "beban", "text": str(_("Waktu yang saya perlukan untuk mengisi penilaian wajar."))},
    ]


def default_free_text_prompt() -> str:
    return str(_("Apa yang paling perlu diperbaiki pada penilaian berikutnya?"))


class Survey(models.Model):
    """One cycle's survey. A cycle without a row uses the default questions; the row is written
    when HR edits the questions, a participant answers, or HR closes the survey."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="acceptance_survey")
    questions = models.JSONField(default=default_questions)  # [{"key", "text"}], 5–8
    free_text_prompt = models.CharField(
        _("pertanyaan terbuka"), max_length=300, default=default_free_text_prompt
    )
    closes_on = models.DateField(_("terakhir diisi"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Frozen when closed: {"threshold", "questions", "respondents", "groups": [{"head", "label",
    # "members", "n", "means", "texts"}], "overall": {"n", "means"} | None}. Never recomputed.
    release = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("survei penerimaan")
        verbose_name_plural = _("survei penerimaan")

    def __str__(self) -> str:
        return f"{self.cycle_id}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def past_last_day(self) -> bool:
        return self.closes_on is not None and timezone.localdate() > self.closes_on


class SurveyResponse(models.Model):
    """One anonymous answer: the unit, the 1–5 answers, the free text. Nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(OrgUnit, on_delete=models.SET_NULL, null=True, related_name="+")
    answers = models.JSONField()  # {question key: 1..5}
    free_text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("jawaban survei")
        verbose_name_plural = _("jawaban survei")
        indexes = [models.Index(fields=["cycle", "unit"])]

    def __str__(self) -> str:
        return str(self.cycle_id)


class SurveyParticipation(models.Model):
    """Only that this employee has answered this cycle's survey (one answer each). No time, no
    link to the response."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("keikutsertaan survei")
        verbose_name_plural = _("keikutsertaan survei")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "employee"], name="one_survey_answer_each")
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} @ {self.cycle_id}"
