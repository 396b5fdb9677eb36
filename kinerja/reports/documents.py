"""The PDF documents: one employee's result, a ZIP of many, the 9-box board and the candidates
for a target position. Each is a template of templates/reports/ rendered by pdf.py."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.assessment.models import Cycle
from kinerja.results.models import EmployeeResult

from . import pdf, selectors
from .selectors import BoardReport, ResultReport


def _who(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return user.get_full_name() or user.get_username()


def result_pdf(report: ResultReport, *, printed_by: Any = None) -> bytes:
    return pdf.render_pdf("reports/result.html", result_context(report, printed_by=printed_by))


def result_context(report: ResultReport, *, printed_by: Any = None) -> dict[str, Any]:
    """The individual report's template context (bench/pdf.py times its HTML alone)."""
    return {
        "agency": report.employee.agency,
        "title": _("Laporan hasil penilaian kompetensi"),
        "subtitle": f"{report.employee.name} · {report.employee.nip} · {report.cycle.name}",
        "printed_at": timezone.localtime(),
        "printed_by": _who(printed_by),
        "employee": report.employee,
        "cycle": report.cycle,
        "page": report.page,
        "recommendations": report.recommendations,
        "plan_year": report.plan_year,
        "plan": report.plan,
        "plan_items": report.plan_items,
        "jp": report.jp,
        "scoring_version": report.scoring_version,
    }


def member_name(result: EmployeeResult) -> str:
    """A ZIP member's name: NIP and name, only letters, digits and dashes."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", result.employee.name).strip("-")[:60]
    return f"{result.employee.nip}-{slug or 'pegawai'}.pdf"


def results_zip(
    *,
    cycle: Cycle,
    rows: Iterable[EmployeeResult],
    total: int,
    out: IO[bytes],
    printed_by: Any = None,
    progress: Callable[[str, int], None] | None = None,
) -> int:
    """Writes one PDF per stored result into the ZIP `out`; returns how many. `progress` hears
    after each employee ("Laporan 3 dari 40: …", percent)."""
    written = 0
    shared = selectors.report_shared(cycle=cycle)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for result in rows:
            report = selectors.result_report(
                cycle=cycle, employee=result.employee, result=result, shared=shared
            )
            assert report is not None  # given its stored row
            archive.writestr(member_name(result), result_pdf(report, printed_by=printed_by))
            written += 1
            if progress is not None:
                progress(
                    _("Laporan %(i)d dari %(n)d: %(name)s")
                    % {"i": written, "n": total, "name": result.employee.name},
                    int(100 * written / max(total, 1)) if written < total else 99,
                )
    return written


def board_pdf(report: BoardReport, *, agency: Any, printed_by: Any = None) -> bytes:
    scope = [report.cycle.name]
    if report.unit is not None:
        scope.append(report.unit.name)
    if report.position_type_label:
        scope.append(report.position_type_label)
    context = {
        "agency": agency,
        "title": _("Papan 9-box manajemen talenta"),
        "subtitle": " · ".join(scope),
        "printed_at": timezone.localtime(),
        "printed_by": _who(printed_by),
        "board": report,
    }
    return pdf.render_pdf("reports/board.html", context)


def candidates_pdf(
    *,
    agency: Any,
    target: Any,
    cycle: Cycle,
    lines: list[Any],
    standard: list[Any],
    printed_by: Any = None,
) -> bytes:
    context = {
        "agency": agency,
        "title": _("Kandidat jabatan %(name)s") % {"name": target.name},
        "subtitle": _("Dari nilai siklus final %(cycle)s") % {"cycle": cycle.name},
        "printed_at": timezone.localtime(),
        "printed_by": _who(printed_by),
        "target": target,
        "cycle": cycle,
        "lines": lines,
        "standard": standard,
        "eligible_count": sum(1 for line in lines if line.eligible),
    }
    return pdf.render_pdf("reports/candidates.html", context)
