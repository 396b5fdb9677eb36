"""Ordinal rater model: named answers as interval-censored latent levels with a severity and a
consistency per rater, fitted by EM with numpy only (docs/scoring.md, "Model penilai ordinal").

    z = theta(cell) + b_j + sigma_j * eps,   answer x  <=>  tau_x <= z < tau_(x+1)

with shared thresholds tau = 1.5, 2.5, 3.5, 4.5 (level 1 open below, level 5 open above: the
clipping of the 1–5 scale is part of the model). Released anonymous groups enter as group-level
observations only: their mean ~ N(theta, s_g^2 / n) with one s_g per kind of group for the whole
cycle, so every output depends on an anonymous group through its count and sum alone."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_ITERATIONS = 500
TOLERANCE = 1e-7
PRIOR_DF = 4.0  # how many answers' worth the pooled sigma counts in each rater's sigma
MIN_SIGMA = 0.15
START_SIGMA = 0.7
THRESHOLDS = np.array([-np.inf, 1.5, 2.5, 3.5, 4.5, np.inf])


@dataclass(frozen=True, eq=False)
class OrdinalFit:
    b: np.ndarray  # severity per named rater index (0 for raters without answers)
    sigma: np.ndarray  # consistency per named rater index: the sd of their latent noise
    counts: np.ndarray  # named answers per rater index
    reliability: np.ndarray  # per named rater index, 0–1
    corrected: np.ndarray  # per named answer: the debiased level pulled in by reliability, 1–5
    weight: np.ndarray  # per named answer: 1 / sigma_j^2, the weight within the atasan group
    theta: np.ndarray  # per cell
    theta_se: np.ndarray  # per cell: the posterior sd of theta
    group_sigma: np.ndarray  # per anonymous kind
    converged: bool
    iterations: int


def _erfc(x: np.ndarray) -> np.ndarray:
    """Complementary error function (Numerical Recipes erfcc, relative error < 1.2e-7
    everywhere, also in the tails): numpy has none and scipy is not a dependency."""
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = (
        -z * z
        - 1.26551223
        + t
        * (
            1.00002368
            + t
            * (
                0.37409196
                + t
                * (
                    0.09678418
                    + t
                    * (
                        -0.18628806
                        + t
                        * (
                            0.27886807
                            + t
                            * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))
                        )
                    )
                )
            )
        )
    )
    r = t * np.exp(poly)
    return np.where(x >= 0, r, 2.0 - r)


def _upper(x: np.ndarray) -> np.ndarray:
    """P(N(0, 1) > x), accurate in both tails."""
    return 0.5 * _erfc(x / np.sqrt(2.0))


def _pdf(x: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(x), np.exp(-0.5 * np.square(np.nan_to_num(x))), 0.0) / np.sqrt(
        2 * np.pi
    )


def truncated_moments(
    mu: np.ndarray, sigma: np.ndarray, level: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of N(mu, sigma^2) restricted to the interval of each answer."""
    lo = THRESHOLDS[level - 1]
    hi = THRESHOLDS[level]
    with np.errstate(invalid="ignore", over="ignore"):
        a = (lo - mu) / sigma
        c = (hi - mu) / sigma
        # Mass of the interval from the upper tail where it lies above the mean, from the lower
        # tail where below: no difference of two numbers near 1.
        flip = np.nan_to_num(a, neginf=-1e300) + np.nan_to_num(c, posinf=1e300) < 0
        a2 = np.where(flip, -c, a)
        c2 = np.where(flip, -a, c)
        mass = _upper(a2) - _upper(c2)
        pa, pc = _pdf(a), _pdf(c)
        ta = np.where(np.isfinite(a), a * pa, 0.0)
        tc = np.where(np.isfinite(c), c * pc, 0.0)
        ok = mass > 1e-300
        safe = np.where(ok, mass, 1.0)
        ratio = (pa - pc) / safe
        mean = mu + sigma * ratio
        var = sigma**2 * (1 + (ta - tc) / safe - ratio**2)
    # Far out in a tail the interval's mass underflows: its nearest end is then the mean.
    edge = np.where(np.abs(np.nan_to_num(lo - mu)) < np.abs(np.nan_to_num(hi - mu)), lo, hi)
    mean = np.where(ok, mean, edge)
    mean = np.clip(
        mean, np.where(np.isfinite(lo), lo, -np.inf), np.where(np.isfinite(hi), hi, np.inf)
    )
    var = np.where(ok, np.clip(var, 0.0, sigma**2), 0.0)
    return mean, var


