"""API: a cycle's stored results (list, one employee), the caller's own final results, and the
admin's compute and finalise; the supervisor's rating perilaku decision. Reads the stored rows,
never recomputes. Another agency's cycle or employee, or one the caller may not see, is 404."""

# No `from __future__ import annotations` here: @paginate re-reads the wrapped view's annotations
# in ninja's own namespace (see organisation.py).

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from kinerja.assessment.models import Cycle
from kinerja.core import permissions
from kinerja.core.errors import NotFound, PermissionDenied
from kinerja.core.tenancy import get_for_agency
from kinerja.organisation.models import Employee, OrgUnit
from kinerja.organisation.selectors import unit_descendant_ids
from kinerja.results import selectors, services
from kinerja.results.models import CycleResult, EmployeeResult
from kinerja.scoring.uncertainty import reading

from .common import InputSchema, Pages, require
from .urls import api

router = Router(tags=["hasil"])


# --- schemas -----------------------------------------------------------------------------------


class CycleResultOut(Schema):
    cycle_id: int
    cycle_status: str
    status: str
    scoring_version: str
    policy: dict[str, Any]
    employees: int
    flagged: int
    # How sure the cycle's scores are: sigma and its source, item and JPM reliability (0–1 or
    # null) and the reading of each ("keputusan_individual", "perbandingan_kelompok",
    # "bahan_dialog"); docs/scoring.md, "Ketidakpastian".
    reliability: dict[str, Any] | None
    computed_at: dt.datetime
    finalised_at: dt.datetime | None

    @staticmethod
    def resolve_cycle_status(obj: CycleResult) -> str:
        return obj.cycle.status

    @staticmethod
    def resolve_employees(obj: CycleResult) -> int:
        return int(obj.summary.get("employees", 0))

    @staticmethod
    def resolve_flagged(obj: CycleResult) -> int:
        return int(obj.summary.get("flagged", 0))

    @staticmethod
    def resolve_reliability(obj: CycleResult) -> dict[str, Any] | None:
        figures = obj.summary.get("reliability")
        if not figures:
            return None
        return figures | {
            "items_reading": reading(figures.get("items")),
            "jpm_reading": reading(figures.get("jpm")),
        }


class ResultPersonOut(Schema):
    """Who a stored result is about, and where they stood when it was computed."""

    employee_id: int
    nip: str = Field(alias="employee.nip")
    name: str = Field(alias="employee.name")
    unit_id: int
    unit: str = Field(alias="unit.name")
    position: str = Field(alias="position.name")
    jpm: float | None
    jpm_se: float | None  # standard error: the 95 % interval is jpm ± 1.96 · jpm_se
    jpm_category: str
    predikat: str
    nine_box: int | None


class EmployeeResultOut(ResultPersonOut):
    """One employee's summary in a cycle (the list)."""

    cycle_id: int
    perilaku_score: float | None
    perilaku_suggested: str
    perilaku_rating: str
    hasil_kerja: str
    flagged: bool


class EmployeeResultDetailOut(EmployeeResultOut):
    """Everything stored for one employee: items (anonymous groups only above the threshold),
    blind spots, hidden strengths, comments (anonymous ones without names)."""

    final: bool
    jpm_missing: list[str]
    items: dict[str, Any]
    blind_spots: list[str]
    hidden_strengths: list[str]
    comments: list[dict[str, Any]]

    @staticmethod
    def resolve_final(obj: EmployeeResult) -> bool:
        return obj.cycle.status == Cycle.Status.FINAL


class PerilakuIn(InputSchema):
    rating: str
    reason: str = ""


# --- helpers -----------------------------------------------------------------------------------


def _cycle(request: HttpRequest, cycle_id: int, check) -> Cycle:
    agency = require(request, check)
    return get_for_agency(Cycle.objects.select_related("result"), agency, pk=cycle_id)


