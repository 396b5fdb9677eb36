"""API: the training catalog (every member reads, the HR admin writes), the caller's
recommendations and development plan of a year (items, submit, realisations with evidence), and
the supervisor's decision on a team member's plan. Same permission questions as the pages;
another agency's catalog item or plan is 404."""

# No `from __future__ import annotations` here: @paginate re-reads the wrapped view's annotations
# in ninja's own namespace (see organisation.py).

import datetime as dt
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from kinerja.core import permissions
from kinerja.core.errors import KinerjaError, NotFound, PermissionDenied
from kinerja.core.tenancy import get_for_agency
from kinerja.development import selectors, services
from kinerja.development.models import (
    MIN_JP_PER_YEAR,
    DevelopmentPlan,
    PlanItem,
    Realisation,
    Training,
)
from kinerja.development.recommend import TrainingOption
from kinerja.jobs.models import Job
from kinerja.organisation.models import Employee
from kinerja.results.explain import num

from .common import InputSchema, NotNull, Pages, require
from .jobs import ImportErrorOut, JobOut, import_answer
from .urls import api

router = Router(tags=["pengembangan"])


# --- schemas -----------------------------------------------------------------------------------


class TrainingOut(Schema):
    id: int
    code: str
    name: str
    mode: str
    method: str
    jp: int
    competencies: list[str]
    level_min: int
    level_max: int
    provider: str
    cost: int | None
    description: str
    is_active: bool

    @staticmethod
    def resolve_cost(obj: Training) -> int | None:
        return int(obj.cost) if obj.cost is not None else None


class TrainingIn(InputSchema):
    code: str
    name: str
    mode: str
    method: str
    jp: int
    competencies: list[str] = []
    level_min: int = 1
    level_max: int = 5
    provider: str = ""
    cost: int | None = None
    description: str = ""
    is_active: bool = True


class TrainingPatch(InputSchema):
    """Only the fields given change. None is "not given": an explicit null is outside the
    schema (only `cost` may be null, which clears it) and is refused with 422."""

    code: str | NotNull = None
    name: str | NotNull = None
    mode: str | NotNull = None
    method: str | NotNull = None
    jp: int | NotNull = None
    competencies: list[str] | NotNull = None
    level_min: int | NotNull = None
    level_max: int | NotNull = None
    provider: str | NotNull = None
    cost: int | None = None
    description: str | NotNull = None
    is_active: bool | NotNull = None


class OptionOut(Schema):
    id: int
    code: str
    name: str
    mode: str
    method: str
    jp: int


class RecommendationOut(Schema):
    competency: str
    name: str
    score: float
    required: int
    gap: float
    reason: str
    trainings: list[OptionOut]
    non_classical: list[OptionOut]


class RecommendationsOut(Schema):
    cycle_id: int | None
    cycle: str | None
    recommendations: list[RecommendationOut]


class PlanItemOut(Schema):
    id: int
    training_id: int | None
    title: str
    competency: str
    jp_planned: int
    source: str
    note: str


class RealisationOut(Schema):
    id: int
    item_id: int | None
    title: str
    date: dt.date
    jp: int
    evidence_name: str
    has_evidence: bool
    recorded_at: dt.datetime

    @staticmethod
    def resolve_has_evidence(obj: Realisation) -> bool:
        return bool(obj.evidence)


class PlanOut(Schema):
    id: int | None
    employee_id: int
    employee: str
    year: int
    status: str
    supervisor_comment: str
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    items: list[PlanItemOut]
    realisations: list[RealisationOut]
    jp_planned: int
    jp_completed: int
    jp_minimum: int
    on_track: bool


class PlanSummaryOut(Schema):
    id: int
    employee_id: int
    employee: str
    nip: str
    year: int
    status: str
    submitted_at: dt.datetime | None

    @staticmethod
    def resolve_employee(obj: DevelopmentPlan) -> str:
        return obj.employee.name

    @staticmethod
    def resolve_nip(obj: DevelopmentPlan) -> str:
        return obj.employee.nip


