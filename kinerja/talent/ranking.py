"""Candidates for a higher position: pure ranking over plain data (no Django).

Each candidate's latest final competency scores are matched against the TARGET position's
standard with the JPM formula of the scoring engine; readiness follows the placement bands
(siap sekarang ≥ 90, siap dengan pengembangan 78–< 90, belum siap < 78), compared on the value
as displayed. The JPM counts only the target competencies the candidate has a score for (as in
the results); a candidate missing any of them is listed with those competencies as gaps and is
never "siap sekarang", however high the partial JPM. Eligibility is reported per candidate, never silently applied to the ranking.

Ranks respect uncertainty (docs/scoring.md, "Ketidakpastian"): the list stays in JPM order, and a
candidate's rank is 1 + the number of candidates that are surely above them — whose 95 % interval
lies wholly above theirs — never lower than the rank of anyone listed above. Candidates whose
intervals overlap therefore share a rank and are marked tied ("setara") rather than ranked
apart."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from kinerja.scoring.numbers import cents
from kinerja.scoring.standards import jpm
from kinerja.scoring.uncertainty import Z95, jpm_se

READY_NOW, READY_WITH_DEVELOPMENT, NOT_READY = (
    "siap_sekarang",
    "siap_dengan_pengembangan",
    "belum_siap",
)
GOOD_PREDIKAT = ("sangat_baik", "baik")


@dataclass(frozen=True)
class Candidate:
    key: int | str
    grade_rank: int | None  # position of the golongan in the grade list; None = unknown
    position_level: int  # career height of the current position (organisation.POSITION_LEVEL)
    predikat: str | None  # in the latest final cycle
    scores: Mapping[str, float | None]  # competency -> final score (rounded as displayed)
    errors: Mapping[str, float | None] = field(default_factory=dict)  # competency -> its SE


@dataclass(frozen=True)
class CandidateGap:
    competency: str
    score: float | None
    required: int


@dataclass(frozen=True)
class RankedCandidate:
    candidate: Candidate
    jpm: float | None
    readiness: str | None
    gaps: tuple[CandidateGap, ...]  # below the target standard (or no score), largest first
    ineligible: tuple[str, ...]  # codes: golongan_kurang, predikat_kurang, sudah_setara
    missing: tuple[str, ...] = ()  # target competencies with no score: the JPM is partial
    jpm_se: float | None = None  # SE of the JPM against the target (None: results before 1.1)
    rank: int = 0  # 1 = no one is surely above (see the module docstring)
    tied: bool = False  # shares its rank with another candidate: not ranked apart

    @property
    def eligible(self) -> bool:
        return not self.ineligible


def readiness(value: float | None) -> str | None:
    if value is None:
        return None
    if cents(value) >= 9000:
        return READY_NOW
    if cents(value) >= 7800:
        return READY_WITH_DEVELOPMENT
    return NOT_READY


def rank_candidates(
    candidates: Iterable[Candidate],
    standard: Mapping[str, int],
    *,
    target_level: int,
    min_grade_rank: int | None = None,
) -> list[RankedCandidate]:
    """Every candidate with their JPM against `standard`, best first: JPM descending (no JPM
    last), then fewer gaps, then key — a total order, so the ranking is stable."""
    ranked = []
    for c in candidates:
        value, missing = jpm(c.scores, standard)
        ready = readiness(value)
        if missing and ready == READY_NOW:
            # Not "ready now" without evidence on every competency the target requires.
            ready = READY_WITH_DEVELOPMENT
        gaps = [
            CandidateGap(code, c.scores.get(code), level)
            for code, level in standard.items()
            if c.scores.get(code) is None or cents(c.scores[code] or 0) < level * 100
        ]
        gaps.sort(key=lambda g: (-(g.required - (g.score or 0)), g.competency))
        ineligible = []
        if min_grade_rank is not None and (c.grade_rank is None or c.grade_rank < min_grade_rank):
            ineligible.append("golongan_kurang")
        if c.predikat not in GOOD_PREDIKAT:
            ineligible.append("predikat_kurang")
        if c.position_level >= target_level:
            ineligible.append("sudah_setara")
        ranked.append(
            RankedCandidate(
                c,
                value,
                ready,
                tuple(gaps),
                tuple(ineligible),
                tuple(missing),
                jpm_se(c.scores, c.errors, standard) if value is not None else None,
            )
        )
    ranked.sort(
        key=lambda r: (
            r.jpm is None,
            -(cents(r.jpm) if r.jpm is not None else 0),
            len(r.gaps),
            str(r.candidate.key),
        )
    )
    return with_ranks(ranked)


def with_ranks(ranked: list[RankedCandidate]) -> list[RankedCandidate]:
    """`ranked` (in JPM order) with each one's rank and tie (the module docstring): O(n log n)
    through the sorted lower bounds, so 100,000 candidates rank in well under a second."""
    scored = [r for r in ranked if r.jpm is not None]
    value = np.array([r.jpm for r in scored], dtype=float)
    se = np.array([r.jpm_se or 0.0 for r in scored], dtype=float)
    low, high = value - Z95 * se, value + Z95 * se
    # Surely above: a lower bound above this upper bound (the same test as uncertainty.overlaps).
    above = len(low) - np.searchsorted(np.sort(low), high + 1e-9, side="right")
    ranks = np.maximum.accumulate(above + 1) if len(above) else above
    numbers = [int(n) for n in ranks] + [len(scored) + 1] * (len(ranked) - len(scored))
    counts = np.bincount(np.array(numbers, dtype=np.int64)) if numbers else np.zeros(1, int)
    return [
        replace(r, rank=n, tied=r.jpm is not None and bool(counts[n] > 1))
        for r, n in zip(ranked, numbers, strict=True)
    ]