def fit_ordinal(
    cell: np.ndarray,
    rater: np.ndarray,
    level: np.ndarray,
    n_raters: int,
    n_cells: int,
    group_cell: np.ndarray,
    group_kind: np.ndarray,
    group_n: np.ndarray,
    group_mean: np.ndarray,
    n_kinds: int,
    shrinkage: float,
) -> OrdinalFit:
    """Named answers (cell, rater, level 1–5) and released anonymous groups (cell, kind, n,
    mean) in; severities, consistencies and corrected named levels out. Deterministic: fixed
    start, fixed number of passes at most, sums by bincount over inputs the caller has put in
    canonical order."""
    level = np.asarray(level).astype(np.int64)
    counts = np.bincount(rater, minlength=n_raters)
    active = counts > 0
    g_n = np.asarray(group_n, dtype=float)
    g_mean = np.asarray(group_mean, dtype=float)
    # Start: every cell at the plain mean of what it holds.
    total = np.bincount(cell, weights=level.astype(float), minlength=n_cells) + np.bincount(
        group_cell, weights=g_n * g_mean, minlength=n_cells
    )
    number = np.bincount(cell, minlength=n_cells) + np.bincount(
        group_cell, weights=g_n, minlength=n_cells
    )
    seen = number > 0
    theta = np.divide(total, number, out=np.full(n_cells, 3.0), where=seen)
    b = np.zeros(n_raters)
    sigma = np.full(n_raters, START_SIGMA)
    g_sigma = np.full(max(n_kinds, 1), START_SIGMA)
    converged = False
    iterations = 0
    while iterations < MAX_ITERATIONS:
        iterations += 1
        prior_mean = float(theta[seen].mean()) if seen.any() else 3.0
        prior_var = max(float(theta[seen].var()) if seen.any() else 1.0, 0.05)
        # E-step: each named answer's latent level given the current parameters.
        z, z_var = truncated_moments(theta[cell] + b[rater], sigma[rater], level)
        # M-step, theta: precision-weighted mean of the debiased latents, the anonymous group
        # means and a weak prior at the cycle's mean.
        named_precision = 1.0 / sigma[rater] ** 2
        group_precision = g_n / g_sigma[group_kind] ** 2
        precision = (
            np.bincount(cell, weights=named_precision, minlength=n_cells)
            + np.bincount(group_cell, weights=group_precision, minlength=n_cells)
            + 1.0 / prior_var
        )
        weighted = (
            np.bincount(cell, weights=named_precision * (z - b[rater]), minlength=n_cells)
            + np.bincount(group_cell, weights=group_precision * g_mean, minlength=n_cells)
            + prior_mean / prior_var
        )
        new_theta = weighted / precision
        # b and sigma against the cell without the answer itself (leave one out): a rater's own
        # weight never pulls the yardstick toward them, E[(z - b - theta_-i)^2] = sigma^2 +
        # var(theta_-i). b is a shrunk mean residual, centred over the named raters.
        loo_precision = np.maximum(precision[cell] - named_precision, 1e-12)
        loo_theta = (weighted[cell] - named_precision * (z - b[rater])) / loo_precision
        residual = np.bincount(rater, weights=z - loo_theta, minlength=n_raters)
        new_b = np.divide(residual, counts + shrinkage, out=np.zeros(n_raters), where=active)
        if active.any():
            new_b[active] -= new_b[active].mean()
        spread = (z - new_b[rater] - loo_theta) ** 2 + z_var - 1.0 / loo_precision
        pooled = (
            float(np.clip(spread.mean(), MIN_SIGMA**2, None)) if len(spread) else START_SIGMA**2
        )
        ss = np.bincount(rater, weights=spread, minlength=n_raters)
        new_sigma = np.sqrt(
            np.clip((ss + PRIOR_DF * pooled) / (counts + PRIOR_DF), MIN_SIGMA**2, None)
        )
        new_sigma[~active] = np.sqrt(pooled)
        g_loo_precision = np.maximum(precision[group_cell] - group_precision, 1e-12)
        g_loo = (weighted[group_cell] - group_precision * g_mean) / g_loo_precision
        g_spread = g_n * ((g_mean - g_loo) ** 2 - 1.0 / g_loo_precision)
        kind_n = np.bincount(group_kind, minlength=n_kinds)
        new_g_sigma = np.sqrt(
            np.clip(
                (np.bincount(group_kind, weights=g_spread, minlength=n_kinds) + PRIOR_DF * pooled)
                / (kind_n + PRIOR_DF),
                MIN_SIGMA**2,
                None,
            )
        )
        if n_kinds == 0:
            new_g_sigma = g_sigma
        change = max(
            float(np.max(np.abs(new_theta - theta), initial=0.0)),
            float(np.max(np.abs(new_b - b), initial=0.0)),
            float(np.max(np.abs(np.log(new_sigma / sigma)), initial=0.0)),
            float(np.max(np.abs(np.log(new_g_sigma / g_sigma)), initial=0.0)),
        )
        theta, b, sigma, g_sigma = new_theta, new_b, new_sigma, new_g_sigma
        if change < TOLERANCE:
            converged = True
            break
    z, _ = truncated_moments(theta[cell] + b[rater], sigma[rater], level)
    debiased = np.clip(z - b[rater], 1.0, 5.0)
    # Consistency: each rater's debiased answers are pulled toward that rater's own mean by
    # the rater's reliability (Kelley), true-level variance / (true-level + noise variance),
    # so an erratic rater's differences between ratees count for less. One answer: kept as is.
    own_mean = np.divide(
        np.bincount(rater, weights=debiased, minlength=n_raters),
        counts,
        out=np.zeros(n_raters),
        where=active,
    )
    own_var = np.divide(
        np.bincount(rater, weights=(debiased - own_mean[rater]) ** 2, minlength=n_raters),
        counts,
        out=np.zeros(n_raters),
        where=active,
    )
    true_var = np.maximum(own_var - sigma**2, 0.0)
    reliability = np.divide(
        true_var, true_var + sigma**2, out=np.ones(n_raters), where=true_var + sigma**2 > 0
    )
    reliability[counts <= 1] = 1.0
    corrected = own_mean[rater] + reliability[rater] * (debiased - own_mean[rater])
    named_precision = 1.0 / sigma[rater] ** 2
    precision = (
        np.bincount(cell, weights=named_precision, minlength=n_cells)
        + np.bincount(group_cell, weights=g_n / g_sigma[group_kind] ** 2, minlength=n_cells)
        + 1.0 / max(float(theta[seen].var()) if seen.any() else 1.0, 0.05)
    )
    b[~active] = 0.0
    return OrdinalFit(
        b=b,
        sigma=sigma,
        reliability=reliability,
        counts=counts,
        corrected=corrected,
        weight=named_precision,
        theta=theta,
        theta_se=1.0 / np.sqrt(precision),
        group_sigma=g_sigma[:n_kinds],
        converged=converged,
        iterations=iterations,
    )


