"""Exports of a cycle's stored results: one row per employee × item, XLSX and CSV.

Only what the results rows hold leaves: anonymous group means only as stored (they passed the
threshold in the scoring engine), never a rater's identity or a single answer."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from kinerja.assessment.models import Cycle
from kinerja.core.spreadsheets import csv_writer, xlsx_row

from . import selectors
from .models import EmployeeResult

GROUPS = ("atasan", "rekan", "bawahan", "rekan_bawahan")
CHUNK = 2_000

# Machine-friendly column keys (stable for scripts), in order.
COLUMNS = [
    "nip",
    "nama",
    "unit",
    "jabatan",
    "item",
    "nama_item",
    "skor",
    "standar",
    "gap",
    "memenuhi",
    "n_penilai",
    "sd",
    "rwg",
    "catatan",
    *(f"rerata_{g}" for g in GROUPS),
    "nilai_diri",
    "jpm",
    "kategori_jpm",
    "perilaku",
    "rating_perilaku",
    "hasil_kerja",
    "predikat",
    "nine_box",
]


def result_rows(*, cycle: Cycle) -> Iterator[list[Any]]:
    """Every employee × item of the stored results, in name order; employee values repeated."""
    names = {item["code"]: item["name"] for item in cycle.items}
    order = {item["code"]: i for i, item in enumerate(cycle.items)}
    results = selectors.results_of_cycle(cycle=cycle)
    r: EmployeeResult
    for r in results.iterator(chunk_size=CHUNK):
        person = [r.employee.nip, r.employee.name, r.unit.name, r.position.name]
        tail = [
            r.jpm,
            r.jpm_category,
            r.perilaku_score,
            r.perilaku_rating,
            r.hasil_kerja,
            r.predikat,
            r.nine_box,
        ]
        for code in sorted(r.items, key=lambda c: (order.get(c, len(order)), c)):
            item = r.items[code]
            groups = item.get("groups") or {}
            yield [
                *person,
                code,
                names.get(code, code),
                item.get("score"),
                item.get("required"),
                item.get("gap"),
                item.get("meets"),
                item.get("n_raters"),
                item.get("sd"),
                item.get("rwg"),
                " ".join(item.get("flags") or ()),
                *((groups.get(g) or {}).get("mean") for g in GROUPS),
                item.get("self"),
                *tail,
            ]


def results_xlsx(*, cycle: Cycle, progress: Callable[[str, int], None] | None = None) -> bytes:
    """A streaming (write-only) workbook: a results sheet and a notes sheet. `progress` hears
    how far the rows are (a background job's page)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Hasil")[:31])
    bold = Font(bold=True)
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    total = max(1, result_count(cycle) * max(len(cycle.items), 1)) if progress else 1
    for index, row in enumerate(result_rows(cycle=cycle)):
        if progress is not None and index % 5000 == 0:
            progress(_("Menulis baris %(n)d") % {"n": index}, 5 + min(85, 85 * index // total))
        sheet.append(xlsx_row(sheet, row))
    if progress is not None:
        progress(_("Menyimpan berkas"), 92)
    notes = workbook.create_sheet(_("Petunjuk")[:31])
    for line in _notes(cycle):
        notes.append(xlsx_row(notes, [line]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def result_count(cycle: Cycle) -> int:
    """The employees of the cycle's stored results: the size of its exports."""
    return EmployeeResult.objects.filter(cycle=cycle).count()


def results_export_job(job: Any, progress: Callable[[str, int], None]) -> tuple[str, str]:
    """The background job "Ekspor hasil siklus" (kinerja/jobs): the XLSX as the page's link
    makes it, kept as the job's file."""
    from kinerja.jobs.files import output_save

    cycle = Cycle.objects.select_related("agency").get(pk=job.target_id, agency_id=job.agency_id)
    content = results_xlsx(cycle=cycle, progress=progress)
    output_save(
        job, name=job.params.get("filename") or f"hasil-siklus-{cycle.pk}.xlsx", content=content
    )
    return _("Ekspor hasil siklus siap: %(n)d pegawai.") % {"n": result_count(cycle)}, ""


def _notes(cycle: Cycle) -> list[str]:
    result = getattr(cycle, "result", None)
    return [
        _("Siklus: %(name)s") % {"name": cycle.name},
        _("Status hasil: %(s)s") % {"s": result.get_status_display() if result else "-"},
        _("Versi penilaian: %(v)s") % {"v": result.scoring_version if result else "-"},
        _("Satu baris per pegawai × butir; kolom jpm sampai nine_box berulang per pegawai."),
        _(
            "Rerata rekan/bawahan hanya ada bila kelompoknya memenuhi ambang anonimitas; "
            "identitas penilai tidak pernah diekspor."
        ),
        _(
            "catatan: tidak_ada_data, anonim_dihapus, anonim_digabung, kesepakatan_rendah "
            "(lihat panduan penilaian)."
        ),
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def results_csv(*, cycle: Cycle) -> Iterator[str]:
    """The same rows as CSV (UTF-8 with BOM so Excel reads it), streamed line by line."""
    writer = csv_writer(_Echo())
    yield "\ufeff" + writer.writerow(COLUMNS)
    for row in result_rows(cycle=cycle):
        yield writer.writerow(["" if v is None else v for v in row])
