"""Results: the lean compute stores exactly what the scoring engine's objects say, field by field,
and a failed store leaves the previous results in place.

The golden rows are made here the plain way: the answers read through the ORM, scored by the pure
engine, each employee's EmployeeScores turned into the stored values with ItemScore.as_dict()."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

import numpy as np
import pytest

from kinerja.assessment import services as assessment
from kinerja.assessment.models import ResponseItem
from kinerja.assessment.simulate import simulate_responses
from kinerja.core.errors import KinerjaError
from kinerja.demo.synthetic import generate_agency
from kinerja.results import services
from kinerja.results.loading import load_comments, policy_for, ratee_rows
from kinerja.results.models import CycleResult, EmployeeResult
from kinerja.scoring import CycleInputs, EmployeeIn, RatingsIn, score_cycle
from kinerja.scoring.numbers import round2
from kinerja.scoring.policy import RELATIONS

from .test_assessment_services import make_cycle

FIELDS = (
    "employee_id",
    "unit_id",
    "position_id",
    "jpm",
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


def plain_inputs(cycle, ratees) -> CycleInputs:
    """The engine's inputs read one answer at a time through the ORM."""
    employees = tuple(
        EmployeeIn(
            key=row["pk"],
            position=str(row["position_id"]),
            unit=str(row["unit_id"]),
            hasil_kerja=cycle.work_results.filter(employee_id=row["pk"])
            .values_list("rating", flat=True)
            .first(),
        )
        for row in ratees
    )
    codes = [item["code"] for item in cycle.items]
    index = {e.key: i for i, e in enumerate(employees)}
    answers = [
        (a.response.assignment.ratee_id, a.response.assignment.rater_id, a)
        for a in ResponseItem.objects.filter(
            response__assignment__cycle=cycle, response__submitted_at__isnull=False
        ).select_related("response__assignment")
        if a.response.assignment.ratee_id in index and a.item in codes
    ]
    raters = sorted({rater for _, rater, _ in answers})
    rows = [
        (
            index[ratee],
            raters.index(rater),
            RELATIONS.index(a.response.assignment.relation),
            codes.index(a.item),
            np.nan if a.level is None else a.level,
        )
        for ratee, rater, a in answers
    ]
    positions = {str(p): standard for p, standard in cycle.standards.items()}
    for e in employees:
        positions.setdefault(e.position or "", {})
    return CycleInputs(
        employees=employees,
        rater_keys=tuple(raters),
        item_codes=tuple(codes),
        behaviour_items=tuple(i["code"] for i in cycle.items if i.get("kind") == "behaviour"),
        positions=positions,
        ratings=RatingsIn.from_rows(rows),
    )


def golden(cycle) -> tuple[list[dict], dict]:
    cycle.refresh_from_db()
    ratees = ratee_rows(cycle)
    place = {row["pk"]: row for row in ratees}
    inputs = plain_inputs(cycle, ratees)
    policy = policy_for(cycle)
    scores = score_cycle(inputs, policy)
    comments = load_comments(cycle, cycle.anonymity_threshold)
    rows, heat = [], defaultdict(dict)
    for s in scores.employees:
        items = {code: item.as_dict() for code, item in s.items.items()}
        rows.append(
            {
                "employee_id": s.key,
                "unit_id": place[s.key]["unit_id"],
                "position_id": place[s.key]["position_id"],
                "jpm": s.jpm,
                "jpm_category": s.jpm_category or "",
                "jpm_missing": list(s.jpm_missing),
                "perilaku_score": s.perilaku_score,
                "perilaku_suggested": s.perilaku_suggested or "",
                "perilaku_rating": s.perilaku_rating or "",
                "hasil_kerja": s.hasil_kerja or "",
                "predikat": s.predikat or "",
                "nine_box": s.nine_box,
                "items": items,
                "blind_spots": list(s.blind_spots),
                "hidden_strengths": list(s.hidden_strengths),
                "comments": comments.get(s.key, []),
                "flagged": any(set(item["flags"]) - {"anonim_digabung"} for item in items.values()),
            }
        )
        for code, item in items.items():
            if item["gap"] is not None:
                cell = heat[str(place[s.key]["unit_id"])].setdefault(code, [0.0, 0, 0])
                cell[0] += item["gap"]
                cell[1] += 1
                cell[2] += 0 if item["meets"] else 1
    heatmap = {
        unit: {code: [round2(t / n), n, b] for code, (t, n, b) in cells.items()}
        for unit, cells in heat.items()
    }
    changed = None
    if policy.rater_correction:
        plain = score_cycle(inputs, replace(policy, rater_correction=False))
        changed = {
            "perilaku": sum(
                a.perilaku_suggested != b.perilaku_suggested
                for a, b in zip(scores.employees, plain.employees, strict=True)
            ),
        }
    summary = {
        "employees": len(rows),
        "flagged": sum(r["flagged"] for r in rows),
        "heatmap": heatmap,
        "pool": {"mean": scores.pool_mean, "raters": scores.pool_raters},
        "rater_effects": {str(k): fx.b for k, fx in (scores.rater_effects or {}).items()},
        "changed_perilaku": changed and changed["perilaku"],
    }
    return rows, summary


