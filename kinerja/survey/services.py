"""Every write of the acceptance survey: HR edits the questions (before it opens), a
participant answers once (the anonymous response and the separate participation row in one
transaction), HR closes it, which freezes the published figures."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.assessment.models import Cycle
from kinerja.core.audit import audit_record
from kinerja.core.errors import KinerjaError
from kinerja.organisation.models import Employee, OrgUnit

from . import selectors
from .anonymity import publishable_groups
from .models import (
    MAX_QUESTIONS,
    MIN_QUESTIONS,
    Survey,
    SurveyParticipation,
    SurveyResponse,
)

KEY = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
MAX_FREE_TEXT = 2000


def _survey_row(cycle: Cycle) -> Survey:
    survey, _created = Survey.objects.select_for_update().get_or_create(
        cycle=cycle, defaults={"agency_id": cycle.agency_id}
    )
    return survey


def clean_questions(questions: list[Any]) -> list[dict[str, str]]:
    if not isinstance(questions, list) or not MIN_QUESTIONS <= len(questions) <= MAX_QUESTIONS:
        raise KinerjaError(
            "invalid",
            _("Survei berisi %(a)d sampai %(b)d pertanyaan.")
            % {"a": MIN_QUESTIONS, "b": MAX_QUESTIONS},
        )
    out, keys = [], set()
    for n, question in enumerate(questions, start=1):
        key = str((question or {}).get("key", "")).strip().lower()
        text = str((question or {}).get("text", "")).strip()
        if not KEY.match(key):
            raise KinerjaError(
                "invalid",
                _(
                    "Pertanyaan %(n)d: kunci hanya huruf kecil, angka dan garis bawah, diawali "
                    "huruf (mis. adil)."
                )
                % {"n": n},
            )
        if key in keys:
            raise KinerjaError(
                "invalid", _("Kunci pertanyaan %(k)s dipakai dua kali.") % {"k": key}
            )
        if not text or len(text) > 300:
            raise KinerjaError(
                "invalid",
                _("Pertanyaan %(n)d: tuliskan pertanyaan (paling panjang 300 karakter).")
                % {"n": n},
            )
        keys.add(key)
        out.append({"key": key, "text": text})
    return out


@transaction.atomic
def survey_questions_save(
    *,
    cycle: Cycle,
    questions: list[Any],
    free_text_prompt: str,
    closes_on: dt.date | None,
    acting_user: Any,
) -> Survey:
    """HR edits the questions, the free-text prompt and the last day, until the survey opens
    (the cycle's results are final): every participant must answer the same questions."""
    survey = _survey_row(cycle)
    if selectors.is_open(cycle) or survey.is_closed:
        raise KinerjaError(
            "survey_open",
            _("Survei sudah dibuka (hasil siklus final); pertanyaannya tidak dapat diubah lagi."),
        )
    cleaned = clean_questions(questions)
    prompt = free_text_prompt.strip()
    if not prompt or len(prompt) > 300:
        raise KinerjaError(
            "invalid", _("Tuliskan pertanyaan terbuka (paling panjang 300 karakter).")
        )
    if closes_on is not None and closes_on < cycle.period_start:
        raise KinerjaError("invalid", _("Tanggal terakhir diisi sebelum awal periode siklus."))
    before = {"questions": survey.questions, "prompt": survey.free_text_prompt}
    survey.questions, survey.free_text_prompt, survey.closes_on = cleaned, prompt, closes_on
    survey.save(update_fields=["questions", "free_text_prompt", "closes_on"])
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action="survey.questions",
        obj=survey,
        summary=f"{cycle.name}: {len(cleaned)} pertanyaan",
        before=before,
        after={"questions": cleaned, "prompt": prompt, "closes_on": closes_on},
    )
    return survey


