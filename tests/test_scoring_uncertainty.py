"""How sure a score is: kinerja.scoring.uncertainty and the engine's se, jpm_se and reliability.

Unit tests of the formulas, the engine against standard errors worked by hand, and what the errors
may depend on (hypothesis). docs/scoring.md, rule 12 "Ketidakpastian"."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kinerja.scoring import (
    CycleInputs,
    EmployeeIn,
    Policy,
    RatingsIn,
    score_cycle,
    score_document,
)
from kinerja.scoring.numbers import round2
from kinerja.scoring.policy import PEER, SUBORDINATE, SUPERVISOR
from kinerja.scoring.uncertainty import (
    DEFAULT_SIGMA,
    DIALOGUE_ONLY,
    RELIABILITY_MIN,
    RELIABLE_FOR_GROUPS,
    RELIABLE_FOR_INDIVIDUALS,
    SIGMA_FLOOR,
    SIGMA_MIN_GROUPS,
    Z95,
    below_chance,
    category_uncertain,
    interval,
    jpm_se,
    normal_cdf,
    overlaps,
    pooled_sigma,
    reading,
    reliability,
)

RATER_MODELS = ("none", "additive", "ordinal")

# --- uncertainty.py, one function at a time -------------------------------------------------


def test_sigma_below_thirty_cells_is_the_default_whatever_the_answers():
    assert SIGMA_MIN_GROUPS == 30 and DEFAULT_SIGMA == 0.8
    assert pooled_sigma(squares=1000.0, dof=58, groups=29) == (0.8, "bawaan")
    assert pooled_sigma(squares=0.0, dof=58, groups=29) == (0.8, "bawaan")
    assert pooled_sigma(squares=0.0, dof=0, groups=30) == (0.8, "bawaan")


@pytest.mark.parametrize(
    ("squares", "dof", "sigma"),
    [
        (20.25, 100, 0.5),  # √0.2025 = 0.45 exactly: half up
        (19.36, 100, 0.4),  # √0.1936 = 0.44
        (12.25, 100, 0.4),  # √0.1225 = 0.35 exactly: half up, above the floor
        (36.0, 60, 0.8),  # √0.6 = 0.7746
        (60.0, 60, 1.0),
        (10.0, 25.666667, 0.6),  # the 11-ratee cycle below: √0.3896 = 0.624
    ],
)
def test_sigma_from_thirty_cells_is_the_root_of_squares_over_dof_rounded_to_one_decimal(
    squares, dof, sigma
):
    assert pooled_sigma(squares=squares, dof=dof, groups=30) == (sigma, "siklus")


@pytest.mark.parametrize(
    ("squares", "dof"),
    [
        (0.0, 60),  # every source of every cell agrees exactly
        (-1e-12, 60),  # float noise below zero
        (0.6, 60),  # √0.01 = 0.1
        (4.0, 100),  # √0.04 = 0.2
        (6.24, 100),  # √0.0624 = 0.2498 → 0.2
        (9.0, 100),  # √0.09 = 0.3: on the floor
    ],
)
def test_sigma_from_the_cycle_is_never_below_the_floor(squares, dof):
    assert SIGMA_FLOOR == 0.3
    assert pooled_sigma(squares=squares, dof=dof, groups=30) == (0.3, "siklus")
    assert pooled_sigma(squares=squares, dof=dof, groups=29) == (DEFAULT_SIGMA, "bawaan")


@pytest.mark.parametrize("x", [-6.0, -4.0, -2.5, -1.4651, -0.5, 0.0, 0.3, 1.0, 1.96, 3.0, 6.0])
def test_normal_cdf_agrees_with_math_erf(x):
    expected = 0.5 * (1 + math.erf(x / math.sqrt(2)))
    assert abs(float(normal_cdf(np.array([x]))[0]) - expected) < 2e-7


def test_normal_cdf_works_on_arrays_and_is_symmetric():
    x = np.linspace(-5, 5, 101)
    phi = normal_cdf(x)
    assert phi.shape == x.shape
    assert np.all(np.diff(phi) >= 0)
    assert np.allclose(phi + normal_cdf(-x), 1.0, atol=1e-12)


def test_below_chance_without_error_is_sharp():
    score = np.array([2.0, 3.0, 4.0])
    chance = below_chance(score, np.zeros(3), np.full(3, 3.0))
    assert chance.tolist() == [1.0, 0.5, 0.0]


def test_jpm_se_is_none_without_a_score_or_without_an_error():
    standard = {"M.01": 3, "M.02": 4}
    assert jpm_se({}, {}, standard) is None
    assert jpm_se({"M.01": None, "M.02": None}, {"M.01": 0.4}, standard) is None
    assert jpm_se({"M.01": 3.0, "M.02": 4.0}, {"M.01": 0.4}, standard) is None
    assert jpm_se({"M.01": 3.0}, {"M.01": 0.4}, {}) is None


def test_jpm_se_by_hand():
    # On the standard: p = ½, so 100 × ½ × 0.4 / 3 = 6.666… → 6.67.
    assert jpm_se({"M.01": 3.0}, {"M.01": 0.4}, {"M.01": 3}) == 6.67
    # An unscored competency is left out of the JPM and of its error (it has no error either).
    assert jpm_se({"M.01": 3.0, "M.02": None}, {"M.01": 0.4}, {"M.01": 3, "M.02": 4}) == 6.67
    # docs/scoring.md, Contoh L: 100 × √((Φ(−1.4651)·0.43)² + (Φ(0.4545)·0.44)²) / 7 = 4.2673.
    scores, errors = {"M.01": 3.63, "M.02": 3.8}, {"M.01": 0.43, "M.02": 0.44}
    assert jpm_se(scores, errors, {"M.01": 3, "M.02": 4}) == 4.27


def test_jpm_se_of_competencies_far_above_the_standard_is_nearly_zero():
    assert (
        jpm_se({"M.01": 5.0, "M.02": 5.0}, {"M.01": 0.1, "M.02": 0.1}, {"M.01": 3, "M.02": 3}) == 0
    )
    assert jpm_se({"M.01": 2.0}, {"M.01": 0.0}, {"M.01": 3}) == 0  # no error, no spread


def test_interval_is_value_plus_minus_1_96_se_rounded_half_up():
    assert Z95 == 1.96
    assert interval(3.63, 0.43) == (2.79, 4.47)
    assert interval(3.0, 0.25) == (2.51, 3.49)
    assert interval(97.14, 4.27) == (88.77, 105.51)  # clipping to the scale is the page's job
    assert interval(4.0, 0.0) == (4.0, 4.0)


def test_intervals_that_touch_overlap_and_those_a_cent_apart_do_not():
    # 1.96 × (0.25 + 0.25) = 0.98: 3.00–3.49 and 3.49–4.47 touch.
    assert overlaps(3.0, 0.25, 3.98, 0.25)
    assert overlaps(3.98, 0.25, 3.0, 0.25)
    assert not overlaps(3.0, 0.25, 3.99, 0.25)
    assert not overlaps(3.99, 0.25, 3.0, 0.25)
    assert overlaps(3.0, 0.0, 3.0, 0.0)
    assert not overlaps(3.0, 0.0, 3.01, 0.0)


def test_without_an_error_only_equal_values_are_tied():
    assert overlaps(3.5, None, 3.5, 0.4)
    assert not overlaps(3.5, None, 3.6, 0.4)
    assert not overlaps(3.5, 0.4, 3.6, None)


@pytest.mark.parametrize(
    ("value", "se", "category_set", "uncertain"),
    [
        (92.0, 1.0, "penempatan", False),  # 90.04–93.96: all optimal
        (92.0, 1.1, "penempatan", True),  # 89.84: reaches cukup_optimal
        (88.0, 4.0, "penempatan", True),  # 80.16–95.84: cukup_optimal to optimal
        (84.0, 2.0, "penempatan", False),  # 80.08–87.92: all cukup_optimal
        (84.0, 3.1, "penempatan", True),  # 77.92: reaches kurang_optimal
        (84.0, 10.0, "penempatan", True),  # 64.4–103.6: all three
        (70.0, 1.0, "uji_kompetensi", False),  # 68.04–71.96
        (70.0, 1.1, "uji_kompetensi", True),  # 67.84
        (90.0, 0.0, "penempatan", False),  # on the boundary without an error
        (None, 1.0, "penempatan", False),
        (92.0, None, "penempatan", False),
    ],
)
def test_category_uncertain_when_the_jpm_interval_reaches_another_category(
    value, se, category_set, uncertain
):
    assert category_uncertain(value, se, category_set) is uncertain


def test_reliability_needs_ten_values_with_a_spread():
    assert RELIABILITY_MIN == 10
    assert reliability(np.arange(9.0), np.ones(9)) is None
    assert reliability(np.full(10, 3.0), np.full(10, 0.1)) is None
    assert reliability(np.arange(10.0), np.ones(10)) is not None


def test_reliability_by_hand_and_clipped_at_zero():
    # var(1..10, ddof=1) = 55/6 = 9.1667; 1 − 1 / 9.1667 = 0.8909 → 0.89.
    assert reliability(np.arange(1.0, 11.0), np.ones(10)) == 0.89
    # The mean of SE², not the square of the mean SE: (0² + 2²) / 2 = 2 → 1 − 2 / 9.1667 = 0.78.
    assert reliability(np.arange(1.0, 11.0), np.array([0.0, 2.0] * 5)) == 0.78
    # More error than spread: clipped to 0, never negative.
    assert reliability(np.arange(1.0, 11.0), np.full(10, 5.0)) == 0.0
    assert reliability(np.arange(1.0, 11.0), np.zeros(10)) == 1.0


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (1.0, RELIABLE_FOR_INDIVIDUALS),
        (0.8, RELIABLE_FOR_INDIVIDUALS),
        (0.79, RELIABLE_FOR_GROUPS),
        (0.7, RELIABLE_FOR_GROUPS),
        (0.69, DIALOGUE_ONLY),
        (0.0, DIALOGUE_ONLY),
        (None, None),
    ],
)
def test_reading_thresholds(value, code):
    assert reading(value) == code


def test_reading_codes_are_the_documented_ones():
    assert (RELIABLE_FOR_INDIVIDUALS, RELIABLE_FOR_GROUPS, DIALOGUE_ONLY) == (
        "keputusan_individual",
        "perbandingan_kelompok",
        "bahan_dialog",
    )


# --- the engine: standard errors of a hand-built cycle ----------------------------------------


def one_ratee_cycle(groups: dict[int, list[int]], *, items: int = 1) -> CycleInputs:
    """One ratee rated on `items` items by the given groups (relation code -> levels, the same
    levels on every item), every rater their own key."""
    rows, keys = [], []
    for relation, levels in groups.items():
        for level in levels:
            keys.append(f"K{len(keys)}")
            for item in range(items):
                rows.append((0, len(keys) - 1, relation, item, float(level)))
    codes = tuple(f"M.0{i + 1}" for i in range(items))
    return CycleInputs(
        employees=(EmployeeIn(key="P1", position="ANALIS"),),
        rater_keys=tuple(keys),
        item_codes=codes,
        behaviour_items=(),
        positions={"ANALIS": dict.fromkeys(codes, 3)},
        ratings=RatingsIn.from_rows(rows),
    )


def se_by_formula(sigma: float, groups: dict[str, tuple[float, int]]) -> float:
    """σ · √(Σ w² / n) / Σ w over {group: (weight, n)}."""
    root = math.sqrt(sum(w * w / n for w, n in groups.values()))
    return sigma * root / sum(w for w, _ in groups.values())


@pytest.mark.parametrize("n_peers", range(3, 11))
def test_item_se_is_sigma_times_root_of_weights_squared_over_counts(n_peers):
    peers = [3, 4, 4, 2, 5, 3, 4, 4, 3, 5][:n_peers]
    scores = score_cycle(
        one_ratee_cycle({SUPERVISOR: [4], PEER: peers, SUBORDINATE: [3, 3, 2]}), Policy()
    )
    item = scores.employees[0].items["M.01"]
    assert scores.reliability["sigma_source"] == "bawaan"
    expected = se_by_formula(
        0.8, {"atasan": (0.5, 1), "rekan": (0.3, n_peers), "bawahan": (0.2, 3)}
    )
    assert item.se == round2(expected)


def test_more_peers_never_widen_the_error_and_seven_more_narrow_it():
    errors = []
    for n_peers in range(3, 11):
        cycle = one_ratee_cycle({SUPERVISOR: [4], PEER: [4] * n_peers, SUBORDINATE: [3, 3, 2]})
        errors.append(score_cycle(cycle, Policy()).employees[0].items["M.01"].se)
    assert errors == sorted(errors, reverse=True)
    assert errors[0] == 0.43 and errors[-1] < errors[0]


def test_a_missing_group_widens_the_error_and_a_lone_supervisor_gives_sigma():
    full = score_cycle(
        one_ratee_cycle({SUPERVISOR: [4], PEER: [3, 4, 4], SUBORDINATE: [3, 3, 2]}), Policy()
    )
    no_subordinates = score_cycle(one_ratee_cycle({SUPERVISOR: [4], PEER: [3, 4, 4]}), Policy())
    alone = score_cycle(one_ratee_cycle({SUPERVISOR: [4]}), Policy())
    # √(0.25 + 0.03) / 0.8 × 0.8 = 0.5292 against √0.29333 × 0.8 = 0.4333.
    assert no_subordinates.employees[0].items["M.01"].se == 0.53
    assert full.employees[0].items["M.01"].se == 0.43
    assert alone.employees[0].items["M.01"].se == DEFAULT_SIGMA


def test_pooled_anonymous_groups_carry_the_sum_of_their_weights_over_their_count():
    # 2 peers and 2 subordinates: each below k = 3, pooled into rekan_bawahan (n 4, w 0.5).
    scores = score_cycle(
        one_ratee_cycle({SUPERVISOR: [4], PEER: [3, 4], SUBORDINATE: [4, 2]}), Policy()
    )
    item = scores.employees[0].items["M.01"]
    assert set(item.groups) == {"atasan", "rekan_bawahan"}
    assert item.se == round2(se_by_formula(0.8, {"atasan": (0.5, 1), "pooled": (0.5, 4)}))


def test_engine_jpm_se_is_the_delta_method_on_the_scores_and_errors_as_shown():
    cycle = one_ratee_cycle({SUPERVISOR: [4], PEER: [3, 4, 2], SUBORDINATE: [3, 2, 2]}, items=3)
    person = score_cycle(cycle, Policy()).employees[0]
    scores = {code: item.score for code, item in person.items.items()}
    errors = {code: item.se for code, item in person.items.items()}
    assert person.jpm_se is not None and person.jpm_se > 0
    assert person.jpm_se == jpm_se(scores, errors, dict.fromkeys(scores, 3))


# --- what the errors depend on (hypothesis) ---------------------------------------------------


def released_groups(doc: dict) -> list[tuple[str, str, str, list[int]]]:
    """Rule 3 recomputed from the input: every released group (ratee, item, name, indexes of its
    non-null answers), named, anonymous alone or pooled; dropped groups and diri left out."""
    k = doc.get("policy", {}).get("min_anonymous_raters", 3)
    cells: dict[tuple[str, str], dict[str, list[int]]] = {}
    for i, r in enumerate(doc["ratings"]):
        if r["level"] is not None and r["relation"] != "diri":
            cell = cells.setdefault((r["ratee"], r["item"]), {})
            cell.setdefault(r["relation"], []).append(i)
    out = []
    for (ratee, item), by in sorted(cells.items()):
        if by.get("atasan"):
            out.append((ratee, item, "atasan", by["atasan"]))
        peers, subs = by.get("rekan", []), by.get("bawahan", [])
        if all(len(g) == 0 or len(g) >= k for g in (peers, subs)):
            out += [
                (ratee, item, name, g) for name, g in (("rekan", peers), ("bawahan", subs)) if g
            ]
        elif len(peers) + len(subs) >= k:
            out.append((ratee, item, "rekan_bawahan", peers + subs))
    return out


DEFAULT_WEIGHTS = {"atasan": 0.5, "rekan": 0.3, "bawahan": 0.2, "diri": 0.0}


def score_sources(doc: dict) -> dict[tuple[str, str], list[list[float]]]:
    """Rules 3 and 4 recomputed from the input: for every cell (ratee, item), the levels of each
    source that enters its score — a released group of weight > 0 (a pooled rekan_bawahan weighs
    the sum of the weights of the relations in it) and diri when weighted."""
    weights = {**DEFAULT_WEIGHTS, **(doc.get("policy", {}).get("weights") or {})}
    ratings = doc["ratings"]
    cells: dict[tuple[str, str], list[list[float]]] = {}
    for ratee, item, name, at in released_groups(doc):
        relations = {ratings[i]["relation"] for i in at} if name == "rekan_bawahan" else {name}
        if sum(weights[relation] for relation in relations) > 0:
            cells.setdefault((ratee, item), []).append([ratings[i]["level"] for i in at])
    if weights["diri"] > 0:
        own: dict[tuple[str, str], list[float]] = {}
        for r in ratings:
            if r["relation"] == "diri" and r["level"] is not None:
                own.setdefault((r["ratee"], r["item"]), []).append(r["level"])
        for cell, values in own.items():
            cells.setdefault(cell, []).append(values)
    return cells


def sigma_estimate(doc: dict) -> tuple[float, float, int]:
    """(Σ (m_g − m̄)², Σ (Σ 1/n_g) · (1 − 1/k), cells) over the cells with k ≥ 2 sources, m_g a
    source's mean, n_g its count and m̄ the plain mean of the cell's k source means."""
    squares, dof, cells = 0.0, 0.0, 0
    for sources in score_sources(doc).values():
        k = len(sources)
        if k < 2:
            continue
        means = [sum(values) / len(values) for values in sources]
        centre = sum(means) / k
        squares += sum((m - centre) ** 2 for m in means)
        dof += sum(1 / len(values) for values in sources) * (1 - 1 / k)
        cells += 1
    return squares, dof, cells


def assert_se_by_counts_and_weights(out: dict) -> None:
    """Every item's se is σ · √(Σ w²/n) / Σ w from its groups' counts and weights and the one
    cycle σ, up to the rounding of the shown value."""
    sigma = out["reliability"]["sigma"]
    for employee in out["employees"]:
        for code, item in employee["items"].items():
            if item["score"] is None:
                assert item["se"] is None, (employee["nip"], code, item)
                continue
            groups = {g: (v["w"], v["n"]) for g, v in item["groups"].items()}
            expected = se_by_formula(sigma, groups)
            assert abs(item["se"] - expected) <= 0.005 + 1e-9, (employee["nip"], code, item)


def errors_of(out: dict) -> dict:
    """Every item's se and every employee's jpm_se, and the cycle's σ and reliability."""
    return {
        "items": {
            (e["nip"], code): item["se"]
            for e in out["employees"]
            for code, item in e["items"].items()
        },
        "jpm_se": {e["nip"]: e["jpm_se"] for e in out["employees"]},
        "reliability": out["reliability"],
    }


