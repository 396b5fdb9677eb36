"""API: the talent views for the HR admin and the leadership — a final cycle's 9-box counts, the
employees of one box (or of the succession pool) with the recommended follow-up, and the ranked
candidates for a target position. Another agency's cycle, unit or position is 404."""

# No `from __future__ import annotations` here: @paginate re-reads the wrapped view's annotations
# in ninja's own namespace (see organisation.py).

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from kinerja.assessment.models import Cycle
from kinerja.core import permissions
from kinerja.core.errors import KinerjaError, NotFound
from kinerja.core.tenancy import get_for_agency
from kinerja.organisation.models import OrgUnit, Position
from kinerja.results.models import EmployeeResult
from kinerja.scoring.talent import BOXES, SUCCESSION_POOL
from kinerja.talent import selectors
from kinerja.talent.candidates import describe_candidates, follow_up

from .common import Pages, require
from .results import ResultPersonOut
from .urls import api

router = Router(tags=["talenta"])


class BoxOut(Schema):
    box: int
    kinerja: str
    potensial: str
    count: int
    follow_up_code: str
    follow_up: str


class NineBoxOut(Schema):
    cycle_id: int
    cycle: str
    total: int
    without_box: int
    succession_pool: int
    boxes: list[BoxOut]


class MemberOut(ResultPersonOut):
    position_type: str = Field(alias="position.position_type")
    follow_up: str
    borderline: bool  # the JPM's 95 % interval reaches another category: the box is not sure

    @staticmethod
    def resolve_follow_up(obj: EmployeeResult) -> str:
        return follow_up(obj.nine_box)

    @staticmethod
    def resolve_borderline(obj: EmployeeResult) -> bool:
        return obj.nine_box_borderline(obj.cycle.jpm_categories)


class GapOut(Schema):
    competency: str
    name: str
    score: float | None
    required: int


class TrainingsForGapOut(Schema):
    name: str  # the competency's name
    trainings: list[str]


class CandidateOut(Schema):
    rank: int  # 1 + candidates surely above (95 % intervals apart): shared within uncertainty
    tied: bool  # shares its rank with another candidate
    employee_id: int
    nip: str
    name: str
    position: str
    grade: str
    predikat: str
    jpm: float | None
    jpm_se: float | None  # the 95 % interval is jpm ± 1.96 · jpm_se
    readiness: str | None
    readiness_label: str
    eligible: bool
    ineligible: list[str]
    gaps: list[GapOut]
    trainings: list[TrainingsForGapOut]


# --- helpers -----------------------------------------------------------------------------------


def _final_cycle(request: HttpRequest, cycle_id: int) -> Cycle:
    agency = require(request, permissions.can_view_talent)
    return get_for_agency(
        Cycle.objects.filter(status=Cycle.Status.FINAL).select_related("agency"),
        agency,
        pk=cycle_id,
    )


def _rows(cycle: Cycle, unit: int | None, position_type: str) -> QuerySet[EmployeeResult]:
    if unit is not None:
        get_for_agency(OrgUnit, cycle.agency, pk=unit)
    if position_type and position_type not in Position.Type.values:
        raise KinerjaError("invalid", "position_type tidak dikenal.")
    return selectors.board_results(cycle=cycle, unit_id=unit, position_type=position_type)


# --- endpoints ---------------------------------------------------------------------------------


@router.get("/talent/cycles/{int:cycle_id}/nine-box", response=NineBoxOut)
def nine_box(request: HttpRequest, cycle_id: int, unit: int | None = None, position_type: str = ""):
    """The count of each box of a final cycle (and of those without a box); `unit` includes its
    sub-units."""
    cycle = _final_cycle(request, cycle_id)
    counts = selectors.box_counts(_rows(cycle, unit, position_type))
    return {
        "cycle_id": cycle.pk,
        "cycle": cycle.name,
        "total": sum(counts.values()),
        "without_box": counts[None],
        "succession_pool": sum(counts[b] for b in SUCCESSION_POOL),
        "boxes": [
            {
                "box": box,
                "kinerja": kinerja,
                "potensial": potensial,
                "count": counts[box],
                "follow_up_code": selectors.FOLLOW_UP[box],
                "follow_up": follow_up(box),
            }
            for (kinerja, potensial), box in sorted(BOXES.items(), key=lambda kv: kv[1])
        ],
    }


@router.get("/talent/cycles/{int:cycle_id}/nine-box/{int:box}", response=list[MemberOut])
@paginate(Pages)
def box_members(
    request: HttpRequest, cycle_id: int, box: int, unit: int | None = None, position_type: str = ""
):
    """The employees of one box (1–9), 50 a page, with the recommended follow-up."""
    cycle = _final_cycle(request, cycle_id)
    if not 1 <= box <= 9:
        raise NotFound("Kotak tidak ditemukan.")
    return _rows(cycle, unit, position_type).filter(nine_box=box)


@router.get("/talent/cycles/{int:cycle_id}/succession-pool", response=list[MemberOut])
@paginate(Pages)
def succession_pool(
    request: HttpRequest, cycle_id: int, unit: int | None = None, position_type: str = ""
):
    """The kelompok rencana suksesi: boxes 7–9, highest box first."""
    cycle = _final_cycle(request, cycle_id)
    return selectors.succession_pool(_rows(cycle, unit, position_type)).order_by(
        "-nine_box", "employee__name", "employee_id"
    )


@router.get("/talent/candidates", response=list[CandidateOut])
@paginate(Pages)
def candidates(request: HttpRequest, position: int, eligible_only: bool = True):
    """Every employee with a result in the latest final cycle ranked by JPM against the target
    position's standard, with readiness, gaps, the training that closes them and eligibility.
    `eligible_only=false` lists the ineligible too (each says why); ranks are over everyone."""
    agency = require(request, permissions.can_view_talent)
    target = get_for_agency(Position, agency, pk=position)
    ranked = selectors.numbered(selectors.candidates_for(agency=agency, target=target))
    if eligible_only:
        ranked = [(n, row) for n, row in ranked if row.ranked.eligible]
    return _LazyCandidates(ranked, agency)


class _LazyCandidates:
    """Describes (gaps, training) only the candidates of the requested page."""

    def __init__(self, ranked: list, agency: Any) -> None:
        self.ranked, self.agency = ranked, agency

    def __len__(self) -> int:
        return len(self.ranked)

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        lines = describe_candidates(self.ranked[index], agency=self.agency)
        return [
            {
                "rank": line.rank,
                "tied": line.tied,
                "employee_id": line.result.employee_id,
                "nip": line.result.employee.nip,
                "name": line.result.employee.name,
                "position": line.result.employee.position.name,
                "grade": line.result.employee.grade,
                "predikat": line.result.predikat,
                "jpm": line.jpm,
                "jpm_se": line.jpm_se,
                "readiness": line.row.ranked.readiness,
                "readiness_label": line.readiness_label,
                "eligible": line.eligible,
                "ineligible": list(line.row.ranked.ineligible),
                "gaps": [
                    {
                        "competency": g.competency,
                        "name": g.name,
                        "score": g.score,
                        "required": g.required,
                    }
                    for g in line.gaps
                ],
                "trainings": [
                    {"name": name, "trainings": options} for name, options in line.trainings
                ],
            }
            for line in lines
        ]


api.add_router("/v1/", router)
