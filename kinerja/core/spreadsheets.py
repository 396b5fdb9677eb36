"""Reads an uploaded XLSX or CSV table into header-keyed rows, and writes simple XLSX templates."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

from .errors import KinerjaError


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based spreadsheet row; the header is row 1
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, Any]]]  # (row number, values by header)


def _header_key(value: Any) -> str:
    return str(value or "").strip().lower().replace(" ", "_").replace("-", "_")


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def read_table(
    data: bytes | IO[bytes],
    filename: str,
    *,
    required: list[str],
    optional: Sequence[str] = (),
    max_bytes: int | None = None,
) -> Table:
    """Parses the file; a missing column or unreadable file raises KinerjaError naming it."""
    raw = data if isinstance(data, bytes) else data.read()
    if max_bytes is not None and len(raw) > max_bytes:
        raise KinerjaError(
            "file_too_large",
            _("Berkas terlalu besar (maksimal %(mb)d MB).") % {"mb": max_bytes // (1024 * 1024)},
        )
    name = filename.lower()
    if name.endswith(".xlsx"):
        grid = _read_xlsx(raw)
    elif name.endswith(".csv"):
        grid = _read_csv(raw)
    else:
        raise KinerjaError(
            "bad_file_type", _("Jenis berkas tidak didukung: unggah berkas .xlsx atau .csv.")
        )
    if not grid:
        raise KinerjaError(
            "empty_file", _("Berkas kosong: baris pertama harus berisi judul kolom.")
        )
    headers = [_header_key(h) for h in grid[0]]
    missing = [c for c in required if c not in headers]
    if missing:
        raise KinerjaError(
            "missing_columns",
            _("Kolom wajib tidak ada: %(cols)s. Gunakan templat dari halaman impor.")
            % {"cols": ", ".join(missing)},
            details=[RowError(1, c, _("Kolom wajib tidak ada.")).as_dict() for c in missing],
        )
    known = set(required) | set(optional)
    rows: list[tuple[int, dict[str, Any]]] = []
    for index, values in enumerate(grid[1:], start=2):
        record = {
            h: _cell(values[i]) if i < len(values) else None
            for i, h in enumerate(headers)
            if h in known
        }
        if any(v is not None for v in record.values()):
            rows.append((index, record))
    if not rows:
        raise KinerjaError("no_rows", _("Berkas tidak berisi baris data di bawah judul kolom."))
    return Table(headers=headers, rows=rows)


def _read_xlsx(raw: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise KinerjaError(
            "unreadable_file", _("Berkas XLSX tidak dapat dibaca: pastikan formatnya Excel .xlsx.")
        ) from exc
    sheet = workbook.worksheets[0]
    grid = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return grid


def _read_csv(raw: bytes) -> list[list[Any]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def write_xlsx(
    headers: list[str], rows: list[list[Any]], *, title: str, notes: Sequence[str] = ()
) -> bytes:
    """A one-sheet workbook with bold headers (and an optional notes sheet)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for i, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(14, len(header) + 4)
    if notes:
        info = workbook.create_sheet(_("Petunjuk"))
        for line in notes:
            info.append([line])
        info.column_dimensions["A"].width = 120
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
