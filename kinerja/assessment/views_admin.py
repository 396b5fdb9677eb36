"""The HR admin's cycle pages: create and run a cycle, assign raters, follow progress, import
hasil kerja. Every write goes through the services; another agency's cycle is "not found"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinerja.core import permissions
from kinerja.core.errors import KinerjaError
from kinerja.core.tenancy import get_for_agency_or_404
from kinerja.core.types import AgencyRequest
from kinerja.core.views import agency_required
from kinerja.jobs.models import Job
from kinerja.jobs.views import export_or_job
from kinerja.organisation.models import Employee
from kinerja.organisation.selectors import unit_choices, unit_descendant_ids

from . import selectors, services
from .exports import rater_count, rater_progress_xlsx
from .forms_admin import CycleForm, RaterAddForm, RaterRemoveForm, UploadForm
from .importing import COLUMNS as WORK_RESULT_COLUMNS
from .importing import template_xlsx, work_results_import
from .models import Cycle, RaterAssignment, Relation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGE_SIZE = 50
BELOW_THRESHOLD_SHOWN = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

manage = agency_required(permissions.can_manage_cycles)
view_progress = agency_required(permissions.can_view_cycle_progress)


class Action:
    def __init__(self, source: str, label: StrOrPromise, button: str) -> None:
        self.source, self.label, self.button = source, label, button


# What each lifecycle button does, from which status; the confirmation page explains the effect.
ACTIONS = {
    "start": Action(Cycle.Status.DRAFT, gettext_lazy("Mulai siklus"), "btn-success"),
    "close": Action(Cycle.Status.RUNNING, gettext_lazy("Tutup pengisian"), "btn-warning"),
    "reopen": Action(Cycle.Status.CLOSED, gettext_lazy("Buka kembali"), "btn-outline-primary"),
}
# "Tetapkan final" is not here: a cycle becomes final with its computed results, on the results
# page (results:finalise → results_finalise).
EDITABLE_ASSIGNMENTS = (Cycle.Status.DRAFT, Cycle.Status.RUNNING)


def _cycle(request: AgencyRequest, pk: int) -> Cycle:
    return get_for_agency_or_404(Cycle, request.agency, pk=pk)


def _unit_filter(request: AgencyRequest) -> tuple[int | None, list[int] | None]:
    raw = request.GET.get("unit", "")
    if not raw.isdigit():
        return None, None
    unit_id = int(raw)
    return unit_id, unit_descendant_ids(agency=request.agency, unit_id=unit_id)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- cycles ------------------------------------------------------------------------------------


@manage
def cycle_list(request: AgencyRequest) -> HttpResponse:
    page = Paginator(selectors.cycles(agency=request.agency), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "assessment/admin/cycle_list.html", {"page": page})


@manage
def cycle_create(request: AgencyRequest) -> HttpResponse:
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_create(
                agency=request.agency, acting_user=request.user, **form.settings()
            )
        except KinerjaError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Siklus %(name)s dibuat sebagai draf.") % {"name": cycle})
            return redirect("assessment:cycle_detail", pk=cycle.pk)
    return render(request, "assessment/admin/cycle_form.html", {"form": form, "cycle": None})


@manage
def cycle_edit(request: AgencyRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    form = CycleForm(request.POST or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_update(cycle=cycle, acting_user=request.user, **form.settings())
        except KinerjaError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Pengaturan siklus disimpan."))
            return redirect("assessment:cycle_detail", pk=cycle.pk)
    return render(request, "assessment/admin/cycle_form.html", {"form": form, "cycle": cycle})


@manage
def cycle_detail(request: AgencyRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    below = services.ratees_below_threshold(cycle=cycle)
    below_rows = selectors.ratee_overview(cycle=cycle).filter(pk__in=below[:BELOW_THRESHOLD_SHOWN])
    return render(
        request,
        "assessment/admin/cycle_detail.html",
        {
            "cycle": cycle,
            "overall": selectors.progress(cycle=cycle).overall,
            "actions": [(k, a) for k, a in ACTIONS.items() if a.source == cycle.status],
            "can_assign": cycle.status in EDITABLE_ASSIGNMENTS,
            "below_count": len(below),
            "below_rows": below_rows,
            "work_results": cycle.work_results.count(),
        },
    )


@manage
def cycle_transition(request: AgencyRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    cycle = _cycle(request, pk)
    if request.method == "POST":
        try:
            cycle = services.cycle_transition(cycle=cycle, action=action, acting_user=request.user)
        except KinerjaError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Siklus %(name)s sekarang berstatus %(status)s.")
                % {"name": cycle, "status": cycle.get_status_display()},
            )
        return redirect("assessment:cycle_detail", pk=cycle.pk)
    return render(
        request,
        "assessment/admin/cycle_transition.html",
        {
            "cycle": cycle,
            "action": action,
            "spec": ACTIONS[action],
            "allowed": ACTIONS[action].source == cycle.status,
            "overall": selectors.progress(cycle=cycle).overall,
        },
    )


@manage
def assignments_generate(request: AgencyRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    if request.method == "POST":
        try:
            report = services.assignments_generate(cycle=cycle, acting_user=request.user)
        except KinerjaError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "Penugasan dibuat dari struktur organisasi: %(c)d baru, %(r)d diganti, "
                    "%(k)d dipertahankan. %(b)d pegawai di bawah ambang anonimitas."
                )
                % {
                    "c": report.created,
                    "r": report.removed,
                    "k": report.kept,
                    "b": len(report.below_threshold),
                },
            )
        return redirect("assessment:cycle_detail", pk=cycle.pk)
    return render(
        request,
        "assessment/admin/generate_confirm.html",
        {"cycle": cycle, "overall": selectors.progress(cycle=cycle).overall},
    )


# --- raters ------------------------------------------------------------------------------------


@manage
def cycle_raters(request: AgencyRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    search = request.GET.get("q", "").strip()
    below = request.GET.get("below") == "1"
    unit_id, unit_ids = _unit_filter(request)
    qs = selectors.ratee_overview(
        cycle=cycle, search=search, unit_ids=unit_ids, below_threshold=below
    )
    return render(
        request,
        "assessment/admin/raters.html",
        {
            "cycle": cycle,
            "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
            "q": search,
            "below": below,
            "unit_id": unit_id,
            "units": unit_choices(agency=request.agency),
        },
    )


@manage
def ratee_raters(request: AgencyRequest, pk: int, employee_id: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    ratee = get_for_agency_or_404(
        Employee.objects.select_related("unit", "position"), request.agency, pk=employee_id
    )
    form = RaterAddForm(request.POST or None, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.assignment_add(
                cycle=cycle,
                rater=form.cleaned_data["rater"],
                ratee=ratee,
                relation=form.cleaned_data["relation"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except KinerjaError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(rater)s ditambahkan sebagai penilai (%(relation)s).")
                % {"rater": assignment.rater.name, "relation": assignment.get_relation_display()},
            )
            return redirect("assessment:ratee_raters", pk=cycle.pk, employee_id=ratee.pk)
    raters = list(selectors.raters_of(cycle=cycle, ratee=ratee))
    anonymous = sum(1 for a in raters if a.relation in (Relation.PEER, Relation.SUBORDINATE))
    return render(
        request,
        "assessment/admin/ratee_raters.html",
        {
            "cycle": cycle,
            "ratee": ratee,
            "raters": raters,
            "anonymous": anonymous,
            "form": form,
            "can_assign": cycle.status in EDITABLE_ASSIGNMENTS,
        },
    )


@manage
def assignment_remove(request: AgencyRequest, pk: int, assignment_id: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    assignment = get_for_agency_or_404(
        RaterAssignment.objects.select_related("rater", "ratee", "cycle"),
        request.agency,
        pk=assignment_id,
        cycle=cycle,
    )
    form = RaterRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_remove(
                assignment=assignment, reason=form.cleaned_data["reason"], acting_user=request.user
            )
        except KinerjaError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(rater)s tidak lagi menilai %(ratee)s.")
                % {"rater": assignment.rater.name, "ratee": assignment.ratee.name},
            )
        return redirect("assessment:ratee_raters", pk=cycle.pk, employee_id=assignment.ratee_id)
    return render(
        request,
        "assessment/admin/assignment_remove.html",
        {"cycle": cycle, "assignment": assignment, "form": form},
    )


# --- progress ----------------------------------------------------------------------------------

RATER_FILTERS = {
    "belum_mulai": gettext_lazy("Belum mulai sama sekali"),
    "belum_selesai": gettext_lazy("Belum mengirim semua formulir"),
}


@view_progress
def cycle_progress(request: AgencyRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    unit_id, unit_ids = _unit_filter(request)
    rater_filter = request.GET.get("penilai", "")
    raters = selectors.rater_progress(cycle=cycle, unit_ids=unit_ids).annotate(
        not_started=F("owed") - F("submitted") - F("drafted")
    )
    if rater_filter == "belum_mulai":
        raters = raters.filter(Q(submitted=0, drafted=0))
    elif rater_filter == "belum_selesai":
        raters = raters.filter(Q(submitted__lt=F("owed")))
    at_risk = selectors.ratees_at_risk(cycle=cycle, unit_ids=unit_ids)
    can_manage = permissions.can_manage_cycles(request.user, request.agency)
    return render(
        request,
        "assessment/admin/progress.html",
        {
            "cycle": cycle,
            "progress": selectors.progress(cycle=cycle, unit_ids=unit_ids),
            "raters": Paginator(raters, PAGE_SIZE).get_page(request.GET.get("page")),
            "at_risk": Paginator(at_risk, PAGE_SIZE).get_page(request.GET.get("risiko")),
            "unit_id": unit_id,
            "units": unit_choices(agency=request.agency),
            "rater_filter": rater_filter,
            "rater_filters": RATER_FILTERS,
            "can_manage": can_manage,
            "progress_only": not can_manage,
        },
    )


@view_progress
def cycle_progress_xlsx(request: AgencyRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    unit_id, unit_ids = _unit_filter(request)
    return export_or_job(
        request,
        kind=Job.Kind.PROGRESS_EXPORT,
        target_id=cycle.pk,
        target_name=cycle.name,
        size=rater_count(cycle=cycle, unit_ids=unit_ids),
        build=lambda: rater_progress_xlsx(cycle=cycle, unit_ids=unit_ids),
        filename=f"progres-siklus-{cycle.pk}.xlsx",
        key=f"unit:{unit_id or ''}",  # a unit's export and the whole agency's never join
        params={"unit_id": unit_id},
    )


# --- hasil kerja -------------------------------------------------------------------------------


@manage
def work_results_import_view(request: AgencyRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    report, error = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = work_results_import(
                cycle=cycle, data=upload.read(), filename=upload.name, acting_user=request.user
            )
        except KinerjaError as exc:
            error = exc
    return render(
        request,
        "assessment/admin/work_results_import.html",
        {
            "cycle": cycle,
            "form": form,
            "report": report,
            "error": error,
            "columns": WORK_RESULT_COLUMNS,
            "existing": cycle.work_results.count(),
        },
    )


@manage
def work_results_template(request: AgencyRequest, pk: int) -> HttpResponse:
    _cycle(request, pk)
    return _xlsx(template_xlsx(), "templat-hasil-kerja.xlsx")


@manage
def send_reminders(request: AgencyRequest, pk: int) -> HttpResponse:
    """The reminder button: one e-mail per rater with unfinished forms, at most once a day; a
    large cycle's e-mails go out as a background job with its progress page."""
    from kinerja.jobs import services as jobs
    from kinerja.jobs.models import Job

    cycle = _cycle(request, pk)
    if request.method != "POST":
        raise Http404
    raters = RaterAssignment.objects.filter(cycle=cycle).values("rater_id").distinct().count()
    try:
        job, _created = jobs.job_start(
            agency=request.agency,
            kind=Job.Kind.REMINDERS,
            target_id=cycle.pk,
            target_name=cycle.name,
            acting_user=request.user,
            inline=raters <= jobs.inline_limit(),
        )
    except KinerjaError as error:
        messages.error(request, error.message)
        return redirect("assessment:cycle_detail", pk=cycle.pk)
    if job.state == Job.State.DONE:
        messages.success(request, job.message)
    elif job.state == Job.State.FAILED:
        messages.error(request, job.error)
    else:
        return redirect("jobs:detail", job_id=job.pk)
    return redirect("assessment:cycle_detail", pk=cycle.pk)


