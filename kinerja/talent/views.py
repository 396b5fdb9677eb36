"""The talent pages (PermenPANRB 3/2020) for the HR admin and the leadership: the 9-box board of a
final cycle, each box's employees with the recommended follow-up, the succession pool (boxes
7–9), and the ranked candidates for a target position with their gaps and the training that
closes them; each list exports to XLSX. Anyone else, or another agency's cycle or position,
gets 404. Pages read the stored results; nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.assessment.models import Cycle
from kinerja.competencies.models import PositionStandard
from kinerja.core import permissions
from kinerja.core.tenancy import get_for_agency_or_404
from kinerja.core.types import AgencyRequest
from kinerja.core.views import agency_required
from kinerja.jobs import services as jobs
from kinerja.jobs.models import Job
from kinerja.jobs.views import export_or_job
from kinerja.organisation.models import OrgUnit, Position
from kinerja.organisation.selectors import unit_choices
from kinerja.results.explain import AXIS_LABELS
from kinerja.results.models import EmployeeResult
from kinerja.scoring.talent import BOXES, SUCCESSION_POOL

from . import exports, selectors
from . import jobs as talent_jobs
from .candidates import (
    INELIGIBLE_LABELS,
    describe_candidates,
    follow_up,
)

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

view = agency_required(permissions.can_view_talent)

# DOMAIN.md §7 as drawn: kinerja rows top to bottom, potensial columns left to right.
KINERJA_ROWS = ("di_atas", "sesuai", "di_bawah")
POTENSIAL_COLUMNS = ("rendah", "menengah", "tinggi")
AXES_OF_BOX = {box: axes for axes, box in BOXES.items()}


def box_title(box: int) -> str:
    kinerja, potensial = AXES_OF_BOX[box]
    return _("Kotak %(box)d: kinerja %(kinerja)s, potensial %(potensial)s") % {
        "box": box,
        "kinerja": AXIS_LABELS[kinerja],
        "potensial": AXIS_LABELS[potensial],
    }


# --- filters ------------------------------------------------------------------------------------


@dataclass
class Filters:
    unit_id: int | None = None
    position_type: str = ""

    @property
    def query(self) -> str:
        """The filters as a query string ("?unit=3&jenis=pengawas"), or "" without filters."""
        params = {"unit": self.unit_id or "", "jenis": self.position_type}
        params = {k: v for k, v in params.items() if v}
        return "?" + urlencode(params) if params else ""


def _filters(request: AgencyRequest, units: list[tuple[int, str]] | None = None) -> Filters:
    """Unit (with its sub-units) and position type. Another agency's unit is 404; an unknown
    position type is ignored. `units` = the agency's units when the page has them already."""
    raw_unit = request.GET.get("unit", "")
    unit_id = int(raw_unit) if raw_unit.isdigit() else None
    if unit_id is not None:
        known = (
            any(pk == unit_id for pk, _label in units)
            if units is not None
            else OrgUnit.objects.filter(agency=request.agency, pk=unit_id).exists()
        )
        if not known:
            raise Http404(_("Unit kerja tidak ditemukan."))
    position_type = request.GET.get("jenis", "")
    if position_type not in Position.Type.values:
        position_type = ""
    return Filters(unit_id, position_type)


def _rows(cycle: Cycle, filters: Filters) -> QuerySet[EmployeeResult]:
    return selectors.board_results(
        cycle=cycle, unit_id=filters.unit_id, position_type=filters.position_type
    )


def _final_cycle(request: AgencyRequest, cycle_id: int) -> Cycle:
    return get_for_agency_or_404(
        Cycle.objects.filter(status=Cycle.Status.FINAL).select_related("agency"),
        request.agency,
        pk=cycle_id,
    )


# --- the 9-box board ----------------------------------------------------------------------------


@dataclass
class BoxCell:
    box: int
    count: int
    url: str

    @property
    def in_pool(self) -> bool:
        return self.box in SUCCESSION_POOL

    @property
    def follow_up(self) -> str:
        return follow_up(self.box)


