"""Benchmark: how well the scoring engine recovers known true levels, under each rater model.

`.venv/bin/python bench/scoring_recovery.py [--seeds 5] [--ratees 300] [--items 10]`

Simulated cycles (pure numpy, no database). Ratees sit in units of 10; every ratee × item has a
true level true = clip(3 + unit + ratee + cell effect, 1, 5), each effect N(0, 0.4). Every rater
has a leniency b ~ N(0, b sd), b sd in 0, 0.5, 1, and a noise sd: 0.5 for everyone ("same") or
each rater's own, drawn from U(0.3, 1.2) ("differs"). Every rater answers every item:
observed = round(clip(true + b + noise, 1, 5)), so a lenient rater cannot go above 5. Designs:
  dense   org-wide pools (30 / 120 / 90), 1 atasan, 4 rekan, 3 bawahan per ratee: each rater
          rates ~10 ratees, ~100 ratings;
  sparse  org-wide pools 5× larger: ~2 ratees, ~20 ratings per rater;
  unit    each unit's own raters only (1 head, 6 peers, 5 subordinates): a unit's leniency and its
          true level cannot be told apart (no rater links it to another unit);
  tiny    units of 3 ratees (1 head, 2 of 3 peers, 2 of 2 subordinates): every anonymous group is
          below k = 3 and is pooled into rekan_bawahan.
Each cycle is scored through `score_document` with the default policy (weights .5/.3/.2, k = 3,
shrinkage 2) under each `rater_model` (none = the plain weighted mean, additive, ordinal), and
"limit" scores the same answers drawn without leniency (the true-leniency limit). Reported, mean ±
sd over the seeds: Spearman's rank correlation (average ranks for ties) of the 3,000 item scores
with the true levels; the worst per-seed difference ordinal − plain; for the ordinal model the
mean absolute error, the correlation of the estimated with the true b over the named (atasan)
raters, how many fits converged and the time per fit; "cover" the coverage of the 95 % interval
(share of true levels within score ± 1.96 SE) for plain / ordinal scores; "rel" the cycle's
reliability figure and "r² plain" what it estimates, the squared correlation of the plain scores
with the true levels (docs/scoring.md, "Ketidakpastian")."""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kinerja.scoring import score_document  # noqa: E402

SPREADS = (0.0, 0.5, 1.0)
DESIGNS = ("dense", "sparse", "unit", "tiny")
# Rater noise: the same sd for everyone, or each rater's own sd drawn uniformly from a range.
NOISES = {"same": (0.5, 0.5), "differs": (0.3, 1.2)}
MODELS = ("none", "additive", "ordinal")
# Org-wide pools for 300 ratees, scaled with --ratees.
DENSE_POOLS = {"atasan": 30, "rekan": 120, "bawahan": 90}
SPARSE_POOLS = {"atasan": 150, "rekan": 600, "bawahan": 450}
UNIT_SIZE = 10
UNIT_POOLS = {"atasan": 1, "rekan": 6, "bawahan": 5}
PER_RATEE = {"atasan": 1, "rekan": 4, "bawahan": 3}
# Tiny units: 3 ratees, 1 head, 2 of 3 peers and 2 of 2 subordinates each, so every anonymous
# group (2 < k = 3) is pooled into rekan_bawahan.
TINY_SIZE = 3
TINY_POOLS = {"atasan": 1, "rekan": 3, "bawahan": 2}
TINY_PER_RATEE = {"atasan": 1, "rekan": 2, "bawahan": 2}
NOISE = 0.5