@st.composite
def small_cycles(draw, *, rater_model: str | None = None) -> dict:
    """2–3 ratees on 1–2 items (at most 6 cells, so σ is the default), 1–2 supervisors from a
    shared pool, 0–5 peers and 0–5 subordinates from shared pools, 1 answer in 6 null; k 2–4."""
    ratees = [f"E{i}" for i in range(1, draw(st.integers(min_value=2, max_value=3)) + 1)]
    items = draw(st.lists(st.sampled_from(["M.01", "M.02"]), min_size=1, unique=True))
    pools = {
        "atasan": (["A1", "A2", "A3"], 1, 2),
        "rekan": ([f"R{i}" for i in range(1, 7)], 0, 5),
        "bawahan": ([f"S{i}" for i in range(1, 7)], 0, 5),
    }
    ratings = []
    for ratee in ratees:
        raters = []
        for relation, (pool, low, high) in pools.items():
            size = draw(st.integers(min_value=low, max_value=high))
            raters += [(r, relation) for r in draw(st.permutations(pool))[:size]]
        for item in items:
            for rater, relation in raters:
                null = draw(st.integers(min_value=0, max_value=5)) == 0
                level = None if null else draw(st.integers(min_value=1, max_value=5))
                ratings.append(
                    {
                        "ratee": ratee,
                        "rater": rater,
                        "relation": relation,
                        "item": item,
                        "level": level,
                    }
                )
    model = rater_model or draw(st.sampled_from(RATER_MODELS))
    return {
        "policy": {
            "min_anonymous_raters": draw(st.integers(min_value=2, max_value=4)),
            "rater_model": model,
        },
        "behaviour_items": [],
        "positions": {"P1": {"M.01": 3, "M.02": 4}},
        "employees": [{"nip": r, "position": "P1", "unit": "U1"} for r in ratees],
        "ratings": ratings,
    }


