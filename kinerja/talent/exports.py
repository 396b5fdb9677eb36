"""XLSX exports of the talent lists: a 9-box box or the succession pool (one row per employee
with the recommended follow-up), and the ranked candidates for a target position for the
promotion committee (Baperjakat)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kinerja.assessment.models import Cycle
from kinerja.core.spreadsheets import xlsx_row
from kinerja.organisation.models import Position
from kinerja.results.models import EmployeeResult

if TYPE_CHECKING:
    from .candidates import CandidateLine

CHUNK = 2_000

MEMBER_COLUMNS = [
    "nip",
    "nama",
    "jabatan",
    "unit",
    "jpm",
    "kategori_jpm",
    "predikat",
    "kotak",
    "kotak_di_perbatasan",
    "tindak_lanjut",
]
CANDIDATE_COLUMNS = [
    "peringkat",
    "setara",
    "nip",
    "nama",
    "jabatan_sekarang",
    "unit",
    "golongan",
    "predikat",
    "jpm_terhadap_target",
    "jpm_rentang_95",
    "kesiapan",
    "memenuhi_syarat",
    "catatan_syarat",
    "kesenjangan",
    "pelatihan",
]


def _workbook(
    sheet_name: str, columns: list[str], rows: Iterable[list[Any]], notes: list[str]
) -> bytes:
    """A streaming (write-only) workbook: a data sheet with a bold header and a notes sheet."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name[:31])
    bold = Font(bold=True)
    header = []
    for name in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    notes_sheet = workbook.create_sheet(_("Petunjuk")[:31])
    for line in notes:
        notes_sheet.append(xlsx_row(notes_sheet, [line]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def member_rows(
    rows: QuerySet[EmployeeResult], follow_up: Callable[[int | None], str], jpm_categories: str
) -> Iterable[list[Any]]:
    r: EmployeeResult
    for r in rows.iterator(chunk_size=CHUNK):
        yield [
            r.employee.nip,
            r.employee.name,
            r.position.name,
            r.unit.name,
            r.jpm,
            r.get_jpm_category_display(),
            r.get_predikat_display(),
            r.nine_box,
            _("ya") if r.nine_box_borderline(jpm_categories) else "",
            follow_up(r.nine_box),
        ]


def members_xlsx(
    *,
    rows: QuerySet[EmployeeResult],
    title: str,
    cycle: Cycle,
    follow_up: Callable[[int | None], str],
) -> bytes:
    notes = [
        title,
        _("Siklus: %(name)s") % {"name": cycle.name},
        _(
            "Kotak 9-box menurut PermenPANRB 3/2020: kinerja dari predikat, potensial dari "
            "kategori JPM. Kotak 7–9 membentuk kelompok rencana suksesi."
        ),
        _(
            "kotak_di_perbatasan: rentang 95 %% JPM pegawai menjangkau kategori JPM lain, "
            "sehingga kotaknya belum pasti."
        )
        % {},
    ]
    return _workbook(
        _("9-box"), MEMBER_COLUMNS, member_rows(rows, follow_up, cycle.jpm_categories), notes
    )


def candidate_row(line: CandidateLine) -> list[Any]:
    r = line.result
    return [
        line.rank,
        _("ya") if line.tied else "",
        r.employee.nip,
        r.employee.name,
        r.employee.position.name,
        r.unit.name,
        r.employee.grade,
        r.get_predikat_display(),
        line.jpm,
        line.jpm_range,
        line.readiness_label,
        _("ya") if line.eligible else _("tidak"),
        ", ".join(line.badges),
        "; ".join(gap.text for gap in line.gaps),
        "; ".join(f"{name}: {', '.join(options)}" for name, options in line.trainings),
    ]


def candidates_xlsx(*, lines: list[CandidateLine], target: Position, cycle: Cycle) -> bytes:
    notes = [
        _("Kandidat untuk jabatan: %(name)s (%(type)s)")
        % {"name": target.name, "type": target.get_position_type_display()},
        _("Golongan minimal: %(grade)s") % {"grade": target.min_grade or "–"},
        _("Nilai dari siklus final: %(name)s") % {"name": cycle.name},
        _(
            "JPM dihitung terhadap standar kompetensi jabatan target. Kesiapan: siap sekarang "
            "≥ 90, siap dengan pengembangan 78–< 90, belum siap < 78."
        ),
        _(
            "Peringkat memperhitungkan ketidakpastian: peringkat seorang kandidat adalah 1 + "
            "banyaknya kandidat yang rentang 95 %% JPM-nya seluruhnya di atas rentangnya. "
            "Kandidat dengan peringkat sama (setara) tidak dapat dibedakan oleh data penilaian."
        )
        % {},
        _(
            "Syarat: golongan minimal jabatan, predikat Baik atau Sangat Baik pada siklus "
            "terakhir, dan belum menduduki jabatan setara atau lebih tinggi. Semua pegawai "
            "diperingkat; yang tidak memenuhi syarat ditandai, tidak dihapus."
        ),
    ]
    return _workbook(
        _("Kandidat"), CANDIDATE_COLUMNS, (candidate_row(line) for line in lines), notes
    )
