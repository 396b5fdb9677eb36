"""Every write of the results: compute (fetch → score → bulk save), finalise, the supervisor's
rating perilaku, predikat organisasi, the rater-correction switch. Each writes an audit event."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, cast

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.assessment.models import (
    ANONYMOUS_RELATIONS,
    Cycle,
    RaterAssignment,
    Response,
    WorkResult,
)
from kinerja.assessment.services import cycle_transition
from kinerja.core.audit import audit_record, user_or_none
from kinerja.core.errors import KinerjaError
from kinerja.organisation.models import Employee, OrgUnit
from kinerja.scoring import CycleInputs, CycleScores, Policy, score_cycle
from kinerja.scoring.engine import POOLED_BIT, EmployeeTable
from kinerja.scoring.numbers import round2
from kinerja.scoring.ratings import predikat as predikat_of
from kinerja.scoring.talent import nine_box as nine_box_of

from .loading import load_comments, load_inputs_and_comments, policy_for, ratee_rows
from .models import (
    CycleResult,
    EmployeeResult,
    OrganisationPredikat,
    PerilakuDecision,
    UnitPredikat,
)

# Employees per chunk of rows made from the engine's columns (the rows stream into one COPY).
BATCH = 2_000
# Pooling peers with subordinates keeps a score and its anonymity: worth saying on the item, not
# worth listing the employee among the results that need a look (POOLED_BIT, "anonim_digabung").


def _require_not_final(cycle: Cycle) -> None:
    if cycle.status == Cycle.Status.FINAL:
        raise KinerjaError("cycle_final", _("Hasil siklus ini sudah final dan tidak dapat diubah."))


def compute_check(cycle: Cycle) -> str:
    """The rules before a compute; the digest of the anonymous forms it will release."""
    _require_not_final(cycle)
    if cycle.status != Cycle.Status.CLOSED:
        raise KinerjaError(
            "cycle_not_closed", _("Tutup pengisian siklus terlebih dahulu, baru hitung hasilnya.")
        )
    digest = anonymous_release_digest(cycle)
    previous = CycleResult.objects.filter(cycle=cycle).first()
    if cycle.results_released_at and previous and previous.release_digest not in ("", digest):
        raise KinerjaError(
            "release_changed",
            _(
                "Jawaban anonim yang sudah dirilis berubah sejak hasil pertama kali dihitung "
                "(mis. penilai dihapus dari instansi). Hasil tidak dihitung ulang, karena "
                "membandingkan kedua perhitungan dapat membuka jawaban seorang penilai. Hasil "
                "yang ada tetap berlaku dan dapat difinalkan."
            ),
        )
    return digest


def _no_progress(stage: str, percent: int) -> None:
    return None


def results_compute(
    *, cycle: Cycle, acting_user: Any, progress: Callable[[str, int], None] = _no_progress
) -> CycleResult:
    """Scores every submitted answer of a closed cycle and stores the results, replacing any
    earlier computation (idempotent: the same answers give the same rows). Refused once final.
    Reading and scoring run outside any transaction (so `progress` is seen while they run); the
    results are replaced in one transaction, after the rules are checked again under a lock, so
    a failure or a kill at any point leaves the previous results as they were."""
    cycle = Cycle.objects.get(pk=cycle.pk)
    digest = compute_check(cycle)
    progress(_("Membaca jawaban"), 10)
    policy = policy_for(cycle)
    ratees = ratee_rows(cycle)
    inputs, item_comments = load_inputs_and_comments(cycle, ratees)
    progress(_("Menghitung skor"), 40)
    scores = score_cycle(inputs, policy)
    calibration = _calibration(scores, inputs, policy)
    del inputs  # the answers are no longer needed: free them before the results are written
    comments = load_comments(cycle, cycle.anonymity_threshold, item_comments)
    del item_comments
    progress(_("Menyimpan hasil"), 70)
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if compute_check(locked) != digest:
            raise KinerjaError(
                "answers_changed",
                _("Jawaban berubah selama perhitungan; hasil lama tetap berlaku. Hitung ulang."),
            )
        result = _store(
            locked, acting_user, policy, scores, ratees, comments, calibration, digest, progress
        )
    progress(_("Selesai"), 100)
    return result


def _store(
    cycle: Cycle,
    acting_user: Any,
    policy: Policy,
    scores: CycleScores,
    ratees: list[dict[str, Any]],
    comments: Any,
    calibration: dict[str, Any],
    digest: str,
    progress: Callable[[str, int], None] = _no_progress,
) -> CycleResult:
    """Replaces the cycle's stored results (inside the caller's transaction)."""
    EmployeeResult.objects.filter(cycle=cycle).delete()
    table = scores.employees
    place = {row["pk"]: row for row in ratees}
    places = [place[cast(int, person.key)] for person in table.people]
    flagged = _flagged(table)
    _write_results(_result_rows(cycle, table, places, flagged, comments, progress))

    summary = {
        "employees": len(table),
        "flagged": int(flagged.sum()),
        # Per named rater (atasan) only, and read only for that rater's own page.
        "rater_effects": {str(key): fx.b for key, fx in (scores.rater_effects or {}).items()},
        "calibration": calibration,
        "pool": {"mean": scores.pool_mean, "raters": scores.pool_raters},
        "reliability": scores.reliability,
        "heatmap": _heatmap(table, [row["unit_id"] for row in places]),
    }
    result, created = CycleResult.objects.update_or_create(
        cycle=cycle,
        defaults={
            "agency": cycle.agency,
            "status": CycleResult.Status.COMPUTED,
            "scoring_version": scores.version,
            "policy": policy.as_dict(),
            "summary": summary,
            "computed_at": timezone.now(),
            "computed_by": user_or_none(acting_user),
            "release_digest": digest,
        },
    )
    if cycle.results_released_at is None:
        cycle.results_released_at = result.computed_at
        cycle.save(update_fields=["results_released_at"])
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action="results.compute",
        obj=cycle,
        summary=cycle.name,
        after={
            "employees": summary["employees"],
            "flagged": summary["flagged"],
            "scoring_version": scores.version,
            "rater_model": policy.correction,
        },
    )
    return result


def compute_job(job: Any, progress: Callable[[str, int], None]) -> tuple[str, str]:
    """The background job "Hitung hasil siklus" (kinerja/jobs): (message, where to look)."""
    from django.urls import reverse

    cycle = Cycle.objects.get(pk=job.target_id, agency_id=job.agency_id)
    result = results_compute(cycle=cycle, acting_user=job.started_by, progress=progress)
    message = _("Hasil dihitung: %(n)d pegawai, %(f)d dengan catatan.") % {
        "n": result.summary.get("employees", 0),
        "f": result.summary.get("flagged", 0),
    }
    return message, reverse("results:cycle", args=[cycle.pk])


def anonymous_release_digest(cycle: Cycle) -> str:
    """sha256 over the ids of the cycle's submitted anonymous forms, in order ("1,5,9,"): the
    ids joined by the database into one value, so no row per form crosses the wire."""
    forms = Response._meta.db_table
    assignments = RaterAssignment._meta.db_table
    anonymous = ", ".join(["%s"] * len(ANONYMOUS_RELATIONS))
    ids = (
        f"SELECT r.id FROM {forms} r JOIN {assignments} a ON a.id = r.assignment_id "
        f"WHERE a.cycle_id = %s AND a.relation IN ({anonymous}) AND r.submitted_at IS NOT NULL"
    )
    if connection.vendor == "postgresql":
        sql = f"SELECT string_agg(id::text, ',' ORDER BY id) FROM ({ids}) f"
    else:
        sql = f"SELECT group_concat(id, ',') FROM ({ids} ORDER BY r.id) f"
    with connection.cursor() as cursor:
        cursor.execute(sql, [cycle.pk, *ANONYMOUS_RELATIONS])
        (joined,) = cursor.fetchone()
    return hashlib.sha256(f"{joined},".encode() if joined else b"").hexdigest()


# |b| bands of the calibration page: how many named raters fall in each, never who.
EFFECT_BANDS = ((-99.0, -0.5), (-0.5, -0.2), (-0.2, 0.2), (0.2, 0.5), (0.5, 99.0))


def _calibration(scores: CycleScores, inputs: CycleInputs, policy: Policy) -> dict[str, Any]:
    """What HR and leadership see of the correction: the distribution of the named raters'
    effects in bands, and what the correction changed over the whole agency, in counts."""
    if scores.rater_effects is None:
        return {"used": False}
    effects = [fx.b for fx in scores.rater_effects.values()]
    bands = [sum(1 for b in effects if low <= b < high) for low, high in EFFECT_BANDS]
    plain = score_cycle(inputs, replace(policy, rater_correction=False))
    corrected_table, raw_table = scores.employees, plain.employees
    fields = {"perilaku": "perilaku_suggested", "predikat": "predikat", "nine_box": "nine_box"}
    changed = {
        name: sum(
            getattr(c, field) != getattr(r, field)
            for c, r in zip(corrected_table.people, raw_table.people, strict=True)
        )
        for name, field in fields.items()
    }
    # The same cells (employee × item) in the same order in both tables: compared as columns.
    if not np.array_equal(corrected_table.bounds, raw_table.bounds) or not np.array_equal(
        corrected_table.item, raw_table.item
    ):
        raise AssertionError("the corrected and plain scores cover different cells")
    both = corrected_table.has_score & raw_table.has_score
    moved = np.abs(corrected_table.score[both].astype(np.int64) - raw_table.score[both])
    shifts = (moved / 100).tolist()  # each shift as the difference of two 2-decimal scores
    return {
        "used": True,
        "raters": len(effects),
        "bands": bands,
        "changed": changed,
        "mean_shift": round2(sum(shifts) / len(shifts)) if shifts else 0.0,
        "max_shift": round2(max(shifts)) if shifts else 0.0,
    }


def _flagged(table: EmployeeTable) -> np.ndarray:
    """Per employee: does any item carry a flag that needs a look (not only pooling)?"""
    needs_look = (table.flags & ~np.int8(POOLED_BIT)) != 0
    return np.bincount(table.employee[needs_look], minlength=len(table)) > 0


def _json(value: Any) -> str:
    """What JSONField stores, without the spaces after separators (the same JSON values)."""
    return json.dumps(value, separators=(",", ":"))


RESULT_COLUMNS = (
    "agency_id",
    "cycle_id",
    "employee_id",
    "unit_id",
    "position_id",
    "jpm",
    "jpm_se",
    "jpm_category",
    "jpm_missing",
    "perilaku_score",
    "perilaku_suggested",
    "perilaku_rating",
    "hasil_kerja",
    "predikat",
    "nine_box",
    "items",
    "blind_spots",
    "hidden_strengths",
    "comments",
    "flagged",
)


def _result_rows(
    cycle: Cycle,
    table: EmployeeTable,
    places: list[dict[str, Any]],
    flagged: np.ndarray,
    comments: dict[int, list],
    progress: Callable[[str, int], None] = _no_progress,
) -> Iterator[tuple]:
    """One tuple per employee in RESULT_COLUMNS order, made a chunk of employees at a time from
    the engine's columns: the items' JSON text is written without an object per item. The
    progress moves from 70 to 99 % with the chunks written."""
    code_text = {code: json.dumps(code) for code in table.codes}

    def codes_json(codes: tuple[str, ...]) -> str:  # _json(list(codes)), without the encoder
        return "[" + ",".join([code_text[code] for code in codes]) + "]"

    for start in range(0, len(table), BATCH):
        stop = min(start + BATCH, len(table))
        chunk = zip(
            table.people[start:stop],
            places[start:stop],
            table.items_json(start, stop),
            table.jpm_missing(start, stop),
            table.blind_spots(start, stop),
            table.hidden_strengths(start, stop),
            flagged[start:stop].tolist(),
            strict=True,
        )
        for person, where, items, missing, blind, hidden, flag in chunk:
            key = cast(int, person.key)
            yield (
                cycle.agency_id,
                cycle.pk,
                key,
                where["unit_id"],
                where["position_id"],
                person.jpm,
                person.jpm_se,
                person.jpm_category or "",
                codes_json(missing),
                person.perilaku_score,
                person.perilaku_suggested or "",
                person.perilaku_rating or "",
                person.hasil_kerja or "",
                person.predikat or "",
                person.nine_box,
                items,
                codes_json(blind),
                codes_json(hidden),
                _json(comments[key]) if key in comments else "[]",
                flag,
            )
        progress(_("Menyimpan hasil"), 70 + 29 * stop // len(table))


def _write_results(rows: Iterator[tuple]) -> None:
    """Streams the rows into the table in one statement: COPY on PostgreSQL, one executemany on
    SQLite. Inside the caller's transaction, so a failure leaves the previous results."""
    table = EmployeeResult._meta.db_table
    columns = ", ".join(RESULT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(RESULT_COLUMNS))
            # sqlite3 takes an iterator: the rows are never all in memory at once.
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # type: ignore[arg-type]


