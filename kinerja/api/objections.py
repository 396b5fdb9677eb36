"""API: keberatan. The employee files one against their final result (multipart, with
attachments) within the window; the atasan pejabat penilai starts the review, asks the employee
or the supervisor for explanations and decides; those asked answer; HR lists every objection and
reassigns. Same permission questions and services as the pages; an objection the caller may not
see is 404, one they see but may not act on is 403."""

# No `from __future__ import annotations` here: @paginate re-reads the wrapped view's annotations
# in ninja's own namespace (see organisation.py).

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from kinerja.assessment.models import Cycle
from kinerja.core import permissions
from kinerja.core.errors import KinerjaError, NotFound, PermissionDenied
from kinerja.core.tenancy import get_for_agency
from kinerja.objections import selectors, services
from kinerja.objections.models import Objection, ObjectionMessage
from kinerja.organisation.models import Employee

from .common import InputSchema, NotNull, Pages, require
from .results import EmployeeResultDetailOut
from .urls import api

router = Router(tags=["keberatan"])


# --- schemas -----------------------------------------------------------------------------------


class ObjectionSummaryOut(Schema):
    id: int
    cycle_id: int
    cycle: str
    employee_id: int
    employee: str
    nip: str
    status: str
    outcome: str
    official_id: int | None
    official: str | None
    filed_at: dt.datetime
    decision_due: dt.datetime
    decided_at: dt.datetime | None

    @staticmethod
    def resolve_cycle(obj: Objection) -> str:
        if isinstance(obj, dict):  # the detail is built as a dict
            return obj["cycle"]
        return obj.cycle.name

    @staticmethod
    def resolve_employee(obj: Objection) -> str:
        if isinstance(obj, dict):  # the detail is built as a dict
            return obj["employee"]
        return obj.employee.name

    @staticmethod
    def resolve_nip(obj: Objection) -> str:
        if isinstance(obj, dict):  # the detail is built as a dict
            return obj["nip"]
        return obj.employee.nip

    @staticmethod
    def resolve_official(obj: Objection) -> str | None:
        if isinstance(obj, dict):  # the detail is built as a dict
            return obj["official"]
        return obj.official.name if obj.official else None


class ObjectionMessageOut(Schema):
    id: int
    party: str
    recipient_id: int
    question: str
    asked_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None


class ObjectionAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class ResultVersionOut(Schema):
    version: int
    before_perilaku: str
    before_predikat: str
    before_nine_box: int | None
    before_reason: str
    after_perilaku: str
    after_predikat: str
    after_nine_box: int | None
    created_at: dt.datetime


class ObjectionOut(ObjectionSummaryOut):
    """One objection. `scope` "full" (the employee, the official, HR) has everything; "addressed"
    (the supervisor asked for an explanation) has only the requests addressed to them."""

    scope: str
    reasons: str | None
    perilaku_rating: str | None
    hasil_kerja: str | None
    predikat: str | None
    nine_box: int | None
    supervisor_reason: str | None
    decided_rating: str | None
    decision_reason: str | None
    messages: list[ObjectionMessageOut]
    attachments: list[ObjectionAttachmentOut]
    versions: list[ResultVersionOut]
    # The current version of the result, as the results API shows it (pooled groups only).
    result: EmployeeResultDetailOut | None


class ObjectionAskIn(InputSchema):
    party: str
    question: str


class ObjectionAnswerIn(InputSchema):
    answer: str


class ObjectionDecisionIn(InputSchema):
    outcome: str
    reason: str
    rating: str = ""


class ObjectionAssignIn(InputSchema):
    nip: str
    note: str = ""


# --- helpers -----------------------------------------------------------------------------------


def _me(request: HttpRequest) -> Employee:
    me = permissions.employee_of(request.user)
    agency = getattr(request, "agency", None)
    if me is None or agency is None or me.agency_id != agency.pk:
        raise NotFound("Akun ini tidak terhubung dengan data pegawai.")
    return me


def _visible(request: HttpRequest, objection_id: int) -> tuple[Objection, str]:
    objection = selectors.objection_detail(agency=getattr(request, "agency", None), pk=objection_id)
    scope = permissions.objection_view_scope(request.user, objection) if objection else None
    if objection is None or scope is None:
        raise NotFound()
    return objection, scope


def _reviewed(request: HttpRequest, objection_id: int) -> Objection:
    objection, _scope = _visible(request, objection_id)
    if not permissions.can_review_objection(request.user, objection):
        raise PermissionDenied()
    return objection


def _out(request: HttpRequest, objection_id: int) -> dict[str, Any]:
    objection, scope = _visible(request, objection_id)
    me = permissions.employee_of(request.user)
    full = scope == "full"
    messages = selectors.visible_messages(objection=objection, scope=scope, viewer=me)
    body: dict[str, Any] = {
        "id": objection.pk,
        "cycle_id": objection.cycle_id,
        "cycle": objection.cycle.name,
        "employee_id": objection.employee_id,
        "employee": objection.employee.name,
        "nip": objection.employee.nip,
        "status": objection.status,
        "outcome": objection.outcome,
        "official_id": objection.official_id,
        "official": objection.official.name if objection.official else None,
        "filed_at": objection.filed_at,
        "decision_due": objection.decision_due,
        "decided_at": objection.decided_at,
        "scope": scope,
        "messages": messages,
        "attachments": list(objection.attachments.all()) if full else [],
        "versions": (
            selectors.versions_of(cycle_id=objection.cycle_id, employee_id=objection.employee_id)
            if full
            else []
        ),
        "result": selectors.current_result(objection=objection) if full else None,
    }
    for name in (
        "reasons",
        "perilaku_rating",
        "hasil_kerja",
        "predikat",
        "nine_box",
        "supervisor_reason",
        "decided_rating",
        "decision_reason",
    ):
        body[name] = getattr(objection, name) if full else None
    return body