def anonymous_moves(doc: dict) -> list[tuple[int, int]]:
    """(up, down) pairs inside one released anonymous group: +1 on one answer and −1 on another
    keeps the group's count and sum."""
    pairs = []
    for *_, name, at in released_groups(doc):
        if name == "atasan":
            continue
        levels = doc["ratings"]
        pairs += [
            (i, j)
            for i in at
            for j in at
            if i != j and levels[i]["level"] < 5 and levels[j]["level"] > 1
        ]
    return sorted(pairs)


@settings(max_examples=150, deadline=None)
@given(doc=small_cycles(), data=st.data())
def test_with_the_default_sigma_moving_anonymous_answers_keeping_count_and_sum_changes_no_error(
    doc, data
):
    pairs = anonymous_moves(doc)
    assume(pairs)
    up, down = data.draw(st.sampled_from(pairs))
    moved = copy.deepcopy(doc)
    moved["ratings"][up]["level"] += 1
    moved["ratings"][down]["level"] -= 1
    before, after = score_document(copy.deepcopy(doc)), score_document(moved)
    assert before["reliability"]["sigma_source"] == "bawaan"
    assert errors_of(after) == errors_of(before)


@settings(max_examples=150, deadline=None)
@given(doc=small_cycles(), data=st.data())
def test_with_the_default_sigma_item_errors_depend_on_counts_and_weights_only(doc, data):
    """Any answer may change, even the sum of its group: as long as nobody's answer turns null
    or back, the counts stay and so does every item's se (σ = 0.8 throughout)."""
    answered = [i for i, r in enumerate(doc["ratings"]) if r["level"] is not None]
    assume(answered)
    changed = copy.deepcopy(doc)
    for i in data.draw(st.lists(st.sampled_from(answered), min_size=1, unique=True)):
        changed["ratings"][i]["level"] = data.draw(st.integers(min_value=1, max_value=5))
    before, after = score_document(copy.deepcopy(doc)), score_document(changed)
    assert before["reliability"]["sigma"] == after["reliability"]["sigma"] == DEFAULT_SIGMA
    assert errors_of(after)["items"] == errors_of(before)["items"]
    assert_se_by_counts_and_weights(after)


