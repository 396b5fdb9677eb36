"""score_cycle: submitted ratings in, every number of a cycle's results out.

Inputs are columnar (numpy arrays) so a cycle of 100,000 employees × 8 raters × 16 items is
scored in a few vectorised passes; the per-employee assembly is one loop over the scored cells."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

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
from kinerja.scoring.standards import jpm, jpm_category
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


@dataclass(frozen=True, slots=True)
class GroupScore:
    mean: float
    n: int


@dataclass(frozen=True, slots=True)
class ItemScore:
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
    by_employee = _assemble_cells(cells, n_items, inputs, table)
    employees = tuple(
        _employee(i, e, by_employee.get(i, {}), inputs, policy)
        for i, e in enumerate(inputs.employees)
    )
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
        entered.append((name, use, round2_array(mean), n))

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
            groups[i].append((name, mean_r[i], int(n[i])))
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


def _assemble_cells(cells, n_items, inputs: CycleInputs, t: _Table) -> dict[int, dict]:
    """{employee index: {item code: ItemScore without the standard}} for every rated cell."""
    out: dict[int, dict] = {}
    codes = inputs.item_codes
    employees, items_of = divmod(cells, n_items)
    for i, (employee, item) in enumerate(zip(employees.tolist(), items_of.tolist(), strict=True)):
        out.setdefault(employee, {})[codes[item]] = i
    return {e: {code: _cell(i, t) for code, i in items.items()} for e, items in out.items()}


def _cell(i: int, t: _Table) -> tuple:
    return (
        t.score[i],
        t.self_level[i],
        {name: GroupScore(mean, n) for name, mean, n in t.groups[i]},
        t.n_raters[i],
        t.sd[i],
        t.rwg[i],
        t.flags[i],
    )


_EMPTY: tuple = (None, None, {}, 0, None, None, (NO_DATA,))


def _employee(
    index: int, employee: EmployeeIn, cells: dict, inputs: CycleInputs, policy: Policy
) -> EmployeeScores:
    standard = inputs.positions.get(employee.position or "", {}) if employee.position else {}
    codes = sorted(set(standard) | set(inputs.behaviour_items) | set(cells))
    items = {}
    blind, hidden = [], []
    gap_cents = cents(policy.blind_spot_gap)
    for code in codes:
        score, self_level, groups, n_raters, sd, rwg, flags = cells.get(code, _EMPTY)
        required = standard.get(code)
        gap = meets = None
        if score is not None and required is not None:
            gap = round2(score - required)
            meets = cents(score) >= required * 100
        if score is not None and self_level is not None:
            difference = cents(self_level) - cents(score)
            if difference >= gap_cents:
                blind.append(code)
            elif difference <= -gap_cents:
                hidden.append(code)
        items[code] = ItemScore(
            code, score, required, gap, meets, self_level, groups, n_raters, sd, rwg, flags
        )
    jpm_value, missing = jpm({c: items[c].score for c in standard}, standard)
    category = jpm_category(jpm_value, policy.jpm_categories)
    perilaku = rating_rules.perilaku_score(items[c].score for c in inputs.behaviour_items)
    suggested = rating_rules.suggest_perilaku(perilaku, **policy.perilaku_thresholds)
    rating = employee.perilaku_rating or suggested
    predikat = rating_rules.predikat(employee.hasil_kerja, rating)
    return EmployeeScores(
        key=employee.key,
        items=items,
        jpm=jpm_value,
        jpm_category=category,
        jpm_missing=tuple(missing),
        perilaku_score=perilaku,
        perilaku_suggested=suggested,
        perilaku_rating=rating,
        hasil_kerja=employee.hasil_kerja,
        predikat=predikat,
        nine_box=nine_box(predikat, category),
        blind_spots=tuple(blind),
        hidden_strengths=tuple(hidden),
    )
