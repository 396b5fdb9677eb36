"""Every read of the stored results that a page, export, API or report needs."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Avg, Count, QuerySet

from kinerja.assessment.models import Cycle, RaterAssignment, Relation, ResponseItem
from kinerja.core.models import Agency
from kinerja.organisation.models import Employee
from kinerja.organisation.selectors import unit_descendant_ids
from kinerja.scoring.numbers import round2
from kinerja.scoring.ratings import Distribution, check_distribution

from .models import CycleResult, EmployeeResult, UnitPredikat


def cycle_result(*, cycle: Cycle) -> CycleResult | None:
    return CycleResult.objects.filter(cycle=cycle).first()


def ratee_count(*, cycle: Cycle) -> int:
    """How many people the cycle assesses (what a compute has to score)."""
    return RaterAssignment.objects.filter(cycle=cycle).values("ratee_id").distinct().count()


def results_status(*, cycle: Cycle) -> dict[str, Any]:
    result = cycle_result(cycle=cycle)
    counts = Counter(EmployeeResult.objects.filter(cycle=cycle).values_list("predikat", flat=True))
    return {
        "cycle": cycle.pk,
        "cycle_status": cycle.status,
        "results": result.status if result else None,
        "scoring_version": result.scoring_version if result else None,
        "employees": result.summary.get("employees", 0) if result else 0,
        "flagged": result.summary.get("flagged", 0) if result else 0,
        "predikat": {k or "belum_ada": v for k, v in sorted(counts.items())},
    }


def results_of_cycle(*, cycle: Cycle) -> QuerySet[EmployeeResult]:
    return (
        EmployeeResult.objects.filter(cycle=cycle)
        .select_related("employee", "unit", "position")
        .order_by("employee__name", "employee_id")
    )


def employee_result(*, cycle: Cycle, employee: Employee) -> EmployeeResult | None:
    return (
        EmployeeResult.objects.filter(cycle=cycle, employee=employee)
        .select_related("employee", "unit", "position", "cycle")
        .first()
    )


def cycles_with_results_for(*, employee: Employee) -> QuerySet[Cycle]:
    """The cycles in which this employee has results, newest first."""
    return Cycle.objects.filter(
        agency_id=employee.agency_id, employee_results__employee=employee
    ).select_related("result")


def latest_final_results(*, agency: Agency) -> QuerySet[EmployeeResult]:
    """Each employee's result in the agency's most recent final cycle (for talent views)."""
    latest = (
        Cycle.objects.filter(agency=agency, status=Cycle.Status.FINAL)
        .order_by("-period_end", "-id")
        .first()
    )
    if latest is None:
        return EmployeeResult.objects.none()
    return results_of_cycle(cycle=latest)


def team_results(*, cycle: Cycle, supervisor: Employee) -> QuerySet[EmployeeResult]:
    """The supervisor's direct reports' results."""
    return results_of_cycle(cycle=cycle).filter(employee__supervisor=supervisor)


def predikat_counts_by_unit(*, cycle: Cycle) -> dict[int, Counter]:
    out: dict[int, Counter] = {}
    for row in (
        EmployeeResult.objects.filter(cycle=cycle)
        .values("unit_id", "predikat")
        .annotate(n=Count("id"))
        .order_by()
    ):
        out.setdefault(row["unit_id"], Counter())[row["predikat"] or None] += row["n"]
    return out


def distribution_checks(*, cycle: Cycle) -> list[tuple[UnitPredikat, Distribution]]:
    """For each unit (and the agency) given a predikat organisasi: the employees' predikat
    distribution over the unit and its sub-units, checked against SE 3/2023. Reports only."""
    by_unit = predikat_counts_by_unit(cycle=cycle)
    out = []
    for setting in (
        UnitPredikat.objects.filter(cycle=cycle).select_related("unit").order_by("unit__name")
    ):
        if setting.unit_id is None:
            units = list(by_unit)
        else:
            units = unit_descendant_ids(agency=cycle.agency, unit_id=setting.unit_id)
        values: list[str | None] = []
        for unit_id in units:
            for predikat, n in by_unit.get(unit_id, Counter()).items():
                values.extend([predikat] * n)
        label = setting.unit.name if setting.unit else str(cycle.agency)
        out.append((setting, check_distribution(label, setting.predikat, values)))
    return out


def flagged_results(*, cycle: Cycle) -> QuerySet[EmployeeResult]:
    return results_of_cycle(cycle=cycle).filter(flagged=True)


def team_cycles(*, supervisor: Employee) -> QuerySet[Cycle]:
    """The cycles in which any direct report of the supervisor has results, newest first."""
    return (
        Cycle.objects.filter(
            agency_id=supervisor.agency_id, employee_results__employee__supervisor=supervisor
        )
        .distinct()
        .order_by("-period_end", "-id")
    )


def perilaku_decisions(*, cycle: Cycle, employee_ids: list[int]) -> dict[int, Any]:
    """The supervisor's rating perilaku decisions of these employees, by employee id."""
    from .models import PerilakuDecision

    return {
        d.employee_id: d
        for d in PerilakuDecision.objects.filter(cycle=cycle, employee_id__in=employee_ids)
    }