@settings(max_examples=60, deadline=None)
@given(doc=small_cycles(rater_model="none"))
def test_item_se_and_reliability_are_the_same_under_every_rater_model(doc):
    """σ and the reliability come from the uncorrected pass and se from the counts and weights,
    so the rater model changes neither; jpm_se follows the corrected scores as shown."""
    outs = {}
    for model in RATER_MODELS:
        variant = copy.deepcopy(doc)
        variant["policy"]["rater_model"] = model
        outs[model] = score_document(variant)
    plain = errors_of(outs["none"])
    for model, out in outs.items():
        assert errors_of(out)["items"] == plain["items"], model
        assert out["reliability"] == plain["reliability"], model
        for employee in out["employees"]:
            items = employee["items"]
            scores = {code: item["score"] for code, item in items.items()}
            errors = {code: item["se"] for code, item in items.items()}
            assert employee["jpm_se"] == jpm_se(scores, errors, {"M.01": 3, "M.02": 4}), model


LARGE_WEIGHTS = [
    None,
    {"atasan": 0.4, "rekan": 0.4, "bawahan": 0.1, "diri": 0.1},
    {"atasan": 0.5, "rekan": 0.5, "bawahan": 0, "diri": 0},
]


@st.composite
def large_cycles(draw, *, rater_model: str | None = "none") -> dict:
    """9–14 ratees on 3 items, two of four shared supervisors each, 2–5 peers and 0–4
    subordinates each, a self-rating now and then, 1 answer in 8 null; k 2–4 and mixed weights
    (diri weighted, or bawahan at 0): 27–42 cells, usually ≥ 30 of them with ≥ 2 sources, so σ
    is mostly the cycle's. `rater_model` None draws one."""
    ratees = [f"E{i}" for i in range(1, draw(st.integers(min_value=9, max_value=14)) + 1)]
    ratings = []
    for ratee in ratees:
        raters = [(a, "atasan") for a in draw(st.permutations(["A1", "A2", "A3", "A4"]))[:2]]
        raters += [(f"{ratee}-R{i}", "rekan") for i in range(draw(st.integers(2, 5)))]
        raters += [(f"{ratee}-S{i}", "bawahan") for i in range(draw(st.integers(0, 4)))]
        if draw(st.booleans()):
            raters.append((ratee, "diri"))
        for item in ("M.01", "M.02", "M.03"):
            for rater, relation in raters:
                null = draw(st.integers(min_value=0, max_value=7)) == 0
                level = None if null else draw(st.integers(min_value=1, max_value=5))
                ratings.append(
                    {
                        "ratee": ratee,
                        "rater": rater,
                        "relation": relation,
                        "item": item,
                        "level": level,
                    }
                )
    policy: dict = {
        "min_anonymous_raters": draw(st.integers(min_value=2, max_value=4)),
        "rater_model": rater_model or draw(st.sampled_from(RATER_MODELS)),
    }
    weights = draw(st.sampled_from(LARGE_WEIGHTS))
    if weights is not None:
        policy["weights"] = weights
    return {
        "policy": policy,
        "positions": {"P1": {"M.01": 3, "M.02": 4, "M.03": 3}},
        "employees": [{"nip": r, "position": "P1"} for r in ratees],
        "ratings": ratings,
    }