def rankdata(x: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties getting the average of the ranks they span."""
    x = np.asarray(x, dtype=float)
    order = np.argsort(x, kind="mergesort")
    inverse = np.empty(len(x), dtype=np.int64)
    inverse[order] = np.arange(len(x))
    xs = x[order]
    first = np.r_[True, xs[1:] != xs[:-1]]
    dense = np.cumsum(first)[inverse]
    bounds = np.r_[np.flatnonzero(first), len(x)]
    return 0.5 * (bounds[dense] + bounds[dense - 1] + 1)


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.corrcoef(rankdata(x), rankdata(y))[0, 1])


def rater_pools(design: str, n_ratees: int) -> list[dict[str, list[str]]]:
    """The rater pools each ratee draws from: one org-wide set (dense, sparse) or one per unit."""
    if design in ("unit", "tiny"):
        size, pools = (UNIT_SIZE, UNIT_POOLS) if design == "unit" else (TINY_SIZE, TINY_POOLS)
        return [
            {rel: [f"U{u:03d}{rel[0].upper()}{j}" for j in range(n)] for rel, n in pools.items()}
            for u in range(-(-n_ratees // size))
        ]
    scale = n_ratees / 300
    sizes = DENSE_POOLS if design == "dense" else SPARSE_POOLS
    return [
        {
            rel: [f"{rel[0].upper()}{j:04d}" for j in range(max(PER_RATEE[rel], round(n * scale)))]
            for rel, n in sizes.items()
        }
    ]


def simulate(
    seed: int, design: str, spread: float, n_ratees: int, n_items: int, noise=(NOISE, NOISE)
):
    """(document, the same document without leniency, true levels [ratee, item], true b per
    rater NIP). Each rater has a leniency b ~ N(0, spread) and a noise sd ~ U(noise)."""
    rng = np.random.default_rng(seed)
    ratees = [f"E{i:04d}" for i in range(n_ratees)]
    items = [f"K.{k:02d}" for k in range(n_items)]
    unit = np.arange(n_ratees) // UNIT_SIZE
    true = np.clip(
        3
        + rng.normal(0, 0.4, unit.max() + 1)[unit][:, None]
        + rng.normal(0, 0.4, (n_ratees, 1))
        + rng.normal(0, 0.4, (n_ratees, n_items)),
        1,
        5,
    )
    pools = rater_pools(design, n_ratees)
    names = [nip for p in pools for pool in p.values() for nip in pool]
    leniency = {nip: float(rng.normal(0, spread)) for nip in names}
    rater_sd = {nip: float(rng.uniform(*noise)) for nip in names}
    group = np.arange(n_ratees) // (TINY_SIZE if design == "tiny" else UNIT_SIZE)
    per_ratee = TINY_PER_RATEE if design == "tiny" else PER_RATEE
    ratings, fair = [], []
    for i, ratee in enumerate(ratees):
        own = pools[group[i]] if design in ("unit", "tiny") else pools[0]
        for relation, count in per_ratee.items():
            for rater in rng.choice(own[relation], size=count, replace=False):
                error = rng.normal(0, rater_sd[rater], n_items)
                for out, b in ((ratings, leniency[rater]), (fair, 0.0)):
                    # Clipped at 1 and 5, then rounded to a level.
                    levels = np.floor(np.clip(true[i] + b + error, 1, 5) + 0.5).astype(int)
                    out += [
                        {
                            "ratee": ratee,
                            "rater": str(rater),
                            "relation": relation,
                            "item": item,
                            "level": int(level),
                        }
                        for item, level in zip(items, levels, strict=True)
                    ]
    doc = {
        "policy": {"rater_correction": False},
        "positions": {"P": {item: 3 for item in items}},
        "employees": [{"nip": nip, "position": "P"} for nip in ratees],
        "ratings": ratings,
    }
    used = {r["rater"] for r in ratings}
    return doc, {**doc, "ratings": fair}, true, {k: v for k, v in leniency.items() if k in used}


def supervisors(doc: dict) -> list[str]:
    """The named raters, the only ones with an estimated b in `rater_effects`."""
    return sorted({r["rater"] for r in doc["ratings"] if r["relation"] == "atasan"})


def evaluate(doc: dict, true: np.ndarray, leniency: dict, model: str) -> dict:
    doc = {**doc, "policy": {"rater_model": model}}
    correction = model != "none"
    started = time.perf_counter()
    out = score_document(doc)
    seconds = time.perf_counter() - started
    scores = np.array(
        [[item["score"] for item in e["items"].values()] for e in out["employees"]], dtype=float
    )
    errors = np.array(
        [[item["se"] for item in e["items"].values()] for e in out["employees"]], dtype=float
    )
    result = {
        "spearman": spearman(scores.ravel(), true.ravel()),
        "mae": float(np.mean(np.abs(scores - true))),
        "seconds": seconds,
        "b_corr": float("nan"),
        "converged": float(out.get("rater_model_fit", {}).get("converged", True)),
        # Share of true levels inside the 95 % interval score ± 1.96 SE (uncertainty.py).
        "coverage": float(np.mean(np.abs(scores - true) <= 1.96 * errors)),
        "reliability": out["reliability"]["items"],
        # What the reliability figure estimates: the squared correlation with the true levels.
        "r2": float(np.corrcoef(scores.ravel(), true.ravel())[0, 1] ** 2),
    }
    if correction:
        keys = supervisors(doc)
        estimated = np.array([out["rater_effects"][k] for k in keys])
        actual = np.array([leniency[k] for k in keys])
        if np.std(actual) > 0 and np.std(estimated) > 0:
            result["b_corr"] = float(np.corrcoef(estimated, actual)[0, 1])
    return result


def cell(values: list[float]) -> str:
    values = [v for v in values if not np.isnan(v)]
    if not values:
        return f"{'—':^13}"
    return f"{np.mean(values):.3f} ± {np.std(values):.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--ratees", type=int, default=300)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--designs", default=",".join(DESIGNS))
    args = parser.parse_args()
    warnings.simplefilter("ignore", RuntimeWarning)
    print(
        f"recovering true levels: {args.ratees} ratees × {args.items} items, default weights "
        f"and k; Spearman with the true levels, mean ± sd over {args.seeds} seeds"
    )
    print(
        f"  {'design':<7} {'noise':<7} {'b sd':>4}  {'plain':^13}  {'additive':^13}  "
        f"{'ordinal':^13}  {'limit':^13}  {'ord−plain min':>13}  {'MAE ord':>7}  "
        f"{'corr(b)':>7}  {'conv':>4}  {'time ord':>8}  {'cover':>11}  {'rel':>4}  {'r² plain':>8}"
    )
    started = time.perf_counter()
    for design in args.designs.split(","):
        for noise_name, noise in NOISES.items():
            for spread in SPREADS:
                runs: dict[str, list[dict]] = {m: [] for m in (*MODELS, "limit")}
                for seed in range(args.seeds):
                    doc, fair, true, leniency = simulate(
                        seed, design, spread, args.ratees, args.items, noise
                    )
                    for model in MODELS:
                        runs[model].append(evaluate(doc, true, leniency, model))
                    runs["limit"].append(evaluate(fair, true, leniency, "none"))
                worst = min(
                    o["spearman"] - p["spearman"]
                    for o, p in zip(runs["ordinal"], runs["none"], strict=True)
                )
                ordinal = runs["ordinal"]
                print(
                    f"  {design:<7} {noise_name:<7} {spread:>4.1f}  "
                    + "  ".join(cell([r["spearman"] for r in runs[m]]) for m in (*MODELS, "limit"))
                    + f"  {worst:>+13.3f}  {np.mean([r['mae'] for r in ordinal]):>7.3f}  "
                    f"{np.nanmean([r['b_corr'] for r in ordinal]) if spread else float('nan'):>7.3f}  "
                    f"{sum(r['converged'] for r in ordinal):>2.0f}/{len(ordinal)}  "
                    f"{np.mean([r['seconds'] for r in ordinal]):>7.2f}s  "
                    f"{np.mean([r['coverage'] for r in runs['none']]):>5.2f} / "
                    f"{np.mean([r['coverage'] for r in ordinal]):.2f}  "
                    f"{np.mean([r['reliability'] for r in ordinal]):>4.2f}  "
                    f"{np.mean([r['r2'] for r in runs['none']]):>8.2f}"
                )
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
