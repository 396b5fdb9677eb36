"""Fetch: a cycle's submitted answers as the engine's columnar inputs, in one streamed query."""

from __future__ import annotations

from itertools import islice
from typing import Any

import numpy as np
from django.db.models import Count

from kinerja.assessment.models import (
    ANONYMOUS_RELATIONS,
    Cycle,
    RaterAssignment,
    Response,
    ResponseItem,
    WorkResult,
)
from kinerja.organisation.models import Employee
from kinerja.scoring import CycleInputs, EmployeeIn, Policy, RatingsIn
from kinerja.scoring.policy import RELATIONS

from .models import PerilakuDecision

CHUNK = 50_000


def policy_for(cycle: Cycle) -> Policy:
    return Policy.from_dict(
        {
            "weights": {relation: weight for relation, weight in cycle.weights.items()},
            "min_anonymous_raters": cycle.anonymity_threshold,
            "rater_correction": cycle.rater_correction,
            "jpm_categories": cycle.jpm_categories,
        }
    )


def ratee_rows(cycle: Cycle) -> list[dict[str, Any]]:
    """Everyone assessed in the cycle, with where they stand now: id, position, unit."""
    ratee_ids = RaterAssignment.objects.filter(cycle=cycle).values("ratee_id")
    rows = (
        Employee.objects.filter(agency=cycle.agency, pk__in=ratee_ids)
        .order_by("pk")
        .values("pk", "position_id", "unit_id")
    )
    return [dict(row) for row in rows]


def load_inputs(cycle: Cycle, ratees: list[dict[str, Any]]) -> CycleInputs:
    hasil = dict(WorkResult.objects.filter(cycle=cycle).values_list("employee_id", "rating"))
    decided = dict(
        PerilakuDecision.objects.filter(cycle=cycle).values_list("employee_id", "rating")
    )
    employees = tuple(
        EmployeeIn(
            key=row["pk"],
            position=str(row["position_id"]),
            unit=str(row["unit_id"]),
            hasil_kerja=hasil.get(row["pk"]),
            perilaku_rating=decided.get(row["pk"]),
        )
        for row in ratees
    )
    item_codes = [item["code"] for item in cycle.items]
    behaviour = tuple(item["code"] for item in cycle.items if item.get("kind") == "behaviour")
    positions = {str(position): standard for position, standard in cycle.standards.items()}
    for employee in employees:  # a position with no frozen standard simply has none
        positions.setdefault(employee.position or "", {})
    ratee_ids, rater_ids, relation, item, level = _stream_answers(cycle, item_codes)
    employee_ids = np.array([row["pk"] for row in ratees], dtype=np.int64)
    known = np.isin(ratee_ids, employee_ids)  # answers about someone no longer in the agency
    ratee_ids, rater_ids, relation, item, level = (
        a[known] for a in (ratee_ids, rater_ids, relation, item, level)
    )
    rater_keys, rater_index = np.unique(rater_ids, return_inverse=True)
    return CycleInputs(
        employees=employees,
        rater_keys=tuple(rater_keys.tolist()),
        item_codes=tuple(item_codes),
        behaviour_items=behaviour,
        positions=positions,
        ratings=RatingsIn(
            ratee=np.searchsorted(employee_ids, ratee_ids),
            rater=rater_index.reshape(-1),
            relation=relation,
            item=item,
            level=level,
        ),
    )


def _stream_answers(cycle: Cycle, item_codes: list[str]):
    """Every answer of every submitted form of the cycle, as five numpy columns."""
    relation_index = {name: r for r, name in enumerate(RELATIONS)}
    item_index = {code: k for k, code in enumerate(item_codes)}
    rows = (
        ResponseItem.objects.filter(
            response__assignment__cycle=cycle, response__submitted_at__isnull=False
        )
        .values_list(
            "response__assignment__ratee_id",
            "response__assignment__rater_id",
            "response__assignment__relation",
            "item",
            "level",
        )
        .iterator(chunk_size=CHUNK)
    )
    parts: list[tuple[np.ndarray, ...]] = []
    while chunk := list(islice(rows, CHUNK)):
        ratee, rater, rel, code, level = zip(*chunk, strict=True)
        known = [c in item_index for c in code]  # an answer to an item the cycle no longer has
        parts.append(
            (
                np.array(ratee, dtype=np.int64)[known],
                np.array(rater, dtype=np.int64)[known],
                np.array([relation_index[r] for r in rel], dtype=np.int64)[known],
                np.array([item_index.get(c, -1) for c in code], dtype=np.int64)[known],
                np.array(level, dtype=float)[known],  # None (tidak dapat menilai) -> NaN
            )
        )
    if not parts:
        empty_int = np.zeros(0, dtype=np.int64)
        return empty_int, empty_int, empty_int, empty_int, np.zeros(0)
    return tuple(np.concatenate(column) for column in zip(*parts, strict=True))


def load_comments(cycle: Cycle, threshold: int) -> dict[int, list[dict[str, str]]]:
    """Written comments per ratee. Anonymous ones (rekan, bawahan) only when at least `threshold`
    anonymous raters submitted, without names, in a fixed order that reveals nothing."""
    submitted = Response.objects.filter(assignment__cycle=cycle, submitted_at__isnull=False)
    anonymous_count: dict[int, int] = dict(
        submitted.filter(assignment__relation__in=ANONYMOUS_RELATIONS)
        .values("assignment__ratee_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("assignment__ratee_id", "n")
    )
    out: dict[int, list[dict[str, str]]] = {}

    def add(ratee_id: int, relation: str, item: str, kind: str, text: str) -> None:
        if not text.strip():
            return
        if relation in ANONYMOUS_RELATIONS:
            if anonymous_count.get(ratee_id, 0) < threshold:
                return
            source = "anonim"
        else:
            source = relation
        out.setdefault(ratee_id, []).append(
            {"source": source, "item": item, "kind": kind, "text": text.strip()}
        )

    for ratee_id, relation, strengths, to_develop in (
        submitted.exclude(strengths="", to_develop="")
        .values_list("assignment__ratee_id", "assignment__relation", "strengths", "to_develop")
        .iterator(chunk_size=CHUNK)
    ):
        add(ratee_id, relation, "", "kekuatan", strengths)
        add(ratee_id, relation, "", "pengembangan", to_develop)
    for ratee_id, relation, item, comment in (
        ResponseItem.objects.filter(
            response__assignment__cycle=cycle, response__submitted_at__isnull=False
        )
        .exclude(comment="")
        .values_list(
            "response__assignment__ratee_id", "response__assignment__relation", "item", "comment"
        )
        .iterator(chunk_size=CHUNK)
    ):
        add(ratee_id, relation, item, "komentar", comment)
    order = {"atasan": 0, "anonim": 1, "diri": 2}
    for comments in out.values():
        comments.sort(key=lambda c: (order[c["source"]], c["item"], c["kind"], c["text"]))
    return out