def round1(x: float) -> float:
    return math.floor(x * 10 + 0.5 + 1e-9) / 10


def expected_sigma(doc: dict) -> tuple[set[tuple[float, str]], int]:
    """The σ the input document should give (docs/scoring.md, rule 12) and its cells: √(squares /
    dof) rounded to 0.1 and at least 0.3 from ≥ 30 cells, else 0.8. Either rounding is accepted
    when the root lies within float noise of a half."""
    squares, dof, cells = sigma_estimate(doc)
    if cells < SIGMA_MIN_GROUPS:
        return {(DEFAULT_SIGMA, "bawaan")}, cells
    root = math.sqrt(max(squares, 0.0) / dof)
    return {(max(round1(root + e), 0.3), "siklus") for e in (-1e-9, 1e-9)}, cells


@settings(max_examples=60, deadline=None)
@given(doc=large_cycles())
def test_cycle_sigma_is_the_spread_between_the_source_means_of_each_cell(doc):
    sigmas, cells = expected_sigma(doc)
    out = score_document(doc)
    figures = out["reliability"]
    assert figures["sigma_groups"] == cells
    assert (figures["sigma"], figures["sigma_source"]) in sigmas
    assert_se_by_counts_and_weights(out)


def move_inside_anonymous_groups(doc: dict, data, most: int) -> dict:
    """`doc` after 1 to `most` moves, each +1 on one answer and −1 on another of one released
    anonymous group (rekan, bawahan or rekan_bawahan) of one ratee and item: every group keeps
    its count and sum, its spread changes."""
    moved = copy.deepcopy(doc)
    for step in range(data.draw(st.integers(min_value=1, max_value=most))):
        pairs = anonymous_moves(moved)
        if not pairs:
            assert step > 0
            break
        up, down = data.draw(st.sampled_from(pairs))
        moved["ratings"][up]["level"] += 1
        moved["ratings"][down]["level"] -= 1
    return moved