@view
def board(request: AgencyRequest, cycle_id: int | None = None) -> HttpResponse:
    cycles = list(selectors.final_cycles(agency=request.agency).select_related("agency"))
    if cycle_id is None:
        cycle = cycles[0] if cycles else None
    else:
        cycle = next((c for c in cycles if c.pk == cycle_id), None)
        if cycle is None:
            raise Http404(_("Siklus tidak ditemukan."))
    context: dict[str, Any] = {"cycle": cycle, "cycles": cycles}
    if cycle is not None:
        units = unit_choices(agency=request.agency)
        filters = _filters(request, units)
        counts = selectors.box_counts(_rows(cycle, filters))
        grid = [
            (
                AXIS_LABELS[kinerja],
                [
                    BoxCell(
                        box,
                        counts[box],
                        reverse("talent:box", args=[cycle.pk, box]) + filters.query,
                    )
                    for box in (BOXES[(kinerja, potensial)] for potensial in POTENSIAL_COLUMNS)
                ],
            )
            for kinerja in KINERJA_ROWS
        ]
        context |= {
            "filters": filters,
            "grid": grid,
            "columns": [AXIS_LABELS[p] for p in POTENSIAL_COLUMNS],
            "total": sum(counts.values()),
            "without_box": counts[None],
            "pool_count": sum(counts[b] for b in SUCCESSION_POOL),
            "units": units,
            "position_types": Position.Type.choices,
        }
    return render(request, "talent/board.html", context)


def _member_page(
    request: AgencyRequest, cycle: Cycle, rows: QuerySet[EmployeeResult], **context: Any
) -> HttpResponse:
    filters = context["filters"]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    lines = [(r, follow_up(r.nine_box), r.nine_box_borderline(cycle.jpm_categories)) for r in page]
    return render(
        request,
        "talent/members.html",
        {
            "cycle": cycle,
            "page": page,
            "lines": lines,
            "board_url": reverse("talent:board_cycle", args=[cycle.pk]) + filters.query,
            **context,
        },
    )


@view
def box_members(request: AgencyRequest, cycle_id: int, box: int) -> HttpResponse:
    cycle = _final_cycle(request, cycle_id)
    if box not in AXES_OF_BOX:
        raise Http404(_("Kotak tidak ditemukan."))
    filters = _filters(request)
    return _member_page(
        request,
        cycle,
        _rows(cycle, filters).filter(nine_box=box),
        filters=filters,
        box=box,
        title=box_title(box),
        follow_up_text=follow_up(box),
        export_url=reverse("talent:box_xlsx", args=[cycle.pk, box]) + filters.query,
    )


