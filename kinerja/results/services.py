"""Every write of the results: compute (fetch → score → bulk save), finalise, the supervisor's
rating perilaku, predikat organisasi, the rater-correction switch. Each writes an audit event."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.assessment.models import Cycle, WorkResult
from kinerja.assessment.services import cycle_transition
from kinerja.core.audit import audit_record, user_or_none
from kinerja.core.errors import KinerjaError
from kinerja.organisation.models import Employee, OrgUnit
from kinerja.scoring import EmployeeScores, score_cycle
from kinerja.scoring.numbers import round2
from kinerja.scoring.ratings import predikat as predikat_of
from kinerja.scoring.talent import nine_box as nine_box_of

from .loading import load_comments, load_inputs, policy_for, ratee_rows
from .models import (
    CycleResult,
    EmployeeResult,
    OrganisationPredikat,
    PerilakuDecision,
    UnitPredikat,
)

BATCH = 2_000
# Pooling peers with subordinates keeps a score and its anonymity: worth saying on the item, not
# worth listing the employee among the results that need a look.
INFORMATIONAL_FLAGS = {"anonim_digabung"}


def _require_not_final(cycle: Cycle) -> None:
    if cycle.status == Cycle.Status.FINAL:
        raise KinerjaError("cycle_final", _("Hasil siklus ini sudah final dan tidak dapat diubah."))


@transaction.atomic
def results_compute(*, cycle: Cycle, acting_user: Any) -> CycleResult:
    """Scores every submitted answer of a closed cycle and stores the results, replacing any
    earlier computation (idempotent: the same answers give the same rows). Refused once final."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    _require_not_final(cycle)
    if cycle.status != Cycle.Status.CLOSED:
        raise KinerjaError(
            "cycle_not_closed", _("Tutup pengisian siklus terlebih dahulu, baru hitung hasilnya.")
        )
    policy = policy_for(cycle)
    ratees = ratee_rows(cycle)
    scores = score_cycle(load_inputs(cycle, ratees), policy)
    comments = load_comments(cycle, cycle.anonymity_threshold)
    place = {row["pk"]: row for row in ratees}

    EmployeeResult.objects.filter(cycle=cycle).delete()
    rows = [
        _result_row(
            cycle, scored, place[cast(int, scored.key)], comments.get(cast(int, scored.key), [])
        )
        for scored in scores.employees
    ]
    EmployeeResult.objects.bulk_create(rows, batch_size=BATCH)

    effects = [
        {"employee": key, "b": fx.b, "n": fx.n}
        for key, fx in sorted(
            (scores.rater_effects or {}).items(), key=lambda kv: (-abs(kv[1].b), cast(int, kv[0]))
        )
    ]
    summary = {
        "employees": len(rows),
        "flagged": sum(1 for r in rows if r.flagged),
        "rater_effects": effects,
        "heatmap": _heatmap(rows),
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
        },
    )
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action="results.compute",
        obj=cycle,
        summary=cycle.name,
        after={
            "employees": len(rows),
            "flagged": summary["flagged"],
            "scoring_version": scores.version,
            "rater_correction": policy.rater_correction,
        },
    )
    return result


def _result_row(
    cycle: Cycle, s: EmployeeScores, place: dict[str, Any], comments: list
) -> EmployeeResult:
    items = {code: item.as_dict() for code, item in s.items.items()}
    return EmployeeResult(
        agency_id=cycle.agency_id,
        cycle=cycle,
        employee_id=cast(int, s.key),
        unit_id=place["unit_id"],
        position_id=place["position_id"],
        jpm=s.jpm,
        jpm_category=s.jpm_category or "",
        jpm_missing=list(s.jpm_missing),
        perilaku_score=s.perilaku_score,
        perilaku_suggested=s.perilaku_suggested or "",
        perilaku_rating=s.perilaku_rating or "",
        hasil_kerja=s.hasil_kerja or "",
        predikat=s.predikat or "",
        nine_box=s.nine_box,
        items=items,
        blind_spots=list(s.blind_spots),
        hidden_strengths=list(s.hidden_strengths),
        comments=comments,
        flagged=any(set(item["flags"]) - INFORMATIONAL_FLAGS for item in items.values()),
    )


def _heatmap(rows: list[EmployeeResult]) -> dict[str, dict[str, list]]:
    """{unit id: {competency: [mean gap, n with a gap, n below standard]}}: what the agency view
    draws; aggregates of at least one person's own (non-anonymous) standard gap."""
    acc: dict[str, dict[str, list[float]]] = defaultdict(dict)
    for row in rows:
        for code, item in row.items.items():
            if item["gap"] is None:
                continue
            cell = acc[str(row.unit_id)].setdefault(code, [0.0, 0, 0])
            cell[0] += item["gap"]
            cell[1] += 1
            cell[2] += 0 if item["meets"] else 1
    return {
        unit: {code: [round2(total / n), n, below] for code, (total, n, below) in cells.items()}
        for unit, cells in acc.items()
    }


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


@transaction.atomic
def rater_correction_set(*, cycle: Cycle, enabled: bool, acting_user: Any) -> Cycle:
    """Switches the rater-effect correction; takes effect at the next computation."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    _require_not_final(cycle)
    before = cycle.rater_correction
    cycle.rater_correction = enabled
    cycle.save(update_fields=["rater_correction"])
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action="results.rater_correction",
        obj=cycle,
        summary=cycle.name,
        before={"rater_correction": before},
        after={"rater_correction": enabled},
    )
    return cycle