@settings(max_examples=60, deadline=None)
@given(doc=large_cycles(rater_model=None), data=st.data())
def test_with_a_cycle_sigma_moving_anonymous_answers_keeping_count_and_sum_changes_nothing(
    doc, data
):
    """σ reads every group only through its count and sum (docs/scoring.md, rule 12,
    "Anonimitas"): even once σ comes from ≥ 30 cells, answers moved inside anonymous groups
    keeping each group's count and sum leave the whole output as it was — σ, every se and
    jpm_se, the reliability, every score and group mean. (With σ the pooled within-group sd, the
    moves changed the squares and, often enough, the rounded σ and with it every se.)"""
    _, _, cells = sigma_estimate(doc)
    assume(cells >= SIGMA_MIN_GROUPS)
    assume(anonymous_moves(doc))
    moved = move_inside_anonymous_groups(doc, data, most=30)
    assume(moved["ratings"] != doc["ratings"])  # the moves may undo one another
    before, after = score_document(copy.deepcopy(doc)), score_document(moved)
    assert before["reliability"]["sigma_source"] == "siklus"
    assert errors_of(after) == errors_of(before)
    # The whole output is the same, but for the input answers it echoes.
    before.pop("ratings", None), after.pop("ratings", None)
    assert after == before


def eleven_ratees() -> dict:
    """11 ratees on 3 items, each rated on every item by 2 supervisors (4, 4), 3 peers (3, 3, 4)
    and 3 subordinates (3, 3, 4); on M.01 E1's peers answer 3, 3, 3."""
    ratings = []
    for e in range(1, 12):
        ratee = f"E{e}"
        for item in ("M.01", "M.02", "M.03"):
            answers = [("A1", "atasan", 4), ("A2", "atasan", 4)]
            peers = (3, 3, 3) if (e, item) == (1, "M.01") else (3, 3, 4)
            answers += [(f"{ratee}-R{i}", "rekan", v) for i, v in enumerate(peers)]
            answers += [(f"{ratee}-S{i}", "bawahan", v) for i, v in enumerate((3, 3, 4))]
            ratings += [
                {"ratee": ratee, "rater": r, "relation": rel, "item": item, "level": v}
                for r, rel, v in answers
            ]
    return {
        "positions": {"P1": {"M.01": 3, "M.02": 3, "M.03": 3}},
        "employees": [{"nip": f"E{e}", "position": "P1"} for e in range(1, 12)],
        "ratings": ratings,
    }


