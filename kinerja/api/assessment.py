"""API: a rater's forms (list, read, save a draft, submit) and the admin's cycles, assignments and
progress. A form and its answers are readable by its rater only; every other caller gets 404."""

# No `from __future__ import annotations` here: @paginate re-reads the wrapped view's annotations
# in ninja's own namespace (see organisation.py).

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from kinerja.assessment import selectors, services
from kinerja.assessment.models import Cycle, RaterAssignment
from kinerja.core import permissions
from kinerja.core.errors import NotFound
from kinerja.core.tenancy import get_for_agency
from kinerja.organisation.models import Employee
from kinerja.results.services import results_finalise

from .common import Date, DateTime, InputSchema, Number, Pages, require
from .urls import api

router = Router(tags=["penilaian"])


def _state(assignment: RaterAssignment) -> str:
    response = getattr(assignment, "response", None)  # reverse one-to-one: missing = no answer
    if response is None:
        return "belum_mulai"
    return "terkirim" if response.submitted_at else "draf"


# --- schemas -----------------------------------------------------------------------------------


class MyAssignmentOut(Schema):
    id: int
    cycle_id: int
    cycle_name: str
    deadline: dt.datetime
    relation: str
    ratee_id: int
    ratee_name: str
    ratee_position: str
    ratee_unit: str
    state: str
    submitted_at: dt.datetime | None

    @staticmethod
    def resolve_cycle_name(obj: RaterAssignment) -> str:
        return obj.cycle.name

    @staticmethod
    def resolve_deadline(obj: RaterAssignment) -> dt.datetime:
        return obj.cycle.deadline

    @staticmethod
    def resolve_ratee_name(obj: RaterAssignment) -> str:
        return obj.ratee.name

    @staticmethod
    def resolve_ratee_position(obj: RaterAssignment) -> str:
        return obj.ratee.position.name

    @staticmethod
    def resolve_ratee_unit(obj: RaterAssignment) -> str:
        return obj.ratee.unit.name

    @staticmethod
    def resolve_state(obj: RaterAssignment) -> str:
        return _state(obj)

    @staticmethod
    def resolve_submitted_at(obj: RaterAssignment) -> dt.datetime | None:
        response = getattr(obj, "response", None)
        return response.submitted_at if response else None


class AnswerIn(InputSchema):
    level: int | None = None
    cannot_rate: bool = False
    comment: str = ""


class DraftIn(InputSchema):
    answers: dict[str, AnswerIn] = {}
    strengths: str | None = None
    to_develop: str | None = None


class ItemLevelOut(Schema):
    level: int
    title: str
    indicators: list[str] = []


class ItemOut(Schema):
    code: str
    name: str
    kind: str
    group: str = ""
    definition: str = ""
    description: str = ""
    levels: list[ItemLevelOut] = []
    guides: list[str] = []


class FormOut(Schema):
    id: int
    cycle_id: int
    cycle_name: str
    deadline: dt.datetime
    relation: str
    ratee_id: int
    ratee_name: str
    ratee_position: str
    state: str
    acknowledged: bool
    editable: bool
    version: int
    submitted_at: dt.datetime | None
    items: list[ItemOut]
    answers: dict[str, AnswerIn]
    strengths: str
    to_develop: str


class PurposeOut(Schema):
    """What a participant reads, and acknowledges, before filling any form of the cycle."""

    cycle_id: int
    cycle_name: str
    purpose: str
    use_of_results: str
    visibility: str
    objection: str
    acknowledged_at: dt.datetime | None


class SavedOut(Schema):
    id: int
    state: str
    version: int
    submitted_at: dt.datetime | None


class CycleOut(Schema):
    id: int
    name: str
    status: str
    period_start: dt.date
    period_end: dt.date
    deadline: dt.datetime
    framework_id: int | None
    items: int
    include_teknis: bool
    weight_supervisor: Decimal
    weight_peer: Decimal
    weight_subordinate: Decimal
    weight_self: Decimal
    anonymity_threshold: int
    jpm_categories: str
    rater_model: str
    max_forms_per_rater: int
    max_peers: int
    max_subordinates: int
    purpose: str
    use_of_results: str
    visibility: str
    objection: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    closed_at: dt.datetime | None
    finalised_at: dt.datetime | None

    @staticmethod
    def resolve_items(obj: Cycle) -> int:
        return len(obj.items)