@transaction.atomic
def survey_answer(
    *,
    cycle: Cycle,
    employee: Employee,
    answers: dict[str, Any],
    free_text: str,
    acting_user: Any,
) -> None:
    """One anonymous response and, apart from it, the note that this employee has answered.
    Returns nothing: not even the caller learns the response's key."""
    if employee.agency_id != cycle.agency_id or not selectors.is_participant(
        cycle=cycle, employee=employee
    ):
        raise KinerjaError("not_found", _("Data tidak ditemukan."), status=404)
    survey = _survey_row(cycle)
    if not selectors.is_open(cycle) or survey.is_closed or survey.past_last_day:
        raise KinerjaError("survey_closed", _("Survei ini tidak sedang dibuka."))
    if SurveyParticipation.objects.filter(cycle=cycle, employee=employee).exists():
        raise KinerjaError("already_answered", _("Anda sudah mengisi survei ini. Terima kasih."))
    keys = [q["key"] for q in survey.questions]
    if not isinstance(answers, dict) or set(answers) != set(keys):
        raise KinerjaError("invalid", _("Jawab setiap pertanyaan dengan skala 1 sampai 5."))
    clean: dict[str, int] = {}
    for key in keys:
        value = answers[key]
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise KinerjaError("invalid", _("Jawab setiap pertanyaan dengan skala 1 sampai 5."))
        clean[key] = value
    text = (free_text or "").strip()
    if len(text) > MAX_FREE_TEXT:
        raise KinerjaError(
            "invalid", _("Jawaban terbuka paling panjang %(n)d karakter.") % {"n": MAX_FREE_TEXT}
        )
    try:
        with transaction.atomic():
            participation = SurveyParticipation.objects.create(
                agency_id=cycle.agency_id, cycle=cycle, employee=employee
            )
    except IntegrityError as exc:  # a second tab sent the same survey at the same moment
        raise KinerjaError(
            "already_answered", _("Anda sudah mengisi survei ini. Terima kasih.")
        ) from exc
    SurveyResponse.objects.create(
        agency_id=cycle.agency_id,
        cycle=cycle,
        unit_id=selectors.unit_of(cycle=cycle, employee=employee),
        answers=clean,
        free_text=text,
    )
    # The audit says who took part, never what they answered nor which response is theirs.
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action="survey.participate",
        obj=participation,
        summary=cycle.name,
    )


def _mean(total: int, n: int) -> float:
    return float((Decimal(total) / Decimal(n)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def build_release(*, cycle: Cycle, questions: list[dict[str, str]]) -> dict[str, Any]:
    """The published figures from the stored responses: the groups of publishable_groups, their
    means per question, their free texts pooled and shuffled."""
    k = cycle.anonymity_threshold
    keys = [q["key"] for q in questions]
    responses = list(
        SurveyResponse.objects.filter(cycle=cycle).values_list("unit_id", "answers", "free_text")
    )
    counts: dict[int, int] = defaultdict(int)
    for unit_id, _a, _t in responses:
        counts[unit_id or 0] += 1
    units = {
        u.pk: u for u in OrgUnit.objects.filter(agency_id=cycle.agency_id).only("name", "parent")
    }
    parents: dict[int, int | None] = {pk: u.parent_id for u in units.values() for pk in [u.pk]}
    groups = publishable_groups(parents=parents, counts=dict(counts), k=k)
    member_of = {unit: g for g in groups for unit in g.members}
    sums: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    texts: dict[Any, list[str]] = defaultdict(list)
    for unit_id, answers, text in responses:
        group = member_of.get(unit_id or 0)
        if group is None:
            continue
        for key in keys:
            sums[group.head][key] += int(answers.get(key, 0))
        if text:
            texts[group.head].append(text)
    shuffle = random.SystemRandom().shuffle
    out_groups = []
    for g in groups:
        pooled = texts[g.head]
        shuffle(pooled)
        names = sorted(units[m].name for m in g.members if m in units and m != g.head)
        out_groups.append(
            {
                "head": g.head,
                "label": units[g.head].name if g.head in units else str(_("Unit lain (gabungan)")),
                "merged": names,
                "n": g.n,
                "means": {key: _mean(sums[g.head][key], g.n) for key in keys},
                "texts": pooled,
            }
        )
    total = sum(g.n for g in groups)
    overall = None
    if total:
        overall = {
            "n": total,
            "means": {key: _mean(sum(sums[g.head][key] for g in groups), total) for key in keys},
        }
    return {
        "threshold": k,
        "questions": questions,
        "groups": out_groups,
        "overall": overall,
    }


@transaction.atomic
def survey_close(*, cycle: Cycle, acting_user: Any) -> Survey:
    """Closes the survey and publishes its figures, once: no answer is taken afterwards and the
    figures are never recomputed (a later change of the unit tree cannot re-cut the groups)."""
    survey = _survey_row(cycle)
    if survey.is_closed:
        raise KinerjaError("survey_closed", _("Survei ini sudah ditutup."))
    if not selectors.is_open(cycle):
        raise KinerjaError("survey_not_open", _("Survei belum dibuka: hasil siklus belum final."))
    survey.release = build_release(cycle=cycle, questions=survey.questions)
    survey.closed_at = timezone.now()
    survey.save(update_fields=["release", "closed_at"])
    overall = survey.release["overall"]
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action="survey.close",
        obj=survey,
        summary=f"{cycle.name}: {overall['n'] if overall else 0} jawaban dipublikasikan",
        after={"groups": len(survey.release["groups"])},
    )
    return survey
