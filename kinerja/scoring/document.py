"""The file interface: a cycle as one JSON document in, its results as one JSON document out.

`score_document(doc)` validates the input (every error names its record), builds the columnar
inputs, scores them and writes the output with numbers rounded to 2 decimals."""

from __future__ import annotations

from typing import Any

import numpy as np

from kinerja.scoring.engine import (
    CycleInputs,
    CycleScores,
    EmployeeIn,
    RatingsIn,
    score_cycle,
)
from kinerja.scoring.errors import ScoringInputError
from kinerja.scoring.policy import RELATIONS, Policy
from kinerja.scoring.ratings import ORGANISATION_PREDIKAT, RATINGS

TOP_KEYS = {"policy", "behaviour_items", "positions", "employees", "ratings", "units"}


def score_document(doc: dict[str, Any]) -> dict[str, Any]:
    inputs, policy = parse_document(doc)
    return scores_document(score_cycle(inputs, policy))


def parse_document(doc: dict[str, Any]) -> tuple[CycleInputs, Policy]:
    if not isinstance(doc, dict):
        raise ScoringInputError("bad_document", "dokumen harus berupa objek JSON")
    unknown = sorted(set(doc) - TOP_KEYS)
    if unknown:
        raise ScoringInputError("unknown_key", f"kunci tidak dikenal di dokumen: {unknown}")
    policy = Policy.from_dict(doc.get("policy"))
    behaviour = [str(code) for code in doc.get("behaviour_items") or []]
    positions = _positions(doc.get("positions") or {})
    employees = _employees(doc.get("employees") or [], positions)
    units = _units(doc.get("units") or {})
    index = {e.key: i for i, e in enumerate(employees)}
    rows = doc.get("ratings") or []
    if not isinstance(rows, list):
        raise ScoringInputError("bad_document", "ratings harus berupa daftar")
    raters = sorted({str(r.get("rater")) for r in rows if isinstance(r, dict)})
    rater_index = {key: j for j, key in enumerate(raters)}
    items = sorted(
        {str(r.get("item")) for r in rows if isinstance(r, dict)}
        | set(behaviour)
        | {c for s in positions.values() for c in s}
    )
    item_index = {code: k for k, code in enumerate(items)}
    relation_index = {name: r for r, name in enumerate(RELATIONS)}
    n = len(rows)
    ratee = np.empty(n, dtype=np.int64)
    rater = np.empty(n, dtype=np.int64)
    relation = np.empty(n, dtype=np.int64)
    item = np.empty(n, dtype=np.int64)
    level = np.empty(n, dtype=float)
    seen: set[tuple[str, str, str]] = set()
    for at, row in enumerate(rows):
        where = f"ratings[{at}]"
        if not isinstance(row, dict):
            raise ScoringInputError("bad_rating", f"{where}: harus berupa objek")
        missing = {"ratee", "rater", "relation", "item"} - set(row)
        if missing:
            raise ScoringInputError("bad_rating", f"{where}: kolom {sorted(missing)} tidak ada")
        who, by = str(row["ratee"]), str(row["rater"])
        rel, code, value = row["relation"], str(row["item"]), row.get("level")
        if who not in index:
            raise ScoringInputError(
                "unknown_ratee", f"{where}: pegawai yang dinilai '{who}' tidak ada di employees"
            )
        if rel not in relation_index:
            raise ScoringInputError(
                "unknown_relation",
                f"{where}: relasi '{rel}' tidak dikenal (diri, atasan, rekan, bawahan)",
            )
        if rel == "diri" and by != who:
            raise ScoringInputError(
                "self_mismatch", f"{where}: penilaian diri oleh '{by}' untuk '{who}'"
            )
        if rel != "diri" and by == who:
            raise ScoringInputError(
                "rates_self", f"{where}: '{by}' menilai dirinya sendiri sebagai {rel}"
            )
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5
        ):
            raise ScoringInputError(
                "bad_level", f"{where}: level {value!r} di luar 1–5 (atau null)"
            )
        key = (who, by, code)
        if key in seen:
            raise ScoringInputError(
                "duplicate_rating", f"{where}: '{by}' sudah menilai '{who}' pada {code}"
            )
        seen.add(key)
        ratee[at], rater[at], relation[at] = index[who], rater_index[by], relation_index[rel]
        item[at], level[at] = item_index[code], np.nan if value is None else float(value)
    inputs = CycleInputs(
        employees=tuple(employees),
        rater_keys=tuple(raters),
        item_codes=tuple(items),
        behaviour_items=tuple(behaviour),
        positions=positions,
        ratings=RatingsIn(ratee, rater, relation, item, level),
        units=units,
    )
    return inputs, policy


