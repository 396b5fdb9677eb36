"""score_cycle: submitted ratings in, every number of a cycle's results out.

Inputs are columnar (numpy arrays) so a cycle of 100,000 employees × 8 raters × 16 items is
scored in a few vectorised passes; the per-employee assembly is one loop over the scored cells."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from kinerja.scoring import ratings as rating_rules
from kinerja.scoring.numbers import cents, round2, round2_array
from kinerja.scoring.policy import (
    PEER,
    POOLED,
    RELATIONS,
    SELF,
    SUBORDINATE,
    SUPERVISOR,
    Policy,
)
from kinerja.scoring.rater_effects import fit_leniency
from kinerja.scoring.standards import jpm_category
from kinerja.scoring.talent import nine_box

SCORING_VERSION = "1.0"

NO_DATA = "tidak_ada_data"
POOLED_FLAG = "anonim_digabung"
DROPPED_FLAG = "anonim_dihapus"
LOW_AGREEMENT = "kesepakatan_rendah"
# r_wg's null: the variance of a uniform answer on a 5-point scale, (5² − 1) / 12 = 2.
UNIFORM_VARIANCE = 2.0


@dataclass(frozen=True, slots=True)
class EmployeeIn:
    key: Hashable
    position: str | None = None
    unit: str | None = None
    hasil_kerja: str | None = None
    perilaku_rating: str | None = None  # the supervisor's confirmed or changed rating, if any


@dataclass(frozen=True, eq=False)
class RatingsIn:
    """One entry per answer. ratee: index into employees; rater: index into rater_keys;
    relation: index into RELATIONS; item: index into item_codes; level: 1–5 or NaN (cannot rate)."""

    ratee: np.ndarray
    rater: np.ndarray
    relation: np.ndarray
    item: np.ndarray
    level: np.ndarray

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[int, int, int, int, float]]) -> RatingsIn:
        array = np.array(rows, dtype=float).reshape(-1, 5)
        return cls(
            ratee=array[:, 0].astype(np.int64),
            rater=array[:, 1].astype(np.int64),
            relation=array[:, 2].astype(np.int64),
            item=array[:, 3].astype(np.int64),
            level=array[:, 4],
        )


@dataclass(frozen=True, eq=False)
class CycleInputs:
    employees: tuple[EmployeeIn, ...]
    rater_keys: tuple[Hashable, ...]
    item_codes: tuple[str, ...]
    behaviour_items: tuple[str, ...]
    positions: Mapping[str, Mapping[str, int]]
    ratings: RatingsIn
    units: Mapping[str, str] = field(default_factory=dict)  # unit -> predikat organisasi


# Named tuples, not frozen dataclasses: a cycle of 100,000 employees makes 1.6 million item
# scores, and a frozen dataclass pays an object.__setattr__ per field on creation.
class GroupScore(NamedTuple):
    mean: float
    n: int


class ItemScore(NamedTuple):
    item: str
    score: float | None
    required: int | None
    gap: float | None
    meets: bool | None
    self_level: float | None
    groups: dict[str, GroupScore]
    n_raters: int
    sd: float | None
    rwg: float | None
    flags: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "score": self.score,
            "required": self.required,
            "gap": self.gap,
            "meets": self.meets,
            "self": self.self_level,
            "groups": {g: {"mean": s.mean, "n": s.n} for g, s in self.groups.items()},
            "n_raters": self.n_raters,
            "sd": self.sd,
            "rwg": self.rwg,
            "flags": list(self.flags),
        }


@dataclass(frozen=True, slots=True)
class EmployeeScores:
    key: Hashable
    items: dict[str, ItemScore]
    jpm: float | None
    jpm_category: str | None
    jpm_missing: tuple[str, ...]
    perilaku_score: float | None
    perilaku_suggested: str | None
    perilaku_rating: str | None
    hasil_kerja: str | None
    predikat: str | None
    nine_box: int | None
    blind_spots: tuple[str, ...]
    hidden_strengths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RaterEffect:
    b: float
    n: int


@dataclass(frozen=True)
class CycleScores:
    version: str
    policy: Policy
    employees: tuple[EmployeeScores, ...]
    rater_effects: dict[Hashable, RaterEffect] | None
    distribution: tuple[rating_rules.Distribution, ...]


def score_cycle(inputs: CycleInputs, policy: Policy) -> CycleScores:
    ratings = _canonical(inputs.ratings)
    keep = ~np.isnan(ratings.level)  # "tidak dapat menilai" is ignored, never zero
    ratee, rater, relation, item, level = (
        a[keep]
        for a in (ratings.ratee, ratings.rater, ratings.relation, ratings.item, ratings.level)
    )
    if len(level) and (level.min() < 1 or level.max() > 5):
        raise ValueError("levels must lie within 1–5")
    n_items = max(len(inputs.item_codes), 1)
    cell_key = ratee * n_items + item
    cells, cell = np.unique(cell_key, return_inverse=True)
    cell = cell.reshape(-1)

    effects = None
    if policy.rater_correction:
        others = relation != SELF
        b, counts = fit_leniency(
            np.unique(cell[others], return_inverse=True)[1].reshape(-1),
            rater[others],
            level[others],
            len(inputs.rater_keys),
            policy.rater_shrinkage,
        )
        level = level.copy()
        level[others] = np.clip(level[others] - b[rater[others]], 1.0, 5.0)
        effects = {
            inputs.rater_keys[j]: RaterEffect(round2(float(b[j])), int(counts[j]))
            for j in np.flatnonzero(counts)
        }

    table = _group_table(cell, relation, level, len(cells), policy)
    employees = _employees(cells, n_items, inputs, table, policy)
    distribution = tuple(
        rating_rules.check_distribution(
            unit,
            org,
            (
                s.predikat
                for s, e in zip(employees, inputs.employees, strict=True)
                if e.unit == unit
            ),
        )
        for unit, org in sorted(inputs.units.items())
    )
    return CycleScores(SCORING_VERSION, policy, employees, effects, distribution)


def _canonical(r: RatingsIn) -> RatingsIn:
    """Sorts the answers so that the order they arrived in can never change a float sum."""
    order = np.lexsort((r.rater, r.relation, r.item, r.ratee))
    return RatingsIn(
        r.ratee[order], r.rater[order], r.relation[order], r.item[order], r.level[order]
    )


@dataclass
class _Table:
    """Per scored cell (ratee × item): the rounded outputs as Python lists, for the assembly loop."""

    score: list
    self_level: list
    groups: list  # per cell: tuple of (name, mean, n)
    n_raters: list
    sd: list
    rwg: list
    flags: list


def _group_table(cell, relation, level, n_cells: int, policy: Policy) -> _Table:
    S = np.zeros((4, n_cells))
    Q = np.zeros((4, n_cells))
    C = np.zeros((4, n_cells), dtype=np.int64)
    for r in range(4):
        mask = relation == r
        S[r] = np.bincount(cell[mask], weights=level[mask], minlength=n_cells)
        Q[r] = np.bincount(cell[mask], weights=level[mask] ** 2, minlength=n_cells)
        C[r] = np.bincount(cell[mask], minlength=n_cells)
    k = policy.min_anonymous_raters
    c_peer, c_sub = C[PEER], C[SUBORDINATE]
    alone = ((c_peer == 0) | (c_peer >= k)) & ((c_sub == 0) | (c_sub >= k))
    pooled_n = c_peer + c_sub
    pooled_ok = ~alone & (pooled_n >= k)
    dropped = ~alone & (pooled_n > 0) & (pooled_n < k)

    # The groups that can enter a score: (name, sum, sum of squares, n, weight, present mask).
    w = {r: policy.weight(r) for r in RELATIONS}
    candidates = [
        ("atasan", S[SUPERVISOR], Q[SUPERVISOR], C[SUPERVISOR], w["atasan"], C[SUPERVISOR] > 0),
        ("rekan", S[PEER], Q[PEER], c_peer, w["rekan"], alone & (c_peer > 0)),
        ("bawahan", S[SUBORDINATE], Q[SUBORDINATE], c_sub, w["bawahan"], alone & (c_sub > 0)),
        (
            POOLED,
            S[PEER] + S[SUBORDINATE],
            Q[PEER] + Q[SUBORDINATE],
            pooled_n,
            w["rekan"] * (c_peer > 0) + w["bawahan"] * (c_sub > 0),
            pooled_ok,
        ),
        ("diri", S[SELF], Q[SELF], C[SELF], w["diri"], C[SELF] > 0),
    ]
    num = np.zeros(n_cells)
    den = np.zeros(n_cells)
    total_s = np.zeros(n_cells)
    total_q = np.zeros(n_cells)
    total_n = np.zeros(n_cells, dtype=np.int64)
    entered = []
    for name, s, q, n, weight, present in candidates:
        weight = np.broadcast_to(np.asarray(weight, dtype=float), (n_cells,))
        use = present & (weight > 0)
        mean = np.divide(s, n, out=np.zeros(n_cells), where=n > 0)
        num += np.where(use, weight * mean, 0.0)
        den += np.where(use, weight, 0.0)
        total_s += np.where(use, s, 0.0)
        total_q += np.where(use, q, 0.0)
        total_n += np.where(use, n, 0)
        entered.append((name, use, round2_array(mean).tolist(), n.tolist()))

    has_score = den > 0
    score = np.where(has_score, num / np.where(has_score, den, 1.0), np.nan)
    many = total_n >= 2
    variance = np.divide(
        total_q - total_s**2 / np.maximum(total_n, 1),
        total_n - 1,
        out=np.zeros(n_cells),
        where=many,
    )
    variance = np.maximum(variance, 0.0)  # float noise below zero
    sd = np.where(many, np.sqrt(variance), np.nan)
    rwg = np.where(many, np.clip(1 - variance / UNIFORM_VARIANCE, 0.0, 1.0), np.nan)
    sd_r, rwg_r = round2_array(sd), round2_array(rwg)
    low = many & (np.floor(rwg_r * 100 + 0.5) < round(policy.low_agreement_rwg * 100))
    self_level = np.where(C[SELF] > 0, np.divide(S[SELF], np.maximum(C[SELF], 1)), np.nan)

    groups: list[list] = [[] for _ in range(n_cells)]
    for name, use, mean_r, n in entered:
        for i in np.flatnonzero(use).tolist():
            groups[i].append((name, mean_r[i], n[i]))
    flag_sets: list[tuple[str, ...]] = [()] * n_cells
    for i in np.flatnonzero(~has_score | pooled_ok | dropped | low).tolist():
        flags = []
        if dropped[i]:
            flags.append(DROPPED_FLAG)
        if pooled_ok[i]:
            flags.append(POOLED_FLAG)
        if low[i]:
            flags.append(LOW_AGREEMENT)
        if not has_score[i]:
            flags.append(NO_DATA)
        flag_sets[i] = tuple(sorted(flags))
    return _Table(
        score=_nullable(round2_array(score)),
        self_level=_nullable(round2_array(self_level)),
        groups=groups,
        n_raters=total_n.tolist(),
        sd=_nullable(sd_r),
        rwg=_nullable(rwg_r),
        flags=flag_sets,
    )


def _nullable(values: np.ndarray) -> list:
    return [None if v != v else v for v in values.tolist()]  # NaN -> None


def _employees(
    cells: np.ndarray, n_items: int, inputs: CycleInputs, t: _Table, policy: Policy
) -> tuple[EmployeeScores, ...]:
    """Every employee's items (the rated cells, plus the standard's competencies and the
    BerAKHLAK items even when unrated), gaps, JPM, perilaku, predikat and 9-box. The arithmetic
    is done on whole columns; the loop at the end only assembles the objects."""
    n_emp = len(inputs.employees)
    # Items in code order: the standards and behaviour list may name codes nobody rated.
    codes = sorted(
        set(inputs.item_codes)
        | set(inputs.behaviour_items)
        | {c for standard in inputs.positions.values() for c in standard}
    )
    rank = {code: r for r, code in enumerate(codes)}
    n_codes = max(len(codes), 1)
    to_rank = np.array([rank[c] for c in inputs.item_codes] or [0], dtype=np.int64)
    rated_employee, rated_item = divmod(cells, n_items)
    rated_key = rated_employee * n_codes + to_rank[rated_item]

    position_names = sorted({e.position for e in inputs.employees if e.position})
    position_of = {name: p for p, name in enumerate(position_names)}
    required = np.zeros((len(position_names) + 1, n_codes), dtype=np.int64)  # last row: none
    for name, p in position_of.items():
        for code, level in inputs.positions.get(name, {}).items():
            required[p, rank[code]] = level
    employee_position = np.array(
        [position_of.get(e.position or "", len(position_names)) for e in inputs.employees] or [0],
        dtype=np.int64,
    )[:n_emp]
    behaviour = np.zeros(n_codes, dtype=bool)
    behaviour[[rank[c] for c in inputs.behaviour_items]] = True

    # The universe of cells: rated ones, the standard's and the behaviour items of everyone.
    everyone = np.arange(n_emp, dtype=np.int64)
    parts = [rated_key]
    by_position = np.argsort(employee_position, kind="stable")
    starts = np.searchsorted(
        employee_position[by_position], np.arange(len(position_names) + 1)
    ).tolist()
    for p in range(len(position_names)):
        members = by_position[starts[p] : starts[p + 1]]
        standard = np.flatnonzero(required[p])
        parts.append((members[:, None] * n_codes + standard[None, :]).ravel())
    beh_items = np.flatnonzero(behaviour)
    parts.append((everyone[:, None] * n_codes + beh_items[None, :]).ravel())
    keys = np.unique(np.concatenate(parts))
    employee, item = divmod(keys, n_codes)
    at = np.searchsorted(keys, rated_key)  # where each rated cell sits in the universe
    source = np.full(len(keys), -1, dtype=np.int64)
    source[at] = np.arange(len(rated_key))

    score = np.full(len(keys), np.nan)
    score[at] = np.array([np.nan if v is None else v for v in t.score])
    self_level = np.full(len(keys), np.nan)
    self_level[at] = np.array([np.nan if v is None else v for v in t.self_level])
    has_score = ~np.isnan(score)
    score_cents = np.where(has_score, np.floor(score * 100 + 0.5), 0).astype(np.int64)
    need = required[employee_position[employee], item] if len(keys) else np.zeros(0, np.int64)
    has_need = need > 0
    both = has_score & has_need
    gap = np.where(both, round2_array(score - need), np.nan)
    meets = score_cents >= need * 100
    has_self = ~np.isnan(self_level)
    difference = np.floor(np.nan_to_num(self_level) * 100 + 0.5).astype(np.int64) - score_cents
    gap_cents = cents(policy.blind_spot_gap)
    blind = has_self & has_score & (difference >= gap_cents)
    hidden = has_self & has_score & (difference <= -gap_cents)

    achieved = np.bincount(
        employee[both], weights=np.minimum(score[both], need[both]), minlength=n_emp
    )
    required_sum = np.bincount(employee[both], weights=need[both], minlength=n_emp)
    jpm_values = round2_array(
        np.divide(100 * achieved, required_sum, out=np.zeros(n_emp), where=required_sum > 0)
    )
    scored_behaviour = behaviour[item] & has_score
    behaviour_sum = np.bincount(
        employee[scored_behaviour], weights=score[scored_behaviour], minlength=n_emp
    )
    behaviour_n = np.bincount(employee[scored_behaviour], minlength=n_emp)
    perilaku_values = round2_array(
        np.divide(behaviour_sum, behaviour_n, out=np.zeros(n_emp), where=behaviour_n > 0)
    )

    bounds = np.searchsorted(employee, np.arange(n_emp + 1)).tolist()
    columns = (
        item.tolist(),
        source.tolist(),
        need.tolist(),
        _nullable(gap),
        meets.tolist(),
        both.tolist(),
        blind.tolist(),
        hidden.tolist(),
    )
    out = []
    for e, person in enumerate(inputs.employees):
        items: dict[str, ItemScore] = {}
        missing, blind_spots, hidden_strengths = [], [], []
        for c in range(bounds[e], bounds[e + 1]):
            code = codes[columns[0][c]]
            s, req = columns[1][c], columns[2][c] or None
            if s >= 0:
                groups = {name: GroupScore(mean, n) for name, mean, n in t.groups[s]}
                value = t.score[s]
                items[code] = ItemScore(
                    code,
                    value,
                    req,
                    columns[3][c],
                    columns[4][c] if columns[5][c] else None,
                    t.self_level[s],
                    groups,
                    t.n_raters[s],
                    t.sd[s],
                    t.rwg[s],
                    t.flags[s],
                )
            else:
                value = None
                items[code] = ItemScore(
                    code, None, req, None, None, None, {}, 0, None, None, (NO_DATA,)
                )
            if req is not None and value is None:
                missing.append(code)
            if columns[6][c]:
                blind_spots.append(code)
            elif columns[7][c]:
                hidden_strengths.append(code)
        has_jpm = bool(required_sum[e] > 0)
        jpm_value = float(jpm_values[e]) if has_jpm else None
        category = jpm_category(jpm_value, policy.jpm_categories)
        perilaku = float(perilaku_values[e]) if behaviour_n[e] else None
        suggested = rating_rules.suggest_perilaku(perilaku, **policy.perilaku_thresholds)
        rating = person.perilaku_rating or suggested
        predikat = rating_rules.predikat(person.hasil_kerja, rating)
        out.append(
            EmployeeScores(
                key=person.key,
                items=items,
                jpm=jpm_value,
                jpm_category=category,
                jpm_missing=tuple(missing),
                perilaku_score=perilaku,
                perilaku_suggested=suggested,
                perilaku_rating=rating,
                hasil_kerja=person.hasil_kerja,
                predikat=predikat,
                nine_box=nine_box(predikat, category),
                blind_spots=tuple(blind_spots),
                hidden_strengths=tuple(hidden_strengths),
            )
        )
    return tuple(out)
