"""score_cycle: submitted ratings in, every number of a cycle's results out.

Inputs are columnar (numpy arrays) so a cycle of 100,000 employees × 8 raters × 16 items is
scored in a few vectorised passes; the per-employee assembly is one loop over the scored cells."""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from kinerja.scoring import ratings as rating_rules
from kinerja.scoring.numbers import _EPS, cents, round2, round2_array
from kinerja.scoring.ordinal import correct_named
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
from kinerja.scoring.uncertainty import below_chance, pooled_sigma, reliability

SCORING_VERSION = "1.1"  # 1.1: standard errors, reliability, group weights in the trace

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

    def canonical(self) -> RatingsIn:
        """The answers sorted by (ratee, item, relation, rater), so that the order they arrived
        in can never change a float sum; itself when already in that order (no copy)."""
        n = len(self.level)
        if n == 0:
            return self
        spans = [int(a.max()) + 1 for a in (self.ratee, self.item, self.relation, self.rater)]
        lows = min(int(a.min()) for a in (self.ratee, self.item, self.relation, self.rater))
        if lows >= 0 and spans[0] * spans[1] * spans[2] * spans[3] < 2**62:
            # One integer key in the same order as the lexsort: one sort, or none when sorted.
            key = self.ratee.astype(np.int64) * spans[1] + self.item
            key *= spans[2]
            key += self.relation
            key *= spans[3]
            key += self.rater
            if bool(np.all(key[1:] > key[:-1])):
                return self
            order = np.argsort(key, kind="stable")
            del key
        else:
            order = np.lexsort((self.rater, self.relation, self.item, self.ratee))
        return RatingsIn(
            self.ratee[order],
            self.rater[order],
            self.relation[order],
            self.item[order],
            self.level[order],
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
    weight: float | None = None  # the weight the group had in the score (engine trace)


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
    se: float | None = None  # standard error of the score (uncertainty.py)

    def as_dict(self) -> dict:
        return {
            "score": self.score,
            "required": self.required,
            "gap": self.gap,
            "meets": self.meets,
            "self": self.self_level,
            "groups": {
                g: {"mean": s.mean, "n": s.n, "w": s.weight} for g, s in self.groups.items()
            },
            "n_raters": self.n_raters,
            "sd": self.sd,
            "rwg": self.rwg,
            "flags": list(self.flags),
            "se": self.se,
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
    jpm_se: float | None = None


@dataclass(frozen=True, slots=True)
class RaterEffect:
    b: float
    n: int
    sigma: float | None = None  # consistency, ordinal model only


@dataclass(frozen=True)
class CycleScores:
    version: str
    policy: Policy
    employees: EmployeeTable  # a Sequence[EmployeeScores]
    rater_effects: dict[Hashable, RaterEffect] | None
    distribution: tuple[rating_rules.Distribution, ...]
    # The mean of every released non-self answer and how many raters gave them: the yardstick a
    # rater's own tendency is shown against (a pool of everyone, never of one group).
    pool_mean: float | None = None
    pool_raters: int = 0
    # The rater model's own report: which model, converged or not, after how many passes.
    rater_model_fit: dict | None = None
    # How sure the cycle's scores are: {"sigma", "sigma_source", "sigma_groups", "items",
    # "jpm"} (uncertainty.py; reliabilities may be None).
    reliability: dict | None = None


def score_cycle(inputs: CycleInputs, policy: Policy) -> CycleScores:
    ratings = inputs.ratings.canonical()
    keep = ~np.isnan(ratings.level)  # "tidak dapat menilai" is ignored, never zero
    columns = (ratings.ratee, ratings.rater, ratings.relation, ratings.item, ratings.level)
    if not keep.all():
        columns = tuple(a[keep] for a in columns)
    del ratings, keep
    ratee, rater, relation, item, level = columns
    del columns
    if len(level) and (level.min() < 1 or level.max() > 5):
        raise ValueError("levels must lie within 1–5")
    n_items = max(len(inputs.item_codes), 1)
    # In canonical order the cells (ratee × item) come sorted: number them where they change.
    small = (len(inputs.employees) + 1) * n_items < 2**31 and len(level) < 2**31
    cell_key = ratee.astype(np.int32 if small else np.int64) * n_items + item
    starts = np.ones(len(cell_key), dtype=bool)
    np.not_equal(cell_key[1:], cell_key[:-1], out=starts[1:])
    cells = cell_key[starts].astype(np.int64)
    del cell_key
    cell = np.cumsum(starts, dtype=np.int32 if small else np.int64)
    np.subtract(cell, 1, out=cell)
    del starts

    released = _released(cell, relation, len(cells), policy.min_anonymous_raters)
    pool = released & (relation != SELF)
    pool_mean = round2(float(level[pool].mean(dtype=np.float64))) if pool.any() else None
    pool_raters = int(np.count_nonzero(np.bincount(rater[pool]))) if pool.any() else 0

    effects = None
    fit_report = None
    raw_level = level  # the answers as given: the error model and reliability read these
    if policy.correction == "ordinal":
        # Named raters only, anonymous groups as released count + mean (docs/scoring.md,
        # "Model penilai ordinal" and "Anonimitas").
        n_keys = len(inputs.rater_keys)
        done = correct_named(
            cell,
            rater,
            relation,
            level,
            pool,
            n_keys,
            len(cells),
            policy.min_anonymous_raters,
            policy.rater_shrinkage,
        )
        level = done.level
        model_fit = done.fit
        effects = {
            inputs.rater_keys[j]: RaterEffect(
                round2(float(model_fit.b[j])),
                int(model_fit.counts[j]),
                round2(float(model_fit.sigma[j])),
            )
            for j in done.raters.tolist()
        }
        fit_report = {
            "model": "ordinal",
            "converged": model_fit.converged,
            "iterations": model_fit.iterations,
        }
    elif policy.rater_correction:
        # Only named raters (atasan) are corrected. Anonymous answers enter the fit as fixed
        # observations, and only those of a released group: every output then depends on an
        # anonymous group through its count and sum alone (docs/scoring.md, "Anonimitas").
        # Anonymous answers first, so a cell's integer levels add up exactly before any corrected
        # float joins them: mu then depends on the group's sum, never on who gave which level.
        fit = np.flatnonzero(pool)
        fit = fit[np.argsort(relation[fit] == SUPERVISOR, kind="stable")]
        named = relation[fit] == SUPERVISOR
        n_keys = len(inputs.rater_keys)
        fit_rater = np.where(named, rater[fit], n_keys)  # n_keys: one fixed slot for all anonymous
        b, counts = fit_leniency(
            np.unique(cell[fit], return_inverse=True)[1].reshape(-1),
            fit_rater,
            level[fit],
            n_keys + 1,
            policy.rater_shrinkage,
            fixed=np.arange(n_keys + 1) == n_keys,
        )
        corrected = relation == SUPERVISOR
        level = level.astype(np.float64)  # a copy: corrected levels are floats
        level[corrected] = np.clip(level[corrected] - b[rater[corrected]], 1.0, 5.0)
        effects = {
            inputs.rater_keys[j]: RaterEffect(round2(float(b[j])), int(counts[j]))
            for j in np.flatnonzero(counts[:n_keys])
        }

    # The error model is that of the plain weighted mean of the answers as given (docs/scoring.md,
    # "Ketidakpastian"): with a correction, σ and the reliability come from an uncorrected pass,
    # so the figures read the cycle's data the same way under every rater model.
    plain = _group_table(cell, relation, raw_level, len(cells), policy)
    if level is raw_level:
        table = plain
    else:
        table = _group_table(
            cell, relation, level, len(cells), policy, sigma=(plain.sigma, plain.sigma_source)
        )
    del raw_level
    employees = _employees(cells, n_items, inputs, table, policy)
    cycle_reliability = _reliability(
        employees if table is plain else _employees(cells, n_items, inputs, plain, policy),
        plain,
    )
    del plain
    distribution = tuple(
        rating_rules.check_distribution(
            unit,
            org,
            (
                s.predikat
                for s, e in zip(employees.people, inputs.employees, strict=True)
                if e.unit == unit
            ),
        )
        for unit, org in sorted(inputs.units.items())
    )
    return CycleScores(
        SCORING_VERSION,
        policy,
        employees,
        effects,
        distribution,
        pool_mean,
        pool_raters,
        fit_report,
        cycle_reliability,
    )


def _reliability(uncorrected: EmployeeTable, plain: _Table) -> dict:
    """The cycle's reliability figures from the uncorrected scores and their errors."""
    scored = np.flatnonzero(uncorrected.has_score)
    with_jpm = [p for p in uncorrected.people if p.jpm is not None]
    return {
        "sigma": plain.sigma,
        "sigma_source": plain.sigma_source,
        "sigma_groups": plain.sigma_groups,
        # Between people within each competency: the spread between competencies (BerAKHLAK
        # items rated higher than managerial ones, say) is not a difference between people.
        "items": reliability(_within_items(uncorrected, scored), uncorrected.se[scored] / 100),
        "jpm": reliability(
            np.array([p.jpm for p in with_jpm], dtype=float),
            np.array([p.jpm_se for p in with_jpm], dtype=float),
        ),
    }


def _within_items(table: EmployeeTable, scored: np.ndarray) -> np.ndarray:
    """The scored values less their competency's mean over the cycle."""
    values = table.score[scored] / 100
    item = table.item[scored]
    totals = np.bincount(item, weights=values, minlength=len(table.codes))
    counts = np.maximum(np.bincount(item, minlength=len(table.codes)), 1)
    return values - (totals / counts)[item]


def _anonymous_counts(cell, relation, n_cells: int, k: int):
    """Per cell: which anonymous groups are shown alone, pooled, or dropped (rule 3)."""
    c_peer = np.bincount(cell[relation == PEER], minlength=n_cells)
    c_sub = np.bincount(cell[relation == SUBORDINATE], minlength=n_cells)
    alone = ((c_peer == 0) | (c_peer >= k)) & ((c_sub == 0) | (c_sub >= k))
    pooled_n = c_peer + c_sub
    pooled_ok = ~alone & (pooled_n >= k)
    dropped = ~alone & (pooled_n > 0) & (pooled_n < k)
    return alone, pooled_ok, dropped


def _released(cell, relation, n_cells: int, k: int) -> np.ndarray:
    """Per answer: does it reach any output? Named and self answers always; an anonymous one
    only when its cell's group is shown (alone or pooled), never when the group is dropped."""
    alone, pooled_ok, _dropped = _anonymous_counts(cell, relation, n_cells, k)
    anonymous = (relation == PEER) | (relation == SUBORDINATE)
    return ~anonymous | (alone | pooled_ok)[cell]


# The groups of an item in the order they are listed, and the flags as bits in the sorted order
# of their names (an item's flags are always listed sorted).
GROUP_NAMES = ("atasan", "rekan", "bawahan", POOLED, "diri")
FLAG_NAMES = (POOLED_FLAG, DROPPED_FLAG, LOW_AGREEMENT, NO_DATA)
POOLED_BIT, _DROPPED_BIT, _LOW_BIT, _NO_DATA_BIT = (1 << b for b in range(4))
_FLAG_SETS = tuple(
    tuple(name for b, name in enumerate(FLAG_NAMES) if mask >> b & 1) for mask in range(16)
)


def _nullable(values: np.ndarray) -> list:
    return [None if v != v else v for v in values.tolist()]  # NaN -> None


def _cents_of(values: np.ndarray) -> np.ndarray:
    """round2 as whole hundredths (NaN -> 0; the caller keeps the mask): c / 100 is exactly the
    float round2 gives, so the table can keep small integers instead of Python floats."""
    return np.floor(np.nan_to_num(values) * 100 + 0.5 + _EPS).astype(np.int64)


@dataclass
class _Table:
    """Per scored cell (ratee × item), as arrays: cents where a value is a rounded number."""

    has_score: np.ndarray
    score: np.ndarray  # cents
    has_self: np.ndarray
    self_level: np.ndarray  # cents
    group_use: np.ndarray  # (5, cells) bool, GROUP_NAMES order
    group_mean: np.ndarray  # (5, cells) cents
    group_n: np.ndarray  # (5, cells)
    group_weight: np.ndarray  # (5, cells) cents: the weight each group had in the score
    n_raters: np.ndarray
    many: np.ndarray  # sd and rwg exist (at least two sources)
    sd: np.ndarray  # cents
    rwg: np.ndarray  # cents
    flags: np.ndarray  # bits of FLAG_NAMES
    se: np.ndarray  # cents, where has_score
    sigma: float  # the cycle's σ (uncertainty.pooled_sigma) and where it came from
    sigma_source: str
    sigma_groups: int


def _group_table(
    cell, relation, level, n_cells: int, policy: Policy, sigma: tuple[float, str] | None = None
) -> _Table:
    """Every scored cell's groups, score, agreement, flags and standard error. σ is estimated
    from these answers unless given (the corrected pass takes the uncorrected pass's σ)."""
    S = np.zeros((4, n_cells))
    C = np.zeros((4, n_cells), dtype=np.int64)
    for r in range(4):
        mask = relation == r
        S[r] = np.bincount(cell[mask], weights=level[mask], minlength=n_cells)
        C[r] = np.bincount(cell[mask], minlength=n_cells)
    c_peer, c_sub = C[PEER], C[SUBORDINATE]
    pooled_n = c_peer + c_sub
    alone, pooled_ok, dropped = _anonymous_counts(
        cell, relation, n_cells, policy.min_anonymous_raters
    )

    # The groups that can enter a score: (sum, n, weight, present mask), GROUP_NAMES order.
    w = {r: policy.weight(r) for r in RELATIONS}
    candidates = [
        (S[SUPERVISOR], C[SUPERVISOR], w["atasan"], C[SUPERVISOR] > 0),
        (S[PEER], c_peer, w["rekan"], alone & (c_peer > 0)),
        (S[SUBORDINATE], c_sub, w["bawahan"], alone & (c_sub > 0)),
        (
            S[PEER] + S[SUBORDINATE],
            pooled_n,
            w["rekan"] * (c_peer > 0) + w["bawahan"] * (c_sub > 0),
            pooled_ok,
        ),
        (S[SELF], C[SELF], w["diri"], C[SELF] > 0),
    ]
    num = np.zeros(n_cells)
    den = np.zeros(n_cells)
    # Agreement is between the sources that enter the score, each counted once by its mean: an
    # anonymous group's spread inside it is never used, so its answers show only as count + sum.
    source_s = np.zeros(n_cells)
    source_q = np.zeros(n_cells)
    sources = np.zeros(n_cells, dtype=np.int64)
    total_n = np.zeros(n_cells, dtype=np.int64)
    group_use = np.zeros((5, n_cells), dtype=bool)
    group_mean = np.zeros((5, n_cells), dtype=np.int16)
    group_n = np.zeros((5, n_cells), dtype=np.int32)
    group_weight = np.zeros((5, n_cells), dtype=np.int16)
    spread_of_mean = np.zeros(n_cells)  # Σ w² / n over the groups that enter the score
    inverse_n = np.zeros(n_cells)  # Σ 1 / n over the groups that enter the score
    for g, (s, n, weight, present) in enumerate(candidates):
        weight = np.broadcast_to(np.asarray(weight, dtype=float), (n_cells,))
        use = present & (weight > 0)
        mean = np.divide(s, n, out=np.zeros(n_cells), where=n > 0)
        num += np.where(use, weight * mean, 0.0)
        den += np.where(use, weight, 0.0)
        spread_of_mean += np.where(use, weight**2 / np.maximum(n, 1), 0.0)
        inverse_n += np.where(use, 1 / np.maximum(n, 1), 0.0)
        source_s += np.where(use, mean, 0.0)
        source_q += np.where(use, mean**2, 0.0)
        sources += use
        total_n += np.where(use, n, 0)
        group_use[g] = use
        group_mean[g] = _cents_of(mean)
        group_n[g] = n
        group_weight[g] = np.where(use, _cents_of(weight), 0)
    has_self = C[SELF] > 0
    self_level = _cents_of(np.divide(S[SELF], np.maximum(C[SELF], 1)))
    del S, C

    has_score = den > 0
    score = np.where(has_score, num / np.where(has_score, den, 1.0), np.nan)
    many = sources >= 2
    # σ from how far the sources' means of one cell lie apart (uncertainty.pooled_sigma): a
    # function of each group's count and sum only, never of the answers inside a group, so an
    # anonymous group's spread reaches no figure. E Σ (m_g − m̄)² = σ² · Σ 1/n_g · (1 − 1/k).
    disagreement = float(np.sum((source_q - source_s**2 / np.maximum(sources, 1))[many]))
    expected = float(np.sum((inverse_n * (1 - 1 / np.maximum(sources, 1)))[many]))
    groups = int(np.count_nonzero(many))
    sigma_value, sigma_source = sigma or pooled_sigma(disagreement, expected, groups)
    se = np.where(
        has_score, sigma_value * np.sqrt(spread_of_mean) / np.where(has_score, den, 1.0), 0.0
    )
    del spread_of_mean, inverse_n
    variance = np.divide(
        source_q - source_s**2 / np.maximum(sources, 1),
        sources - 1,
        out=np.zeros(n_cells),
        where=many,
    )
    variance = np.maximum(variance, 0.0)  # float noise below zero
    sd = np.where(many, np.sqrt(variance), np.nan)
    rwg = np.where(many, np.clip(1 - variance / UNIFORM_VARIANCE, 0.0, 1.0), np.nan)
    rwg_r = round2_array(rwg)
    low = many & (np.floor(rwg_r * 100 + 0.5) < round(policy.low_agreement_rwg * 100))
    flags = (
        np.where(pooled_ok, POOLED_BIT, 0)
        | np.where(dropped, _DROPPED_BIT, 0)
        | np.where(low, _LOW_BIT, 0)
        | np.where(~has_score, _NO_DATA_BIT, 0)
    ).astype(np.int8)
    return _Table(
        has_score=has_score,
        score=_cents_of(score).astype(np.int16),
        has_self=has_self,
        self_level=self_level.astype(np.int16),
        group_use=group_use,
        group_mean=group_mean,
        group_n=group_n,
        group_weight=group_weight,
        n_raters=total_n.astype(np.int32),
        many=many,
        sd=_cents_of(sd).astype(np.int16),
        rwg=_cents_of(rwg).astype(np.int16),
        flags=flags,
        se=_cents_of(se).astype(np.int16),
        sigma=sigma_value,
        sigma_source=sigma_source,
        sigma_groups=groups,
    )


def _employees(
    cells: np.ndarray, n_items: int, inputs: CycleInputs, t: _Table, policy: Policy
) -> EmployeeTable:
    """Every employee's items (the rated cells, plus the standard's competencies and the
    BerAKHLAK items even when unrated), gaps, JPM, perilaku, predikat and 9-box, computed on
    whole columns. The result keeps the columns; it makes an employee's objects when asked."""
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
    del rated_employee, rated_item

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
    if n_emp * n_codes <= 4 * sum(len(part) for part in parts) + 1024:
        # The grid of every employee × code is small: mark the cells instead of sorting them.
        present = np.zeros(max(n_emp, 1) * n_codes, dtype=bool)
        for part in parts:
            present[part] = True
        keys = np.flatnonzero(present)
        del present
    else:
        keys = np.unique(np.concatenate(parts))
    del parts
    employee, item = divmod(keys, n_codes)
    at = np.searchsorted(keys, rated_key)  # where each rated cell sits in the universe
    del keys, rated_key
    n_u = len(employee)

    def spread(values: np.ndarray, fill) -> np.ndarray:
        out = np.full((*values.shape[:-1], n_u), fill, dtype=values.dtype)
        out[..., at] = values
        return out

    has_score = spread(t.has_score, False)
    score_c = spread(t.score, 0)
    has_self = spread(t.has_self, False)
    self_c = spread(t.self_level, 0)
    se_c = spread(t.se, 0)
    score = np.where(has_score, score_c / 100, np.nan)
    self_level = np.where(has_self, self_c / 100, np.nan)
    score_cents = np.where(has_score, np.floor(score * 100 + 0.5), 0).astype(np.int64)
    need = required[employee_position[employee], item] if n_u else np.zeros(0, np.int64)
    has_need = need > 0
    both = has_score & has_need
    gap = np.where(both, round2_array(score - need), np.nan)
    meets = score_cents >= need * 100
    difference = np.floor(np.nan_to_num(self_level) * 100 + 0.5).astype(np.int64) - score_cents
    gap_cents = cents(policy.blind_spot_gap)
    blind = has_self & has_score & (difference >= gap_cents)
    hidden = has_self & has_score & (difference <= -gap_cents) & ~blind
    del difference, score_cents, self_level

    achieved = np.bincount(
        employee[both], weights=np.minimum(score[both], need[both]), minlength=n_emp
    )
    required_sum = np.bincount(employee[both], weights=need[both], minlength=n_emp)
    jpm_values = round2_array(
        np.divide(100 * achieved, required_sum, out=np.zeros(n_emp), where=required_sum > 0)
    )
    # SE of the JPM by the delta method (uncertainty.py), from the scores and errors as shown.
    cell_se = se_c[both] / 100
    slope = below_chance(score[both], cell_se, need[both])
    jpm_variance = np.bincount(employee[both], weights=(slope * cell_se) ** 2, minlength=n_emp)
    jpm_se_values = round2_array(
        np.divide(
            100 * np.sqrt(jpm_variance), required_sum, out=np.zeros(n_emp), where=required_sum > 0
        )
    )
    del cell_se, slope, jpm_variance
    scored_behaviour = behaviour[item] & has_score
    behaviour_sum = np.bincount(
        employee[scored_behaviour], weights=score[scored_behaviour], minlength=n_emp
    )
    behaviour_n = np.bincount(employee[scored_behaviour], minlength=n_emp)
    perilaku_values = round2_array(
        np.divide(behaviour_sum, behaviour_n, out=np.zeros(n_emp), where=behaviour_n > 0)
    )
    del score, scored_behaviour

    rated = spread(np.ones(len(at), dtype=bool), False)
    people = []
    for e, person in enumerate(inputs.employees):
        jpm_value = float(jpm_values[e]) if required_sum[e] > 0 else None
        category = jpm_category(jpm_value, policy.jpm_categories)
        perilaku = float(perilaku_values[e]) if behaviour_n[e] else None
        suggested = rating_rules.suggest_perilaku(perilaku, **policy.perilaku_thresholds)
        rating = person.perilaku_rating or suggested
        predikat = rating_rules.predikat(person.hasil_kerja, rating)
        people.append(
            _Person(
                person.key,
                jpm_value,
                category,
                perilaku,
                suggested,
                rating,
                person.hasil_kerja,
                predikat,
                nine_box(predikat, category),
                float(jpm_se_values[e]) if required_sum[e] > 0 else None,
            )
        )
    return EmployeeTable(
        codes=tuple(codes),
        people=tuple(people),
        bounds=np.searchsorted(employee, np.arange(n_emp + 1)),
        employee=employee.astype(np.int32),
        item=item.astype(np.int32),
        rated=rated,
        need=need.astype(np.int8) if n_u and need.max() < 128 else need,
        has_score=has_score,
        score=score_c,
        has_self=has_self,
        self_level=self_c,
        gap=gap,
        meets=meets,
        both=both,
        blind=blind,
        hidden=hidden,
        group_use=spread(t.group_use, False),
        group_mean=spread(t.group_mean, 0),
        group_n=spread(t.group_n, 0),
        group_weight=spread(t.group_weight, 0),
        n_raters=spread(t.n_raters, 0),
        many=spread(t.many, False),
        sd=spread(t.sd, 0),
        rwg=spread(t.rwg, 0),
        flags=spread(t.flags, _NO_DATA_BIT),
        se=se_c,
    )


class _Person(NamedTuple):
    key: Hashable
    jpm: float | None
    jpm_category: str | None
    perilaku_score: float | None
    perilaku_suggested: str | None
    perilaku_rating: str | None
    hasil_kerja: str | None
    predikat: str | None
    nine_box: int | None
    jpm_se: float | None = None


# JSON text of a number rounded to 2 decimals, by its cents: what json.dumps writes for c / 100.
_CENTS_LIMIT = 1000
_NUMBER_TEXT = np.array(
    [repr(c / 100) for c in range(-_CENTS_LIMIT, _CENTS_LIMIT + 1)], dtype=object
)
_FLAG_TEXT = np.array(
    ["[" + ",".join(f'"{name}"' for name in flags) + "]" for flags in _FLAG_SETS], dtype=object
)


def _number_text(cents_: np.ndarray, valid: np.ndarray) -> np.ndarray:
    c = cents_.astype(np.int64)
    if len(c) and (
        c[valid].min(initial=0) < -_CENTS_LIMIT or c[valid].max(initial=0) > _CENTS_LIMIT
    ):
        return np.array(
            [
                repr(v / 100) if ok else "null"
                for v, ok in zip(c.tolist(), valid.tolist(), strict=True)
            ],
            dtype=object,
        )
    return np.where(
        valid, _NUMBER_TEXT[np.clip(c, -_CENTS_LIMIT, _CENTS_LIMIT) + _CENTS_LIMIT], "null"
    )


_INT_TEXT = np.array([str(i) for i in range(4096)], dtype=object)


def _int_text(values: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    if len(values) and values.min() >= 0 and values.max() < len(_INT_TEXT):
        text = _INT_TEXT[values]
    else:
        text = np.array(list(map(str, values.tolist())), dtype=object)
    return text if valid is None else np.where(valid, text, "null")


def _item_template(groups_mask: int) -> str:
    groups = ",".join(
        f'"{name}":{{"mean":%s,"n":%s,"w":%s}}'
        for g, name in enumerate(GROUP_NAMES)
        if groups_mask >> g & 1
    )
    return (
        '%s:{"score":%s,"required":%s,"gap":%s,"meets":%s,"self":%s,"groups":{'
        + groups
        + '},"n_raters":%s,"sd":%s,"rwg":%s,"flags":%s,"se":%s}'
    )


@dataclass(frozen=True, eq=False)
class EmployeeTable(Sequence):
    """The scored employees as columns: a sequence of EmployeeScores made on access (1.6 million
    item objects for 100,000 employees are never all alive at once), and the same items as the
    JSON text of {code: ItemScore.as_dict()} for a range of employees, without the objects.

    Per employee: people[e]; per cell of the universe (employee × item, in employee then code
    order; cells of employee e are bounds[e]:bounds[e + 1]) the columns below, numbers rounded
    to 2 decimals kept as cents."""

    codes: tuple[str, ...]
    people: tuple[_Person, ...]
    bounds: np.ndarray
    employee: np.ndarray
    item: np.ndarray  # index into codes
    rated: np.ndarray
    need: np.ndarray  # required level, 0 = none
    has_score: np.ndarray
    score: np.ndarray
    has_self: np.ndarray
    self_level: np.ndarray
    gap: np.ndarray  # float, NaN = none
    meets: np.ndarray
    both: np.ndarray  # a score and a standard: gap and meets exist
    blind: np.ndarray
    hidden: np.ndarray
    group_use: np.ndarray
    group_mean: np.ndarray
    group_n: np.ndarray
    group_weight: np.ndarray
    n_raters: np.ndarray
    many: np.ndarray
    sd: np.ndarray
    rwg: np.ndarray
    flags: np.ndarray
    se: np.ndarray  # cents, where has_score

    def __len__(self) -> int:
        return len(self.people)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return tuple(self._one(e) for e in range(len(self))[index])
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._one(index)

    def __iter__(self):
        for e in range(len(self)):
            yield self._one(e)

    def _cell_codes(self, start: int, stop: int, kind: np.ndarray) -> list[tuple[str, ...]]:
        """Per employee in start:stop, the codes of the cells where `kind` holds, in order."""
        lo, hi = int(self.bounds[start]), int(self.bounds[stop])
        hits = np.flatnonzero(kind[lo:hi]) + lo
        per = np.searchsorted(hits, self.bounds[start : stop + 1]).tolist()
        names = [self.codes[i] for i in self.item[hits].tolist()]
        return [tuple(names[per[k] : per[k + 1]]) for k in range(stop - start)]

    def jpm_missing(self, start: int, stop: int) -> list[tuple[str, ...]]:
        return self._cell_codes(start, stop, (self.need > 0) & ~self.has_score)

    def blind_spots(self, start: int, stop: int) -> list[tuple[str, ...]]:
        return self._cell_codes(start, stop, self.blind)

    def hidden_strengths(self, start: int, stop: int) -> list[tuple[str, ...]]:
        return self._cell_codes(start, stop, self.hidden)

    def _one(self, e: int) -> EmployeeScores:
        lo, hi = int(self.bounds[e]), int(self.bounds[e + 1])
        s = slice(lo, hi)
        columns = (
            self.item[s].tolist(),
            self.rated[s].tolist(),
            self.need[s].tolist(),
            _nullable(self.gap[s]),
            self.meets[s].tolist(),
            self.both[s].tolist(),
            [
                v / 100 if ok else None
                for v, ok in zip(self.score[s].tolist(), self.has_score[s].tolist(), strict=True)
            ],
            [
                v / 100 if ok else None
                for v, ok in zip(
                    self.self_level[s].tolist(), self.has_self[s].tolist(), strict=True
                )
            ],
            self.group_use[:, s].T.tolist(),
            (self.group_mean[:, s].T / 100).tolist(),
            self.group_n[:, s].T.tolist(),
            self.n_raters[s].tolist(),
            [
                v / 100 if ok else None
                for v, ok in zip(self.sd[s].tolist(), self.many[s].tolist(), strict=True)
            ],
            [
                v / 100 if ok else None
                for v, ok in zip(self.rwg[s].tolist(), self.many[s].tolist(), strict=True)
            ],
            self.flags[s].tolist(),
            [
                v / 100 if ok else None
                for v, ok in zip(self.se[s].tolist(), self.has_score[s].tolist(), strict=True)
            ],
            (self.group_weight[:, s].T / 100).tolist(),
        )
        items: dict[str, ItemScore] = {}
        for c in range(hi - lo):
            code = self.codes[columns[0][c]]
            req = columns[2][c] or None
            if columns[1][c]:
                groups = {
                    name: GroupScore(columns[9][c][g], columns[10][c][g], columns[16][c][g])
                    for g, name in enumerate(GROUP_NAMES)
                    if columns[8][c][g]
                }
                items[code] = ItemScore(
                    code,
                    columns[6][c],
                    req,
                    columns[3][c],
                    columns[4][c] if columns[5][c] else None,
                    columns[7][c],
                    groups,
                    columns[11][c],
                    columns[12][c],
                    columns[13][c],
                    _FLAG_SETS[columns[14][c]],
                    columns[15][c],
                )
            else:
                items[code] = ItemScore(
                    code, None, req, None, None, None, {}, 0, None, None, (NO_DATA,)
                )
        p = self.people[e]
        return EmployeeScores(
            key=p.key,
            items=items,
            jpm=p.jpm,
            jpm_category=p.jpm_category,
            jpm_missing=self.jpm_missing(e, e + 1)[0],
            perilaku_score=p.perilaku_score,
            perilaku_suggested=p.perilaku_suggested,
            perilaku_rating=p.perilaku_rating,
            hasil_kerja=p.hasil_kerja,
            predikat=p.predikat,
            nine_box=p.nine_box,
            blind_spots=self.blind_spots(e, e + 1)[0],
            hidden_strengths=self.hidden_strengths(e, e + 1)[0],
            jpm_se=p.jpm_se,
        )

    def items_json(self, start: int, stop: int) -> list[str]:
        """For employees start:stop, the text of json.dumps({code: item.as_dict() for …},
        separators=(",", ":")) of their items, made from the columns in one pass per chunk."""
        lo, hi = int(self.bounds[start]), int(self.bounds[stop])
        s = slice(lo, hi)
        code_text = np.array([json.dumps(code) for code in self.codes] or [""], dtype=object)
        need = self.need[s]
        meets_text = np.where(
            self.both[s], np.where(self.meets[s], "true", "false"), "null"
        ).astype(object)
        columns = [
            code_text[self.item[s]],
            _number_text(self.score[s], self.has_score[s]),
            _int_text(need, need > 0),
            _number_text(_cents_of(self.gap[s]), self.both[s]),
            meets_text,
            _number_text(self.self_level[s], self.has_self[s]),
        ]
        groups = [
            (
                _number_text(self.group_mean[g, s], self.group_use[g, s]),
                _int_text(self.group_n[g, s]),
                _number_text(self.group_weight[g, s], self.group_use[g, s]),
            )
            for g in range(len(GROUP_NAMES))
        ]
        tail = [
            _int_text(self.n_raters[s]),
            _number_text(self.sd[s], self.many[s]),
            _number_text(self.rwg[s], self.many[s]),
            _FLAG_TEXT[self.flags[s]],
            _number_text(self.se[s], self.has_score[s]),
        ]
        mask = np.zeros(hi - lo, dtype=np.int64)
        for g in range(len(GROUP_NAMES)):
            mask |= self.group_use[g, s].astype(np.int64) << g
        text = np.empty(hi - lo, dtype=object)
        for m in np.unique(mask).tolist():
            at = np.flatnonzero(mask == m)
            parts = [column[at].tolist() for column in columns]
            for g in range(len(GROUP_NAMES)):
                if m >> g & 1:
                    parts += [column[at].tolist() for column in groups[g]]
            parts += [column[at].tolist() for column in tail]
            template = _item_template(m)
            made = np.empty(len(at), dtype=object)
            made[:] = [template % values for values in zip(*parts, strict=True)]
            text[at] = made
        cells = text.tolist()
        per = (self.bounds[start : stop + 1] - lo).tolist()
        return ["{" + ",".join(cells[per[k] : per[k + 1]]) + "}" for k in range(stop - start)]
