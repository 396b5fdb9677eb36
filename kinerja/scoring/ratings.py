"""Rating perilaku from the BerAKHLAK scores, the predikat matrix (PermenPANRB 6/2022) and the
distribution check against the organisation's predikat (SE MenPANRB 3/2023)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kinerja.scoring.numbers import cents, round2

ABOVE, AS_EXPECTED, BELOW = "di_atas_ekspektasi", "sesuai_ekspektasi", "di_bawah_ekspektasi"
RATINGS = (ABOVE, AS_EXPECTED, BELOW)
PREDIKAT = ("sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang")
ORGANISATION_PREDIKAT = ("istimewa", "baik", "butuh_perbaikan", "kurang", "sangat_kurang")

# (hasil kerja, perilaku) -> predikat
PREDIKAT_MATRIX = {
    (ABOVE, BELOW): "kurang",
    (ABOVE, AS_EXPECTED): "baik",
    (ABOVE, ABOVE): "sangat_baik",
    (AS_EXPECTED, BELOW): "kurang",
    (AS_EXPECTED, AS_EXPECTED): "baik",
    (AS_EXPECTED, ABOVE): "baik",
    (BELOW, BELOW): "sangat_kurang",
    (BELOW, AS_EXPECTED): "butuh_perbaikan",
    (BELOW, ABOVE): "butuh_perbaikan",
}


def perilaku_score(behaviour_scores: Iterable[float | None]) -> float | None:
    """Mean of the (rounded) BerAKHLAK item scores that have a score, rounded."""
    present = [s for s in behaviour_scores if s is not None]
    return round2(sum(present) / len(present)) if present else None


def suggest_perilaku(score: float | None, *, di_atas: float, di_bawah: float) -> str | None:
    if score is None:
        return None
    if cents(score) >= cents(di_atas):
        return ABOVE
    if cents(score) < cents(di_bawah):
        return BELOW
    return AS_EXPECTED


def predikat(hasil_kerja: str | None, perilaku: str | None) -> str | None:
    if hasil_kerja is None or perilaku is None:
        return None
    return PREDIKAT_MATRIX[(hasil_kerja, perilaku)]


@dataclass(frozen=True)
class Rule:
    kind: str  # at_most | at_least | some
    predikat: tuple[str, ...]
    limit_percent: int


DISTRIBUTION_RULES: dict[str, tuple[Rule, ...]] = {
    "istimewa": (Rule("at_most", ("sangat_baik",), 70),),
    "baik": (Rule("at_most", ("baik",), 70), Rule("some", ("butuh_perbaikan", "kurang"), 0)),
    "butuh_perbaikan": (
        Rule("at_least", ("butuh_perbaikan",), 60),
        Rule("at_most", ("sangat_baik",), 10),
    ),
    "kurang": (
        Rule("at_least", ("kurang",), 60),
        Rule("at_least", ("butuh_perbaikan",), 10),
        Rule("at_most", ("sangat_baik",), 10),
    ),
    "sangat_kurang": (
        Rule("at_least", ("sangat_kurang",), 60),
        Rule("at_least", ("kurang", "butuh_perbaikan"), 10),
        Rule("at_most", ("sangat_baik",), 0),
    ),
}


@dataclass(frozen=True)
class Distribution:
    unit: str
    predikat_organisasi: str
    counts: dict[str, int]
    percent: dict[str, float]
    violations: tuple[dict, ...]

    def as_dict(self) -> dict:
        return {
            "unit": self.unit,
            "predikat_organisasi": self.predikat_organisasi,
            "counts": self.counts,
            "percent": self.percent,
            "violations": list(self.violations),
        }


def check_distribution(
    unit: str, predikat_organisasi: str, employee_predikat: Iterable[str | None]
) -> Distribution:
    """Counts the employees' predikat and lists every rule of the organisation's predikat they break.

    Nobody's predikat is changed: the check only reports."""
    counts = dict.fromkeys(PREDIKAT, 0)
    for value in employee_predikat:
        if value is not None:
            counts[value] += 1
    total = sum(counts.values())
    percent = {p: (round2(100 * c / total) if total else 0.0) for p, c in counts.items()}
    violations = []
    for rule in DISTRIBUTION_RULES[predikat_organisasi] if total else ():
        count = sum(counts[p] for p in rule.predikat)
        actual = round2(100 * count / total)
        broken = (
            (rule.kind == "at_most" and cents(actual) > rule.limit_percent * 100)
            or (rule.kind == "at_least" and cents(actual) < rule.limit_percent * 100)
            or (rule.kind == "some" and count == 0)
        )
        if broken:
            violations.append(
                {
                    "rule": rule.kind,
                    "predikat": list(rule.predikat),
                    "limit_percent": rule.limit_percent,
                    "actual_percent": actual,
                }
            )
    return Distribution(unit, predikat_organisasi, counts, percent, tuple(violations))
