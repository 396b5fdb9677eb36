"""The scoring engine: pure Python and numpy, no Django. docs/scoring.md states every rule.

score_cycle(CycleInputs, Policy) -> CycleScores for the product; score_document(dict) -> dict for
the file interface (`kinerja score`) and the worked examples."""

from kinerja.scoring.document import parse_document, score_document, scores_document
from kinerja.scoring.engine import (
    SCORING_VERSION,
    CycleInputs,
    CycleScores,
    EmployeeIn,
    EmployeeScores,
    ItemScore,
    RatingsIn,
    score_cycle,
)
from kinerja.scoring.errors import ScoringInputError
from kinerja.scoring.policy import Policy

__all__ = [
    "SCORING_VERSION",
    "CycleInputs",
    "CycleScores",
    "EmployeeIn",
    "EmployeeScores",
    "ItemScore",
    "Policy",
    "RatingsIn",
    "ScoringInputError",
    "parse_document",
    "score_cycle",
    "score_document",
    "scores_document",
]
