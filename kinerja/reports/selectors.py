"""Every read a PDF report needs, built from the stored results exactly as the pages build them
(the result page's own ResultPage, the talent board's counts, the candidates' ranking): a report
never re-derives a number, and shows only what the page it prints shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.assessment.models import Cycle
from kinerja.core.models import Agency
from kinerja.development import selectors as development
from kinerja.development.models import DevelopmentPlan, PlanItem, Training
from kinerja.development.recommend import Recommendation, gaps_from_items, recommend
from kinerja.development.services import known_competencies
from kinerja.organisation.models import Employee, OrgUnit
from kinerja.organisation.selectors import unit_descendant_ids
from kinerja.results import selectors as results
from kinerja.results.explain import AXIS_LABELS
from kinerja.results.models import CycleResult, EmployeeResult, PerilakuDecision
from kinerja.results.views_me import ResultPage, result_page
from kinerja.scoring.talent import BOXES, SUCCESSION_POOL
from kinerja.talent import selectors as talent
from kinerja.talent.candidates import CandidateLine, describe_candidates, follow_up

METHOD_LABELS = dict(Training.Method.choices)
# The board as the talent page draws it (DOMAIN.md §7): kinerja rows top to bottom, potensial
# columns left to right.
KINERJA_ROWS = ("di_atas", "sesuai", "di_bawah")
POTENSIAL_COLUMNS = ("rendah", "menengah", "tinggi")
AXES_OF_BOX = {box: axes for axes, box in BOXES.items()}


def box_title(box: int) -> str:
    kinerja, potensial = AXES_OF_BOX[box]
    return _("Kotak %(box)d: kinerja %(kinerja)s, potensial %(potensial)s") % {
        "box": box,
        "kinerja": AXIS_LABELS[kinerja],
        "potensial": AXIS_LABELS[potensial],
    }


# --- one employee's result -----------------------------------------------------------------------


@dataclass
class ResultReport:
    """An employee's result page plus their development: what the individual PDF prints."""

    cycle: Cycle
    employee: Employee
    page: ResultPage
    recommendations: list[Recommendation]
    plan_year: int
    plan: DevelopmentPlan | None
    plan_items: list[PlanItem]
    jp: development.JpProgress
    scoring_version: str = ""

    @property
    def result(self) -> EmployeeResult:
        return self.page.result

    @property
    def filename(self) -> str:
        return f"laporan-{self.employee.nip}-siklus-{self.cycle.pk}.pdf"

    def method_label(self, method: str) -> str:
        return str(METHOD_LABELS.get(method, method))


def result_page_of(
    *, cycle: Cycle, result: EmployeeResult, stored: CycleResult | None
) -> ResultPage:
    """The result page of one stored row with its cycle's stored policy and σ (as Hasil saya)."""
    decision = PerilakuDecision.objects.filter(cycle=cycle, employee_id=result.employee_id).first()
    return result_page(
        result=result,
        cycle=cycle,
        policy=dict(stored.policy) if stored else {},
        decision=decision,
        sigma=((stored.summary or {}).get("reliability") or {}).get("sigma") if stored else None,
    )


@dataclass
class ReportShared:
    """What every report of one cycle shares: its stored results row (policy, σ, version), the
    competency names and the active catalog. Read once for a ZIP, not once per employee."""

    stored: CycleResult | None
    names: dict[str, str]
    catalog: list[Any]


def report_shared(*, cycle: Cycle) -> ReportShared:
    return ReportShared(
        stored=results.cycle_result(cycle=cycle),
        names=known_competencies(cycle.agency),
        catalog=development.options(agency=cycle.agency),
    )


