"""Rater leniency: level = μ(ratee, item) + b_rater + noise, fitted by alternating least squares
with shrinkage toward 0 and Σ b = 0 (docs/scoring.md, "Koreksi efek penilai")."""

from __future__ import annotations

import numpy as np

MAX_ITERATIONS = 500
TOLERANCE = 1e-9


def fit_leniency(
    cell: np.ndarray,
    rater: np.ndarray,
    level: np.ndarray,
    n_raters: int,
    shrinkage: float,
    *,
    fixed: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Returns (b per rater index, number of ratings per rater index).

    `cell` numbers each (ratee, item) from 0; only non-self, non-null ratings are passed in.
    Raters marked in `fixed` keep b = 0 and stay out of the centring: their answers only help
    to place each cell's mu (the engine passes every anonymous answer as one fixed rater)."""
    if len(level) == 0:
        return np.zeros(n_raters), np.zeros(n_raters, dtype=np.int64)
    n_cells = int(cell.max()) + 1
    per_cell = np.bincount(cell, minlength=n_cells).astype(float)
    per_rater = np.bincount(rater, minlength=n_raters)
    active = per_rater > 0
    if fixed is not None:
        active &= ~fixed
    b = np.zeros(n_raters)
    for _ in range(MAX_ITERATIONS):
        mu = np.bincount(cell, weights=level - b[rater], minlength=n_cells) / np.maximum(
            per_cell, 1
        )
        residual = np.bincount(rater, weights=level - mu[cell], minlength=n_raters)
        new = np.divide(residual, per_rater + shrinkage, out=np.zeros(n_raters), where=active)
        if active.any():
            new[active] -= new[active].mean()
        new[~active] = 0.0
        converged = float(np.max(np.abs(new - b))) < TOLERANCE
        b = new
        if converged:
            break
    if fixed is not None:
        per_rater = np.where(fixed, 0, per_rater)
    return b, per_rater
