"""Fetch: a cycle's submitted answers as the engine's columnar inputs, packed into integers by two
aggregate queries (no row per answer crosses the wire), and the written comments."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from django.db import connection
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
    """The cycle's stored policy. Weights saved before the 100 % rule (the API once accepted a
    220 % total) are read as their proportions: the engine divides by the weights of the groups
    present, so the scores are exactly those the cycle was set up to give."""
    weights = {relation: float(weight) for relation, weight in cycle.weights.items()}
    total = sum(w for w in weights.values() if w > 0)
    if total > 0 and abs(total - 1.0) > 1e-6:
        weights = {relation: w / total for relation, w in weights.items()}
    return Policy.from_dict(
        {
            "weights": weights,
            "min_anonymous_raters": cycle.anonymity_threshold,
            "rater_model": cycle.rater_model,
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


# (ratee id, relation, item code, comment) of a submitted answer with a written comment.
ItemComment = tuple[int, str, str, str]


def load_inputs(cycle: Cycle, ratees: list[dict[str, Any]]) -> CycleInputs:
    return load_inputs_and_comments(cycle, ratees)[0]


def load_inputs_and_comments(
    cycle: Cycle, ratees: list[dict[str, Any]]
) -> tuple[CycleInputs, list[ItemComment] | None]:
    """The engine's inputs, and the answers' written comments read in the same scan (for
    load_comments; None when there was no scan to read them in)."""
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
    employee_ids = np.array([row["pk"] for row in ratees], dtype=np.int64)
    rater_keys, ratings, item_comments = _answers(cycle, item_codes, employee_ids)
    inputs = CycleInputs(
        employees=employees,
        rater_keys=rater_keys,
        item_codes=tuple(item_codes),
        behaviour_items=behaviour,
        positions=positions,
        ratings=ratings,
    )
    return inputs, item_comments


def _answers(
    cycle: Cycle, item_codes: list[str], employee_ids: np.ndarray
) -> tuple[tuple[int, ...], RatingsIn, list[ItemComment] | None]:
    """Every answer of every submitted form of the cycle, as the engine's columns in canonical
    order, in two queries that each return one value: the cycle's assignments, and the answers
    packed as integers (the assignment, the item's index and the level; no text per answer)."""
    assignment, ratee_id, rater_id, relation = _assignments(cycle)
    empty = RatingsIn(
        ratee=np.zeros(0, dtype=np.int32),
        rater=np.zeros(0, dtype=np.int32),
        relation=np.zeros(0, dtype=np.int8),
        item=np.zeros(0, dtype=np.int16),
        level=np.zeros(0, dtype=np.float32),
    )
    if not len(assignment) or not item_codes:
        return (), empty, None
    base = int(assignment.min())
    span = int(assignment.max()) - base + 1
    shift = 3 + max(len(item_codes) - 1, 1).bit_length()  # item << 3 | level (0 = null)
    packed, item_comments = _packed_answers(
        cycle, item_codes, base, shift, wide=span << shift >= 2**31
    )
    if not len(packed):
        return (), empty, item_comments
    offset = packed >> shift
    code = (packed & ((1 << shift) - 1)).astype(np.int32)
    del packed
    if span <= 4 * len(assignment) + 1024:
        lookup = np.full(span, -1, dtype=np.int32)
        lookup[assignment - base] = np.arange(len(assignment), dtype=np.int32)
        at = lookup[offset]
        del lookup
    else:  # ids of other cycles in between: a search instead of a table
        at = np.searchsorted(assignment - base, offset).astype(np.int32)
        at[assignment[np.minimum(at, len(assignment) - 1)] - base != offset] = -1
    del offset
    valid = at >= 0  # always, as the answers are joined to the cycle's assignments
    if not valid.all():
        at, code = at[valid], code[valid]
    del valid
    # Answers about someone no longer in the agency are left out; raters are those who remain.
    known = np.isin(ratee_id, employee_ids)
    answered = np.bincount(at, minlength=len(assignment)) > 0
    rater_keys = np.unique(rater_id[known & answered])
    ratee_index = np.searchsorted(employee_ids, ratee_id).astype(np.int32)
    rater_index = np.searchsorted(rater_keys, rater_id).astype(np.int32)
    # The engine ignores "tidak dapat menilai" (level 0 here); leaving those answers out keeps
    # every output the same, as the raters' numbering above still counts them.
    keep = known[at] & (code & 7 != 0)
    if not keep.all():
        at, code = at[keep], code[keep]
    del keep
    # Canonical order (ratee, item, relation, rater) through one integer key, whose last part
    # is one number per assignment; the columns are then made in that order, one at a time.
    n_items, n_raters = max(len(item_codes), 1), max(len(rater_keys), 1)
    if len(employee_ids) * n_items * 4 * n_raters < 2**62:
        per_assignment = relation.astype(np.int64) * n_raters + rater_index
        key = ratee_index[at].astype(np.int64) * n_items + (code >> 3)
        key *= 4 * n_raters
        key += per_assignment[at]
        del per_assignment
        order = np.argsort(key, kind="stable")
        del key
        at, code = at[order], code[order]
        del order
    ratings = RatingsIn(
        ratee=ratee_index[at],
        rater=rater_index[at],
        relation=relation[at],
        item=(code >> 3).astype(np.int16 if len(item_codes) < 2**15 else np.int32),
        level=(code & 7).astype(np.float32),
    )
    del at, code
    # No copy when already in canonical order.
    return tuple(rater_keys.tolist()), ratings.canonical(), item_comments


def _assignments(cycle: Cycle) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The cycle's assignments sorted by id: id, ratee id, rater id, relation index."""
    relation_code = " ".join(f"WHEN '{name}' THEN {r}" for r, name in enumerate(RELATIONS))
    triple = (
        ("int8send(id) || int8send(ratee_id) || int8send(rater_id * 4 + CASE relation {} END)")
        if connection.vendor == "postgresql"
        else "id || ',' || ratee_id || ',' || (rater_id * 4 + CASE relation {} END)"
    ).format(relation_code)
    aggregate = (
        f"string_agg({triple}, ''::bytea)"
        if connection.vendor == "postgresql"
        else f"group_concat({triple}, ',')"
    )
    known = ", ".join(f"'{name}'" for name in RELATIONS)
    sql = (
        f"SELECT {aggregate} FROM {RaterAssignment._meta.db_table} "
        f"WHERE cycle_id = %s AND relation IN ({known})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [cycle.pk])
        (value,) = cursor.fetchone()
    columns = _as_array(value, dtype=">i8").astype(np.int64).reshape(-1, 3)
    columns = columns[np.argsort(columns[:, 0], kind="stable")]
    return (
        np.ascontiguousarray(columns[:, 0]),
        np.ascontiguousarray(columns[:, 1]),
        np.ascontiguousarray(columns[:, 2] >> 2),
        (columns[:, 2] & 3).astype(np.int8),
    )


def _packed_answers(
    cycle: Cycle, item_codes: list[str], base: int, shift: int, *, wide: bool
) -> tuple[np.ndarray, list[ItemComment]]:
    """Per submitted answer: (assignment id − base) << shift | item index << 3 | level; and,
    from the same scan, every answer's written comment (whatever its item)."""
    index = {code: k for k, code in enumerate(item_codes)}  # a repeated code: its last place
    # A CASE, not a join to a list of codes: the plan stays one scan of the answers whatever the
    # statistics say. An item the cycle no longer has is NULL, which the aggregate skips.
    bits = " ".join(f"WHEN %s THEN {k << 3}" for k in index.values())
    value = f"(r.assignment_id - {base}) * {1 << shift} + CASE ri.item {bits} END + COALESCE(ri.level, 0)"
    joins = (
        f"FROM {ResponseItem._meta.db_table} ri "
        f"JOIN {Response._meta.db_table} r ON r.id = ri.response_id "
        f"JOIN {RaterAssignment._meta.db_table} a ON a.id = r.assignment_id "
        "WHERE a.cycle_id = %s AND r.submitted_at IS NOT NULL"
    )
    comment = "a.ratee_id, a.relation, ri.item, ri.comment"
    if connection.vendor == "postgresql":
        send = f"int8send(({value})::int8)" if wide else f"int4send(({value})::int4)"
        sql = (
            f"SELECT string_agg({send}, ''::bytea), "
            f"json_agg(json_build_array({comment})) FILTER (WHERE ri.comment <> '') {joins}"
        )
        dtype = ">i8" if wide else ">i4"
    else:
        sql = (
            f"SELECT group_concat({value}, ','), "
            f"json_group_array(json_array({comment})) FILTER (WHERE ri.comment <> '') {joins}"
        )
        dtype = ">i8"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*index, cycle.pk])
        packed, comments = cursor.fetchone()
    if isinstance(comments, str):
        comments = json.loads(comments)
    return (
        _as_array(packed, dtype=dtype).astype(np.int64 if wide else np.int32),
        [tuple(row) for row in comments or []],
    )