# --- endpoints ---------------------------------------------------------------------------------


@router.post("/cycles/{int:cycle_id}/objections", response={201: ObjectionOut})
def file_objection(
    request: HttpRequest,
    cycle_id: int,
    reasons: Form[str] = "",
    attachments: File[list[UploadedFile] | NotNull] = None,
):
    """The caller files an objection against their own final result (multipart: `reasons`, and
    up to 5 `attachments`, PDF/PNG/JPG of at most 5 MB each, checked by content). Refused with
    a message past the window (`window_closed`) or when one was already filed."""
    me = _me(request)
    cycle = get_for_agency(Cycle, me.agency, pk=cycle_id)
    objection = services.objection_file(
        cycle=cycle,
        employee=me,
        reasons=reasons,
        attachments=attachments or [],
        acting_user=request.user,
    )
    return Status(201, _out(request, objection.pk))


@router.get("/objections", response=list[ObjectionSummaryOut])
@paginate(Pages)
def list_objections(
    request: HttpRequest,
    scope: str = "mine",
    cycle: int | None = None,
    status: str = "",
    outcome: str = "",
    q: str = "",
):
    """`scope=mine` (the caller's own), `to-decide` (assigned to the caller as atasan pejabat
    penilai) or `agency` (every objection, HR admin only; filters `cycle`, `status`, `outcome`,
    `q` by name or NIP). 50 a page."""
    if scope == "agency":
        agency = require(request, permissions.can_manage_objections)
        return selectors.agency_objections(
            agency=agency, cycle_id=cycle, status=status, outcome=outcome, q=q.strip()[:100]
        )
    require(request, permissions.is_member)
    me = permissions.employee_of(request.user)
    if me is None or me.agency_id != request.agency.pk:  # type: ignore[attr-defined]
        return Objection.objects.none()
    if scope == "to-decide":
        return selectors.objections_to_decide(official=me)
    if scope == "mine":
        return selectors.my_objections(employee=me)
    raise KinerjaError(
        "invalid", "scope harus salah satu dari: mine, to-decide, agency.", status=422
    )


@router.get("/objections/{int:objection_id}", response=ObjectionOut)
def get_objection(request: HttpRequest, objection_id: int):
    """One objection, as much of it as the caller may see (see `scope`)."""
    return _out(request, objection_id)


@router.post("/objections/{int:objection_id}/review", response=ObjectionOut)
def start_review(request: HttpRequest, objection_id: int):
    """The official takes the objection up: diajukan → dalam telaah."""
    objection = _reviewed(request, objection_id)
    services.objection_start_review(objection=objection, acting_user=request.user)
    return _out(request, objection_id)


@router.post("/objections/{int:objection_id}/explanations", response={201: ObjectionMessageOut})
def request_explanation(request: HttpRequest, objection_id: int, payload: ObjectionAskIn):
    """The official asks `pegawai` (the employee) or `atasan` (the supervisor) for a written
    explanation."""
    objection = _reviewed(request, objection_id)
    message = services.explanation_request(
        objection=objection,
        party=payload.party,
        question=payload.question,
        acting_user=request.user,
    )
    return Status(201, message)


@router.post(
    "/objections/{int:objection_id}/explanations/{int:message_id}/answer",
    response=ObjectionMessageOut,
)
def answer_explanation(
    request: HttpRequest, objection_id: int, message_id: int, payload: ObjectionAnswerIn
):
    """The one asked answers, once."""
    objection, _scope = _visible(request, objection_id)
    me = permissions.employee_of(request.user)
    message = ObjectionMessage.objects.filter(objection=objection, pk=message_id).first()
    if message is None:
        raise NotFound()
    if me is None or message.recipient_id != me.pk:
        raise PermissionDenied()
    return services.explanation_answer(
        message=message, answer=payload.answer, acting_user=request.user
    )


@router.post("/objections/{int:objection_id}/decision", response=ObjectionOut)
def decide(request: HttpRequest, objection_id: int, payload: ObjectionDecisionIn):
    """The official decides, finally: `ditolak`, or `diterima` with the new `rating` perilaku
    (the predikat and 9-box follow; the original result stays readable in `versions`)."""
    objection = _reviewed(request, objection_id)
    services.objection_decide(
        objection=objection,
        outcome=payload.outcome,
        rating=payload.rating,
        reason=payload.reason,
        acting_user=request.user,
    )
    return _out(request, objection_id)


@router.post("/objections/{int:objection_id}/assign", response=ObjectionOut)
def assign(request: HttpRequest, objection_id: int, payload: ObjectionAssignIn):
    """HR assigns the official who decides (by NIP) when the chain is empty or conflicted."""
    objection, _scope = _visible(request, objection_id)
    if not permissions.can_manage_objections(request.user, objection.agency):
        raise PermissionDenied()
    official = Employee.objects.filter(
        agency_id=objection.agency_id, nip="".join(payload.nip.split())
    ).first()
    if official is None:
        raise KinerjaError(
            "not_found", "Tidak ada pegawai dengan NIP itu di instansi ini.", status=404
        )
    services.objection_assign(
        objection=objection, official=official, note=payload.note, acting_user=request.user
    )
    return _out(request, objection_id)


api.add_router("/v1/", router)
