"""The settings a cycle is scored with. Every default here is the one in docs/scoring.md."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from kinerja.scoring.errors import ScoringInputError

RELATIONS = ("diri", "atasan", "rekan", "bawahan")  # index = the relation code in the arrays
SELF, SUPERVISOR, PEER, SUBORDINATE = range(4)
ANONYMOUS = ("rekan", "bawahan")
POOLED = "rekan_bawahan"
# How rater effects are treated: none; additive (leniency of named raters, ALS: what
# `rater_correction: true` has always meant); ordinal (severity and consistency of named raters,
# answers as ordinal levels; kinerja.scoring.ordinal).
RATER_MODELS = ("none", "additive", "ordinal")
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
    rater_correction: bool = False  # the switch; rater_model says which correction
    rater_model: str = "none"
    jpm_categories: str = "penempatan"
    perilaku_thresholds: dict[str, float] = field(default_factory=_default_perilaku)
    rater_shrinkage: float = 2.0
    low_agreement_rwg: float = 0.7
    blind_spot_gap: float = 1.0

    def __post_init__(self) -> None:
        # One truth for both keys: the switch on means a model, a model means the switch on.
        if self.rater_correction and self.rater_model == "none":
            object.__setattr__(self, "rater_model", "additive")

    @property
    def correction(self) -> str:
        """The correction in force: none when the switch is off, whatever the model."""
        return self.rater_model if self.rater_correction else "none"

    def weight(self, relation: str) -> float:
        return float(self.weights.get(relation, 0.0))

    def as_dict(self) -> dict[str, Any]:
        return {
            "weights": {r: float(self.weights.get(r, 0.0)) for r in RELATIONS},
            "min_anonymous_raters": self.min_anonymous_raters,
            "rater_correction": self.rater_correction,
            "rater_model": self.correction,
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
        thresholds = _default_perilaku()
        for key, value in (data.pop("perilaku_thresholds", None) or {}).items():
            if key not in thresholds or not _is_number(value):
                raise ScoringInputError(
                    "policy_bad_threshold", f"policy.perilaku_thresholds.{key}: {value!r}"
                )
            thresholds[key] = float(value)
        k = data.get("min_anonymous_raters", 3)
        categories = data.get("jpm_categories", "penempatan")
        model = rater_model_of(data.get("rater_model"), data.get("rater_correction"))
        check_policy(
            weights=weights, min_anonymous_raters=k, jpm_categories=categories, rater_model=model
        )
        for key in ("rater_shrinkage", "low_agreement_rwg", "blind_spot_gap"):
            if key in data and (not _is_number(data[key]) or data[key] < 0):
                raise ScoringInputError("policy_bad_threshold", f"policy.{key}: {data[key]!r}")
        return cls(
            weights=weights,
            min_anonymous_raters=k,
            rater_correction=model != "none",
            rater_model=model,
            jpm_categories=categories,
            perilaku_thresholds=thresholds,
            rater_shrinkage=float(data.get("rater_shrinkage", 2.0)),
            low_agreement_rwg=float(data.get("low_agreement_rwg", 0.7)),
            blind_spot_gap=float(data.get("blind_spot_gap", 1.0)),
        )


MIN_ANONYMOUS_RATERS = 2


def rater_model_of(rater_model: Any, rater_correction: Any = None) -> Any:
    """The model a policy asks for: `rater_model` when given, else `rater_correction: true` as
    the old name of `additive`. Both given must agree (true with none is a contradiction)."""
    if rater_correction is not None and not isinstance(rater_correction, bool):
        raise ScoringInputError(
            "policy_bad_rater_model",
            f"policy.rater_correction harus true/false: {rater_correction!r}",
        )
    if rater_model is None:
        return "additive" if rater_correction else "none"
    if rater_correction is not None and rater_correction != (rater_model != "none"):
        raise ScoringInputError(
            "policy_bad_rater_model",
            f"policy: rater_correction {rater_correction!r} bertentangan dengan "
            f"rater_model {rater_model!r}",
        )
    return rater_model


def check_policy(
    *,
    weights: dict[str, float],
    min_anonymous_raters: Any,
    jpm_categories: str,
    rater_model: Any = "none",
) -> None:
    """The one validation of a scoring policy, for the cycle form, the API, the CLI and the
    `kinerja score` document alike: weights ≥ 0 that total 100 %, an anonymity threshold of at
    least 2 (a "group" of one is one person's answers), a known JPM category set, a known rater
    model."""
    if rater_model not in RATER_MODELS:
        raise ScoringInputError(
            "policy_bad_rater_model",
            f"policy.rater_model: {rater_model!r} bukan none/additive/ordinal",
        )
    if any(not _is_number(w) or not math.isfinite(w) or w < 0 for w in weights.values()):
        raise ScoringInputError("policy_bad_weight", "policy.weights: bobot harus angka ≥ 0")
    total = sum(float(w) for w in weights.values())
    if abs(total - 1.0) > 1e-6:
        raise ScoringInputError(
            "policy_weights_total",
            f"policy.weights: jumlah bobot harus 1 (100 %), sekarang {round(total * 100, 2)} %",
        )
    k = min_anonymous_raters
    if not isinstance(k, int) or isinstance(k, bool) or k < MIN_ANONYMOUS_RATERS:
        raise ScoringInputError(
            "policy_bad_threshold",
            f"policy.min_anonymous_raters harus bilangan bulat ≥ {MIN_ANONYMOUS_RATERS}: {k!r}",
        )
    if jpm_categories not in JPM_CATEGORY_SETS:
        raise ScoringInputError(
            "policy_bad_categories",
            f"policy.jpm_categories: '{jpm_categories}' bukan penempatan/uji_kompetensi",
        )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