def stored(cycle) -> tuple[list[dict], dict]:
    rows = list(EmployeeResult.objects.filter(cycle=cycle).order_by("employee_id").values(*FIELDS))
    summary = CycleResult.objects.get(cycle=cycle).summary
    calibration = summary["calibration"]
    return rows, {
        "employees": summary["employees"],
        "flagged": summary["flagged"],
        "heatmap": summary["heatmap"],
        "pool": summary["pool"],
        "rater_effects": summary["rater_effects"],
        "changed_perilaku": calibration["changed"]["perilaku"] if calibration["used"] else None,
    }


@pytest.fixture
def generated_cycle(db, framework):
    agency = generate_agency(code="lean", employees=60, seed=7)
    cycle = make_cycle(agency, None)
    simulate_responses(cycle=cycle, seed=7)
    return assessment.cycle_transition(cycle=cycle, action="close", acting_user=None)


@pytest.mark.parametrize("model", ["none", "additive", "ordinal"])
def test_compute_stores_exactly_what_the_engine_objects_give(generated_cycle, model):
    assessment.cycle_update(cycle=generated_cycle, acting_user=None, rater_model=model)
    services.results_compute(cycle=generated_cycle, acting_user=None)
    rows, summary = stored(generated_cycle)
    expected_rows, expected_summary = golden(generated_cycle)
    assert len(rows) == len(expected_rows) == 60
    for row, expected in zip(rows, expected_rows, strict=True):
        for name in FIELDS:  # field by field, so a failure names the field
            assert row[name] == expected[name], (row["employee_id"], name)
            assert type(row[name]) is type(expected[name]), (row["employee_id"], name)
    # The key order of the JSON is kept too (pages list the items in it).
    assert [list(r["items"]) for r in rows] == [list(e["items"]) for e in expected_rows]
    assert summary == expected_summary
    assert list(summary["heatmap"]) == list(expected_summary["heatmap"])
    assert any(r["flagged"] for r in rows) and any(r["blind_spots"] for r in rows)


def test_a_failing_store_leaves_the_previous_results(generated_cycle, monkeypatch):
    services.results_compute(cycle=generated_cycle, acting_user=None)
    before = list(EmployeeResult.objects.filter(cycle=generated_cycle).order_by("id").values())
    summary = CycleResult.objects.get(cycle=generated_cycle).summary
    real = services._result_rows

    def broken(*args, **kwargs):
        for n, row in enumerate(real(*args, **kwargs)):
            if n == 30:  # half of the rows are already written when it fails
                raise KinerjaError("boom", "the database went away")
            yield row

    monkeypatch.setattr(services, "_result_rows", broken)
    with pytest.raises(KinerjaError):
        services.results_compute(cycle=generated_cycle, acting_user=None)
    after = list(EmployeeResult.objects.filter(cycle=generated_cycle).order_by("id").values())
    assert after == before and len(after) == 60
    assert CycleResult.objects.get(cycle=generated_cycle).summary == summary
