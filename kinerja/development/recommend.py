"""Which training closes which gap: pure functions over plain data (no Django), so the rules are
tested with worked examples and properties (docs/pengembangan.md).

A gap is a competency whose final score is below the position standard. For each gap, the
catalog items that develop that competency at the required level are offered, largest gap first;
the non-classical ways (coaching, mentoring) are always offered too, so a gap no course covers
still has a way forward."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

NON_CLASSICAL_ALWAYS = ("coaching", "mentoring")


@dataclass(frozen=True)
class TrainingOption:
    key: int | str
    code: str
    name: str
    mode: str  # klasikal | non_klasikal
    method: str  # pelatihan, e_learning, coaching, mentoring, magang, benchmarking, seminar, …
    jp: int
    competencies: frozenset[str]  # empty = develops any competency (e.g. coaching by the atasan)
    level_min: int = 1
    level_max: int = 5

    def develops(self, competency: str, level: int) -> bool:
        covers = not self.competencies or competency in self.competencies
        return covers and self.level_min <= level <= self.level_max


@dataclass(frozen=True)
class Gap:
    competency: str
    name: str
    score: float
    required: int

    @property
    def size(self) -> float:
        return round(self.required - self.score, 2)


@dataclass(frozen=True)
class Recommendation:
    gap: Gap
    trainings: tuple[TrainingOption, ...]  # catalog items aimed at this competency and level
    non_classical: tuple[TrainingOption, ...]  # coaching / mentoring, always offered

    @property
    def options(self) -> tuple[TrainingOption, ...]:
        return self.trainings + tuple(t for t in self.non_classical if t not in self.trainings)


def gaps_from_items(items: Mapping[str, Mapping], names: Mapping[str, str]) -> list[Gap]:
    """The competencies of a stored result (EmployeeResult.items) that fall below the standard."""
    out = []
    for code, item in items.items():
        score, required = item.get("score"), item.get("required")
        if score is not None and required is not None and item.get("meets") is False:
            out.append(Gap(code, names.get(code, code), float(score), int(required)))
    return out


def recommend(gaps: Iterable[Gap], catalog: Iterable[TrainingOption]) -> list[Recommendation]:
    """One recommendation per gap, largest gap first (ties by competency code). Specific
    trainings first (classical before non-classical, then fewer JP, then code); a training is
    never recommended for a competency without a gap."""
    catalog = list(catalog)
    out = []
    for gap in sorted(gaps, key=lambda g: (-g.size, g.competency)):
        if gap.size <= 0:
            continue
        aimed = sorted(
            (t for t in catalog if t.competencies and t.develops(gap.competency, gap.required)),
            key=lambda t: (t.mode != "klasikal", t.jp, t.code),
        )
        always = sorted(
            (
                t
                for t in catalog
                if t.method in NON_CLASSICAL_ALWAYS
                and (not t.competencies or gap.competency in t.competencies)
                and t not in aimed
            ),
            key=lambda t: (NON_CLASSICAL_ALWAYS.index(t.method), t.jp, t.code),
        )
        out.append(Recommendation(gap, tuple(aimed), tuple(always)))
    return out