def test_with_a_cycle_sigma_one_groups_spread_moves_neither_sigma_nor_any_se():
    """The regression of the leak (docs/scoring.md, rule 12, "Anonimitas"). 33 cells, each with
    3 sources: atasan 4 (n 2), rekan and bawahan 10/3 (n 3) — squares (4/9)² + 2 · (2/9)² = 24/81,
    dof (1/2 + 1/3 + 1/3) · (1 − 1/3) = 7/9 — except E1's M.01, rekan 3: means 4, 3, 10/3 around
    31/9, squares 42/81. σ = √((32 · 24 + 42) / 81 / (33 · 7/9)) = √(10 / 25.667) = 0.624 → 0.6.
    E1's peers 3, 3, 3 → 1, 3, 5 keep their count and sum, so nothing changes. (The pooled
    within-group sd went from √(43.33 / 165) = 0.51 → 0.5 to √(51.33 / 165) = 0.56 → 0.6, and E2's
    unchanged answers got se 0.21 → 0.25: one group's spread read off every error.)"""
    doc = eleven_ratees()
    peers = [
        i
        for i, r in enumerate(doc["ratings"])
        if (r["ratee"], r["item"], r["relation"]) == ("E1", "M.01", "rekan")
    ]
    assert [doc["ratings"][i]["level"] for i in peers] == [3, 3, 3]
    spread = copy.deepcopy(doc)
    spread["ratings"][peers[0]]["level"], spread["ratings"][peers[2]]["level"] = 1, 5
    before, after = score_document(doc), score_document(spread)
    for out in (before, after):
        assert out["reliability"]["sigma_groups"] == 33
        assert (out["reliability"]["sigma"], out["reliability"]["sigma_source"]) == (0.6, "siklus")
        # (0.5 × 4 + 0.3 × 3 + 0.2 × 10/3) / 1 = 3.5667: the peers' mean is 3 both times.
        assert out["employees"][0]["items"]["M.01"]["score"] == 3.57
        # E2: σ × √(0.5²/2 + 0.3²/3 + 0.2²/3) = 0.6 × 0.41028 = 0.2462.
        assert out["employees"][1]["items"]["M.01"]["se"] == 0.25
    assert after == before