@view
def pool(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    cycle = _final_cycle(request, cycle_id)
    filters = _filters(request)
    return _member_page(
        request,
        cycle,
        selectors.succession_pool(_rows(cycle, filters)).order_by(
            "-nine_box", "employee__name", "employee_id"
        ),
        filters=filters,
        box=None,
        title=_("Kelompok rencana suksesi (kotak 7–9)"),
        follow_up_text="",
        export_url=reverse("talent:pool_xlsx", args=[cycle.pk]) + filters.query,
    )


def _filter_params(filters: Filters) -> dict[str, Any]:
    return {"unit_id": filters.unit_id, "position_type": filters.position_type}


@view
def box_xlsx(request: AgencyRequest, cycle_id: int, box: int) -> HttpResponse:
    cycle = _final_cycle(request, cycle_id)
    if box not in AXES_OF_BOX:
        raise Http404(_("Kotak tidak ditemukan."))
    filters = _filters(request)
    rows = _rows(cycle, filters).filter(nine_box=box)
    return export_or_job(
        request,
        kind=Job.Kind.TALENT_EXPORT,
        target_id=cycle.pk,
        target_name=f"{cycle.name}: {box_title(box)}",
        size=rows.count(),
        build=lambda: exports.members_xlsx(
            rows=rows, title=box_title(box), cycle=cycle, follow_up=follow_up
        ),
        filename=f"9box-{cycle.pk}-kotak-{box}.xlsx",
        key=f"kotak:{box}{filters.query}",
        params={"what": "box", "box": box, **_filter_params(filters)},
    )


@view
def pool_xlsx(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    cycle = _final_cycle(request, cycle_id)
    filters = _filters(request)
    rows = selectors.succession_pool(_rows(cycle, filters)).order_by(
        "-nine_box", "employee__name", "employee_id"
    )
    title = _("Kelompok rencana suksesi (kotak 7–9)")
    return export_or_job(
        request,
        kind=Job.Kind.TALENT_EXPORT,
        target_id=cycle.pk,
        target_name=f"{cycle.name}: {title}",
        size=rows.count(),
        build=lambda: exports.members_xlsx(
            rows=rows, title=title, cycle=cycle, follow_up=follow_up
        ),
        filename=f"suksesi-{cycle.pk}.xlsx",
        key=f"suksesi{filters.query}",
        params={"what": "pool", **_filter_params(filters)},
    )


# --- candidates for a target position ----------------------------------------------------------


def _target(request: AgencyRequest, raw: str) -> Position | None:
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404(_("Jabatan tidak ditemukan."))
    return get_for_agency_or_404(Position, request.agency, pk=int(raw))


def _standard(target: Position) -> list[PositionStandard]:
    return list(
        PositionStandard.objects.filter(position=target)
        .select_related("competency")
        .order_by("competency__order", "competency__code")
    )


@view
def candidates(request: AgencyRequest) -> HttpResponse:
    agency = request.agency
    cycle = selectors.final_cycles(agency=agency).select_related("result").first()
    positions = list(
        Position.objects.filter(agency=agency, standards__isnull=False).distinct().order_by("name")
    )
    target = _target(request, request.GET.get("jabatan", ""))
    # A checkbox that is on by default: the form sends `f=1`, so an unticked box reads as off.
    eligible_only = request.GET.get("memenuhi") == "1" if "f" in request.GET else True
    context: dict[str, Any] = {
        "cycle": cycle,
        "positions": positions,
        "target": target,
        "eligible_only": eligible_only,
        "standard": [],
    }
    if target is not None:
        standard = _standard(target)
        context["standard"] = standard
        ranked: list[Any] | None = []
        if standard and cycle is not None:
            ranked, context["ranking"] = _ranking(request, cycle, target)
        if ranked is None:  # at scale, and not ranked yet (or still ranking): its job shows
            return render(request, "talent/candidates.html", context)
        numbered = selectors.numbered(ranked)
        eligible = [(n, row) for n, row in numbered if row.ranked.eligible]
        shown = eligible if eligible_only else numbered
        page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
        reasons = {code: 0 for code in INELIGIBLE_LABELS}
        for row in ranked:
            for code in row.ranked.ineligible:
                reasons[code] += 1
        context |= {
            "page": page,
            "lines": describe_candidates(list(page), agency=agency),
            "ranked_count": len(ranked),
            "eligible_count": len(eligible),
            "ineligible_count": len(ranked) - len(eligible),
            "reasons": [(INELIGIBLE_LABELS[c], n) for c, n in reasons.items() if n],
            "export_url": reverse("talent:candidates_xlsx", args=[target.pk]),
        }
    return render(request, "talent/candidates.html", context)


@dataclass
class Ranking:
    """A ranking at scale: its job (None: never started), and whether the page shows it."""

    job: Job | None
    stored: bool = False


def _ranking(
    request: AgencyRequest, cycle: Cycle, target: Position
) -> tuple[list[Any] | None, Ranking | None]:
    """(ranked rows, the ranking job): ranked here and now up to inline_limit() people; above
    it, the rows the last ranking job kept for this cycle and standard, or None while there are
    none yet (the page then offers to start, or follows, the job)."""
    if talent_jobs.candidates_size(cycle) <= jobs.inline_limit():
        return selectors.candidates_for(agency=request.agency, target=target), None
    job = talent_jobs.ranking_job(agency=request.agency, cycle=cycle, target=target)
    if job is not None and job.state == Job.State.DONE and job.output_file:
        return talent_jobs.stored_ranking(job), Ranking(job, stored=True)
    return None, Ranking(job)


@view
@require_POST
def candidates_rank(request: AgencyRequest, position_id: int) -> HttpResponse:
    """Starts (or joins) the ranking job of a target position; its page follows it."""
    target = get_for_agency_or_404(Position, request.agency, pk=position_id)
    cycle = selectors.final_cycles(agency=request.agency).first()
    if cycle is None or not _standard(target):
        raise Http404(_("Belum ada kandidat untuk jabatan ini."))
    jobs.job_start(
        agency=request.agency,
        kind=Job.Kind.CANDIDATES,
        target_id=target.pk,
        target_name=target.name,
        acting_user=request.user,
        key=talent_jobs.ranking_key(cycle=cycle, target=target),
        params={"cycle_id": cycle.pk},
    )
    return redirect(reverse("talent:candidates") + f"?jabatan={target.pk}")


@view
def candidates_xlsx(request: AgencyRequest, position_id: int) -> HttpResponse:
    target = get_for_agency_or_404(Position, request.agency, pk=position_id)
    cycle = selectors.final_cycles(agency=request.agency).first()
    if cycle is None or not _standard(target):
        raise Http404(_("Belum ada kandidat untuk jabatan ini."))

    def build() -> bytes:
        ranked = selectors.candidates_for(agency=request.agency, target=target)
        lines = describe_candidates(selectors.numbered(ranked), agency=request.agency)
        return exports.candidates_xlsx(lines=lines, target=target, cycle=cycle)

    return export_or_job(
        request,
        kind=Job.Kind.TALENT_EXPORT,
        target_id=target.pk,
        target_name=_("Kandidat %(name)s") % {"name": target.name},
        size=talent_jobs.candidates_size(cycle),
        build=build,
        filename=f"kandidat-{target.pk}.xlsx",
        key=f"kandidat:{talent_jobs.ranking_key(cycle=cycle, target=target)}",
        params={"what": "candidates", "cycle_id": cycle.pk},
    )
