"""Candidates for a target position in words: each ranked candidate's gaps against the TARGET
standard, the training that closes them, readiness and eligibility labels, and the 9-box
follow-up texts. Used by the talent pages, their exports and the API alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinerja.development import selectors as development
from kinerja.development.recommend import Gap, TrainingOption, recommend
from kinerja.development.services import known_competencies
from kinerja.results.explain import NINE_BOX_FOLLOW_UP, num
from kinerja.results.models import EmployeeResult
from kinerja.scoring.uncertainty import interval

from . import selectors
from .ranking import NOT_READY, READY_NOW, READY_WITH_DEVELOPMENT
from .selectors import FOLLOW_UP, CandidateRow

SHOWN_OPTIONS = 3  # per gap on the page; the export lists them all

# The follow-up code of talent.selectors.FOLLOW_UP, in words (the same text as Hasil saya).
FOLLOW_UP_TEXT: dict[str, Any] = {FOLLOW_UP[box]: text for box, text in NINE_BOX_FOLLOW_UP.items()}

READINESS_LABELS: dict[str | None, Any] = {
    READY_NOW: gettext_lazy("Siap sekarang"),
    READY_WITH_DEVELOPMENT: gettext_lazy("Siap dengan pengembangan"),
    NOT_READY: gettext_lazy("Belum siap"),
    None: gettext_lazy("Tidak dapat dihitung"),
}
READINESS_CSS = {
    READY_NOW: "text-bg-success",
    READY_WITH_DEVELOPMENT: "text-bg-warning",
    NOT_READY: "text-bg-secondary",
    None: "text-bg-light",
}
INELIGIBLE_LABELS: dict[str, Any] = {
    "golongan_kurang": gettext_lazy("golongan kurang"),
    "predikat_kurang": gettext_lazy("predikat kurang"),
    "sudah_setara": gettext_lazy("sudah setara"),
}


def follow_up(box: int | None) -> str:
    return str(FOLLOW_UP_TEXT.get(FOLLOW_UP.get(box or 0, ""), ""))


@dataclass
class GapLine:
    competency: str
    name: str
    score: float | None
    required: int
    options: list[str] = field(default_factory=list)  # training that closes it, best first

    @property
    def shown_options(self) -> list[str]:
        return self.options[:SHOWN_OPTIONS]

    @property
    def more_options(self) -> int:
        return max(0, len(self.options) - SHOWN_OPTIONS)

    @property
    def text(self) -> str:
        if self.score is None:
            return _("%(name)s: belum ada nilai (standar %(required)d)") % {
                "name": self.name,
                "required": self.required,
            }
        return _("%(name)s %(score)s dari standar %(required)d") % {
            "name": self.name,
            "score": num(self.score),
            "required": self.required,
        }


@dataclass
class CandidateLine:
    rank: int
    row: CandidateRow
    gaps: list[GapLine]
    trainings: list[tuple[str, list[str]]] = field(default_factory=list)  # (competency, names)

    @property
    def result(self) -> EmployeeResult:
        assert self.row.result is not None, "describe_candidates attaches the results"
        return self.row.result

    @property
    def jpm(self) -> float | None:
        return self.row.ranked.jpm

    @property
    def jpm_se(self) -> float | None:
        return self.row.ranked.jpm_se

    @property
    def tied(self) -> bool:
        return self.row.ranked.tied

    @property
    def jpm_range(self) -> str:
        """The JPM's 95 % interval in words ("72,10–80,50"), empty without an error."""
        if self.jpm is None or self.jpm_se is None:
            return ""
        low, high = interval(self.jpm, self.jpm_se)
        return f"{num(max(low, 0.0))}–{num(min(high, 100.0))}"

    @property
    def readiness_label(self) -> str:
        return str(READINESS_LABELS[self.row.ranked.readiness])

    @property
    def readiness_css(self) -> str:
        return READINESS_CSS[self.row.ranked.readiness]

    @property
    def eligible(self) -> bool:
        return self.row.ranked.eligible

    @property
    def badges(self) -> list[str]:
        return [str(INELIGIBLE_LABELS.get(c, c)) for c in self.row.ranked.ineligible]


def describe_candidate(
    rank: int, row: CandidateRow, names: dict[str, str], catalog: list[TrainingOption]
) -> CandidateLine:
    """The candidate's gaps against the TARGET standard in words, and for each gap with a score
    the catalog items (and coaching/mentoring) that close it."""
    gaps = [
        GapLine(g.competency, names.get(g.competency, g.competency), g.score, g.required)
        for g in row.ranked.gaps
    ]
    scored = [
        Gap(g.competency, g.name, float(g.score), g.required) for g in gaps if g.score is not None
    ]
    options = {
        rec.gap.competency: [o.name for o in rec.options] for rec in recommend(scored, catalog)
    }
    for gap in gaps:
        gap.options = options.get(gap.competency, [])
    trainings = [(gap.name, gap.options) for gap in gaps if gap.options]
    return CandidateLine(rank, row, gaps, trainings)


def describe_candidates(
    rows: list[tuple[int, CandidateRow]], *, agency: Any
) -> list[CandidateLine]:
    selectors.attach_results(row for _rank, row in rows)
    names = known_competencies(agency)
    catalog = development.options(agency=agency)
    return [describe_candidate(rank, row, names, catalog) for rank, row in rows]