class CycleIn(InputSchema):
    name: str
    period_start: Date
    period_end: Date
    deadline: DateTime
    include_teknis: bool | None = None
    weight_supervisor: Number | None = None
    weight_peer: Number | None = None
    weight_subordinate: Number | None = None
    weight_self: Number | None = None
    anonymity_threshold: int | None = None
    jpm_categories: str | None = None
    rater_model: str | None = None
    max_forms_per_rater: int | None = None
    max_peers: int | None = None
    max_subordinates: int | None = None
    purpose: str | None = None
    use_of_results: str | None = None
    visibility: str | None = None
    objection: str | None = None


class CyclePatchIn(InputSchema):
    """Settings to change; a draft may change all, a running or closed cycle its name, deadline
    and (until results are first computed) its rater model, a final one nothing."""

    name: str | None = None
    period_start: Date | None = None
    period_end: Date | None = None
    deadline: DateTime | None = None
    include_teknis: bool | None = None
    weight_supervisor: Number | None = None
    weight_peer: Number | None = None
    weight_subordinate: Number | None = None
    weight_self: Number | None = None
    anonymity_threshold: int | None = None
    jpm_categories: str | None = None
    rater_model: str | None = None
    max_forms_per_rater: int | None = None
    max_peers: int | None = None
    max_subordinates: int | None = None
    purpose: str | None = None
    use_of_results: str | None = None
    visibility: str | None = None
    objection: str | None = None


class TransitionIn(InputSchema):
    action: str


class GenerateOut(Schema):
    created: int
    removed: int
    kept: int
    below_threshold: list[int]


class AssignmentOut(Schema):
    """Who rates whom and whether the form is done; never what was answered."""

    id: int
    rater_id: int
    rater_name: str
    ratee_id: int
    ratee_name: str
    relation: str
    source: str
    reason: str
    state: str

    @staticmethod
    def resolve_rater_name(obj: RaterAssignment) -> str:
        return obj.rater.name

    @staticmethod
    def resolve_ratee_name(obj: RaterAssignment) -> str:
        return obj.ratee.name

    @staticmethod
    def resolve_state(obj: RaterAssignment) -> str:
        return _state(obj)


class StateCounts(Schema):
    total: int
    belum_mulai: int
    draf: int
    terkirim: int


class UnitProgressOut(StateCounts):
    unit: str


class ProgressOut(Schema):
    cycle_id: int
    status: str
    total: int
    by_state: dict[str, int]
    by_relation: dict[str, StateCounts]
    by_unit: list[UnitProgressOut]


# --- the rater ---------------------------------------------------------------------------------


def _my_assignment(request: HttpRequest, assignment_id: int) -> RaterAssignment:
    """The caller's own form, or 404 whoever else asks (ratee, supervisor, admin, outsider)."""
    assignment = get_for_agency(
        RaterAssignment.objects.select_related(
            "cycle", "ratee", "ratee__position", "rater", "response"
        ),
        getattr(request, "agency", None),
        pk=assignment_id,
    )
    if (
        not permissions.can_fill_assignment(request.user, assignment)
        or assignment.cycle.status == Cycle.Status.DRAFT
    ):
        raise NotFound()
    return assignment


def _saved(assignment: RaterAssignment, response) -> dict[str, Any]:
    return {
        "id": assignment.pk,
        "state": "terkirim" if response.submitted_at else "draf",
        "version": response.version,
        "submitted_at": response.submitted_at,
    }


@router.get("/my/assignments", response=list[MyAssignmentOut])
def my_assignments(request: HttpRequest):
    """The forms the caller owes in running cycles, with their state."""
    me = permissions.employee_of(request.user)
    if me is None or me.agency_id != getattr(getattr(request, "agency", None), "pk", None):
        return []
    return list(selectors.assignments_of_rater(rater=me))


