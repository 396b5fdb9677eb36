"""Rating hasil kerja import (`nip, rating_hasil_kerja`, as e-Kinerja exports it): all or nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from kinerja.core.errors import KinerjaError
from kinerja.core.spreadsheets import RowError, read_table, write_xlsx
from kinerja.organisation.models import Employee
from kinerja.organisation.nip import normalise_nip

from . import services
from .models import Cycle, WorkResult

REQUIRED_COLUMNS = ["nip", "rating_hasil_kerja"]
OPTIONAL_COLUMNS = ["alasan"]
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

_Rating = WorkResult.Rating
# Spellings seen in agencies' sheets, after lower-casing and turning "_" and "-" into spaces.
RATING_WORDS = {
    "di atas ekspektasi": _Rating.ABOVE,
    "diatas ekspektasi": _Rating.ABOVE,
    "di atas": _Rating.ABOVE,
    "diatas": _Rating.ABOVE,
    "sesuai ekspektasi": _Rating.AS_EXPECTED,
    "sesuai": _Rating.AS_EXPECTED,
    "di bawah ekspektasi": _Rating.BELOW,
    "dibawah ekspektasi": _Rating.BELOW,
    "di bawah": _Rating.BELOW,
    "dibawah": _Rating.BELOW,
}


def normalise_rating(raw: Any) -> str | None:
    """The stored value for a spelling such as "Di Atas" or "sesuai_ekspektasi", else None."""
    text = re.sub(r"[\s_\-]+", " ", str(raw or "")).strip().lower()
    return RATING_WORDS.get(text)


@dataclass
class WorkResultReport:
    rows: int = 0
    written: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "written": self.written,
            "counts": self.counts,
            "errors": [e.as_dict() for e in self.errors],
        }


def work_results_import(
    *, cycle: Cycle, data: bytes | IO[bytes], filename: str, acting_user: Any
) -> WorkResultReport:
    """Checks every row (NIP of this agency, a known rating, no NIP twice); writes nothing unless
    all are valid, then sets each rating through the service in one transaction."""
    if cycle.status == Cycle.Status.FINAL:
        raise KinerjaError("cycle_locked", _("Siklus sudah final."))
    table = read_table(
        data,
        filename,
        required=REQUIRED_COLUMNS,
        optional=OPTIONAL_COLUMNS,
        max_bytes=settings.KINERJA_IMPORT_MAX_BYTES,
    )
    report = WorkResultReport(rows=len(table.rows))
    employees = {e.nip: e for e in Employee.objects.filter(agency_id=cycle.agency_id)}
    first_row: dict[str, int] = {}
    valid: list[tuple[Employee, str, str]] = []
    for number, raw in table.rows:
        nip = normalise_nip(raw.get("nip"))
        employee = employees.get(nip)
        rating = normalise_rating(raw.get("rating_hasil_kerja"))
        before = len(report.errors)
        if not nip:
            report.errors.append(RowError(number, "nip", _("NIP wajib diisi.")))
        elif isinstance(raw.get("nip"), float) or len(nip) != 18:
            report.errors.append(
                RowError(
                    number,
                    "nip",
                    _("NIP harus 18 digit; format kolom NIP sebagai Teks agar digitnya utuh."),
                )
            )
        elif employee is None:
            report.errors.append(
                RowError(
                    number, "nip", _("NIP %(nip)s tidak terdaftar di instansi ini.") % {"nip": nip}
                )
            )
        elif nip in first_row:
            report.errors.append(
                RowError(number, "nip", _("NIP sama dengan baris %(r)d.") % {"r": first_row[nip]})
            )
        if nip:
            first_row.setdefault(nip, number)
        if rating is None:
            report.errors.append(
                RowError(
                    number,
                    "rating_hasil_kerja",
                    _("Isi di_atas_ekspektasi, sesuai_ekspektasi, atau di_bawah_ekspektasi."),
                )
            )
        if len(report.errors) == before and employee is not None and rating is not None:
            valid.append((employee, rating, str(raw.get("alasan") or "")))
    if report.errors:
        return report
    with transaction.atomic():
        for employee, rating, justification in valid:
            services.work_result_set(
                cycle=cycle,
                employee=employee,
                rating=rating,
                justification=justification
                or _("Diimpor dari berkas %(f)s.") % {"f": filename[:100]},
                acting_user=acting_user,
            )
            report.counts[rating] = report.counts.get(rating, 0) + 1
    report.written = len(valid)
    return report


def template_xlsx() -> bytes:
    return write_xlsx(
        COLUMNS,
        [],
        title=_("Hasil kerja"),
        notes=[
            _(
                "Satu baris per pegawai. Kolom nip dan rating_hasil_kerja wajib; alasan boleh kosong."
            ),
            _("Format kolom nip sebagai Teks agar 18 digit NIP tidak berubah menjadi angka."),
            _(
                "Nilai rating_hasil_kerja: di_atas_ekspektasi, sesuai_ekspektasi, "
                "di_bawah_ekspektasi (juga diterima: “Di atas”, “sesuai”, “di bawah”)."
            ),
            _("Semua atau tidak sama sekali: satu baris salah membatalkan seluruh impor."),
        ],
    )
