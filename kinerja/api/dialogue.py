"""API: dialog kinerja. The supervisor's team with each member's state, scheduling and
recording (with the agreed actions, each optionally linked to a development plan item), the
employee's own dialogues and their confirmation or comment, HR/leadership completion counts per
unit and the per-cycle content setting. Another employee's dialogue is 404."""

# No `from __future__ import annotations` here: @paginate re-reads the wrapped view's annotations
# in ninja's own namespace (see organisation.py).

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from kinerja.assessment.models import Cycle
from kinerja.core import permissions
from kinerja.core.errors import NotFound
from kinerja.core.tenancy import get_for_agency
from kinerja.dialogue import selectors, services
from kinerja.dialogue.models import AgreedAction, Dialogue
from kinerja.organisation.models import Employee

from .common import Date, InputSchema, Pages, require
from .urls import api

router = Router(tags=["dialog kinerja"])


class ActionOut(Schema):
    id: int
    description: str
    due_date: dt.date
    plan_item_id: int | None
    plan_item: str | None

    @staticmethod
    def resolve_plan_item(obj: AgreedAction) -> str | None:
        return obj.plan_item.title if obj.plan_item else None


class DialogueOut(Schema):
    id: int
    cycle_id: int
    cycle: str
    employee_id: int
    employee: str
    supervisor_id: int | None
    supervisor: str | None
    status: str
    scheduled_for: dt.date
    held_on: dt.date | None
    went_well: str
    to_develop: str
    employee_comment: str
    actions: list[ActionOut]

    @staticmethod
    def resolve_cycle(obj: Dialogue) -> str:
        return obj.cycle.name

    @staticmethod
    def resolve_employee(obj: Dialogue) -> str:
        return obj.employee.name

    @staticmethod
    def resolve_supervisor(obj: Dialogue) -> str | None:
        return obj.supervisor.name if obj.supervisor else None

    @staticmethod
    def resolve_actions(obj: Dialogue) -> list[AgreedAction]:
        return list(obj.actions.all())


class TeamRowOut(Schema):
    employee_id: int
    employee: str
    nip: str
    has_result: bool
    state: str
    dialogue_id: int | None
    scheduled_for: dt.date | None
    held_on: dt.date | None


class CompletionOut(Schema):
    unit_id: int
    unit: str
    employees: int
    not_scheduled: int
    scheduled: int
    recorded: int
    answered: int


class ScheduleIn(InputSchema):
    cycle_id: int
    employee_id: int
    scheduled_for: Date


class ActionIn(InputSchema):
    description: str
    due_date: Date
    plan_item_id: int | None = None


class RecordIn(InputSchema):
    held_on: Date
    went_well: str = ""
    to_develop: str = ""
    actions: list[ActionIn] = []


class AnswerIn(InputSchema):
    comment: str = ""


class SettingsIn(InputSchema):
    content_visible: bool


class SettingsOut(Schema):
    cycle_id: int
    content_visible: bool


def _me(request: HttpRequest) -> Employee:
    me = permissions.employee_of(request.user)
    agency = getattr(request, "agency", None)
    if me is None or agency is None or me.agency_id != agency.pk:
        raise NotFound("Akun ini tidak terhubung dengan data pegawai.")
    return me


def _visible(request: HttpRequest, dialogue_id: int) -> Dialogue:
    dialogue = get_for_agency(
        selectors.dialogues(), getattr(request, "agency", None), pk=dialogue_id
    )
    visible = selectors.content_visible(dialogue.cycle)
    if not permissions.can_view_dialogue(request.user, dialogue, content_visible=visible):
        raise NotFound()
    return dialogue


@router.get("/dialogues/team/{int:cycle_id}", response=list[TeamRowOut])
def team(request: HttpRequest, cycle_id: int):
    """The caller's active direct subordinates in a cycle, each with their dialogue's state
    (siap = result exists, not yet scheduled; belum_ada_hasil = no result yet)."""
    me = _me(request)
    cycle = get_for_agency(Cycle, me.agency, pk=cycle_id)
    return [
        {
            "employee_id": row.employee.pk,
            "employee": row.employee.name,
            "nip": row.employee.nip,
            "has_result": row.has_result,
            "state": row.state,
            "dialogue_id": row.dialogue.pk if row.dialogue else None,
            "scheduled_for": row.dialogue.scheduled_for if row.dialogue else None,
            "held_on": row.dialogue.held_on if row.dialogue else None,
        }
        for row in selectors.team_rows(cycle=cycle, supervisor=me)
    ]


