"""Every read of competency development: recommendations from the latest final results, plans
and JP progress, and the agency's training needs."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from kinerja.core.models import Agency
from kinerja.organisation.models import Employee
from kinerja.results.models import EmployeeResult
from kinerja.results.selectors import latest_final_results

from .models import MIN_JP_PER_YEAR, DevelopmentPlan, PlanItem, Realisation, Training
from .recommend import Recommendation, TrainingOption, gaps_from_items, recommend
from .services import known_competencies


def catalog(*, agency: Agency, active_only: bool = False) -> QuerySet[Training]:
    rows = Training.objects.filter(agency=agency)
    return rows.filter(is_active=True) if active_only else rows


def search_catalog(*, agency: Agency, q: str = "", method: str = "") -> QuerySet[Training]:
    rows = catalog(agency=agency)
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(provider__icontains=q))
    if method:
        rows = rows.filter(method=method)
    return rows


def options(*, agency: Agency) -> list[TrainingOption]:
    return [
        TrainingOption(
            key=t.pk,
            code=t.code,
            name=t.name,
            mode=t.mode,
            method=t.method,
            jp=t.jp,
            competencies=frozenset(t.competencies),
            level_min=t.level_min,
            level_max=t.level_max,
        )
        for t in catalog(agency=agency, active_only=True)
    ]


def latest_final_result(*, employee: Employee) -> EmployeeResult | None:
    return (
        EmployeeResult.objects.filter(employee=employee, cycle__status="final")
        .select_related("cycle")
        .order_by("-cycle__period_end", "-cycle_id")
        .first()
    )


def recommendations_for(
    *, employee: Employee
) -> tuple[EmployeeResult | None, list[Recommendation]]:
    """The employee's gaps in their latest final result, each with the catalog items that close it."""
    result = latest_final_result(employee=employee)
    if result is None:
        return None, []
    names = known_competencies(employee.agency)
    return result, recommend(gaps_from_items(result.items, names), options(agency=employee.agency))


@dataclass(frozen=True)
class JpProgress:
    completed: int
    planned: int
    minimum: int = MIN_JP_PER_YEAR

    @property
    def on_track(self) -> bool:
        return self.planned >= self.minimum

    @property
    def met(self) -> bool:
        return self.completed >= self.minimum

    def percent(self, value: int) -> int:
        scale = max(self.planned, self.completed, self.minimum)
        return round(100 * value / scale) if scale else 0


def jp_progress(plan: DevelopmentPlan) -> JpProgress:
    planned = plan.items.aggregate(n=Sum("jp_planned"))["n"] or 0
    completed = plan.realisations.aggregate(n=Sum("jp"))["n"] or 0
    return JpProgress(completed=completed, planned=planned)


def plans_to_decide(*, supervisor: Employee) -> QuerySet[DevelopmentPlan]:
    return (
        DevelopmentPlan.objects.filter(
            employee__supervisor=supervisor, status=DevelopmentPlan.Status.SUBMITTED
        )
        .select_related("employee")
        .order_by("submitted_at")
    )


@dataclass
class NeedsAnalysis:
    year: int
    employees: int  # with a final result
    by_competency: list[dict[str, Any]]  # competency, name, employees, by unit {unit: n}
    by_training: list[dict[str, Any]]  # training, employees
    units: list[str]
    plans_on_track: int  # plans of the year with ≥ 20 JP planned
    employees_total: int

    @property
    def share_on_track(self) -> float:
        return (
            round(100 * self.plans_on_track / self.employees_total, 2)
            if self.employees_total
            else 0.0
        )