@dataclass(frozen=True, eq=False)
class NamedCorrection:
    level: np.ndarray  # every answer's level; named ones replaced (see correct_named)
    fit: OrdinalFit
    raters: np.ndarray  # the named rater indexes that were fitted


def correct_named(
    cell: np.ndarray,
    rater: np.ndarray,
    relation: np.ndarray,
    level: np.ndarray,
    released: np.ndarray,
    n_raters: int,
    n_cells: int,
    k: int,
    shrinkage: float,
) -> NamedCorrection:
    """The engine's one entry point: answers in canonical order, `released` marks the answers
    that reach an output. Named (atasan) answers are replaced by their corrected levels; where a
    cell has several named raters, each is scaled by its weight over the cell's mean weight, so
    the plain mean the engine takes of the group is the consistency-weighted mean. Anonymous
    answers are untouched and enter the fit as each released group's count and mean."""
    from kinerja.scoring.policy import PEER, SELF, SUBORDINATE, SUPERVISOR

    named = np.flatnonzero(released & (relation == SUPERVISOR))
    anonymous = released & (relation != SELF) & (relation != SUPERVISOR)
    c_peer = np.bincount(cell[anonymous & (relation == PEER)], minlength=n_cells)
    c_sub = np.bincount(cell[anonymous & (relation == SUBORDINATE)], minlength=n_cells)
    s_peer = np.bincount(
        cell[anonymous & (relation == PEER)],
        weights=level[anonymous & (relation == PEER)],
        minlength=n_cells,
    )
    s_sub = np.bincount(
        cell[anonymous & (relation == SUBORDINATE)],
        weights=level[anonymous & (relation == SUBORDINATE)],
        minlength=n_cells,
    )
    alone = ((c_peer == 0) | (c_peer >= k)) & ((c_sub == 0) | (c_sub >= k))
    pooled = ~alone & (c_peer + c_sub > 0)
    kinds = (  # (cells, n, sum) per kind: rekan, bawahan, rekan_bawahan
        (alone & (c_peer > 0), c_peer, s_peer),
        (alone & (c_sub > 0), c_sub, s_sub),
        (pooled, c_peer + c_sub, s_peer + s_sub),
    )
    group_cell = np.concatenate([np.flatnonzero(m) for m, _, _ in kinds])
    group_kind = np.concatenate([np.full(int(m.sum()), g) for g, (m, _, _) in enumerate(kinds)])
    group_n = np.concatenate([n[m] for m, n, _ in kinds]).astype(float)
    group_mean = np.concatenate([s[m] / np.maximum(n[m], 1) for m, n, s in kinds])
    fit = fit_ordinal(
        cell[named],
        rater[named],
        level[named].astype(np.int64),
        n_raters,
        n_cells,
        group_cell,
        group_kind,
        group_n,
        group_mean,
        len(kinds),
        shrinkage,
    )
    out = level.astype(np.float64)  # a copy
    named_cell = cell[named]
    weight_sum = np.bincount(named_cell, weights=fit.weight, minlength=n_cells)
    named_n = np.bincount(named_cell, minlength=n_cells)
    scale = fit.weight * named_n[named_cell] / weight_sum[named_cell]
    out[named] = fit.corrected * scale
    return NamedCorrection(out, fit, np.unique(rater[named]))