# --- reliability of a simulated cycle -----------------------------------------------------------


def simulated_cycle(noise: float, *, seed: int = 7, ratees: int = 60, items: int = 4) -> dict:
    """True level per ratee × item, 3 + N(0, 0.7) clipped to 1–5; every ratee rated by 1 atasan,
    4 rekan and 3 bawahan, each answer round(clip(true + N(0, noise), 1, 5))."""
    rng = np.random.default_rng(seed)
    codes = [f"M.{i + 1:02d}" for i in range(items)]
    truth = np.clip(3 + rng.normal(0, 0.7, (ratees, items)), 1, 5)
    ratings = []
    for e in range(ratees):
        raters = [("atasan", f"A{e % 6}")]
        raters += [("rekan", f"E{e}-R{i}") for i in range(4)]
        raters += [("bawahan", f"E{e}-S{i}") for i in range(3)]
        for k, code in enumerate(codes):
            for relation, rater in raters:
                level = int(np.clip(np.rint(truth[e, k] + rng.normal(0, noise)), 1, 5))
                ratings.append(
                    {
                        "ratee": f"E{e}",
                        "rater": rater,
                        "relation": relation,
                        "item": code,
                        "level": level,
                    }
                )
    return {
        "positions": {"P1": dict.fromkeys(codes, 3)},
        "employees": [{"nip": f"E{e}", "position": "P1"} for e in range(ratees)],
        "ratings": ratings,
    }


def test_reliability_of_a_simulated_cycle_is_higher_with_less_rater_noise():
    quiet, noisy = score_document(simulated_cycle(0.3)), score_document(simulated_cycle(1.2))
    q, n = quiet["reliability"], noisy["reliability"]
    assert q["sigma_source"] == n["sigma_source"] == "siklus"
    assert q["sigma"] < n["sigma"]
    assert q["items"] is not None and n["items"] is not None
    assert q["items"] > n["items"]
    assert q["jpm"] is not None and n["jpm"] is not None
    assert q["jpm"] > n["jpm"]


def test_reliability_is_one_minus_mean_squared_error_over_the_spread_of_the_scores():
    out = score_document(simulated_cycle(0.8))
    items = [i for e in out["employees"] for i in e["items"].values() if i["score"] is not None]
    scores = np.array([i["score"] for i in items])
    errors = np.array([i["se"] for i in items])
    expected = 1 - np.mean(errors**2) / np.var(scores, ddof=1)
    assert abs(out["reliability"]["items"] - expected) <= 0.005 + 1e-9
    jpm = np.array([e["jpm"] for e in out["employees"]])
    jpm_errors = np.array([e["jpm_se"] for e in out["employees"]])
    expected_jpm = 1 - np.mean(jpm_errors**2) / np.var(jpm, ddof=1)
    assert abs(out["reliability"]["jpm"] - expected_jpm) <= 0.005 + 1e-9
