"""Competency pages: the dictionary, teknis competencies and position standards."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kinerja.core import permissions
from kinerja.core.errors import KinerjaError
from kinerja.core.spreadsheets import write_xlsx
from kinerja.core.tenancy import get_for_agency_or_404
from kinerja.core.types import AgencyRequest
from kinerja.core.views import agency_required
from kinerja.jobs.files import import_upload
from kinerja.jobs.models import Job
from kinerja.organisation.models import Position

from . import selectors, services
from .forms import StandardImportForm, TeknisCompetencyForm
from .models import Competency, PositionStandard


@agency_required(permissions.can_view_organisation)
def framework(request: AgencyRequest) -> HttpResponse:
    return render(
        request,
        "competencies/framework.html",
        {
            "framework": selectors.current_framework(),
            "competencies": selectors.competencies_for_agency(
                agency=request.agency, with_levels=True
            ),
            "values": selectors.behaviour_values(),
            "can_manage": permissions.can_manage_framework(request.user, request.agency),
        },
    )


@agency_required(permissions.can_manage_framework)
def teknis_edit(request: AgencyRequest, pk: int | None = None) -> HttpResponse:
    competency = get_for_agency_or_404(Competency, request.agency, pk=pk) if pk else None
    initial = {}
    if competency:
        initial = {
            "code": competency.code,
            "name": competency.name,
            "definition": competency.definition,
        }
        for lv in competency.levels.all():
            initial[f"title_{lv.level}"] = lv.title
            initial[f"indicators_{lv.level}"] = "\n".join(lv.indicators)
    form = TeknisCompetencyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.teknis_competency_save(
                agency=request.agency,
                acting_user=request.user,
                competency=competency,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                definition=form.cleaned_data["definition"],
                levels=form.levels(),
            )
        except KinerjaError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Kompetensi %(c)s tersimpan.") % {"c": saved})
            return redirect("competencies:framework")
    title = _("Ubah kompetensi teknis") if competency else _("Tambah kompetensi teknis")
    return render(
        request,
        "competencies/teknis_form.html",
        {"form": form, "title": title, "competency": competency},
    )


@agency_required(permissions.can_manage_framework)
def teknis_delete(request: AgencyRequest, pk: int) -> HttpResponse:
    competency = get_for_agency_or_404(Competency, request.agency, pk=pk)
    if request.method == "POST":
        try:
            services.teknis_competency_delete(
                agency=request.agency, competency=competency, acting_user=request.user
            )
            messages.success(request, _("Kompetensi dihapus."))
        except KinerjaError as error:
            messages.error(request, error.message)
        return redirect("competencies:framework")
    return render(
        request,
        "core/confirm_delete.html",
        {"object": competency, "cancel_url": reverse("competencies:framework")},
    )


@agency_required(permissions.can_manage_framework)
def standard_edit(request: AgencyRequest, pk: int) -> HttpResponse:
    position = get_for_agency_or_404(Position, request.agency, pk=pk)
    competencies = list(selectors.competencies_for_agency(agency=request.agency, with_levels=True))
    current = dict(
        PositionStandard.objects.filter(position=position).values_list(
            "competency__code", "required_level"
        )
    )
    if request.method == "POST":
        levels: dict[str, int | None] = {}
        for c in competencies:
            raw = request.POST.get(f"level_{c.code}", "")
            levels[c.code] = int(raw) if raw.isdigit() else None
        try:
            services.position_standard_set(
                agency=request.agency, position=position, levels=levels, acting_user=request.user
            )
        except KinerjaError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Standar kompetensi %(p)s tersimpan.") % {"p": position.name}
            )
            return redirect("organisation:position_detail", pk=position.pk)
    rows = [(c, current.get(c.code)) for c in competencies]
    return render(
        request,
        "competencies/standard_form.html",
        {"position": position, "rows": rows, "level_range": range(1, 6)},
    )


@agency_required(permissions.can_manage_framework)
def import_standards(request: AgencyRequest) -> HttpResponse:
    form = StandardImportForm(request.POST or None, request.FILES or None)
    errors, changed, error = None, None, None
    dry_run = request.POST.get("dry_run") == "on"
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            outcome = import_upload(
                kind=Job.Kind.STANDARDS_IMPORT,
                service=services.standards_import,
                agency=request.agency,
                data=data,
                filename=upload.name,
                acting_user=request.user,
                dry_run=dry_run,
            )
            if isinstance(outcome, Job):  # a large file: a job, followed on its page
                return redirect("jobs:detail", job_id=outcome.pk)
            errors, changed = outcome
        except KinerjaError as exc:
            error = exc
    return render(
        request,
        "competencies/import_standards.html",
        {"form": form, "errors": errors, "changed": changed, "error": error, "dry_run": dry_run},
    )


@agency_required(permissions.can_manage_framework)
def standards_template(request: AgencyRequest) -> HttpResponse:
    sample = list(
        PositionStandard.objects.filter(agency=request.agency).select_related(
            "position", "competency"
        )[:200]
    )
    rows = [[s.position.name, s.competency.code, s.required_level] for s in sample] or [
        ["Camat", "M.01", 4]
    ]
    body = write_xlsx(
        ["jabatan", "kode_kompetensi", "level"],
        rows,
        title="standar",
        notes=[
            _(
                "Satu baris = satu kompetensi untuk satu jabatan. Level 1–5. Kode: M.01–M.08, SK.01, atau kode teknis instansi."
            )
        ],
    )
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="templat-standar-kompetensi.xlsx"'
    return response
