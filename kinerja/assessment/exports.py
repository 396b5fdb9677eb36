"""Spreadsheet exports of a cycle's completion: counts per rater, never an answer."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext as _

from kinerja.core.spreadsheets import write_xlsx
from kinerja.organisation.models import Employee

from . import selectors
from .models import Cycle


def rater_count(*, cycle: Cycle, unit_ids: list[int] | None = None) -> int:
    """The raters of the cycle (in those units): the size of the progress export."""
    raters = Employee.objects.filter(assignments_as_rater__cycle=cycle)
    if unit_ids is not None:
        raters = raters.filter(unit_id__in=unit_ids)
    return raters.distinct().count()


def progress_export_job(job: Any, progress: Callable[[str, int], None]) -> tuple[str, str]:
    """The background job "Ekspor progres penilai" (kinerja/jobs): the XLSX of the page's link
    for the same unit filter, kept as the job's file."""
    from kinerja.jobs.files import output_save
    from kinerja.organisation.selectors import unit_descendant_ids

    cycle = Cycle.objects.get(pk=job.target_id, agency_id=job.agency_id)
    unit_id = job.params.get("unit_id")
    unit_ids = unit_descendant_ids(agency=cycle.agency, unit_id=int(unit_id)) if unit_id else None
    progress(_("Menghitung formulir per penilai"), 10)
    content = rater_progress_xlsx(cycle=cycle, unit_ids=unit_ids)
    progress(_("Menyimpan berkas"), 90)
    output_save(
        job, name=job.params.get("filename") or f"progres-siklus-{cycle.pk}.xlsx", content=content
    )
    return _("Ekspor progres penilai siap: %(n)d penilai.") % {
        "n": rater_count(cycle=cycle, unit_ids=unit_ids)
    }, ""


def rater_progress_xlsx(*, cycle: Cycle, unit_ids: list[int] | None = None) -> bytes:
    """One row per rater: NIP, name, unit, forms owed, submitted, drafted, not started."""
    headers = [
        _("NIP"),
        _("Nama"),
        _("Unit kerja"),
        _("Wajib"),
        _("Terkirim"),
        _("Draf"),
        _("Belum mulai"),
    ]
    # The counts are annotations the stubs cannot see on Employee.
    raters: Iterable[Any] = selectors.rater_progress(cycle=cycle, unit_ids=unit_ids)
    rows = [
        [
            r.nip,
            r.name,
            r.unit.name,
            r.owed,
            r.submitted,
            r.drafted,
            r.owed - r.submitted - r.drafted,
        ]
        for r in raters
    ]
    return write_xlsx(
        headers,
        rows,
        title=_("Progres penilai"),
        notes=[
            _("Siklus: %(name)s") % {"name": cycle.name},
            _("Hanya jumlah formulir; jawaban penilai tidak pernah diekspor."),
        ],
    )