class PlanItemIn(InputSchema):
    training_id: int | None = None
    title: str = ""
    competency: str = ""
    jp: int | None = None
    source: str = PlanItem.Source.CATALOG
    note: str = ""


class DecisionIn(InputSchema):
    approve: bool
    comment: str = ""


# --- helpers -----------------------------------------------------------------------------------


def _option(option: TrainingOption) -> dict[str, Any]:
    return {
        "id": option.key,
        "code": option.code,
        "name": option.name,
        "mode": option.mode,
        "method": option.method,
        "jp": option.jp,
    }


def _me(request: HttpRequest) -> Employee:
    """The caller's own employee record in the token's agency; 404 for an account without one."""
    me = permissions.employee_of(request.user)
    agency = getattr(request, "agency", None)
    if me is None or agency is None or me.agency_id != agency.pk:
        raise NotFound("Akun ini tidak terhubung dengan data pegawai.")
    return me


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise KinerjaError("invalid", _("Tahun harus antara 2000 dan 2100."))
    return year


def _plans() -> Any:
    return DevelopmentPlan.objects.select_related("employee").prefetch_related(
        Prefetch("items", queryset=PlanItem.objects.order_by("id")),
        Prefetch("realisations", queryset=Realisation.objects.order_by("-date", "-id")),
    )


def _plan_out(plan: DevelopmentPlan | None, employee: Employee, year: int) -> dict[str, Any]:
    """The plan with its items, realisations and JP progress; an empty draft when none exists
    yet (reading never creates a plan)."""
    items = list(plan.items.all()) if plan else []
    realisations = list(plan.realisations.all()) if plan else []
    planned = sum(i.jp_planned for i in items)
    return {
        "id": plan.pk if plan else None,
        "employee_id": employee.pk,
        "employee": employee.name,
        "year": year,
        "status": plan.status if plan else DevelopmentPlan.Status.DRAFT,
        "supervisor_comment": plan.supervisor_comment if plan else "",
        "submitted_at": plan.submitted_at if plan else None,
        "decided_at": plan.decided_at if plan else None,
        "items": items,
        "realisations": realisations,
        "jp_planned": planned,
        "jp_completed": sum(r.jp for r in realisations),
        "jp_minimum": MIN_JP_PER_YEAR,
        "on_track": planned >= MIN_JP_PER_YEAR,
    }


def _my_plan(request: HttpRequest, year: int, *, create: bool) -> DevelopmentPlan | None:
    me = _me(request)
    _year(year)
    plan = _plans().filter(employee=me, year=year).first()
    if plan is None and create:
        services.plan_for(employee=me, year=year)
        plan = _plans().get(employee=me, year=year)
    if plan is not None and not permissions.can_edit_plan(request.user, plan):
        raise NotFound()
    return plan


def _visible_plan(request: HttpRequest, plan_id: int) -> DevelopmentPlan:
    plan = get_for_agency(_plans(), getattr(request, "agency", None), pk=plan_id)
    if not permissions.can_view_plan(request.user, plan):
        raise NotFound()
    return plan


# --- catalog -----------------------------------------------------------------------------------


@router.get("/trainings", response=list[TrainingOut])
@paginate(Pages)
def list_trainings(request: HttpRequest, q: str = "", method: str = ""):
    """The agency's training catalog, 50 a page; `q` searches code, name and provider."""
    agency = require(request, permissions.is_member)
    return selectors.search_catalog(agency=agency, q=q.strip(), method=method)


@router.get("/trainings/{int:training_id}", response=TrainingOut)
def get_training(request: HttpRequest, training_id: int):
    agency = require(request, permissions.is_member)
    return get_for_agency(Training, agency, pk=training_id)


@router.post("/trainings", response={201: TrainingOut})
def create_training(request: HttpRequest, payload: TrainingIn):
    """A new catalog item (HR admin); competencies are codes of the framework or the agency."""
    agency = require(request, permissions.can_manage_catalog)
    training = services.training_save(
        agency=agency, acting_user=request.user, **payload.model_dump()
    )
    return Status(201, training)


