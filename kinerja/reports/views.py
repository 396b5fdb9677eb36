"""PDF downloads: one employee's result report (whoever may open the result page), a ZIP of a
team's, a unit's or the agency's reports as a background job, the 9-box board and the
candidates for a target position (whoever may open the talent pages). Another agency's cycle,
employee, unit or position, or one the caller may not see, is 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.assessment.models import Cycle
from kinerja.competencies.models import PositionStandard
from kinerja.core import permissions
from kinerja.core.errors import KinerjaError
from kinerja.core.tenancy import get_for_agency_or_404
from kinerja.core.types import AgencyRequest
from kinerja.core.views import agency_required, show_error
from kinerja.organisation.models import Employee, OrgUnit, Position
from kinerja.organisation.selectors import unit_choices
from kinerja.talent import selectors as talent

from . import documents, selectors, services

PDF = "application/pdf"


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"  # RAHASIA: never kept by a shared cache
    return response


@agency_required(permissions.is_member)
def result_pdf(request: AgencyRequest, cycle_id: int, employee_id: int) -> HttpResponse:
    """The result page as a PDF: the same permission as the page (the employee once final,
    anyone above them in the supervisor chain, HR admin and leadership)."""
    cycle = get_for_agency_or_404(
        Cycle.objects.select_related("agency"), request.agency, pk=cycle_id
    )
    employee = get_for_agency_or_404(
        Employee.objects.select_related("agency"), request.agency, pk=employee_id
    )
    if not permissions.can_view_result(
        request.user, employee, final=cycle.status == Cycle.Status.FINAL
    ):
        raise Http404
    report = selectors.result_report(cycle=cycle, employee=employee)
    if report is None:
        raise Http404(_("Hasil pegawai ini belum dihitung."))
    return pdf_response(documents.result_pdf(report, printed_by=request.user), report.filename)


def _started(request: AgencyRequest, job, created: bool) -> HttpResponse:
    if not created:
        messages.info(request, _("Laporan ini sedang dibuat; Anda mengikuti pekerjaan yang sama."))
    return redirect("jobs:detail", job_id=job.pk)


@require_POST
@agency_required(permissions.is_member)
def team_zip(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    """The supervisor's direct reports' PDFs in one ZIP (a job; small teams are ready at once)."""
    me = permissions.employee_of(request.user)
    if me is None or me.agency_id != request.agency.pk or not me.subordinates.exists():
        raise Http404  # as Hasil tim: only a supervisor has a team
    cycle = get_for_agency_or_404(
        Cycle.objects.select_related("agency"), request.agency, pk=cycle_id
    )
    if not permissions.can_print_team_reports(request.user, me):
        raise Http404
    try:
        job, created = services.pdf_batch_start(
            cycle=cycle, scope="tim", supervisor=me, acting_user=request.user
        )
    except KinerjaError as error:
        if error.status == 404:
            raise Http404(error.message) from error
        show_error(request, error)
        return redirect("results:team", cycle_id=cycle.pk)
    return _started(request, job, created)


@agency_required(permissions.can_print_results_batch)
def batch(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    """HR and leadership: the PDFs of a unit (with its sub-units) or of the whole agency in one
    ZIP, made by a background job whose page shows the progress and then the download."""
    cycle = get_for_agency_or_404(
        Cycle.objects.select_related("agency"), request.agency, pk=cycle_id
    )
    units = unit_choices(agency=request.agency)
    if request.method == "POST":
        raw = request.POST.get("unit", "")
        unit = None
        if raw:
            unit = OrgUnit.objects.filter(
                agency=request.agency, pk=raw if raw.isdigit() else 0
            ).first()
            if unit is None:
                raise Http404(_("Unit kerja tidak ditemukan."))
        try:
            job, created = services.pdf_batch_start(
                cycle=cycle,
                scope="unit" if unit else "instansi",
                unit=unit,
                acting_user=request.user,
                background=True if request.POST.get("background") else None,
            )
        except KinerjaError as error:
            show_error(request, error)
            return redirect("reports:batch", cycle_id=cycle.pk)
        return _started(request, job, created)
    return render(
        request,
        "reports/batch.html",
        {
            "cycle": cycle,
            "units": units,
            "count": selectors.batch_results(cycle=cycle, scope="instansi").count(),
            "inline_max": services.pdf_inline_limit(),
        },
    )


view_talent = agency_required(permissions.can_view_talent)


@view_talent
def board_pdf(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    """The 9-box board of a final cycle (with the page's unit and position-type filters) and
    each box's employees, for a Baperjakat meeting."""
    cycle = get_for_agency_or_404(
        talent.final_cycles(agency=request.agency).select_related("agency"),
        request.agency,
        pk=cycle_id,
    )
    raw_unit = request.GET.get("unit", "")
    unit_id = int(raw_unit) if raw_unit.isdigit() else None
    if (
        unit_id is not None
        and not OrgUnit.objects.filter(agency=request.agency, pk=unit_id).exists()
    ):
        raise Http404(_("Unit kerja tidak ditemukan."))
    position_type = request.GET.get("jenis", "")
    if position_type not in Position.Type.values:
        position_type = ""
    report = selectors.board_report(cycle=cycle, unit_id=unit_id, position_type=position_type)
    report.position_type_label = str(dict(Position.Type.choices).get(position_type, ""))
    content = documents.board_pdf(report, agency=request.agency, printed_by=request.user)
    return pdf_response(content, f"9box-siklus-{cycle.pk}.pdf")


@view_talent
def candidates_pdf(request: AgencyRequest, position_id: int) -> HttpResponse:
    """The ranked candidates for a target position (every one ranked, as the XLSX)."""
    target = get_for_agency_or_404(Position, request.agency, pk=position_id)
    cycle = talent.final_cycles(agency=request.agency).first()
    standard = list(
        PositionStandard.objects.filter(position=target)
        .select_related("competency")
        .order_by("competency__order", "competency__code")
    )
    if cycle is None or not standard:
        raise Http404(_("Belum ada kandidat untuk jabatan ini."))
    lines = selectors.candidate_lines(agency=request.agency, target=target)
    content = documents.candidates_pdf(
        agency=request.agency,
        target=target,
        cycle=cycle,
        lines=lines,
        standard=standard,
        printed_by=request.user,
    )
    return pdf_response(content, f"kandidat-{target.pk}.pdf")
