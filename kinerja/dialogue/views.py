"""Dialog kinerja pages: the supervisor's team with each member's state, scheduling and
recording, the employee's confirmation or comment, and HR/leadership completion counts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.assessment.models import Cycle
from kinerja.core import permissions
from kinerja.core.errors import KinerjaError
from kinerja.core.tenancy import get_for_agency_or_404
from kinerja.core.types import AgencyRequest
from kinerja.core.views import agency_required, show_error
from kinerja.development.models import PlanItem
from kinerja.organisation.models import Employee

from . import selectors, services
from .forms import ActionFormSet, AnswerForm, RecordForm, ScheduleForm, SettingsForm
from .models import Dialogue


def _me_or_404(request: AgencyRequest) -> Employee:
    me = permissions.employee_of(request.user)
    if me is None or me.agency_id != request.agency.pk:
        raise Http404(_("Akun Anda belum terhubung ke data pegawai."))
    return me


def _cycle_param(request: AgencyRequest) -> tuple[Cycle | None, list[Cycle]]:
    cycles = list(selectors.cycles_with_results(agency=request.agency))
    raw = request.GET.get("siklus", "")
    chosen = next((c for c in cycles if str(c.pk) == raw), None)
    return chosen or (cycles[0] if cycles else None), cycles


def _visible_or_404(request: AgencyRequest, pk: int) -> Dialogue:
    dialogue = get_for_agency_or_404(selectors.dialogues(), request.agency, pk=pk)
    visible = selectors.content_visible(dialogue.cycle)
    if not permissions.can_view_dialogue(request.user, dialogue, content_visible=visible):
        raise Http404
    return dialogue


@agency_required(permissions.is_member)
def team(request: AgencyRequest) -> HttpResponse:
    me = _me_or_404(request)
    if not me.subordinates.exists():
        raise Http404
    cycle, cycles = _cycle_param(request)
    rows = selectors.team_rows(cycle=cycle, supervisor=me) if cycle else []
    return render(
        request,
        "dialogue/team.html",
        {
            "cycle": cycle,
            "cycles": cycles,
            "rows": rows,
            "form": ScheduleForm(initial={"scheduled_for": timezone.localdate()}),
        },
    )


@agency_required(permissions.is_member)
def mine(request: AgencyRequest) -> HttpResponse:
    me = _me_or_404(request)
    return render(request, "dialogue/mine.html", {"dialogues": selectors.my_dialogues(employee=me)})


@require_POST
@agency_required(permissions.is_member)
def schedule(request: AgencyRequest, cycle_id: int, employee_id: int) -> HttpResponse:
    cycle = get_for_agency_or_404(Cycle, request.agency, pk=cycle_id)
    employee = get_for_agency_or_404(Employee, request.agency, pk=employee_id)
    if not permissions.can_hold_dialogue(request.user, employee):
        raise Http404
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Isi tanggal dialog yang valid."))
    else:
        try:
            services.dialogue_schedule(
                cycle=cycle,
                employee=employee,
                scheduled_for=form.cleaned_data["scheduled_for"],
                acting_user=request.user,
            )
            messages.success(
                request, _("Dialog kinerja dengan %(name)s dijadwalkan.") % {"name": employee.name}
            )
        except KinerjaError as error:
            show_error(request, error)
    return redirect(reverse("dialogue:team") + f"?siklus={cycle.pk}")


@agency_required(permissions.is_member)
def detail(request: AgencyRequest, pk: int) -> HttpResponse:
    dialogue = _visible_or_404(request, pk)
    return render(
        request,
        "dialogue/detail.html",
        {
            "dialogue": dialogue,
            "can_record": permissions.can_hold_dialogue(request.user, dialogue.employee)
            and not dialogue.is_answered,
            "can_answer": permissions.can_answer_dialogue(request.user, dialogue)
            and dialogue.status == Dialogue.Status.RECORDED,
            "answer_form": AnswerForm(),
        },
    )


def _plan_items(employee: Employee) -> list[tuple[int, str]]:
    items = PlanItem.objects.filter(plan__employee=employee).select_related("plan")
    return [
        (i.pk, f"{i.plan.year} · {i.title} ({i.jp_planned} JP)")
        for i in items.order_by("-plan__year", "id")
    ]


@agency_required(permissions.is_member)
def record(request: AgencyRequest, pk: int) -> HttpResponse:
    dialogue = _visible_or_404(request, pk)
    if not permissions.can_hold_dialogue(request.user, dialogue.employee):
        raise Http404
    plan_items = _plan_items(dialogue.employee)
    kwargs: dict[str, Any] = {"form_kwargs": {"plan_items": plan_items}, "prefix": "aksi"}
    if request.method == "POST":
        form = RecordForm(request.POST)
        actions = ActionFormSet(request.POST, **kwargs)
        if form.is_valid() and actions.is_valid():
            inputs = [
                services.ActionInput(
                    description=a["description"],
                    due_date=a["due_date"],
                    plan_item_id=a.get("plan_item"),
                )
                for a in actions.cleaned_data
                if a.get("description")
            ]
            try:
                services.dialogue_record(
                    dialogue=dialogue,
                    held_on=form.cleaned_data["held_on"],
                    went_well=form.cleaned_data["went_well"],
                    to_develop=form.cleaned_data["to_develop"],
                    actions=inputs,
                    acting_user=request.user,
                )
                messages.success(
                    request,
                    _("Catatan dialog disimpan. %(name)s dapat mengonfirmasi atau menanggapinya.")
                    % {"name": dialogue.employee.name},
                )
                return redirect("dialogue:detail", pk=dialogue.pk)
            except KinerjaError as error:
                show_error(request, error)
        else:
            messages.error(request, _("Periksa kembali isian yang ditandai."))
    else:
        existing = [
            {"description": a.description, "due_date": a.due_date, "plan_item": a.plan_item_id}
            for a in dialogue.actions.all()
        ]
        blanks: list[dict[str, Any]] = [
            {}
            for _n in range(
                max(1, 3 - len(existing)) if len(existing) < services.MAX_ACTIONS else 0
            )
        ]
        form = RecordForm(
            initial={
                "held_on": dialogue.held_on or min(dialogue.scheduled_for, timezone.localdate()),
                "went_well": dialogue.went_well,
                "to_develop": dialogue.to_develop,
            }
        )
        actions = ActionFormSet(initial=existing + blanks, **kwargs)
    return render(
        request,
        "dialogue/record.html",
        {"dialogue": dialogue, "form": form, "actions": actions, "has_plan": bool(plan_items)},
    )


@require_POST
@agency_required(permissions.is_member)
def answer(request: AgencyRequest, pk: int) -> HttpResponse:
    dialogue = _visible_or_404(request, pk)
    if not permissions.can_answer_dialogue(request.user, dialogue):
        raise Http404
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            done = services.dialogue_answer(
                dialogue=dialogue, comment=form.cleaned_data["comment"], acting_user=request.user
            )
            messages.success(
                request,
                _("Terima kasih, tanggapan Anda disimpan.")
                if done.status == Dialogue.Status.RESPONDED
                else _("Terima kasih, catatan dialog sudah Anda konfirmasi."),
            )
        except KinerjaError as error:
            show_error(request, error)
    else:
        messages.error(request, _("Tanggapan terlalu panjang."))
    return redirect("dialogue:detail", pk=dialogue.pk)


@agency_required(permissions.can_view_dialogue_counts)
def completion(request: AgencyRequest) -> HttpResponse:
    cycle, cycles = _cycle_param(request)
    rows = selectors.completion_by_unit(cycle=cycle) if cycle else []
    return render(
        request,
        "dialogue/completion.html",
        {
            "cycle": cycle,
            "cycles": cycles,
            "rows": rows,
            "totals": {
                key: sum(getattr(r, key) for r in rows)
                for key in ("employees", "scheduled", "recorded", "answered", "none")
            },
            "can_manage": permissions.can_manage_dialogue_settings(request.user, request.agency),
            "settings_form": SettingsForm(
                initial={"content_visible": selectors.content_visible(cycle) if cycle else False}
            ),
        },
    )


@require_POST
@agency_required(permissions.can_manage_dialogue_settings)
def settings_save(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    cycle = get_for_agency_or_404(Cycle, request.agency, pk=cycle_id)
    form = SettingsForm(request.POST)
    form.is_valid()
    services.dialogue_settings_save(
        cycle=cycle,
        content_visible=form.cleaned_data.get("content_visible", False),
        acting_user=request.user,
    )
    messages.success(request, _("Pengaturan dialog kinerja disimpan."))
    return redirect(reverse("dialogue:completion") + f"?siklus={cycle.pk}")
