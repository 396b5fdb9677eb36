"""Gaps against the position standard and the Job Person Match (JPM, BKN)."""

from __future__ import annotations

from collections.abc import Mapping

from kinerja.scoring.numbers import cents, round2
from kinerja.scoring.policy import JPM_CATEGORY_SETS


def jpm(
    scores: Mapping[str, float | None], standard: Mapping[str, int]
) -> tuple[float | None, list[str]]:
    """100 · Σ min(score, required) / Σ required over the standard's competencies with a score.

    Returns the rounded JPM (None when no competency has a score) and the missing competencies."""
    achieved = required = 0.0
    missing = []
    for code in sorted(standard):
        score = scores.get(code)
        if score is None:
            missing.append(code)
            continue
        achieved += min(score, standard[code])
        required += standard[code]
    return (round2(100 * achieved / required) if required else None), missing


def jpm_category(value: float | None, category_set: str) -> str | None:
    if value is None:
        return None
    for name, lowest in JPM_CATEGORY_SETS[category_set]:
        if cents(value) >= lowest:
            return name
    raise AssertionError("the last category takes every value")