def needs_analysis(*, agency: Agency, year: int) -> NeedsAnalysis:
    """How many employees need each competency and each catalog item (from the latest final
    cycle's gaps), by unit, and how many employees have planned at least 20 JP this year."""
    results = list(
        latest_final_results(agency=agency)
        .select_related(None)
        .select_related("unit")
        .only("employee_id", "unit__name", "items")
    )
    names = known_competencies(agency)
    catalog_options = options(agency=agency)
    need: dict[str, Counter] = defaultdict(Counter)
    per_training: Counter = Counter()
    for row in results:
        unit = row.unit.name
        gaps = gaps_from_items(row.items, names)
        for gap in gaps:
            need[gap.competency][unit] += 1
        serves = {
            option.key for rec in recommend(gaps, catalog_options) for option in rec.trainings
        }
        per_training.update(serves)  # once per employee, however many of their gaps it covers
    trainings = {t.pk: t for t in catalog(agency=agency)}
    planned = (
        DevelopmentPlan.objects.filter(agency=agency, year=year)
        .annotate(jp=Sum("items__jp_planned"))
        .filter(jp__gte=MIN_JP_PER_YEAR)
        .count()
    )
    return NeedsAnalysis(
        year=year,
        employees=len(results),
        by_competency=[
            {
                "competency": code,
                "name": names.get(code, code),
                "employees": sum(units.values()),
                "units": dict(units),
            }
            for code, units in sorted(need.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
        ],
        by_training=[
            {"training": trainings[key], "employees": n}
            for key, n in sorted(
                per_training.items(), key=lambda kv: (-kv[1], trainings[kv[0]].code)
            )
        ],
        units=sorted({row.unit.name for row in results}),
        plans_on_track=planned,
        employees_total=Employee.objects.filter(agency=agency, is_active=True).count(),
    )


# --- pages (issue 5 web UI) ----------------------------------------------------------------------


def plan_of(*, employee: Employee, year: int) -> DevelopmentPlan | None:
    """The employee's plan of that year, if one was started (pages never create one on GET)."""
    return (
        DevelopmentPlan.objects.filter(employee=employee, year=year)
        .select_related("employee", "agency", "decided_by")
        .first()
    )


def plan_years(*, employee: Employee) -> list[int]:
    return list(
        DevelopmentPlan.objects.filter(employee=employee)
        .order_by("-year")
        .values_list("year", flat=True)
    )


def plan_items(plan: DevelopmentPlan) -> QuerySet[PlanItem]:
    return plan.items.select_related("training").order_by("id")


def plan_realisations(plan: DevelopmentPlan) -> QuerySet[Realisation]:
    return plan.realisations.select_related("item").order_by("-date", "-id")


def _plans_with_jp(plans: QuerySet[DevelopmentPlan]) -> QuerySet[DevelopmentPlan]:
    """Planned and completed JP per plan as subqueries (two joins would multiply the sums)."""
    planned = (
        PlanItem.objects.filter(plan=OuterRef("pk"))
        .order_by()
        .values("plan")
        .annotate(n=Sum("jp_planned"))
        .values("n")
    )
    completed = (
        Realisation.objects.filter(plan=OuterRef("pk"))
        .order_by()
        .values("plan")
        .annotate(n=Sum("jp"))
        .values("n")
    )
    return plans.annotate(
        jp_planned_total=Coalesce(Subquery(planned), 0),
        jp_completed_total=Coalesce(Subquery(completed), 0),
    )


@dataclass
class TeamPlanRow:
    employee: Employee
    plan: DevelopmentPlan | None
    progress: JpProgress


def team_plans(*, supervisor: Employee, year: int) -> list[TeamPlanRow]:
    """Every active direct report with their plan of the year (or none yet) and JP progress."""
    reports = list(
        Employee.objects.filter(supervisor=supervisor, is_active=True)
        .select_related("position", "unit")
        .order_by("name", "pk")
    )
    plans = {
        p.employee_id: p
        for p in _plans_with_jp(
            DevelopmentPlan.objects.filter(employee__in=[e.pk for e in reports], year=year)
        )
    }
    rows = []
    for employee in reports:
        plan = plans.get(employee.pk)
        progress = (
            JpProgress(completed=plan.jp_completed_total, planned=plan.jp_planned_total)  # type: ignore[attr-defined]
            if plan
            else JpProgress(completed=0, planned=0)
        )
        rows.append(TeamPlanRow(employee=employee, plan=plan, progress=progress))
    return rows


def plans_to_decide_with_jp(*, supervisor: Employee) -> QuerySet[DevelopmentPlan]:
    """Submitted plans of the direct reports, any year, oldest submission first, with JP."""
    return _plans_with_jp(plans_to_decide(supervisor=supervisor))


def realisation_for_download(*, agency: Agency, realisation_id: int) -> Realisation | None:
    return (
        Realisation.objects.filter(pk=realisation_id, plan__agency=agency)
        .select_related("plan", "plan__employee", "plan__employee__agency")
        .first()
    )