def _visible_result(request: HttpRequest, cycle_id: int, employee_id: int) -> EmployeeResult:
    """The employee's stored result if the caller may see it: 404 otherwise, whoever asks."""
    agency = getattr(request, "agency", None)
    cycle = get_for_agency(Cycle, agency, pk=cycle_id)
    employee = get_for_agency(Employee, agency, pk=employee_id)
    final = cycle.status == Cycle.Status.FINAL
    if not permissions.can_view_result(request.user, employee, final=final):
        raise NotFound()
    result = selectors.employee_result(cycle=cycle, employee=employee)
    if result is None:
        raise NotFound("Hasil pegawai ini belum dihitung.")
    return result


# --- endpoints ---------------------------------------------------------------------------------


@router.get("/cycles/{int:cycle_id}/results", response=list[EmployeeResultOut])
@paginate(Pages)
def list_results(request: HttpRequest, cycle_id: int, unit: int | None = None, q: str = ""):
    """Every employee's result summary in the cycle (HR admin and leadership), 50 a page;
    `unit` includes its sub-units, `q` searches name or NIP."""
    cycle = _cycle(request, cycle_id, permissions.can_view_agency_results)
    unit_ids = None
    if unit is not None:
        get_for_agency(OrgUnit, cycle.agency, pk=unit)
        unit_ids = unit_descendant_ids(agency=cycle.agency, unit_id=unit)
    return selectors.agency_results(cycle=cycle, search=q.strip(), unit_ids=unit_ids)


@router.get("/cycles/{int:cycle_id}/results/{int:employee_id}", response=EmployeeResultDetailOut)
def get_result(request: HttpRequest, cycle_id: int, employee_id: int):
    """One employee's result: the employee once final; anyone above them in the supervisor
    chain; the agency's HR admin and leadership."""
    return _visible_result(request, cycle_id, employee_id)


@router.get("/me/results", response=list[EmployeeResultDetailOut])
def my_results(request: HttpRequest):
    """The caller's own results in final cycles, newest first."""
    me = permissions.employee_of(request.user)
    if me is None or me.agency_id != getattr(getattr(request, "agency", None), "pk", None):
        return []
    return list(
        EmployeeResult.objects.filter(
            agency_id=me.agency_id, employee=me, cycle__status=Cycle.Status.FINAL
        )
        .select_related("employee", "unit", "position", "cycle")
        .order_by("-cycle__period_end", "-cycle_id")
    )


@router.post("/cycles/{int:cycle_id}/results/compute", response=CycleResultOut)
def compute(request: HttpRequest, cycle_id: int):
    """Scores the closed cycle's submitted answers and stores the results (again until final)."""
    cycle = _cycle(request, cycle_id, permissions.can_manage_results)
    return services.results_compute(cycle=cycle, acting_user=request.user)


@router.post("/cycles/{int:cycle_id}/results/finalise", response=CycleResultOut)
def finalise(request: HttpRequest, cycle_id: int):
    """Makes the computed results final, and the cycle with them. Permanent."""
    cycle = _cycle(request, cycle_id, permissions.can_manage_results)
    return services.results_finalise(cycle=cycle, acting_user=request.user)


@router.post(
    "/cycles/{int:cycle_id}/results/{int:employee_id}/perilaku",
    response={200: EmployeeResultDetailOut},
)
def decide_perilaku(request: HttpRequest, cycle_id: int, employee_id: int, payload: PerilakuIn):
    """The direct supervisor (or the HR admin) confirms the suggested rating perilaku or sets
    another with a reason; the predikat and 9-box follow."""
    result = _visible_result(request, cycle_id, employee_id)
    if not permissions.can_decide_perilaku(request.user, result.employee):
        raise PermissionDenied()
    services.perilaku_decide(
        cycle=result.cycle,
        employee=result.employee,
        rating=payload.rating,
        reason=payload.reason,
        acting_user=request.user,
    )
    return Status(200, selectors.employee_result(cycle=result.cycle, employee=result.employee))


api.add_router("/v1/", router)
