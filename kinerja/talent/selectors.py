"""The talent views over final results: the 9-box board, the succession pool and the ranked
candidates for a target position (PermenPANRB 3/2020)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
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
    rows = EmployeeResult.objects.filter(cycle=cycle).select_related(
        "employee", "unit", "position", "cycle"
    )
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


@dataclass
class CandidateRow:
    ranked: RankedCandidate
    cycle_id: int
    # The stored result with employee, position and unit: loaded only for the rows shown or
    # exported (attach_results), since ranking 100,000 people needs just their scores.
    result: EmployeeResult | None = None


def candidates_for(*, agency: Agency, target: Position) -> list[CandidateRow]:
    """Every employee with a result in the agency's latest final cycle, ranked by JPM against the
    target position's standard, with readiness, gaps and eligibility (minimum golongan on the
    position, predikat Baik or better, not already at or above the position's level). The rows
    come without their EmployeeResult: call attach_results on the ones to show."""
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
    rows = (
        EmployeeResult.objects.filter(cycle=cycle)
        .exclude(employee__position=target)
        .values_list(
            "employee_id",
            "predikat",
            "items",
            "employee__grade",
            "employee__position__position_type",
        )
    )
    candidates = [
        Candidate(
            key=employee_id,
            grade_rank=GRADE_RANK.get(grade),
            position_level=POSITION_LEVEL.get(position_type, 0),
            predikat=predikat or None,
            scores={code: item.get("score") for code, item in items.items() if code in standard},
            errors={code: item.get("se") for code, item in items.items() if code in standard},
        )
        for employee_id, predikat, items, grade, position_type in rows.iterator(chunk_size=5000)
    ]
    ranked = rank_candidates(
        candidates,
        standard,
        target_level=POSITION_LEVEL.get(target.position_type, 0),
        min_grade_rank=GRADE_RANK.get(target.min_grade) if target.min_grade else None,
    )
    return [CandidateRow(r, cycle.pk) for r in ranked]


def numbered(rows: list[CandidateRow]) -> list[tuple[int, CandidateRow]]:
    """(rank, row) for each row: ranks shared within uncertainty (talent.ranking)."""
    return [(row.ranked.rank, row) for row in rows]


ATTACH_CHUNK = 2_000  # ids per query: SQLite caps the variables of one statement


def attach_results(rows: Iterable[CandidateRow]) -> None:
    """Loads the stored result (employee, position, unit) of each row that has none yet."""
    missing = [row for row in rows if row.result is None]
    for start in range(0, len(missing), ATTACH_CHUNK):
        chunk = missing[start : start + ATTACH_CHUNK]
        found = {
            r.employee_id: r
            for r in EmployeeResult.objects.filter(
                cycle_id=chunk[0].cycle_id,
                employee_id__in=[int(row.ranked.candidate.key) for row in chunk],
            ).select_related("employee__position", "position", "unit")
        }
        for row in chunk:
            row.result = found[int(row.ranked.candidate.key)]