@router.get("/assignments/{int:assignment_id}/form", response=FormOut)
def get_form(request: HttpRequest, assignment_id: int):
    """The items for this ratee and the caller's answers so far (the rater only)."""
    assignment = _my_assignment(request, assignment_id)
    response = getattr(assignment, "response", None)
    answers = (
        {
            row.item: {"level": row.level, "cannot_rate": row.cannot_rate, "comment": row.comment}
            for row in response.items.all()
        }
        if response
        else {}
    )
    cycle = assignment.cycle
    return {
        "id": assignment.pk,
        "cycle_id": cycle.pk,
        "cycle_name": cycle.name,
        "deadline": cycle.deadline,
        "relation": assignment.relation,
        "ratee_id": assignment.ratee_id,
        "ratee_name": assignment.ratee.name,
        "ratee_position": assignment.ratee.position.name,
        "state": _state(assignment),
        "acknowledged": selectors.has_acknowledged(cycle=cycle, user=request.user),
        "editable": cycle.is_open and not (response and response.submitted_at),
        "version": response.version if response else 0,
        "submitted_at": response.submitted_at if response else None,
        "items": services.items_for_ratee(cycle, assignment.ratee),
        "answers": answers,
        "strengths": response.strengths if response else "",
        "to_develop": response.to_develop if response else "",
    }


def _participant_cycle(request: HttpRequest, cycle_id: int) -> Cycle:
    """A cycle of the caller's agency that is open to participants (not a draft), else 404."""
    cycle = get_for_agency(Cycle, getattr(request, "agency", None), pk=cycle_id)
    if cycle.status == Cycle.Status.DRAFT:
        raise NotFound()
    return cycle


def _purpose(cycle: Cycle, user: Any) -> dict[str, Any]:
    acknowledgement = selectors.acknowledgement_of(cycle=cycle, user=user)
    return {
        "cycle_id": cycle.pk,
        "cycle_name": cycle.name,
        "purpose": cycle.purpose,
        "use_of_results": cycle.use_of_results,
        "visibility": cycle.visibility,
        "objection": cycle.objection,
        "acknowledged_at": acknowledgement.acknowledged_at if acknowledgement else None,
    }


@router.get("/my/cycles/{int:cycle_id}/purpose", response=PurposeOut)
def get_purpose(request: HttpRequest, cycle_id: int):
    """The cycle's purpose, the use of its results, who sees what and how to object, with when
    the caller acknowledged them (`null`: not yet; no form can be saved before)."""
    cycle = _participant_cycle(request, cycle_id)
    return _purpose(cycle, request.user)


@router.post("/my/cycles/{int:cycle_id}/acknowledge", response=PurposeOut)
def acknowledge(request: HttpRequest, cycle_id: int):
    """Records that the caller read the purpose (once; repeating it keeps the first time)."""
    cycle = _participant_cycle(request, cycle_id)
    services.acknowledge(cycle=cycle, user=request.user)
    return _purpose(cycle, request.user)


def _answers(payload: DraftIn) -> dict[str, services.Answer]:
    return {
        code: services.Answer(level=a.level, cannot_rate=a.cannot_rate, comment=a.comment)
        for code, a in payload.answers.items()
    }


@router.put("/assignments/{int:assignment_id}/draft", response=SavedOut)
def save_draft(request: HttpRequest, assignment_id: int, payload: DraftIn):
    """Merges the given answers into the draft; the form stays open."""
    assignment = _my_assignment(request, assignment_id)
    response = services.response_save(
        assignment=assignment,
        answers=_answers(payload),
        strengths=payload.strengths,
        to_develop=payload.to_develop,
        acting_user=request.user,
    )
    return _saved(assignment, response)


@router.post("/assignments/{int:assignment_id}/submit", response=SavedOut)
def submit(request: HttpRequest, assignment_id: int):
    """Checks completeness and locks the form. Idempotent: a repeated submit returns the first."""
    assignment = _my_assignment(request, assignment_id)
    response = services.response_save(
        assignment=assignment, answers={}, acting_user=request.user, submit=True
    )
    return _saved(assignment, response)


# --- the admin ---------------------------------------------------------------------------------


def _cycle(request: HttpRequest, cycle_id: int, check) -> Cycle:
    agency = require(request, check)
    return get_for_agency(Cycle, agency, pk=cycle_id)