@router.get("/dialogues/me", response=list[DialogueOut])
@paginate(Pages)
def my_dialogues(request: HttpRequest):
    """The caller's own dialogues, newest cycle first."""
    return selectors.my_dialogues(employee=_me(request))


@router.post("/dialogues", response={201: DialogueOut})
def schedule(request: HttpRequest, payload: ScheduleIn):
    """The direct supervisor schedules (or moves) a dialogue once the employee's result exists."""
    me = _me(request)
    cycle = get_for_agency(Cycle, me.agency, pk=payload.cycle_id)
    employee = get_for_agency(Employee, me.agency, pk=payload.employee_id)
    if not permissions.can_hold_dialogue(request.user, employee):
        raise NotFound()
    dialogue = services.dialogue_schedule(
        cycle=cycle,
        employee=employee,
        scheduled_for=payload.scheduled_for,
        acting_user=request.user,
    )
    return Status(201, selectors.dialogues().get(pk=dialogue.pk))


@router.get("/dialogues/{int:dialogue_id}", response=DialogueOut)
def get_dialogue(request: HttpRequest, dialogue_id: int):
    """One dialogue: the employee and their supervisor; HR and leadership only when the cycle's
    setting shows content."""
    return _visible(request, dialogue_id)


@router.put("/dialogues/{int:dialogue_id}/record", response=DialogueOut)
def record(request: HttpRequest, dialogue_id: int, payload: RecordIn):
    """The supervisor records the dialogue; the agreed actions replace the earlier ones."""
    dialogue = _visible(request, dialogue_id)
    if not permissions.can_hold_dialogue(request.user, dialogue.employee):
        raise NotFound()
    services.dialogue_record(
        dialogue=dialogue,
        held_on=payload.held_on,
        went_well=payload.went_well,
        to_develop=payload.to_develop,
        actions=[
            services.ActionInput(
                description=a.description, due_date=a.due_date, plan_item_id=a.plan_item_id
            )
            for a in payload.actions
        ],
        acting_user=request.user,
    )
    return selectors.dialogues().get(pk=dialogue.pk)


@router.post("/dialogues/{int:dialogue_id}/answer", response=DialogueOut)
def answer(request: HttpRequest, dialogue_id: int, payload: AnswerIn):
    """The employee confirms (empty comment: dikonfirmasi) or comments (ditanggapi)."""
    dialogue = _visible(request, dialogue_id)
    if not permissions.can_answer_dialogue(request.user, dialogue):
        raise NotFound()
    services.dialogue_answer(dialogue=dialogue, comment=payload.comment, acting_user=request.user)
    return selectors.dialogues().get(pk=dialogue.pk)


@router.get("/cycles/{int:cycle_id}/dialogue-completion", response=list[CompletionOut])
def completion(request: HttpRequest, cycle_id: int):
    """Counts per unit (never content): HR admin and leadership."""
    agency = require(request, permissions.can_view_dialogue_counts)
    cycle = get_for_agency(Cycle, agency, pk=cycle_id)
    return [
        {
            "unit_id": r.unit_id,
            "unit": r.unit,
            "employees": r.employees,
            "not_scheduled": r.none,
            "scheduled": r.scheduled,
            "recorded": r.recorded,
            "answered": r.answered,
        }
        for r in selectors.completion_by_unit(cycle=cycle)
    ]


@router.put("/cycles/{int:cycle_id}/dialogue-settings", response=SettingsOut)
def settings_save(request: HttpRequest, cycle_id: int, payload: SettingsIn):
    """HR admin: may HR and leadership read the content of this cycle's dialogues?"""
    agency = require(request, permissions.can_manage_dialogue_settings)
    cycle = get_for_agency(Cycle, agency, pk=cycle_id)
    saved = services.dialogue_settings_save(
        cycle=cycle, content_visible=payload.content_visible, acting_user=request.user
    )
    return {"cycle_id": cycle.pk, "content_visible": saved.content_visible}


api.add_router("/v1/", router)
