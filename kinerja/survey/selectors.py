"""Every read of the acceptance survey: is it open, who takes part, the caller's open surveys,
the frozen figures of closed surveys and their trend across cycles. Never a response by person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from kinerja.assessment.models import Cycle, RaterAssignment
from kinerja.core.models import Agency
from kinerja.organisation.models import Employee
from kinerja.results.models import CycleResult, EmployeeResult

from .models import Survey, SurveyParticipation


def is_open(cycle: Cycle) -> bool:
    """Open from the moment the cycle's results are final (until HR closes it)."""
    return (
        cycle.status == Cycle.Status.FINAL
        or CycleResult.objects.filter(cycle=cycle, status=CycleResult.Status.FINAL).exists()
    )


def survey_of(cycle: Cycle) -> Survey:
    """The cycle's survey, or an unsaved one with the default questions."""
    return Survey.objects.filter(cycle=cycle).first() or Survey(
        agency_id=cycle.agency_id, cycle=cycle
    )


def is_participant(*, cycle: Cycle, employee: Employee) -> bool:
    """Rated in the cycle (a result, or a form about them) or rated someone."""
    return (
        EmployeeResult.objects.filter(cycle=cycle, employee=employee).exists()
        or RaterAssignment.objects.filter(cycle=cycle)
        .filter(Q(rater=employee) | Q(ratee=employee))
        .exists()
    )


def unit_of(*, cycle: Cycle, employee: Employee) -> int:
    """The unit the response counts for: where the result placed them, else their unit now."""
    unit = (
        EmployeeResult.objects.filter(cycle=cycle, employee=employee)
        .values_list("unit_id", flat=True)
        .first()
    )
    return unit or employee.unit_id


def has_answered(*, cycle: Cycle, employee: Employee) -> bool:
    return SurveyParticipation.objects.filter(cycle=cycle, employee=employee).exists()


def open_surveys_for(*, employee: Employee) -> list[tuple[Cycle, Survey]]:
    """The surveys this employee may still answer (open, not answered, taking part): a few
    queries whatever the number of cycles."""
    final = Q(status=Cycle.Status.FINAL) | Q(result__status=CycleResult.Status.FINAL)
    took_part = (
        Exists(EmployeeResult.objects.filter(cycle=OuterRef("pk"), employee=employee))
        | Exists(RaterAssignment.objects.filter(cycle=OuterRef("pk"), rater=employee))
        | Exists(RaterAssignment.objects.filter(cycle=OuterRef("pk"), ratee=employee))
    )
    answered = Exists(SurveyParticipation.objects.filter(cycle=OuterRef("pk"), employee=employee))
    cycles = list(
        Cycle.objects.filter(agency_id=employee.agency_id)
        .filter(final)
        .filter(took_part)
        .exclude(answered)
        .exclude(acceptance_survey__closed_at__isnull=False)
        .order_by("-period_end", "-id")
        .distinct()
    )
    surveys = {s.cycle_id: s for s in Survey.objects.filter(cycle__in=cycles)}
    out = []
    for cycle in cycles:
        survey = surveys.get(cycle.pk) or Survey(agency_id=cycle.agency_id, cycle=cycle)
        if not survey.past_last_day:
            out.append((cycle, survey))
    return out


@dataclass
class SurveyRow:
    cycle: Cycle
    survey: Survey
    open: bool
    participants: int  # how many have answered, agency-wide (never per unit while open)


def surveys_of(*, agency: Agency) -> list[SurveyRow]:
    """Each cycle of the agency with its survey's state (three queries)."""
    cycles = list(
        Cycle.objects.filter(agency=agency).select_related("result").order_by("-period_end", "-id")
    )
    surveys = {s.cycle_id: s for s in Survey.objects.filter(agency=agency)}
    counts = dict(
        SurveyParticipation.objects.filter(agency=agency)
        .values("cycle_id")
        .annotate(n=Count("id"))
        .values_list("cycle_id", "n")
    )
    rows = []
    for cycle in cycles:
        result = getattr(cycle, "result", None)
        final = cycle.status == Cycle.Status.FINAL or (
            result is not None and result.status == CycleResult.Status.FINAL
        )
        survey = surveys.get(cycle.pk) or Survey(agency_id=agency.pk, cycle=cycle)
        rows.append(SurveyRow(cycle, survey, final, counts.get(cycle.pk, 0)))
    return rows


def closed_surveys(*, agency: Agency) -> QuerySet[Survey]:
    return (
        Survey.objects.filter(agency=agency, closed_at__isnull=False)
        .select_related("cycle")
        .order_by("cycle__period_end", "cycle_id")
    )


def trend(*, agency: Agency) -> dict[str, Any]:
    """The published figures of every closed survey, by question key: overall and per group
    head, cycle after cycle (only the same key is compared; a cycle without it shows nothing)."""
    surveys = list(closed_surveys(agency=agency))
    keys: list[str] = []
    texts: dict[str, str] = {}
    for s in surveys:
        for q in s.release.get("questions", []):
            if q["key"] not in texts:
                keys.append(q["key"])
                texts[q["key"]] = q["text"]
    overall = {
        key: [((s.release.get("overall") or {}).get("means") or {}).get(key) for s in surveys]
        for key in keys
    }
    heads: dict[Any, str] = {}
    values: dict[Any, dict[str, list[float | None]]] = {}
    for i, s in enumerate(surveys):
        for g in s.release.get("groups", []):
            head = g["head"]
            heads.setdefault(head, g["label"])
            row = values.setdefault(head, {key: [None] * len(surveys) for key in keys})
            for key, mean in g["means"].items():
                if key in row:
                    row[key][i] = mean
    return {
        "cycles": [s.cycle for s in surveys],
        "overall": [(key, texts[key], overall[key]) for key in keys],
        "units": [
            (heads[head], [(key, texts[key], values[head][key]) for key in keys])
            for head in sorted(heads, key=lambda h: heads[h])
        ],
    }
