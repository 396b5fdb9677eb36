"""Reads an uploaded XLSX or CSV table into header-keyed rows, and writes simple XLSX templates.

Hostile input is refused before and while parsing (see `_inspect_zip` and the row and column
caps); every text value written to an export goes through `xlsx_cell` or `csv_writer`."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
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


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _unreadable() -> KinerjaError:
    return KinerjaError(
        "unreadable_file", _("Berkas XLSX tidak dapat dibaca: pastikan formatnya Excel .xlsx.")
    )


def _unsafe() -> KinerjaError:
    return KinerjaError(
        "unsafe_file",
        _(
            "Berkas ditolak karena strukturnya tidak wajar (isi terkompresi berlebihan atau "
            "entitas XML). Simpan ulang berkas dari Excel atau unduh templat dari halaman impor."
        ),
    )


def _inspect_zip(raw: bytes) -> None:
    """Refuses, before openpyxl sees it, a file that is not a zip or that would inflate absurdly.

    The sizes read here are the ones in the zip directory; zipfile (which openpyxl uses) stops
    and fails on a member that inflates past its declared size, so they cannot be lied about."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _unreadable() from exc
    with archive:
        members = archive.infolist()
        if len(members) > _limit("KINERJA_IMPORT_MAX_ZIP_MEMBERS", 1000):
            raise _unsafe()
        total = 0
        ratio = _limit("KINERJA_IMPORT_MAX_COMPRESSION_RATIO", 100)
        for member in members:
            total += member.file_size
            if member.file_size > 1024 * 1024 and member.file_size > ratio * max(
                member.compress_size, 1
            ):
                raise _unsafe()
        if total > _limit("KINERJA_IMPORT_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024):
            raise _unsafe()
        for member in members:  # a DOCTYPE is never needed in a workbook's XML parts
            if member.filename.endswith((".xml", ".rels")):
                try:
                    with archive.open(member) as part:
                        head = part.read(4096)
                except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError) as exc:
                    raise _unreadable() from exc
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise _unsafe()


def _too_large(rows: int, columns: int) -> KinerjaError:
    return KinerjaError(
        "too_many_cells",
        _(
            "Berkas terlalu besar: paling banyak %(rows)d baris data dan %(cols)d kolom. "
            "Bagi berkas menjadi beberapa impor."
        )
        % {"rows": rows, "cols": columns},
    )


def _capped(source: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """Collects rows, stopping at the first row past the row cap or cell past the column cap."""
    max_rows = _limit("KINERJA_IMPORT_MAX_ROWS", 100_000)
    max_cols = _limit("KINERJA_IMPORT_MAX_COLUMNS", 100)
    grid: list[list[Any]] = []
    for values in source:
        row = list(values)
        while row and row[-1] in (None, ""):
            row.pop()
        if len(row) > max_cols or len(grid) > max_rows:  # grid holds the header too
            raise _too_large(max_rows, max_cols)
        grid.append(row)
    return grid


def _defused(exc: BaseException | None) -> bool:
    """Whether defusedxml (which openpyxl uses when installed) refused the XML, even when
    openpyxl wrapped its error in a ValueError."""
    from defusedxml import DefusedXmlException

    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DefusedXmlException):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _read_xlsx(raw: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    _inspect_zip(raw)
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise (_unsafe() if _defused(exc) else _unreadable()) from exc
    try:
        sheet = workbook.worksheets[0]
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # a declared A1:XFD1048576 must not pad every row
        return _capped(sheet.iter_rows(values_only=True))
    except KinerjaError:
        raise
    except Exception as exc:
        raise (_unsafe() if _defused(exc) else _unreadable()) from exc
    finally:
        workbook.close()


def _read_csv(raw: bytes) -> list[list[Any]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    try:
        return _capped(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise KinerjaError(
            "unreadable_file", _("Berkas CSV tidak dapat dibaca: periksa tanda kutip dan pemisah.")
        ) from exc


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """The one way an export writes a value into an XLSX cell.

    Rule: text is always a string cell (data_type "s"), never a formula, and keeps its exact
    characters; text beginning with = + - @ tab or CR is also marked quotePrefix, as if typed
    after an apostrophe, so Excel keeps it text even when the cell is edited. Numbers, dates
    and None pass through unchanged. Works for normal and write-only sheets."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if value.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True
    return cell


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row for `sheet.append`, every text value made inert by `xlsx_cell`."""
    return [xlsx_cell(sheet, v) for v in values]


def _csv_inert(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(("\t", "\r")):
        return "'" + value  # defusedcsv leaves these two alone
    return value


class _InertWriter:
    def __init__(self, writer: Any):
        self._writer = writer

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([_csv_inert(v) for v in row])


def csv_writer(target: Any, **options: Any) -> Any:
    """The one CSV writer for exports: defusedcsv (a cell beginning with = + - @ | % gets a
    leading apostrophe), and the same for a cell beginning with tab or CR."""
    from defusedcsv import csv as defused

    return _InertWriter(defused.writer(target, **options))


def write_xlsx(
    headers: list[str], rows: list[list[Any]], *, title: str, notes: Sequence[str] = ()
) -> bytes:
    """A one-sheet workbook with bold headers (and an optional notes sheet)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(xlsx_row(sheet, headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    for i, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(14, len(header) + 4)
    if notes:
        info = workbook.create_sheet(_("Petunjuk"))
        for line in notes:
            info.append(xlsx_row(info, [line]))
        info.column_dimensions["A"].width = 120
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