urlpatterns = [
    path("siklus/", cycle_list, name="cycle_list"),
    path("siklus/<int:pk>/pengingat/", send_reminders, name="send_reminders"),
    path("siklus/baru/", cycle_create, name="cycle_create"),
    path("siklus/<int:pk>/", cycle_detail, name="cycle_detail"),
    path("siklus/<int:pk>/ubah/", cycle_edit, name="cycle_edit"),
    path("siklus/<int:pk>/tindakan/<slug:action>/", cycle_transition, name="cycle_transition"),
    path("siklus/<int:pk>/buat-penugasan/", assignments_generate, name="assignments_generate"),
    path("siklus/<int:pk>/penilai/", cycle_raters, name="cycle_raters"),
    path("siklus/<int:pk>/penilai/<int:employee_id>/", ratee_raters, name="ratee_raters"),
    path(
        "siklus/<int:pk>/penugasan/<int:assignment_id>/hapus/",
        assignment_remove,
        name="assignment_remove",
    ),
    path("siklus/<int:pk>/progres/", cycle_progress, name="cycle_progress"),
    path("siklus/<int:pk>/progres.xlsx", cycle_progress_xlsx, name="cycle_progress_xlsx"),
    path(
        "siklus/<int:pk>/impor-hasil-kerja/",
        work_results_import_view,
        name="work_results_import",
    ),
    path(
        "siklus/<int:pk>/impor-hasil-kerja/templat.xlsx",
        work_results_template,
        name="work_results_template",
    ),
]
