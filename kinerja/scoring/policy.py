"""The settings a cycle is scored with. Every default here is the one in docs/scoring.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kinerja.scoring.errors import ScoringInputError

RELATIONS = ("diri", "atasan", "rekan", "bawahan")  # index = the relation code in the arrays
SELF, SUPERVISOR, PEER, SUBORDINATE = range(4)
ANONYMOUS = ("rekan", "bawahan")
POOLED = "rekan_bawahan"
JPM_CATEGORY_SETS = {
    # name: ((category, lowest JPM in cents), …) from the top; the last one takes the rest.
    "penempatan": (("optimal", 9000), ("cukup_optimal", 7800), ("kurang_optimal", 0)),
    "uji_kompetensi": (
        ("memenuhi_syarat", 8000),
        ("masih_memenuhi_syarat", 6800),
        ("kurang_memenuhi_syarat", 0),
    ),
}


def _default_weights() -> dict[str, float]:
    return {"atasan": 0.5, "rekan": 0.3, "bawahan": 0.2, "diri": 0.0}


def _default_perilaku() -> dict[str, float]:
    return {"di_atas": 3.5, "di_bawah": 2.5}


@dataclass(frozen=True)
class Policy:
    weights: dict[str, float] = field(default_factory=_default_weights)
    min_anonymous_raters: int = 3
    rater_correction: bool = False
    jpm_categories: str = "penempatan"
    perilaku_thresholds: dict[str, float] = field(default_factory=_default_perilaku)
    rater_shrinkage: float = 2.0
    low_agreement_rwg: float = 0.7
    blind_spot_gap: float = 1.0

    def weight(self, relation: str) -> float:
        return float(self.weights.get(relation, 0.0))

    def as_dict(self) -> dict[str, Any]:
        return {
            "weights": {r: float(self.weights.get(r, 0.0)) for r in RELATIONS},
            "min_anonymous_raters": self.min_anonymous_raters,
            "rater_correction": self.rater_correction,
            "jpm_categories": self.jpm_categories,
            "perilaku_thresholds": {
                "di_atas": float(self.perilaku_thresholds["di_atas"]),
                "di_bawah": float(self.perilaku_thresholds["di_bawah"]),
            },
            "rater_shrinkage": float(self.rater_shrinkage),
            "low_agreement_rwg": float(self.low_agreement_rwg),
            "blind_spot_gap": float(self.blind_spot_gap),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Policy:
        """Builds a policy from the file format; omitted keys take the defaults."""
        data = dict(data or {})
        known = set(cls().as_dict())
        unknown = sorted(set(data) - known)
        if unknown:
            raise ScoringInputError("policy_unknown_key", f"policy: kunci tidak dikenal {unknown}")
        weights = _default_weights()
        for relation, value in (data.pop("weights", None) or {}).items():
            if relation not in RELATIONS:
                raise ScoringInputError(
                    "policy_bad_weight", f"policy.weights: relasi tidak dikenal '{relation}'"
                )
            if not _is_number(value) or value < 0:
                raise ScoringInputError(
                    "policy_bad_weight",
                    f"policy.weights.{relation}: bobot harus angka ≥ 0, bukan {value!r}",
                )
            weights[relation] = float(value)
        if sum(weights.values()) <= 0:
            raise ScoringInputError("policy_bad_weight", "policy.weights: jumlah bobot harus > 0")
        thresholds = _default_perilaku()
        for key, value in (data.pop("perilaku_thresholds", None) or {}).items():
            if key not in thresholds or not _is_number(value):
                raise ScoringInputError(
                    "policy_bad_threshold", f"policy.perilaku_thresholds.{key}: {value!r}"
                )
            thresholds[key] = float(value)
        k = data.get("min_anonymous_raters", 3)
        if not isinstance(k, int) or isinstance(k, bool) or k < 1:
            raise ScoringInputError(
                "policy_bad_threshold", f"policy.min_anonymous_raters harus bilangan ≥ 1: {k!r}"
            )
        categories = data.get("jpm_categories", "penempatan")
        if categories not in JPM_CATEGORY_SETS:
            raise ScoringInputError(
                "policy_bad_categories",
                f"policy.jpm_categories: '{categories}' bukan penempatan/uji_kompetensi",
            )
        for key in ("rater_shrinkage", "low_agreement_rwg", "blind_spot_gap"):
            if key in data and (not _is_number(data[key]) or data[key] < 0):
                raise ScoringInputError("policy_bad_threshold", f"policy.{key}: {data[key]!r}")
        return cls(
            weights=weights,
            min_anonymous_raters=k,
            rater_correction=bool(data.get("rater_correction", False)),
            jpm_categories=categories,
            perilaku_thresholds=thresholds,
            rater_shrinkage=float(data.get("rater_shrinkage", 2.0)),
            low_agreement_rwg=float(data.get("low_agreement_rwg", 0.7)),
            blind_spot_gap=float(data.get("blind_spot_gap", 1.0)),
        )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