def _as_array(value: bytes | str | None, *, dtype: str) -> np.ndarray:
    """An aggregated column as a numpy array: big-endian binary (PostgreSQL's intNsend) or
    comma-separated text (SQLite's group_concat)."""
    if value is None:
        return np.zeros(0, dtype=np.int64)
    if isinstance(value, str):
        return np.fromstring(value, dtype=np.int64, sep=",")
    return np.frombuffer(value, dtype=dtype)


def load_comments(
    cycle: Cycle, threshold: int, item_comments: list[ItemComment] | None = None
) -> dict[int, list[dict[str, str]]]:
    """Written comments per ratee. Anonymous ones (rekan, bawahan) only when at least `threshold`
    anonymous raters submitted, without names, in a fixed order that reveals nothing. The
    answers' comments are read here unless load_inputs_and_comments already did."""
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
    if item_comments is None:
        item_comments = list(
            ResponseItem.objects.filter(
                response__assignment__cycle=cycle, response__submitted_at__isnull=False
            )
            .exclude(comment="")
            .values_list(
                "response__assignment__ratee_id",
                "response__assignment__relation",
                "item",
                "comment",
            )
            .iterator(chunk_size=CHUNK)
        )
    for ratee_id, relation, item, comment in item_comments:
        add(ratee_id, relation, item, "komentar", comment)
    order = {"atasan": 0, "anonim": 1, "diri": 2}
    for comments in out.values():
        comments.sort(key=lambda c: (order[c["source"]], c["item"], c["kind"], c["text"]))
    return out