@router.patch("/trainings/{int:training_id}", response=TrainingOut)
def update_training(request: HttpRequest, training_id: int, payload: TrainingPatch):
    """Changes the given fields of a catalog item (HR admin)."""
    agency = require(request, permissions.can_manage_catalog)
    training = get_for_agency(Training, agency, pk=training_id)
    values = payload.model_dump(exclude_unset=True)
    nulls = sorted(k for k, v in values.items() if v is None and k != "cost")
    if nulls:  # "not given" is None in the schema; an explicit null is not a value
        raise KinerjaError(
            "invalid",
            _("Kolom ini tidak boleh kosong (null): %(f)s.") % {"f": ", ".join(nulls)},
            details=[{"field": k} for k in nulls],
            status=422,
        )
    return services.training_save(
        agency=agency, acting_user=request.user, training=training, **values
    )


@router.delete("/trainings/{int:training_id}", response={204: None})
def delete_training(request: HttpRequest, training_id: int):
    """Deletes a catalog item (HR admin); plans keep their copy of its title and JP."""
    agency = require(request, permissions.can_manage_catalog)
    services.training_delete(
        training=get_for_agency(Training, agency, pk=training_id), acting_user=request.user
    )
    return Status(204, None)


class CatalogImportOut(Schema):
    ok: bool
    applied: bool
    dry_run: bool
    created: int
    updated: int
    unchanged: int
    summary: str
    errors: list[ImportErrorOut]


def _catalog_report(report: services.TrainingImportReport, dry_run: bool) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "applied": report.applied,
        "dry_run": dry_run,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "summary": services.trainings_import_summary(report, dry_run=dry_run),
        "errors": [e.as_dict() for e in report.errors],
    }


@router.post(
    "/trainings/import", response={200: CatalogImportOut, 202: JobOut, 422: CatalogImportOut}
)
def import_trainings(
    request: HttpRequest,
    file: File[UploadedFile | None] = None,
    dry_run: Form[bool] = False,
    background: Form[bool] = False,
):
    """All-or-nothing import of the training catalog (docs/import.md), matched by `kode`; 422
    lists every row error and changes nothing. A file above the inline limit (or any, with
    `background`) becomes a job: 202 with it, read at /api/v1/jobs/{id}."""
    return import_answer(
        request,
        check=permissions.can_manage_catalog,
        kind=Job.Kind.CATALOG_IMPORT,
        service=services.trainings_import,
        file=file,
        missing=_("Unggah berkas XLSX atau CSV katalog pelatihan."),
        dry_run=dry_run,
        background=background,
        report=_catalog_report,
    )


# --- my recommendations and plan ----------------------------------------------------------------


@router.get("/me/recommendations", response=RecommendationsOut)
def my_recommendations(request: HttpRequest):
    """For each competency below the standard in the caller's latest final result, the catalog
    items that develop it, largest gap first, with coaching and mentoring always offered."""
    me = _me(request)
    result, recommendations = selectors.recommendations_for(employee=me)
    return {
        "cycle_id": result.cycle_id if result else None,
        "cycle": result.cycle.name if result else None,
        "recommendations": [
            {
                "competency": rec.gap.competency,
                "name": rec.gap.name,
                "score": rec.gap.score,
                "required": rec.gap.required,
                "gap": rec.gap.size,
                "reason": f"{rec.gap.name} {num(rec.gap.score)} dari standar {rec.gap.required}",
                "trainings": [_option(t) for t in rec.trainings],
                "non_classical": [_option(t) for t in rec.non_classical],
            }
            for rec in recommendations
        ],
    }


@router.get("/me/plans/{int:year}", response=PlanOut)
def my_plan(request: HttpRequest, year: int):
    """The caller's plan of the year with JP progress (an empty draft until the first item)."""
    plan = _my_plan(request, year, create=False)
    return _plan_out(plan, _me(request), year)


