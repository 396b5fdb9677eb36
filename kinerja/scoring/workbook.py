"""The XLSX form of the scoring document: one sheet per part, headers in the first row.

policy (kunci, nilai) · behaviour_items (item) · positions (position, competency, level) ·
employees (nip, position, unit, hasil_kerja, perilaku_rating) ·
ratings (ratee, rater, relation, item, level) · units (unit, predikat_organisasi)."""

from __future__ import annotations

import io
import json
from typing import Any

from openpyxl import Workbook, load_workbook

from kinerja.scoring.errors import ScoringInputError

SHEETS = {
    "policy": ("kunci", "nilai"),
    "behaviour_items": ("item",),
    "positions": ("position", "competency", "level"),
    "employees": ("nip", "position", "unit", "hasil_kerja", "perilaku_rating"),
    "ratings": ("ratee", "rater", "relation", "item", "level"),
    "units": ("unit", "predikat_organisasi"),
}


def document_from_workbook(data: bytes) -> dict[str, Any]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise ScoringInputError(
            "bad_workbook", f"berkas bukan XLSX yang dapat dibaca: {error}"
        ) from error
    rows = {name: list(_rows(book, name, columns)) for name, columns in SHEETS.items()}
    doc: dict[str, Any] = {
        "behaviour_items": [str(r["item"]) for r in rows["behaviour_items"]],
        "positions": {},
        "employees": [],
        "ratings": [],
        "units": {},
    }
    if rows["policy"]:
        policy: dict[str, Any] = {}
        for r in rows["policy"]:
            value = r["nilai"]
            if isinstance(value, str) and value[:1] in "{[":
                value = json.loads(value)  # weights and thresholds are written as JSON
            if isinstance(value, str) and value.lower() in ("true", "false"):
                value = value.lower() == "true"
            policy[str(r["kunci"])] = value
        doc["policy"] = policy
    for r in rows["positions"]:
        doc["positions"].setdefault(str(r["position"]), {})[str(r["competency"])] = r["level"]
    for r in rows["employees"]:
        doc["employees"].append({k: (None if v is None else str(v)) for k, v in r.items()})
    for r in rows["ratings"]:
        doc["ratings"].append(
            {**{k: str(r[k]) for k in ("ratee", "rater", "relation", "item")}, "level": r["level"]}
        )
    for r in rows["units"]:
        doc["units"][str(r["unit"])] = {"predikat_organisasi": r["predikat_organisasi"]}
    return doc


def _rows(book, name: str, columns: tuple[str, ...]):
    if name not in book.sheetnames:
        return
    sheet = book[name]
    iterator = sheet.iter_rows(values_only=True)
    header = [str(h).strip().lower() if h is not None else "" for h in next(iterator, ())]
    missing = [c for c in columns if c not in header and c != "perilaku_rating"]
    if missing:
        raise ScoringInputError("bad_workbook", f"lembar {name}: kolom {missing} tidak ada")
    for values in iterator:
        if all(v is None or v == "" for v in values):
            continue
        row = dict(zip(header, values, strict=False))
        yield {c: _clean(row.get(c)) for c in columns}


def _clean(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def template_workbook() -> bytes:
    """An empty workbook with every sheet and header, and one example row each."""
    book = Workbook()
    book.remove(book.active)
    examples = {
        "policy": [("rater_correction", "false"), ("min_anonymous_raters", 3)],
        "behaviour_items": [("BA.01",)],
        "positions": [("KASI", "M.01", 3)],
        "employees": [("198609262015051001", "KASI", "Seksi Pelayanan", "sesuai_ekspektasi", None)],
        "ratings": [("198609262015051001", "197001011995031002", "atasan", "M.01", 4)],
        "units": [("Seksi Pelayanan", "baik")],
    }
    for name, columns in SHEETS.items():
        sheet = book.create_sheet(name)
        sheet.append(columns)
        for row in examples[name]:  # type: ignore[attr-defined]
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
