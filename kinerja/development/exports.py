"""Spreadsheets of competency development: the catalog import template and the agency's training
needs analysis (for the annual development plan)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from kinerja.core.spreadsheets import write_xlsx, xlsx_row

from .models import Training
from .selectors import NeedsAnalysis
from .services import IMPORT_COLUMNS, IMPORT_OPTIONAL

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TEMPLATE_EXAMPLE = [
    [
        "KOM-01",
        "Pelatihan Komunikasi Efektif",
        "klasikal",
        "pelatihan",
        24,
        "M.03",
        2,
        3,
        "BPSDM Provinsi",
        1500000,
        "Tatap muka tiga hari",
    ]
]


def import_template_xlsx() -> bytes:
    notes = [
        _("Satu baris per kegiatan katalog. Kegiatan dicocokkan dengan kode."),
        _("jalur: %(v)s.") % {"v": ", ".join(Training.Mode.values)},
        _("metode: %(v)s.") % {"v": ", ".join(Training.Method.values)},
        _("jp: bilangan bulat (1 JP = 45 menit)."),
        _(
            "kompetensi: kode kompetensi dipisah koma (misalnya M.03, S.01); kosongkan untuk "
            "kegiatan yang mengembangkan kompetensi apa pun."
        ),
        _("level_min, level_max: rentang level standar yang dituju (1–5); boleh kosong."),
        _("penyelenggara, biaya (rupiah), keterangan: boleh kosong."),
        _("Semua atau tidak sama sekali: satu baris salah membatalkan seluruh impor."),
    ]
    return write_xlsx(
        IMPORT_COLUMNS + IMPORT_OPTIONAL, TEMPLATE_EXAMPLE, title="katalog", notes=notes
    )


def _put(sheet: Any, values: list[Any]) -> None:
    sheet.append(xlsx_row(sheet, values))


def needs_xlsx(analysis: NeedsAnalysis, *, agency_name: str) -> bytes:
    """Three sheets: competency × unit, catalog items, summary."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    bold = Font(bold=True)

    sheet = workbook.active
    sheet.title = _("kompetensi × unit")[:31]
    _put(sheet, [_("kode"), _("kompetensi"), _("pegawai dengan gap"), *analysis.units])
    for row in analysis.by_competency:
        _put(
            sheet,
            [
                row["competency"],
                row["name"],
                row["employees"],
                *(row["units"].get(unit, 0) for unit in analysis.units),
            ],
        )

    trainings = workbook.create_sheet(_("pelatihan")[:31])
    _put(
        trainings,
        [_("kode"), _("nama"), _("jalur"), _("metode"), _("JP"), _("pegawai"), _("biaya (Rp)")],
    )
    for row in analysis.by_training:
        t = row["training"]
        _put(
            trainings,
            [
                t.code,
                t.name,
                t.get_mode_display(),
                t.get_method_display(),
                t.jp,
                row["employees"],
                int(t.cost) if t.cost is not None else None,
            ],
        )

    summary = workbook.create_sheet(_("ringkasan")[:31])
    for line in [
        (_("Instansi"), agency_name),
        (_("Tahun rencana"), analysis.year),
        (_("Pegawai dengan hasil final"), analysis.employees),
        (_("Pegawai aktif"), analysis.employees_total),
        (_("Rencana ≥ 20 JP"), analysis.plans_on_track),
        (_("Persentase pegawai ≥ 20 JP direncanakan"), analysis.share_on_track),
    ]:
        _put(summary, list(line))

    for ws in workbook.worksheets:
        if ws is not summary:
            for cell in ws[1]:
                cell.font = bold
        ws.column_dimensions["A"].width = 16
        ws.column_dimensions["B"].width = 40
    summary.column_dimensions["A"].width = 44
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def needs_size(*, agency: Any) -> int:
    """The employees behind the needs analysis (the latest final cycle's results)."""
    from kinerja.results.selectors import latest_final_results

    return latest_final_results(agency=agency).count()


def needs_export_job(job: Any, progress: Callable[[str, int], None]) -> tuple[str, str]:
    """The background job "Ekspor analisis kebutuhan pengembangan" (kinerja/jobs): the XLSX of
    the page's link for the same year (the job's target), kept as the job's file."""
    from kinerja.jobs.files import output_save

    from .selectors import needs_analysis

    year = job.target_id
    progress(_("Menghitung gap dan pelatihan per pegawai"), 10)
    analysis = needs_analysis(agency=job.agency, year=year)
    progress(_("Menulis berkas"), 80)
    content = needs_xlsx(analysis, agency_name=job.agency.name)
    output_save(
        job,
        name=job.params.get("filename") or f"analisis-kebutuhan-pengembangan-{year}.xlsx",
        content=content,
    )
    return _("Analisis kebutuhan pengembangan %(year)d siap.") % {"year": year}, ""