def _heatmap(table: EmployeeTable, units: list[int]) -> dict[str, dict[str, list]]:
    """{unit id: {competency: [mean gap, n with a gap, n below standard]}}: what the agency view
    draws; aggregates of at least one person's own (non-anonymous) standard gap. Units and codes
    in the order the employees and their items first show them."""
    gapped = np.flatnonzero(table.both)
    if not len(gapped):
        return {}
    unit_ids, unit_of = np.unique(np.asarray(units, dtype=np.int64), return_inverse=True)
    unit = unit_of.reshape(-1)[table.employee[gapped]]
    pair_key = unit.astype(np.int64) * max(len(table.codes), 1) + table.item[gapped]
    pairs, first, pair = np.unique(pair_key, return_index=True, return_inverse=True)
    pair = pair.reshape(-1)
    # Sums in cell order, as the rows were once added up one by one.
    total = np.bincount(pair, weights=table.gap[gapped], minlength=len(pairs)).tolist()
    count = np.bincount(pair, minlength=len(pairs)).tolist()
    below = np.bincount(pair[~table.meets[gapped]], minlength=len(pairs)).tolist()
    pair_unit = pairs // max(len(table.codes), 1)
    unit_first = np.full(len(unit_ids), len(gapped), dtype=np.int64)
    np.minimum.at(unit_first, pair_unit, first)
    out: dict[str, dict[str, list]] = {}
    for p in np.lexsort((first, unit_first[pair_unit])).tolist():
        cells = out.setdefault(str(int(unit_ids[pair_unit[p]])), {})
        code = table.codes[int(pairs[p] % max(len(table.codes), 1))]
        cells[code] = [round2(total[p] / count[p]), count[p], below[p]]
    return out