def _positions(data: Any) -> dict[str, dict[str, int]]:
    if not isinstance(data, dict):
        raise ScoringInputError("bad_document", "positions harus berupa objek")
    out = {}
    for code, standard in data.items():
        if not isinstance(standard, dict):
            raise ScoringInputError("bad_position", f"positions.{code}: harus berupa objek")
        for competency, required in standard.items():
            if (
                not isinstance(required, int)
                or isinstance(required, bool)
                or not 1 <= required <= 5
            ):
                raise ScoringInputError(
                    "bad_position",
                    f"positions.{code}.{competency}: level standar {required!r} di luar 1–5",
                )
        out[str(code)] = {str(c): int(v) for c, v in standard.items()}
    return out


def _employees(data: Any, positions: dict) -> list[EmployeeIn]:
    if not isinstance(data, list):
        raise ScoringInputError("bad_document", "employees harus berupa daftar")
    out, seen = [], set()
    for at, row in enumerate(data):
        where = f"employees[{at}]"
        if not isinstance(row, dict) or "nip" not in row:
            raise ScoringInputError("bad_employee", f"{where}: harus berupa objek dengan nip")
        nip = str(row["nip"])
        if nip in seen:
            raise ScoringInputError("duplicate_employee", f"{where}: nip {nip} ganda")
        seen.add(nip)
        position = row.get("position")
        if position is not None and str(position) not in positions:
            raise ScoringInputError(
                "unknown_position", f"{where}: jabatan '{position}' tidak ada di positions"
            )
        for key in ("hasil_kerja", "perilaku_rating"):
            if row.get(key) is not None and row[key] not in RATINGS:
                raise ScoringInputError(
                    "bad_rating_code",
                    f"{where}: {key} '{row[key]}' bukan {', '.join(RATINGS)}",
                )
        out.append(
            EmployeeIn(
                key=nip,
                position=None if position is None else str(position),
                unit=None if row.get("unit") is None else str(row["unit"]),
                hasil_kerja=row.get("hasil_kerja"),
                perilaku_rating=row.get("perilaku_rating"),
            )
        )
    return out


def _units(data: Any) -> dict[str, str]:
    if not isinstance(data, dict):
        raise ScoringInputError("bad_document", "units harus berupa objek")
    out = {}
    for unit, value in data.items():
        code = value.get("predikat_organisasi") if isinstance(value, dict) else None
        if code not in ORGANISATION_PREDIKAT:
            raise ScoringInputError(
                "bad_predikat_organisasi",
                f"units.{unit}: predikat_organisasi '{code}' bukan "
                + ", ".join(ORGANISATION_PREDIKAT),
            )
        out[str(unit)] = code
    return out


def scores_document(scores: CycleScores) -> dict[str, Any]:
    out: dict[str, Any] = {
        "scoring_version": scores.version,
        "policy": scores.policy.as_dict(),
        "employees": [
            {
                "nip": e.key,
                "items": {code: item.as_dict() for code, item in e.items.items()},
                "jpm": e.jpm,
                "jpm_se": e.jpm_se,
                "jpm_category": e.jpm_category,
                "jpm_missing": list(e.jpm_missing),
                "perilaku": {
                    "score": e.perilaku_score,
                    "suggested_rating": e.perilaku_suggested,
                    "rating": e.perilaku_rating,
                },
                "hasil_kerja": e.hasil_kerja,
                "predikat": e.predikat,
                "nine_box": e.nine_box,
                "blind_spots": list(e.blind_spots),
                "hidden_strengths": list(e.hidden_strengths),
            }
            for e in scores.employees
        ],
        "distribution": [d.as_dict() for d in scores.distribution],
        "reliability": dict(scores.reliability or {}),
    }
    if scores.rater_effects is not None:
        out["rater_effects"] = {key: fx.b for key, fx in sorted(scores.rater_effects.items())}
    if scores.rater_model_fit is not None and scores.rater_effects is not None:
        out["rater_model_fit"] = dict(scores.rater_model_fit)
        out["rater_consistency"] = {
            key: fx.sigma for key, fx in sorted(scores.rater_effects.items())
        }
    return out