def agency_cycles_with_results(*, agency: Agency) -> QuerySet[Cycle]:
    """The agency's cycles, newest first, each with its stored results snapshot (or none)."""
    return (
        Cycle.objects.filter(agency=agency).select_related("result").order_by("-period_end", "-id")
    )


def agency_results(
    *, cycle: Cycle, search: str = "", unit_ids: list[int] | None = None
) -> QuerySet[EmployeeResult]:
    """The cycle's employee results for the agency pages and API: by name or NIP, by units."""
    from django.db.models import Q

    qs = results_of_cycle(cycle=cycle)
    if search:
        qs = qs.filter(Q(employee__name__icontains=search) | Q(employee__nip__icontains=search))
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return qs


def rater_tendencies(*, rater: Employee) -> list[tuple[Cycle, dict[str, Any]]]:
    """The rater's tendency in every final cycle they rated others in, newest first."""
    cycles = Cycle.objects.filter(
        agency_id=rater.agency_id,
        result__status=CycleResult.Status.FINAL,
        assignments__rater=rater,
    ).distinct()
    out = []
    for cycle in cycles:
        tendency = rater_tendency(cycle=cycle, rater=rater)
        if tendency is not None:
            out.append((cycle, tendency))
    return out


def rater_tendency(*, cycle: Cycle, rater: Employee) -> dict[str, Any] | None:
    """A rater's own tendency, for their eyes only: the mean level they gave others against the
    mean of every released answer of the cycle (a pool of everyone, shown only when at least k
    other raters are in it), and their own effect b when the correction fitted one (atasan)."""
    result = cycle_result(cycle=cycle)
    pool = (result.summary.get("pool") or {}) if result else {}
    if pool.get("mean") is None or int(pool.get("raters") or 0) <= cycle.anonymity_threshold:
        return None
    own = ResponseItem.objects.filter(
        response__assignment__cycle=cycle,
        response__assignment__rater=rater,
        response__submitted_at__isnull=False,
        level__isnull=False,
    ).exclude(response__assignment__relation=Relation.SELF)
    given = own.aggregate(mean=Avg("level"), n=Count("id"))
    if not given["n"]:
        return None
    mean = round2(float(given["mean"]))
    difference = round2(mean - float(pool["mean"]))
    band = "higher" if difference >= 0.25 else "lower" if difference <= -0.25 else "aligned"
    b = (result.summary.get("rater_effects") or {}).get(str(rater.pk)) if result else None
    return {
        "mean": mean,
        "n": given["n"],
        "pool": pool["mean"],
        "difference": difference,
        "band": band,
        "b": b,
    }
