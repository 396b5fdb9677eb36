"""The HR export of a cycle's (or the agency's) objections: one row each, XLSX."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.core.spreadsheets import write_xlsx

from .models import Objection


def _at(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


HEADERS = [
    "siklus",
    "nip",
    "nama",
    "unit_kerja",
    "status",
    "keputusan",
    "rating_perilaku_semula",
    "predikat_semula",
    "rating_perilaku_baru",
    "atasan_pejabat_penilai",
    "diajukan",
    "batas_keputusan",
    "diputus",
    "alasan_keputusan",
]


def objection_rows(objections: Iterable[Objection]) -> list[list[Any]]:
    return [
        [
            o.cycle.name,
            o.employee.nip,
            o.employee.name,
            o.employee.unit.name,
            o.get_status_display(),
            o.get_outcome_display(),
            o.get_perilaku_rating_display(),
            o.get_predikat_display(),
            o.get_decided_rating_display(),
            o.official.name if o.official else "",
            _at(o.filed_at),
            _at(o.decision_due),
            _at(o.decided_at),
            o.decision_reason,
        ]
        for o in objections
    ]


def objections_xlsx(objections: Iterable[Objection]) -> bytes:
    """The reasons of the employees are not exported (they may name colleagues); the page shows
    them one objection at a time."""
    return write_xlsx(
        HEADERS,
        objection_rows(objections),
        title=_("Keberatan"),
        notes=[
            _("Daftar keberatan atas hasil penilaian, dengan status dan keputusannya."),
            _("Waktu dalam zona waktu instansi (WIB bila Asia/Jakarta)."),
        ],
    )