@router.post("/me/plans/{int:year}/items", response={201: PlanItemOut})
def add_plan_item(request: HttpRequest, year: int, payload: PlanItemIn):
    """Adds a catalog item (`training_id`; its title and JP unless given) or a hand-written
    activity (`title`, `jp`) to a draft or returned plan."""
    # The refusals first: a refused request must not leave an empty plan behind.
    training = (
        get_for_agency(Training, _me(request).agency, pk=payload.training_id)
        if payload.training_id is not None
        else None
    )
    if payload.source not in PlanItem.Source.values:
        raise KinerjaError("invalid", "source harus salah satu dari: rekomendasi, katalog, manual.")
    plan = _my_plan(request, year, create=True)
    assert plan is not None
    item = services.plan_item_add(
        plan=plan,
        acting_user=request.user,
        training=training,
        title=payload.title,
        competency=payload.competency.strip().upper(),
        jp=payload.jp,
        source=payload.source,
        note=payload.note,
    )
    return Status(201, item)


@router.delete("/me/plans/{int:year}/items/{int:item_id}", response={204: None})
def remove_plan_item(request: HttpRequest, year: int, item_id: int):
    plan = _my_plan(request, year, create=False)
    item = PlanItem.objects.filter(plan=plan, pk=item_id).first() if plan else None
    if item is None:
        raise NotFound()
    services.plan_item_remove(item=item, acting_user=request.user)
    return Status(204, None)


@router.post("/me/plans/{int:year}/submit", response=PlanOut)
def submit_plan(request: HttpRequest, year: int):
    """Sends the plan to the supervisor; it must plan at least 20 JP."""
    plan = _my_plan(request, year, create=False)
    if plan is None:
        raise NotFound("Belum ada rencana untuk tahun ini.")
    services.plan_submit(plan=plan, acting_user=request.user)
    return _plan_out(_plans().get(pk=plan.pk), plan.employee, year)


@router.post("/me/plans/{int:year}/realisations", response={201: RealisationOut})
def record_realisation(
    request: HttpRequest,
    year: int,
    date: Form[dt.date],
    jp: Form[int],
    title: Form[str] = "",
    item_id: Form[int | NotNull] = None,  # a form field cannot be null: left out, or a number
    evidence: File[UploadedFile | NotNull] = None,
):
    """Records a completed activity on the approved plan (multipart): date, JP, optionally the
    plan item and the evidence (PDF, JPG or PNG, at most 5 MB)."""
    plan = _my_plan(request, year, create=False)
    if plan is None:
        raise NotFound("Belum ada rencana untuk tahun ini.")
    item = None
    if item_id is not None:
        item = PlanItem.objects.filter(plan=plan, pk=item_id).first()
        if item is None:
            raise NotFound()
    realisation = services.realisation_record(
        plan=plan,
        acting_user=request.user,
        title=title,
        date=date,
        jp=jp,
        item=item,
        evidence=evidence,
    )
    return Status(201, realisation)


# --- a team member's plan -----------------------------------------------------------------------


@router.get("/plans/to-decide", response=list[PlanSummaryOut])
@paginate(Pages)
def plans_to_decide(request: HttpRequest):
    """The submitted plans of the caller's direct subordinates, oldest first."""
    agency = require(request, permissions.is_member)
    me = permissions.employee_of(request.user)
    if me is None or me.agency_id != agency.pk:
        return DevelopmentPlan.objects.none()
    return selectors.plans_to_decide(supervisor=me)


@router.get("/plans/{int:plan_id}", response=PlanOut)
def get_plan(request: HttpRequest, plan_id: int):
    """One plan: the employee, anyone above them in the supervisor chain, admins and leaders."""
    plan = _visible_plan(request, plan_id)
    return _plan_out(plan, plan.employee, plan.year)


@router.post("/plans/{int:plan_id}/decision", response=PlanOut)
def decide_plan(request: HttpRequest, plan_id: int, payload: DecisionIn):
    """The direct supervisor (or the HR admin) approves the submitted plan, or returns it with
    a comment saying what to change."""
    plan = _visible_plan(request, plan_id)
    if not permissions.can_decide_plan(request.user, plan):
        raise PermissionDenied()
    services.plan_decide(
        plan=plan, approve=payload.approve, comment=payload.comment, acting_user=request.user
    )
    fresh = _plans().get(pk=plan.pk)
    return _plan_out(fresh, fresh.employee, fresh.year)


api.add_router("/v1/", router)
