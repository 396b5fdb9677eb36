"""The talent views over final results: the 9-box board, the succession pool and the ranked
candidates for a target position (PermenPANRB 3/2020)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet

from kinerja.assessment.models import Cycle
from kinerja.competencies.models import PositionStandard
from kinerja.core.models import Agency
from kinerja.organisation.grades import PNS_GRADES
from kinerja.organisation.models import POSITION_LEVEL, Position
from kinerja.organisation.selectors import unit_descendant_ids
from kinerja.results.models import EmployeeResult
from kinerja.scoring.talent import SUCCESSION_POOL

from .ranking import Candidate, RankedCandidate, rank_candidates

# Golongan order for the minimum-golongan filter: PNS grades only (a PPPK grade has no place in
# it, so a position with a minimum golongan lists PPPK employees as not eligible).
GRADE_RANK = {code: rank for rank, (code, _name) in enumerate(PNS_GRADES)}

# DOMAIN.md §7: the recommended follow-up for each box.
FOLLOW_UP = {
    9: "promote_retain",
    8: "retain_rotate",
    7: "retain_enrich",
    6: "placement_coaching",
    5: "placement_development",
    4: "rotation_development",
    3: "coaching_counselling",
    2: "coaching_development",
    1: "discipline",
}


def final_cycles(*, agency: Agency) -> QuerySet[Cycle]:
    return Cycle.objects.filter(agency=agency, status=Cycle.Status.FINAL).order_by(
        "-period_end", "-id"
    )


def board_results(
    *, cycle: Cycle, unit_id: int | None = None, position_type: str = ""
) -> QuerySet[EmployeeResult]:
    rows = EmployeeResult.objects.filter(cycle=cycle).select_related("employee", "unit", "position")
    if unit_id is not None:
        rows = rows.filter(unit_id__in=unit_descendant_ids(agency=cycle.agency, unit_id=unit_id))
    if position_type:
        rows = rows.filter(position__position_type=position_type)
    return rows.order_by("employee__name", "employee_id")


def box_counts(rows: QuerySet[EmployeeResult]) -> dict[int | None, int]:
    counts: Counter = Counter(rows.values_list("nine_box", flat=True))
    return {box: counts.get(box, 0) for box in [*range(1, 10), None]}


def succession_pool(rows: QuerySet[EmployeeResult]) -> QuerySet[EmployeeResult]:
    return rows.filter(nine_box__in=SUCCESSION_POOL)


@dataclass(frozen=True)
class CandidateRow:
    ranked: RankedCandidate
    result: EmployeeResult


def candidates_for(*, agency: Agency, target: Position) -> list[CandidateRow]:
    """Every employee with a result in the agency's latest final cycle, ranked by JPM against the
    target position's standard, with readiness, gaps and eligibility (minimum golongan on the
    position, predikat Baik or better, not already at or above the position's level)."""
    cycle = final_cycles(agency=agency).first()
    if cycle is None:
        return []
    standard = dict(
        PositionStandard.objects.filter(position=target).values_list(
            "competency__code", "required_level"
        )
    )
    if not standard:
        return []
    results = {
        r.employee_id: r
        for r in EmployeeResult.objects.filter(cycle=cycle)
        .exclude(employee__position=target)
        .select_related("employee__position", "position", "unit")
    }
    candidates = [
        Candidate(
            key=r.employee_id,
            grade_rank=GRADE_RANK.get(r.employee.grade),
            position_level=POSITION_LEVEL.get(r.employee.position.position_type, 0),
            predikat=r.predikat or None,
            scores={code: item.get("score") for code, item in r.items.items()},
        )
        for r in results.values()
    ]
    ranked = rank_candidates(
        candidates,
        standard,
        target_level=POSITION_LEVEL.get(target.position_type, 0),
        min_grade_rank=GRADE_RANK.get(target.min_grade) if target.min_grade else None,
    )
    return [CandidateRow(r, results[int(r.candidate.key)]) for r in ranked]
