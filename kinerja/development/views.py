"""Competency development pages: the catalog (browse; the admin manages and imports it),
Pengembangan saya (recommendations, the year's plan, JP progress, realisations with evidence),
the supervisor's team plans and decision, and the agency's training-needs analysis."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.core import permissions
from kinerja.core.errors import KinerjaError
from kinerja.core.tenancy import get_for_agency_or_404
from kinerja.core.types import AgencyRequest
from kinerja.core.views import agency_required, show_error
from kinerja.jobs.files import import_upload
from kinerja.jobs.models import Job
from kinerja.jobs.views import export_or_job
from kinerja.organisation.models import Employee

from . import exports, selectors, services
from .forms import (
    CatalogItemForm,
    DecisionForm,
    ImportForm,
    ManualItemForm,
    RealisationForm,
    RecommendationItemForm,
    TrainingForm,
)
from .models import MIN_JP_PER_YEAR, DevelopmentPlan, PlanItem, Training
from .recommend import NON_CLASSICAL_ALWAYS, Recommendation, TrainingOption

CATALOG_PAGE_SIZE = 25


def _me(request: AgencyRequest) -> Employee | None:
    me = permissions.employee_of(request.user)
    return me if me is not None and me.agency_id == request.agency.pk else None


def _me_or_404(request: AgencyRequest) -> Employee:
    me = _me(request)
    if me is None:
        raise Http404(_("Akun Anda belum terhubung ke data pegawai."))
    return me


def this_year() -> int:
    return timezone.localdate().year


def _year_param(request: AgencyRequest) -> int:
    try:
        year = int(request.GET.get("tahun") or this_year())
    except ValueError:
        return this_year()
    return year if 2000 <= year <= 2100 else this_year()


def _tabs(request: AgencyRequest, me: Employee | None) -> dict[str, Any]:
    """Which development pages this person may open (the sub-navigation)."""
    return {
        "tab_me": me is not None,
        "tab_team": me is not None and me.subordinates.exists(),
        "tab_needs": permissions.can_view_development_needs(request.user, request.agency),
        "can_manage_catalog": permissions.can_manage_catalog(request.user, request.agency),
    }


def _form_errors(form: forms.Form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


# --- catalog ------------------------------------------------------------------------------------


@agency_required(permissions.is_member)
def catalog_list(request: AgencyRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    method = request.GET.get("metode", "")
    if method not in Training.Method.values:
        method = ""
    rows = selectors.search_catalog(agency=request.agency, q=q, method=method)
    page = Paginator(rows, CATALOG_PAGE_SIZE).get_page(request.GET.get("page"))
    names = services.known_competencies(request.agency)
    return render(
        request,
        "development/catalog_list.html",
        {
            "page": page,
            "rows": [(t, [(c, names.get(c, c)) for c in t.competencies]) for t in page],
            "q": q,
            "method": method,
            "methods": Training.Method.choices,
            **_tabs(request, _me(request)),
        },
    )


@agency_required(permissions.is_member)
def catalog_options(request: AgencyRequest) -> HttpResponse:
    """The <option>s of the searchable catalog select (htmx)."""
    rows = selectors.search_catalog(agency=request.agency, q=request.GET.get("q", "").strip()[:100])
    return render(
        request,
        "development/_catalog_options.html",
        {"trainings": rows.filter(is_active=True)[:200]},
    )


@agency_required(permissions.can_manage_catalog)
def training_form(request: AgencyRequest, pk: int | None = None) -> HttpResponse:
    training = get_for_agency_or_404(Training, request.agency, pk=pk) if pk else None
    initial = TrainingForm.initial_from(training) if training else None
    form = TrainingForm(request.POST or None, agency=request.agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.training_save(
                agency=request.agency,
                acting_user=request.user,
                training=training,
                **form.cleaned_data,
            )
        except KinerjaError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Kegiatan %(name)s disimpan.") % {"name": saved})
            return redirect("development:catalog")
    title = _("Ubah kegiatan katalog") if training else _("Tambah kegiatan katalog")
    return render(
        request,
        "development/training_form.html",
        {"form": form, "title": title, "training": training},
    )


@agency_required(permissions.can_manage_catalog)
def training_delete(request: AgencyRequest, pk: int) -> HttpResponse:
    training = get_for_agency_or_404(Training, request.agency, pk=pk)
    if request.method == "POST":
        services.training_delete(training=training, acting_user=request.user)
        messages.success(request, _("Kegiatan %(name)s dihapus.") % {"name": training})
        return redirect("development:catalog")
    return render(
        request,
        "core/confirm_delete.html",
        {"object": training, "cancel_url": reverse("development:catalog")},
    )


@agency_required(permissions.can_manage_catalog)
def catalog_import(request: AgencyRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    error = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            outcome = import_upload(
                kind=Job.Kind.CATALOG_IMPORT,
                service=services.trainings_import,
                agency=request.agency,
                data=data,
                filename=upload.name,
                acting_user=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
            if isinstance(outcome, Job):  # a large file: a job, followed on its page
                return redirect("jobs:detail", job_id=outcome.pk)
            report = outcome
        except KinerjaError as exc:
            error = exc
    return render(
        request,
        "development/import.html",
        {
            "form": form,
            "report": report,
            "error": error,
            "columns": services.IMPORT_COLUMNS,
            "optional": services.IMPORT_OPTIONAL,
        },
    )


@agency_required(permissions.can_manage_catalog)
def catalog_import_template(request: AgencyRequest) -> HttpResponse:
    response = HttpResponse(exports.import_template_xlsx(), content_type=exports.XLSX)
    response["Content-Disposition"] = 'attachment; filename="templat-impor-katalog.xlsx"'
    return response


# --- Pengembangan saya ---------------------------------------------------------------------------


@dataclass
class OptionRow:
    option: TrainingOption
    planned: bool

    @property
    def method_label(self) -> str:
        return str(dict(Training.Method.choices).get(self.option.method, self.option.method))


@dataclass
class RecommendationRow:
    """One gap with its options; `fallback` when the catalog offers no coaching or mentoring."""

    recommendation: Recommendation
    options: list[OptionRow]
    fallback: list[str]


def recommendation_rows(recs: list[Recommendation], planned: set[int]) -> list[RecommendationRow]:
    rows = []
    for rec in recs:
        options = [OptionRow(o, o.key in planned) for o in rec.options]
        offered = {o.method for o in rec.options}
        fallback = [
            _("Coaching oleh atasan: %(c)s") % {"c": rec.gap.name}
            if method == "coaching"
            else _("Mentoring: %(c)s") % {"c": rec.gap.name}
            for method in NON_CLASSICAL_ALWAYS
            if method not in offered
        ]
        rows.append(RecommendationRow(rec, options, fallback))
    return rows


@dataclass(frozen=True)
class ProgressBar:
    """Widths of the JP bar: completed, planned but not yet done, and where 20 JP falls."""

    progress: selectors.JpProgress

    @property
    def completed_pct(self) -> int:
        return self.progress.percent(self.progress.completed)

    @property
    def remaining_pct(self) -> int:
        rest = max(self.progress.planned - self.progress.completed, 0)
        return min(self.progress.percent(rest), 100 - self.completed_pct)

    @property
    def minimum_pct(self) -> int:
        return self.progress.percent(self.progress.minimum)

    @property
    def lacking(self) -> int:
        return max(self.progress.minimum - self.progress.planned, 0)


def _plan_context(plan: DevelopmentPlan | None) -> dict[str, Any]:
    if plan is None:
        return {
            "plan": None,
            "items": [],
            "realisations": [],
            "bar": ProgressBar(selectors.JpProgress(completed=0, planned=0)),
        }
    return {
        "plan": plan,
        "items": list(selectors.plan_items(plan)),
        "realisations": list(selectors.plan_realisations(plan)),
        "bar": ProgressBar(selectors.jp_progress(plan)),
    }


@agency_required(permissions.is_member)
def my_plan(request: AgencyRequest, year: int | None = None) -> HttpResponse:
    me = _me(request)
    tabs = _tabs(request, me)
    if me is None:
        return render(request, "development/my_plan.html", {"me": None, **tabs})
    current = this_year()
    year = year or current
    plan = selectors.plan_of(employee=me, year=year)
    context: dict[str, Any] = {
        "me": me,
        "year": year,
        "current_year": current,
        "is_current": year == current,
        "years": sorted(set(selectors.plan_years(employee=me)) | {current}, reverse=True),
        **_plan_context(plan),
        **tabs,
    }
    context["editable"] = year == current and (plan is None or plan.editable)
    if year == current:
        result, recs = selectors.recommendations_for(employee=me)
        planned = {item.training_id for item in context["items"] if item.training_id}
        context["result"] = result
        context["recommendations"] = recommendation_rows(recs, planned)
        context["catalog_form"] = CatalogItemForm(agency=request.agency)
        context["manual_form"] = ManualItemForm()
        if plan is not None and plan.status == DevelopmentPlan.Status.APPROVED:
            context["realisation_form"] = RealisationForm(
                plan=plan, initial={"date": timezone.localdate()}
            )
    return render(request, "development/my_plan.html", context)


def _back_to_plan() -> HttpResponse:
    return redirect("development:my_plan")


@require_POST
@agency_required(permissions.is_member)
def plan_add(request: AgencyRequest) -> HttpResponse:
    me = _me_or_404(request)
    kind = request.POST.get("kind", "")
    known = services.known_competencies(request.agency)
    try:
        if kind == PlanItem.Source.RECOMMENDATION:
            form: forms.Form = RecommendationItemForm(request.POST, agency=request.agency)
            if not form.is_valid():
                raise KinerjaError("invalid", _form_errors(form))
            code = form.cleaned_data["competency"].strip().upper()
            item = services.plan_item_add(
                plan=services.plan_for(employee=me, year=this_year()),
                acting_user=request.user,
                training=form.cleaned_data["training"],
                competency=code if code in known else "",
                source=PlanItem.Source.RECOMMENDATION,
            )
        elif kind == PlanItem.Source.CATALOG:
            form = CatalogItemForm(request.POST, agency=request.agency)
            if not form.is_valid():
                raise KinerjaError("invalid", _form_errors(form))
            item = services.plan_item_add(
                plan=services.plan_for(employee=me, year=this_year()),
                acting_user=request.user,
                training=form.cleaned_data["training"],
                source=PlanItem.Source.CATALOG,
            )
        elif kind == PlanItem.Source.MANUAL:
            form = ManualItemForm(request.POST)
            if not form.is_valid():
                raise KinerjaError("invalid", _form_errors(form))
            code = form.cleaned_data["competency"].strip().upper()
            item = services.plan_item_add(
                plan=services.plan_for(employee=me, year=this_year()),
                acting_user=request.user,
                title=form.cleaned_data["title"],
                jp=form.cleaned_data["jp"],
                competency=code if code in known else "",
                source=form.cleaned_data["source"] or PlanItem.Source.MANUAL,
            )
        else:
            raise Http404
    except KinerjaError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            _("%(title)s (%(jp)d JP) ditambahkan ke rencana.")
            % {"title": item.title, "jp": item.jp_planned},
        )
    return _back_to_plan()


@require_POST
@agency_required(permissions.is_member)
def plan_remove(request: AgencyRequest, item_id: int) -> HttpResponse:
    me = _me_or_404(request)
    item = (
        PlanItem.objects.filter(pk=item_id, plan__employee=me, plan__year=this_year())
        .select_related("plan", "plan__agency")
        .first()
    )
    if item is None:
        raise Http404
    try:
        services.plan_item_remove(item=item, acting_user=request.user)
    except KinerjaError as error:
        show_error(request, error)
    else:
        messages.success(request, _("%(title)s dihapus dari rencana.") % {"title": item.title})
    return _back_to_plan()


@require_POST
@agency_required(permissions.is_member)
def plan_submit(request: AgencyRequest) -> HttpResponse:
    me = _me_or_404(request)
    plan = selectors.plan_of(employee=me, year=this_year())
    try:
        if plan is None:
            raise KinerjaError(
                "too_few_jp",
                _(
                    "Rencana baru %(jp)d JP; setiap ASN berhak dan wajib paling sedikit %(min)d JP setahun."
                )
                % {"jp": 0, "min": MIN_JP_PER_YEAR},
            )
        services.plan_submit(plan=plan, acting_user=request.user)
    except KinerjaError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Rencana diajukan ke atasan untuk disetujui."))
    return _back_to_plan()


@require_POST
@agency_required(permissions.is_member)
def realisation_add(request: AgencyRequest) -> HttpResponse:
    me = _me_or_404(request)
    plan = selectors.plan_of(employee=me, year=this_year())
    if plan is None:
        raise Http404
    form = RealisationForm(request.POST, request.FILES, plan=plan)
    try:
        if not form.is_valid():
            raise KinerjaError("invalid", _form_errors(form))
        data = form.cleaned_data
        saved = services.realisation_record(
            plan=plan,
            acting_user=request.user,
            title=data["title"],
            date=data["date"],
            jp=data["jp"],
            item=data["item"],
            evidence=data["evidence"],
        )
    except KinerjaError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            _("Realisasi %(title)s (%(jp)d JP) dicatat.") % {"title": saved.title, "jp": saved.jp},
        )
    return _back_to_plan()


@agency_required(permissions.is_member)
def evidence_download(request: AgencyRequest, realisation_id: int) -> FileResponse:
    """The evidence file, only for those who may see the plan; files are never served directly."""
    realisation = selectors.realisation_for_download(
        agency=request.agency, realisation_id=realisation_id
    )
    if (
        realisation is None
        or not realisation.evidence
        or not permissions.can_view_plan(request.user, realisation.plan)
    ):
        raise Http404
    try:
        handle = realisation.evidence.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    suffix = Path(realisation.evidence.name or "").suffix.lower()
    filename = realisation.evidence_name or f"bukti{suffix}"
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=services.EVIDENCE_TYPES.get(suffix)
        or mimetypes.guess_type(filename)[0]
        or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- supervisor -------------------------------------------------------------------------------


@agency_required(permissions.is_member)
def team_plans(request: AgencyRequest) -> HttpResponse:
    me = _me_or_404(request)
    if not me.subordinates.exists():
        raise Http404
    year = _year_param(request)
    current = this_year()
    return render(
        request,
        "development/team_plans.html",
        {
            "year": year,
            "years": list(range(current, current - 5, -1)),
            "rows": [
                (row, ProgressBar(row.progress))
                for row in selectors.team_plans(supervisor=me, year=year)
            ],
            "pending": list(selectors.plans_to_decide_with_jp(supervisor=me)),
            **_tabs(request, me),
        },
    )


def _plan_or_404(request: AgencyRequest, plan_id: int) -> DevelopmentPlan:
    plan = get_for_agency_or_404(
        DevelopmentPlan.objects.select_related(
            "employee", "employee__agency", "employee__position", "employee__unit", "decided_by"
        ),
        request.agency,
        pk=plan_id,
    )
    if not permissions.can_view_plan(request.user, plan):
        raise Http404
    return plan


@agency_required(permissions.is_member)
def plan_detail(request: AgencyRequest, plan_id: int) -> HttpResponse:
    plan = _plan_or_404(request, plan_id)
    can_decide = plan.status == DevelopmentPlan.Status.SUBMITTED and permissions.can_decide_plan(
        request.user, plan
    )
    me = _me(request)
    return render(
        request,
        "development/plan_detail.html",
        {
            **_plan_context(plan),
            "employee": plan.employee,
            "decision_form": DecisionForm() if can_decide else None,
            "own": me is not None and me.pk == plan.employee_id,
            "current_year": this_year(),
            **_tabs(request, me),
        },
    )


@require_POST
@agency_required(permissions.is_member)
def plan_decide(request: AgencyRequest, plan_id: int) -> HttpResponse:
    plan = _plan_or_404(request, plan_id)
    if not permissions.can_decide_plan(request.user, plan):
        raise Http404
    form = DecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise KinerjaError("invalid", _form_errors(form))
        approve = form.cleaned_data["decision"] == "setujui"
        services.plan_decide(
            plan=plan,
            approve=approve,
            comment=form.cleaned_data["comment"],
            acting_user=request.user,
        )
    except KinerjaError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            (_("Rencana %(name)s disetujui.") if approve else _("Rencana %(name)s dikembalikan."))
            % {"name": plan.employee.name},
        )
    return redirect("development:plan_detail", plan_id=plan.pk)


# --- analisis kebutuhan pengembangan -----------------------------------------------------------


@agency_required(permissions.can_view_development_needs)
def needs(request: AgencyRequest) -> HttpResponse:
    year = _year_param(request)
    analysis = selectors.needs_analysis(agency=request.agency, year=year)
    table = [
        {**row, "cells": [row["units"].get(unit, 0) for unit in analysis.units]}
        for row in analysis.by_competency
    ]
    current = this_year()
    return render(
        request,
        "development/needs.html",
        {
            "analysis": analysis,
            "table": table,
            "year": year,
            "years": list(range(current, current - 5, -1)),
            **_tabs(request, _me(request)),
        },
    )


@agency_required(permissions.can_view_development_needs)
def needs_export(request: AgencyRequest) -> HttpResponse:
    year = _year_param(request)
    return export_or_job(
        request,
        kind=Job.Kind.NEEDS_EXPORT,
        target_id=year,
        target_name=_("Tahun %(year)d") % {"year": year},
        size=exports.needs_size(agency=request.agency),
        build=lambda: exports.needs_xlsx(
            selectors.needs_analysis(agency=request.agency, year=year),
            agency_name=request.agency.name,
        ),
        filename=f"analisis-kebutuhan-pengembangan-{year}.xlsx",
    )
