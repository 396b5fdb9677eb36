"""The worked examples of docs/scoring.md, run against the scoring engine.

Every ```json scoring-example``` block holds {"name", "input", "expect"}: `input` is a full
scoring document, `expect` a partial output. The engine's output must contain `expect`: dicts
compare on the expected keys only (except "groups", compared whole), lists element-wise with
equal length, numbers exactly (the engine rounds; the doc states the rounded value)."""

from __future__ import annotations

import copy
import json
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kinerja.scoring import ScoringInputError, score_document

DOC = Path(__file__).resolve().parent.parent / "docs" / "scoring.md"
BLOCK = re.compile(r"^```json scoring-example\n(.*?)\n```$", re.MULTILINE | re.DOTALL)


def load_examples() -> list[dict[str, Any]]:
    return [json.loads(block) for block in BLOCK.findall(DOC.read_text(encoding="utf-8"))]


EXAMPLES = load_examples()


def assert_contains(actual: Any, expected: Any, path: str = "$") -> None:
    """Recursive subset match; raises AssertionError naming the first differing path."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: expected an object, got {actual!r}"
        if path.endswith(".groups"):
            assert set(actual) == set(expected), (
                f"{path}: groups {sorted(actual)} != expected {sorted(expected)}"
            )
        for key, value in expected.items():
            assert key in actual, f"{path}: key {key!r} missing (have {sorted(actual)})"
            assert_contains(actual[key], value, f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{path}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), (
            f"{path}: length {len(actual)} != {len(expected)}: {actual!r}"
        )
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_contains(a, e, f"{path}[{i}]")
    elif expected is None or isinstance(expected, bool):
        assert actual is expected, f"{path}: {actual!r} != {expected!r}"
    elif isinstance(expected, (int, float)):
        assert isinstance(actual, (int, float)) and not isinstance(actual, bool), (
            f"{path}: expected a number {expected!r}, got {actual!r}"
        )
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


def test_doc_has_at_least_ten_examples():
    assert len(EXAMPLES) >= 10
    names = [e["name"] for e in EXAMPLES]
    assert len(set(names)) == len(names), "example names must be unique"


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["name"] for e in EXAMPLES])
def test_worked_example(example):
    assert_contains(score_document(copy.deepcopy(example["input"])), example["expect"])


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["name"] for e in EXAMPLES])
def test_rater_effects_only_with_correction(example):
    out = score_document(copy.deepcopy(example["input"]))
    policy = example["input"].get("policy", {})
    on = bool(policy.get("rater_correction", False)) or policy.get("rater_model", "none") != "none"
    assert ("rater_effects" in out) is on


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["name"] for e in EXAMPLES])
def test_output_is_deterministic_whatever_the_rating_order(example):
    doc = copy.deepcopy(example["input"])
    first = json.dumps(score_document(copy.deepcopy(doc)), sort_keys=True)
    for seed in range(3):
        shuffled = copy.deepcopy(doc)
        random.Random(seed).shuffle(shuffled["ratings"])
        assert json.dumps(score_document(shuffled), sort_keys=True) == first


def test_cli_writes_the_same_output_as_score_document(tmp_path):
    example = next(e for e in EXAMPLES if e["name"].startswith("C-"))
    source = tmp_path / "masukan.json"
    target = tmp_path / "keluaran.json"
    source.write_text(json.dumps(example["input"]), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "kinerja.cli", "score", str(source), "--out", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written == score_document(copy.deepcopy(example["input"]))


# --- bad input: each case holds exactly one fault --------------------------------------------


def base_document() -> dict[str, Any]:
    return {
        "policy": {},
        "behaviour_items": ["B1"],
        "positions": {"STAF": {"M.01": 3}},
        "employees": [
            {"nip": "E1", "position": "STAF", "unit": "UMUM", "hasil_kerja": "sesuai_ekspektasi"},
            {"nip": "E2", "position": "STAF", "unit": "UMUM", "hasil_kerja": None},
        ],
        "ratings": [
            {"ratee": "E1", "rater": "E2", "relation": "rekan", "item": "M.01", "level": 4},
            {"ratee": "E1", "rater": "E1", "relation": "diri", "item": "M.01", "level": 3},
        ],
        "units": {"UMUM": {"predikat_organisasi": "baik"}},
    }


def rating(**changes: Any) -> dict[str, Any]:
    row = {"ratee": "E2", "rater": "A9", "relation": "atasan", "item": "M.01", "level": 3}
    row.update(changes)
    return row


def with_rating(row: dict[str, Any]) -> dict[str, Any]:
    doc = base_document()
    doc["ratings"].append(row)
    return doc


def with_policy(policy: dict[str, Any]) -> dict[str, Any]:
    doc = base_document()
    doc["policy"] = policy
    return doc


def with_employee(**changes: Any) -> dict[str, Any]:
    doc = base_document()
    doc["employees"][1].update(changes)
    return doc


def with_unit(code: str) -> dict[str, Any]:
    doc = base_document()
    doc["units"]["UMUM"]["predikat_organisasi"] = code
    return doc


ERROR_CASES = [
    ("unknown_relation", with_rating(rating(relation="mitra")), "ratings[2]"),
    ("bad_level", with_rating(rating(level=6)), "ratings[2]"),
    ("bad_level", with_rating(rating(level=0)), "ratings[2]"),
    ("bad_level", with_rating(rating(level=3.5)), "ratings[2]"),
    ("bad_level", with_rating(rating(level="4")), "ratings[2]"),
    ("unknown_ratee", with_rating(rating(ratee="X404")), "ratings[2]"),
    ("self_mismatch", with_rating(rating(relation="diri", rater="E1")), "ratings[2]"),
    ("rates_self", with_rating(rating(rater="E2")), "ratings[2]"),
    (
        "duplicate_rating",
        with_rating(rating(ratee="E1", rater="E2", relation="rekan", level=5)),
        "ratings[2]",
    ),
    ("unknown_position", with_employee(position="DIREKTUR"), "employees[1]"),
    ("policy_unknown_key", with_policy({"bobot": {"atasan": 1}}), "policy"),
    ("policy_bad_weight", with_policy({"weights": {"rekan": -0.1}}), "policy"),
    ("bad_rating_code", with_employee(hasil_kerja="luar_biasa"), "employees[1]"),
    ("bad_predikat_organisasi", with_unit("cemerlang"), "UMUM"),
]


def test_error_case_base_document_is_valid():
    score_document(base_document())


@pytest.mark.parametrize(
    ("code", "doc", "names"),
    ERROR_CASES,
    ids=[f"{code}-{i}" for i, (code, _, _) in enumerate(ERROR_CASES)],
)
def test_bad_input_raises_with_code(code, doc, names):
    with pytest.raises(ScoringInputError) as caught:
        score_document(doc)
    assert caught.value.code == code, caught.value.message
    assert names in caught.value.message
