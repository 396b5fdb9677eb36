"""Objection pages: the employee files and follows theirs, the atasan pejabat penilai's inbox
("Keberatan untuk diputus") and decision (with a confirmation), explanations asked and answered,
and HR's list, export, reassignment and the cycle's settings. Everything else is 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.assessment.models import Cycle
from kinerja.core import permissions
from kinerja.core.errors import KinerjaError
from kinerja.core.tenancy import get_for_agency_or_404
from kinerja.core.types import AgencyRequest
from kinerja.core.views import agency_required, show_error
from kinerja.organisation.models import Employee
from kinerja.results import selectors as result_selectors
from kinerja.results.views_me import result_page

from . import exports, selectors, services
from .forms import (
    OUTCOME_FILTER,
    STATUS_FILTER,
    AnswerForm,
    AskForm,
    DecideForm,
    FileForm,
    SettingsForm,
)
from .models import Attachment, Objection, ObjectionMessage

PAGE_SIZE = 25


def _me(request: AgencyRequest) -> Employee:
    me = permissions.employee_of(request.user)
    if me is None or me.agency_id != request.agency.pk:
        raise Http404(_("Akun Anda belum terhubung ke data pegawai."))
    return me


def _objection(request: AgencyRequest, pk: int) -> tuple[Objection, str]:
    objection = selectors.objection_detail(agency=request.agency, pk=pk)
    scope = permissions.objection_view_scope(request.user, objection) if objection else None
    if objection is None or scope is None:
        raise Http404
    return objection, scope


def _reviewed(request: AgencyRequest, pk: int) -> Objection:
    objection, _scope = _objection(request, pk)
    if not permissions.can_review_objection(request.user, objection):
        raise Http404
    return objection


def _back(objection: Objection) -> HttpResponse:
    return redirect(reverse("objections:detail", args=[objection.pk]))


# --- the employee -------------------------------------------------------------------------------


@agency_required(permissions.is_member)
def mine(request: AgencyRequest) -> HttpResponse:
    me = _me(request)
    return render(
        request,
        "objections/mine.html",
        {
            "objections": list(selectors.my_objections(employee=me)),
            "requests": list(selectors.explanations_for(employee=me)[:50]),
        },
    )


@agency_required(permissions.is_member)
def file(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    """Ajukan keberatan: the form while the window is open, else why not."""
    me = _me(request)
    cycle = get_for_agency_or_404(Cycle, request.agency, pk=cycle_id)
    window = selectors.filing_window(cycle=cycle)
    result = result_selectors.employee_result(cycle=cycle, employee=me)
    if result is None or window.released is None:
        raise Http404
    existing = selectors.objection_for(cycle=cycle, employee=me)
    if existing is not None and request.method != "POST":
        return _back(existing)
    form = FileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection = services.objection_file(
                cycle=cycle,
                employee=me,
                reasons=form.cleaned_data["reasons"],
                attachments=request.FILES.getlist("attachments"),
                acting_user=request.user,
            )
        except KinerjaError as error:
            show_error(request, error)
            if existing is not None:  # one per result: show the one there is
                return _back(existing)
        else:
            messages.success(request, _("Keberatan Anda telah diajukan."))
            return _back(objection)
    return render(
        request,
        "objections/file.html",
        {
            "cycle": cycle,
            "result": result,
            "window": window,
            "open": window.is_open(),
            "form": form,
            "max_mb": services.ATTACHMENT_MAX_BYTES // (1024 * 1024),
            "max_files": services.MAX_ATTACHMENTS,
        },
    )


# --- the official -------------------------------------------------------------------------------


@agency_required(permissions.is_member)
def inbox(request: AgencyRequest) -> HttpResponse:
    """Keberatan untuk diputus: those assigned to the caller, the undecided first."""
    me = _me(request)
    page = Paginator(selectors.objections_to_decide(official=me), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "objections/inbox.html", {"page": page})


@agency_required(permissions.is_member)
def detail(request: AgencyRequest, pk: int) -> HttpResponse:
    objection, scope = _objection(request, pk)
    me = permissions.employee_of(request.user)
    context: dict[str, Any] = {
        "objection": objection,
        "scope": scope,
        "visible_messages": selectors.visible_messages(objection=objection, scope=scope, viewer=me),
        "is_official": permissions.can_review_objection(request.user, objection),
        "is_hr": permissions.can_manage_objections(request.user, request.agency),
        "me": me,
        "answer_form": AnswerForm(),
    }
    if scope == "full":
        result = selectors.current_result(objection=objection)
        if result is not None:
            stored = result_selectors.cycle_result(cycle=objection.cycle)
            decision = selectors.supervisor_decision(
                cycle=objection.cycle, employee=objection.employee
            )
            context["page"] = result_page(
                result=result,
                cycle=objection.cycle,
                policy=dict(stored.policy) if stored else {},
                decision=decision,
                sigma=((stored.summary or {}).get("reliability") or {}).get("sigma")
                if stored
                else None,
            )
        context["versions"] = selectors.versions_of(
            cycle_id=objection.cycle_id, employee_id=objection.employee_id
        )
        context["ask_form"] = AskForm()
    return render(request, "objections/detail.html", context)


@agency_required(permissions.is_member)
def attachment(request: AgencyRequest, pk: int, attachment_id: int) -> FileResponse:
    """An attachment, for those who see the whole objection; files are never served directly."""
    objection, scope = _objection(request, pk)
    found = Attachment.objects.filter(objection=objection, pk=attachment_id).first()
    if scope != "full" or found is None:
        raise Http404
    from django.core.files.storage import storages

    try:
        handle = storages["private"].open(found.path, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=found.name, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@agency_required(permissions.is_member)
def start_review(request: AgencyRequest, pk: int) -> HttpResponse:
    objection = _reviewed(request, pk)
    try:
        services.objection_start_review(objection=objection, acting_user=request.user)
        messages.success(request, _("Keberatan sekarang dalam telaah."))
    except KinerjaError as error:
        show_error(request, error)
    return _back(objection)


@require_POST
@agency_required(permissions.is_member)
def ask(request: AgencyRequest, pk: int) -> HttpResponse:
    objection = _reviewed(request, pk)
    form = AskForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih kepada siapa dan tuliskan penjelasan yang diminta."))
        return _back(objection)
    try:
        services.explanation_request(
            objection=objection,
            party=form.cleaned_data["party"],
            question=form.cleaned_data["question"],
            acting_user=request.user,
        )
        messages.success(request, _("Permintaan penjelasan dikirim."))
    except KinerjaError as error:
        show_error(request, error)
    return _back(objection)


@require_POST
@agency_required(permissions.is_member)
def answer(request: AgencyRequest, pk: int, message_id: int) -> HttpResponse:
    objection, _scope = _objection(request, pk)
    me = permissions.employee_of(request.user)
    message = ObjectionMessage.objects.filter(objection=objection, pk=message_id).first()
    if message is None or me is None or message.recipient_id != me.pk:
        raise Http404
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tuliskan penjelasan Anda."))
        return _back(objection)
    try:
        services.explanation_answer(
            message=message, answer=form.cleaned_data["answer"], acting_user=request.user
        )
        messages.success(request, _("Penjelasan Anda terkirim."))
    except KinerjaError as error:
        show_error(request, error)
    return _back(objection)


@agency_required(permissions.is_member)
def decide(request: AgencyRequest, pk: int) -> HttpResponse:
    """The decision form; a valid form is shown again to confirm, and only the confirmation
    decides (the decision is final)."""
    objection = _reviewed(request, pk)
    if objection.is_decided:
        return _back(objection)
    form = DecideForm(request.POST or None)
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") == "ya":
            try:
                services.objection_decide(
                    objection=objection,
                    outcome=form.cleaned_data["outcome"],
                    rating=form.cleaned_data["rating"],
                    reason=form.cleaned_data["reason"],
                    acting_user=request.user,
                )
            except KinerjaError as error:
                show_error(request, error)
            else:
                messages.success(request, _("Keberatan telah diputus."))
                return _back(objection)
        else:
            confirming = True
    return render(
        request,
        "objections/decide.html",
        {
            "objection": objection,
            "form": form,
            "confirming": confirming,
            "outcome_label": dict(Objection.Outcome.choices).get(
                form.cleaned_data.get("outcome", "") if confirming else ""
            ),
            "rating_label": dict(DecideForm.base_fields["rating"].choices).get(  # type: ignore[attr-defined]
                form.cleaned_data.get("rating", "") if confirming else ""
            ),
        },
    )


# --- HR ---------------------------------------------------------------------------------------


@require_POST
@agency_required(permissions.can_manage_objections)
def assign(request: AgencyRequest, pk: int) -> HttpResponse:
    objection, _scope = _objection(request, pk)
    nip = "".join(request.POST.get("nip", "").split())
    official = Employee.objects.filter(agency=request.agency, nip=nip).first() if nip else None
    if official is None:
        messages.error(request, _("Tidak ada pegawai dengan NIP itu di instansi ini."))
        return _back(objection)
    try:
        services.objection_assign(
            objection=objection,
            official=official,
            note=request.POST.get("note", ""),
            acting_user=request.user,
        )
        messages.success(
            request, _("Keberatan ditugaskan kepada %(name)s.") % {"name": official.name}
        )
    except KinerjaError as error:
        show_error(request, error)
    return _back(objection)


def _filters(request: AgencyRequest) -> dict[str, Any]:
    cycle_id = request.GET.get("siklus", "")
    status = request.GET.get("status", "")
    outcome = request.GET.get("keputusan", "")
    return {
        "cycle_id": int(cycle_id) if cycle_id.isdigit() else None,
        "status": status if status in Objection.Status.values else "",
        "outcome": outcome if outcome in Objection.Outcome.values else "",
        "q": request.GET.get("q", "").strip()[:100],
    }


@agency_required(permissions.can_manage_objections)
def hr_list(request: AgencyRequest) -> HttpResponse:
    filters = _filters(request)
    rows = selectors.agency_objections(agency=request.agency, **filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "objections/hr_list.html",
        {
            "page": page,
            "filters": filters,
            "cycles": list(Cycle.objects.filter(agency=request.agency).only("id", "name")),
            "status_choices": STATUS_FILTER,
            "outcome_choices": OUTCOME_FILTER,
        },
    )


@agency_required(permissions.can_manage_objections)
def hr_export(request: AgencyRequest) -> HttpResponse:
    rows = selectors.agency_objections(agency=request.agency, **_filters(request))
    response = HttpResponse(
        exports.objections_xlsx(rows.iterator(chunk_size=500)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="keberatan.xlsx"'
    return response


@agency_required(permissions.can_manage_objections)
def cycle_settings(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    cycle = get_for_agency_or_404(Cycle, request.agency, pk=cycle_id)
    current = selectors.settings_for(cycle=cycle)
    form = SettingsForm(
        request.POST or None,
        initial={
            "window_days": current.window_days,
            "decision_days": current.decision_days,
            "reminder_days": current.reminder_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_save(cycle=cycle, acting_user=request.user, **form.cleaned_data)
        except KinerjaError as error:
            show_error(request, error)
        else:
            messages.success(request, _("Pengaturan keberatan disimpan."))
            return redirect(reverse("objections:settings", args=[cycle.pk]))
    return render(
        request,
        "objections/settings.html",
        {"cycle": cycle, "form": form, "window": selectors.filing_window(cycle=cycle)},
    )