@router.get("/cycles", response=list[CycleOut])
@paginate(Pages)
def list_cycles(request: HttpRequest):
    agency = require(request, permissions.can_view_cycle_progress)
    return Cycle.objects.filter(agency=agency).order_by("-id")


@router.post("/cycles", response={201: CycleOut})
def create_cycle(request: HttpRequest, payload: CycleIn):
    """A draft cycle with the default settings and texts, overridden by what is given."""
    agency = require(request, permissions.can_manage_cycles)
    values = payload.dict(exclude_none=True)  # every rule is the service's (as on the web)
    cycle = services.cycle_create(
        agency=agency,
        acting_user=request.user,
        name=values.pop("name"),
        period_start=values.pop("period_start"),
        period_end=values.pop("period_end"),
        deadline=values.pop("deadline"),
        **values,
    )
    return Status(201, cycle)


@router.get("/cycles/{int:cycle_id}", response=CycleOut)
def get_cycle(request: HttpRequest, cycle_id: int):
    return _cycle(request, cycle_id, permissions.can_view_cycle_progress)


@router.patch("/cycles/{int:cycle_id}", response=CycleOut)
def update_cycle(request: HttpRequest, cycle_id: int, payload: CyclePatchIn):
    """Changes the given settings; every rule is the service's (as on the web)."""
    cycle = _cycle(request, cycle_id, permissions.can_manage_cycles)
    return services.cycle_update(
        cycle=cycle, acting_user=request.user, **payload.dict(exclude_none=True)
    )


@router.post("/cycles/{int:cycle_id}/transition", response=CycleOut)
def transition(request: HttpRequest, cycle_id: int, payload: TransitionIn):
    """`start` (draf → berjalan), `close`, `reopen` (ditutup → berjalan) or `finalise` (the
    computed results become final with the cycle: the same as POST …/results/finalise)."""
    cycle = _cycle(request, cycle_id, permissions.can_manage_cycles)
    if payload.action == "finalise":
        results_finalise(cycle=cycle, acting_user=request.user)
        return Cycle.objects.get(pk=cycle.pk)
    return services.cycle_transition(cycle=cycle, action=payload.action, acting_user=request.user)


@router.post("/cycles/{int:cycle_id}/assignments/generate", response=GenerateOut)
def generate_assignments(request: HttpRequest, cycle_id: int):
    """(Re)generates the raters from the org chart; manual and answered assignments stay."""
    cycle = _cycle(request, cycle_id, permissions.can_manage_cycles)
    return services.assignments_generate(cycle=cycle, acting_user=request.user)


@router.get("/cycles/{int:cycle_id}/assignments", response=list[AssignmentOut])
@paginate(Pages)
def list_assignments(
    request: HttpRequest, cycle_id: int, ratee: int | None = None, rater: int | None = None
):
    """Who rates whom and whether each form is done (the HR admin only; never answers)."""
    cycle = _cycle(request, cycle_id, permissions.can_manage_cycles)
    qs = RaterAssignment.objects.filter(cycle=cycle)
    for field, pk in (("ratee", ratee), ("rater", rater)):
        if pk is not None:
            qs = qs.filter(**{field: get_for_agency(Employee, cycle.agency, pk=pk)})
    return qs.select_related("rater", "ratee", "response").order_by(
        "ratee__name", "ratee_id", "relation", "rater__name", "id"
    )


@router.get("/cycles/{int:cycle_id}/progress", response=ProgressOut)
def progress(request: HttpRequest, cycle_id: int):
    """Completion counts: overall, per rater group, per ratee unit. Never answers."""
    cycle = _cycle(request, cycle_id, permissions.can_view_cycle_progress)
    counts = selectors.assignment_state_counts(cycle=cycle)
    by_unit = [
        {
            "unit": row.label,
            "total": row.total,
            "belum_mulai": row.not_started,
            "draf": row.draft,
            "terkirim": row.submitted,
        }
        for row in selectors.progress(cycle=cycle).by_unit
    ]
    return {"cycle_id": cycle.pk, "status": cycle.status, **counts, "by_unit": by_unit}


api.add_router("/v1/", router)