@transaction.atomic
def results_finalise(*, cycle: Cycle, acting_user: Any) -> CycleResult:
    """Makes the computed results the cycle's final, immutable snapshot (and the cycle final)."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    _require_not_final(cycle)
    result = CycleResult.objects.filter(cycle=cycle).first()
    if result is None:
        raise KinerjaError("not_computed", _("Hitung hasil siklus terlebih dahulu."))
    cycle_transition(cycle=cycle, action="finalise", acting_user=acting_user)
    result.status = CycleResult.Status.FINAL
    result.finalised_at = timezone.now()
    result.finalised_by = user_or_none(acting_user)
    result.save()
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action="results.finalise",
        obj=cycle,
        summary=cycle.name,
        after={"scoring_version": result.scoring_version, "policy": result.policy},
    )
    return result


@transaction.atomic
def perilaku_decide(
    *, cycle: Cycle, employee: Employee, rating: str, reason: str, acting_user: Any
) -> EmployeeResult:
    """The supervisor confirms the suggested rating perilaku or sets another with a reason; the
    predikat and 9-box of the employee follow at once."""
    _require_not_final(cycle)
    if rating not in WorkResult.Rating.values:
        raise KinerjaError("bad_rating", _("Rating perilaku tidak dikenal."))
    result = (
        EmployeeResult.objects.select_for_update().filter(cycle=cycle, employee=employee).first()
    )
    if result is None:
        raise KinerjaError("not_computed", _("Hasil pegawai ini belum dihitung."))
    reason = reason.strip()
    if rating != result.perilaku_suggested and not reason:
        raise KinerjaError(
            "reason_required",
            _("Tuliskan alasan bila rating perilaku berbeda dari yang disarankan."),
        )
    before = {"rating": result.perilaku_rating, "predikat": result.predikat}
    PerilakuDecision.objects.update_or_create(
        cycle=cycle,
        employee=employee,
        defaults={
            "agency": cycle.agency,
            "rating": rating,
            "reason": reason,
            "decided_by": user_or_none(acting_user),
        },
    )
    result.perilaku_rating = rating
    result.predikat = predikat_of(result.hasil_kerja or None, rating) or ""
    result.nine_box = nine_box_of(result.predikat or None, result.jpm_category or None)
    result.save(update_fields=["perilaku_rating", "predikat", "nine_box"])
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action="results.perilaku",
        obj=result,
        summary=f"{employee.name}: {rating}",
        before=before,
        after={"rating": rating, "predikat": result.predikat, "reason": reason},
    )
    return result


@transaction.atomic
def unit_predikat_set(
    *, cycle: Cycle, unit: OrgUnit | None, predikat: str, acting_user: Any
) -> UnitPredikat | None:
    """Sets (or with an empty value clears) the predikat organisasi of a unit or the agency."""
    _require_not_final(cycle)
    if unit is not None and unit.agency_id != cycle.agency_id:
        raise KinerjaError("not_found", _("Unit tidak ditemukan."), status=404)
    existing = UnitPredikat.objects.filter(cycle=cycle, unit=unit).first()
    before = {"predikat": existing.predikat} if existing else None
    if not predikat:
        if existing:
            existing.delete()
        saved = None
    else:
        if predikat not in OrganisationPredikat.values:
            raise KinerjaError("bad_predikat", _("Predikat organisasi tidak dikenal."))
        saved, _created = UnitPredikat.objects.update_or_create(
            cycle=cycle,
            unit=unit,
            defaults={
                "agency": cycle.agency,
                "predikat": predikat,
                "set_by": user_or_none(acting_user),
            },
        )
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action="results.unit_predikat",
        obj=cycle,
        summary=str(unit or _("Instansi")),
        before=before,
        after={"predikat": predikat or None},
    )
    return saved


@transaction.atomic
def unit_predikat_set_many(*, cycle: Cycle, values: dict[int | None, str], acting_user: Any) -> int:
    """Sets the predikat organisasi of several units at once ({unit id or None for the agency:
    code or "" to clear}), all or nothing; returns how many changed. Another agency's unit is
    "not found" and nothing is saved."""
    current = {s.unit_id: s.predikat for s in UnitPredikat.objects.filter(cycle=cycle)}
    changed = {pk: v for pk, v in values.items() if current.get(pk, "") != v}
    units = {
        u.pk: u
        for u in OrgUnit.objects.filter(agency=cycle.agency, pk__in=[pk for pk in changed if pk])
    }
    for pk, value in changed.items():
        if pk is not None and pk not in units:
            raise KinerjaError("not_found", _("Unit tidak ditemukan."), status=404)
        unit_predikat_set(
            cycle=cycle, unit=units[pk] if pk else None, predikat=value, acting_user=acting_user
        )
    return len(changed)
