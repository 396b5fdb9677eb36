"""Spreadsheet exports of a cycle's completion: counts per rater, never an answer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from kinerja.core.spreadsheets import write_xlsx

from . import selectors
from .models import Cycle


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
