"""How sure a score is: standard errors, 95 % intervals, ties and the cycle's reliability.

docs/scoring.md, "Ketidakpastian". The model is design-based: a group's mean of n answers has
the error σ/√n, with σ one spread for the whole cycle, estimated from how far the means of the
sources (atasan, rekan, bawahan, …) of one competency of one person lie apart — over every cell
where at least two sources enter the score, E Σ (m_g − m̄)² = σ² · Σ 1/n_g · (1 − 1/k) — rounded
to 0.1. It reads each group only through its count and sum: never the answers inside a group,
so no anonymous group's spread reaches any figure (a group's own sd together with its mean
would reveal its answers: mean 3.33, sd 0.58 over three raters ⇒ {3, 3, 4}). Systematic
differences between sources count as spread too, so σ errs on the wide side. An item's score is
a weighted mean of group means, so

    SE(score) = σ · √(Σ w_g² / n_g) / Σ w_g       over the groups that enter the score,

and the JPM, 100 · Σ min(score_i, required_i) / Σ required_i, by the delta method with the
slope of min() smoothed to the chance that the true level lies below the standard:

    SE(JPM) = 100 · √(Σ (Φ((required_i − score_i) / SE_i) · SE_i)²) / Σ required_i.

Pure numpy; the engine, the talent ranking and the pages all call these functions."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from kinerja.scoring.numbers import round2
from kinerja.scoring.standards import jpm_category

Z95 = 1.96  # a 95 % interval is value ± Z95 · SE
DEFAULT_SIGMA = 0.8  # σ when the cycle has too few groups to estimate it (a cautious guess)
SIGMA_MIN_GROUPS = 30  # cells with ≥ 2 sources needed to estimate σ from the cycle
SIGMA_FLOOR = 0.3  # σ never below this: sources that agree exactly are not errors of zero
RELIABILITY_MIN = 10  # scored values needed for a reliability figure
# Readings of a reliability figure, highest first: (code, lowest value).
RELIABLE_FOR_INDIVIDUALS = "keputusan_individual"
RELIABLE_FOR_GROUPS = "perbandingan_kelompok"
DIALOGUE_ONLY = "bahan_dialog"
READINGS = ((RELIABLE_FOR_INDIVIDUALS, 0.8), (RELIABLE_FOR_GROUPS, 0.7), (DIALOGUE_ONLY, 0.0))


def round1(x: float) -> float:
    return math.floor(x * 10 + 0.5 + 1e-9) / 10


def pooled_sigma(squares: float, dof: float, groups: int) -> tuple[float, str]:
    """(σ, source): √(squares / dof) rounded to 0.1 and at least SIGMA_FLOOR — `squares` the
    sources' squared deviations from their cell's mean, `dof` what σ² multiplies in their
    expectation (engine._group_table) — when at least SIGMA_MIN_GROUPS cells gave it
    ("siklus"), else DEFAULT_SIGMA ("bawaan")."""
    if groups < SIGMA_MIN_GROUPS or dof <= 0:
        return DEFAULT_SIGMA, "bawaan"
    return max(round1(math.sqrt(max(squares, 0.0) / dof)), SIGMA_FLOOR), "siklus"


def normal_cdf(x: np.ndarray) -> np.ndarray:
    """Φ(x) on arrays (Abramowitz & Stegun 7.1.26, error below 1.5e-7): numpy has no erf."""
    z = np.abs(np.asarray(x, dtype=float)) / math.sqrt(2)
    t = 1 / (1 + 0.3275911 * z)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    erf = 1 - poly * np.exp(-(z**2))
    return 0.5 * (1 + np.where(np.asarray(x) < 0, -erf, erf))


def below_chance(score: np.ndarray, se: np.ndarray, required: np.ndarray) -> np.ndarray:
    """The chance that the true level lies below the standard: the slope of min(score, required)
    as seen through the score's error (1 or 0 when the error is 0; ½ on the standard)."""
    diff = required - score
    safe = np.where(se > 0, se, 1.0)
    sharp = np.where(diff > 0, 1.0, np.where(diff < 0, 0.0, 0.5))
    return np.where(se > 0, normal_cdf(diff / safe), sharp)


def jpm_se(
    scores: Mapping[str, float | None],
    errors: Mapping[str, float | None],
    standard: Mapping[str, int],
) -> float | None:
    """SE of the JPM of `scores` against `standard` (the competencies with a score, as in
    standards.jpm); None without a score or without every scored competency's error."""
    codes = [c for c in sorted(standard) if scores.get(c) is not None]
    if not codes or any(errors.get(c) is None for c in codes):
        return None
    score = np.array([scores[c] for c in codes], dtype=float)
    se = np.array([errors[c] for c in codes], dtype=float)
    need = np.array([standard[c] for c in codes], dtype=float)
    slope = below_chance(score, se, need)
    return round2(100 * math.sqrt(float(np.sum((slope * se) ** 2))) / float(need.sum()))


def interval(value: float, se: float) -> tuple[float, float]:
    return round2(value - Z95 * se), round2(value + Z95 * se)


def overlaps(a: float, se_a: float | None, b: float, se_b: float | None) -> bool:
    """Do the 95 % intervals of a and b overlap? Then they are not ranked apart."""
    if se_a is None or se_b is None:
        return a == b
    return abs(a - b) <= Z95 * (se_a + se_b) + 1e-9


def category_uncertain(value: float | None, se: float | None, category_set: str) -> bool:
    """Does the JPM's 95 % interval reach into another category (the 9-box "di perbatasan")?"""
    if value is None or not se:
        return False
    lo, hi = interval(value, se)
    return jpm_category(lo, category_set) != jpm_category(hi, category_set)


def reliability(values: np.ndarray, se: np.ndarray) -> float | None:
    """1 − mean(SE²) / var(values): the share of the observed spread that is not error (the
    separation reliability of classical test theory), clipped to 0–1 and rounded to 2 decimals;
    None with fewer than RELIABILITY_MIN values or no spread."""
    values = np.asarray(values, dtype=float)
    if len(values) < RELIABILITY_MIN:
        return None
    observed = float(np.var(values, ddof=1))
    if observed <= 0:
        return None
    error = float(np.mean(np.asarray(se, dtype=float) ** 2))
    return round2(min(max(1 - error / observed, 0.0), 1.0))


def reading(value: float | None) -> str | None:
    """The code of what a reliability figure is good enough for (READINGS)."""
    if value is None:
        return None
    for code, lowest in READINGS:
        if value >= lowest:
            return code
    return DIALOGUE_ONLY