def result_report(
    *,
    cycle: Cycle,
    employee: Employee,
    year: int | None = None,
    result: EmployeeResult | None = None,
    shared: ReportShared | None = None,
) -> ResultReport | None:
    """The report of the employee's stored result in the cycle (None: not computed). The
    recommended training closes this result's gaps; the plan is the one of `year` (the year
    of printing by default), with its JP against the 20 JP a year. A batch passes the `result`
    row it already has and the cycle's `shared` reads."""
    if result is None:
        result = results.employee_result(cycle=cycle, employee=employee)
    if result is None:
        return None
    shared = shared or report_shared(cycle=cycle)
    stored = shared.stored
    page = result_page_of(cycle=cycle, result=result, stored=stored)
    recs = recommend(gaps_from_items(result.items, shared.names), shared.catalog)
    year = year or timezone.localdate().year
    plan = development.plan_of(employee=employee, year=year)
    return ResultReport(
        cycle=cycle,
        employee=employee,
        page=page,
        recommendations=recs,
        plan_year=year,
        plan=plan,
        plan_items=list(development.plan_items(plan)) if plan else [],
        jp=development.jp_progress(plan) if plan else development.JpProgress(0, 0),
        scoring_version=stored.scoring_version if stored else "",
    )


# --- batches ------------------------------------------------------------------------------------


def batch_results(
    *, cycle: Cycle, scope: str, unit_id: int | None = None, supervisor: Employee | None = None
) -> QuerySet[EmployeeResult]:
    """The stored results a ZIP of reports holds: a supervisor's direct reports ("tim"), a unit
    with its sub-units ("unit"), or the whole agency ("instansi"); by name."""
    rows = results.results_of_cycle(cycle=cycle).select_related("employee__agency")
    if scope == "tim":
        assert supervisor is not None
        return rows.filter(employee__supervisor=supervisor)
    if scope == "unit":
        assert unit_id is not None
        return rows.filter(unit_id__in=unit_descendant_ids(agency=cycle.agency, unit_id=unit_id))
    return rows


def unit_of(*, agency: Agency, unit_id: int) -> OrgUnit | None:
    return OrgUnit.objects.filter(agency=agency, pk=unit_id).first()


# --- the talent board and the candidates ----------------------------------------------------------


@dataclass
class BoardCell:
    box: int
    count: int
    title: str
    follow_up: str

    @property
    def in_pool(self) -> bool:
        return self.box in SUCCESSION_POOL


@dataclass
class BoardReport:
    cycle: Cycle
    unit: OrgUnit | None
    position_type: str
    grid: list[tuple[str, list[BoardCell]]]
    columns: list[str]
    boxes: list[tuple[BoardCell, list[tuple[EmployeeResult, bool]]]]  # (box, [(row, borderline)])
    total: int
    without_box: int
    pool_count: int = 0
    position_type_label: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def board_report(*, cycle: Cycle, unit_id: int | None, position_type: str) -> BoardReport:
    """The 9-box board of a final cycle as the talent page counts it, and each box's employees
    (box 9 first) with the recommended follow-up: what a Baperjakat meeting reads."""
    rows = talent.board_results(cycle=cycle, unit_id=unit_id, position_type=position_type)
    counts = talent.box_counts(rows)
    cells = {
        box: BoardCell(box, counts[box], box_title(box), follow_up(box)) for box in BOXES.values()
    }
    grid = [
        (
            str(AXIS_LABELS[kinerja]),
            [cells[BOXES[(kinerja, potensial)]] for potensial in POTENSIAL_COLUMNS],
        )
        for kinerja in KINERJA_ROWS
    ]
    members: dict[int, list[tuple[EmployeeResult, bool]]] = {box: [] for box in cells}
    for row in rows.filter(nine_box__isnull=False).order_by("employee__name", "employee_id"):
        if row.nine_box in members:
            members[row.nine_box].append((row, row.nine_box_borderline(cycle.jpm_categories)))
    return BoardReport(
        cycle=cycle,
        unit=OrgUnit.objects.filter(agency=cycle.agency, pk=unit_id).first() if unit_id else None,
        position_type=position_type,
        grid=grid,
        columns=[str(AXIS_LABELS[p]) for p in POTENSIAL_COLUMNS],
        boxes=[(cells[box], members[box]) for box in sorted(cells, reverse=True) if members[box]],
        total=sum(counts.values()),
        without_box=counts[None],
        pool_count=sum(counts[b] for b in SUCCESSION_POOL),
    )


def candidate_lines(*, agency: Agency, target: Any) -> list[CandidateLine]:
    """Every ranked candidate for the target position, as the candidates page and its XLSX."""
    ranked = talent.candidates_for(agency=agency, target=target)
    return describe_candidates(talent.numbered(ranked), agency=agency)
