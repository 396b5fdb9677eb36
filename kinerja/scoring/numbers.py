"""Rounding as displayed: half up to 2 decimals. Every threshold compares the rounded value."""

from __future__ import annotations

import math

import numpy as np

# Binary floats store 2.675 as 2.67499…; the epsilon makes such values round up as printed.
_EPS = 1e-9


def round2(x: float) -> float:
    return math.floor(x * 100 + 0.5 + _EPS) / 100


def round2_array(x: np.ndarray) -> np.ndarray:
    return np.floor(x * 100 + 0.5 + _EPS) / 100


def cents(x: float) -> int:
    """A rounded value as whole hundredths, for exact comparisons with thresholds."""
    return math.floor(x * 100 + 0.5 + _EPS)
