"""API: the PDF reports — one employee's result report (the same permission as the result:
the employee once final, anyone above them in the supervisor chain, HR admin and leadership),
and the 9-box board and the candidates for a target position (HR admin and leadership). Answers
application/pdf; another agency's cycle, employee or position, or one the caller may not see,
is 404."""

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from kinerja.assessment.models import Cycle
from kinerja.competencies.models import PositionStandard
from kinerja.core import permissions
from kinerja.core.errors import NotFound
from kinerja.core.tenancy import get_for_agency
from kinerja.organisation.models import OrgUnit, Position
from kinerja.reports import documents, selectors, services
from kinerja.reports.views import pdf_response
from kinerja.talent import selectors as talent

from .common import InputSchema, require
from .jobs import JobOut, job_out
from .results import _visible_result
from .urls import api

router = Router(tags=["laporan"])

PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "Laporan PDF (A4, bertanda RAHASIA)",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/cycles/{int:cycle_id}/results/{int:employee_id}/pdf",
    openapi_extra=PDF_RESPONSE,
    include_in_schema=True,
)
def result_pdf(request: HttpRequest, cycle_id: int, employee_id: int) -> HttpResponse:
    """One employee's result as the printable PDF report (the result page's content)."""
    result = _visible_result(request, cycle_id, employee_id)
    report = selectors.result_report(cycle=result.cycle, employee=result.employee)
    if report is None:
        raise NotFound("Hasil pegawai ini belum dihitung.")
    return pdf_response(documents.result_pdf(report, printed_by=request.user), report.filename)


@router.get("/talent/cycles/{int:cycle_id}/nine-box/pdf", openapi_extra=PDF_RESPONSE)
def board_pdf(
    request: HttpRequest, cycle_id: int, unit: int | None = None, position_type: str = ""
) -> HttpResponse:
    """The 9-box board of a final cycle and each box's employees, as a PDF for Baperjakat;
    `unit` includes its sub-units."""
    agency = require(request, permissions.can_view_talent)
    cycle = get_for_agency(talent.final_cycles(agency=agency), agency, pk=cycle_id)
    if unit is not None:
        get_for_agency(OrgUnit, agency, pk=unit)
    kind = position_type if position_type in Position.Type.values else ""
    report = selectors.board_report(cycle=cycle, unit_id=unit, position_type=kind)
    report.position_type_label = str(dict(Position.Type.choices).get(kind, ""))
    content = documents.board_pdf(report, agency=agency, printed_by=request.user)
    return pdf_response(content, f"9box-siklus-{cycle.pk}.pdf")


@router.get("/talent/candidates/pdf", openapi_extra=PDF_RESPONSE)
def candidates_pdf(request: HttpRequest, position: int) -> HttpResponse:
    """The ranked candidates for the target position, as a PDF for Baperjakat."""
    agency = require(request, permissions.can_view_talent)
    target = get_for_agency(Position, agency, pk=position)
    cycle = talent.final_cycles(agency=agency).first()
    standard = list(
        PositionStandard.objects.filter(position=target)
        .select_related("competency")
        .order_by("competency__order", "competency__code")
    )
    if cycle is None or not standard:
        raise NotFound("Belum ada kandidat untuk jabatan ini.")
    content = documents.candidates_pdf(
        agency=agency,
        target=target,
        cycle=cycle,
        lines=selectors.candidate_lines(agency=agency, target=target),
        standard=standard,
        printed_by=request.user,
    )
    return pdf_response(content, f"kandidat-{target.pk}.pdf")


class ReportsZipIn(InputSchema):
    unit_id: int | None = None  # with its sub-units; none: the whole agency
    background: bool = False


@router.post("/cycles/{int:cycle_id}/reports/zip", response={202: JobOut})
def reports_zip(request: HttpRequest, cycle_id: int, payload: ReportsZipIn):
    """HR admin and leadership: a ZIP of one PDF report per employee of a unit (with its
    sub-units) or of the whole agency, made by a background job (a small batch is done at
    once). 202 with the job; poll /api/v1/jobs/{id}, then download its file."""
    agency = require(request, permissions.can_print_results_batch)
    cycle = get_for_agency(Cycle.objects.select_related("agency"), agency, pk=cycle_id)
    unit = get_for_agency(OrgUnit, agency, pk=payload.unit_id) if payload.unit_id else None
    job, _created = services.pdf_batch_start(
        cycle=cycle,
        scope="unit" if unit else "instansi",
        unit=unit,
        acting_user=request.user,
        background=True if payload.background else None,
    )
    return Status(202, job_out(job))


api.add_router("/v1/", router)
