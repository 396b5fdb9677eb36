"""Benchmark: how well the scoring engine recovers known true levels, with rater correction off and on.

`.venv/bin/python bench/scoring_recovery.py [--seeds 5] [--ratees 300] [--items 10]`

Simulated cycles (pure numpy, no database). Ratees sit in units of 10; every ratee × item has a
true level true = clip(3 + unit + ratee + cell effect, 1, 5), each effect N(0, 0.4). Every rater
has a leniency b ~ N(0, b sd), b sd in 0, 0.5, 1. Every ratee gets 1 atasan, 4 rekan and 3 bawahan
and every rater answers every item: observed = round(clip(true + b + noise, 1, 5)), noise
N(0, 0.5). Three ways of drawing the raters:
  dense   org-wide pools (30 / 120 / 90): each rater rates ~10 ratees, ~100 ratings;
  sparse  org-wide pools 5× larger: ~2 ratees, ~20 ratings per rater;
  unit    each unit's own raters only (1 head, 6 peers, 5 subordinates): a unit's leniency and its
          true level cannot be told apart (no rater links it to another unit).
Each cycle is scored through `score_document` with the default policy (weights .5/.3/.2, k = 3,
shrinkage 2), once with `rater_correction` off and once on. Reported, mean ± sd over the seeds:
Spearman's rank correlation (average ranks for ties) of the 3,000 item scores with the true levels,
the mean absolute error against them, and (correction on) the Pearson correlation of the estimated
b with the true b."""

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
DESIGNS = ("dense", "sparse", "unit")
# Org-wide pools for 300 ratees, scaled with --ratees.
DENSE_POOLS = {"atasan": 30, "rekan": 120, "bawahan": 90}
SPARSE_POOLS = {"atasan": 150, "rekan": 600, "bawahan": 450}
UNIT_SIZE = 10
UNIT_POOLS = {"atasan": 1, "rekan": 6, "bawahan": 5}
PER_RATEE = {"atasan": 1, "rekan": 4, "bawahan": 3}
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
    if design == "unit":
        return [
            {
                rel: [f"U{u:02d}{rel[0].upper()}{j}" for j in range(n)]
                for rel, n in UNIT_POOLS.items()
            }
            for u in range(-(-n_ratees // UNIT_SIZE))
        ]
    scale = n_ratees / 300
    sizes = DENSE_POOLS if design == "dense" else SPARSE_POOLS
    return [
        {
            rel: [f"{rel[0].upper()}{j:04d}" for j in range(max(PER_RATEE[rel], round(n * scale)))]
            for rel, n in sizes.items()
        }
    ]


def simulate(seed: int, design: str, spread: float, n_ratees: int, n_items: int):
    """(document, true levels [ratee, item], true b per rater NIP)."""
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
    leniency = {
        nip: float(rng.normal(0, spread)) for p in pools for pool in p.values() for nip in pool
    }
    ratings = []
    for i, ratee in enumerate(ratees):
        own = pools[unit[i]] if design == "unit" else pools[0]
        for relation, count in PER_RATEE.items():
            for rater in rng.choice(own[relation], size=count, replace=False):
                raw = true[i] + leniency[rater] + rng.normal(0, NOISE, n_items)
                levels = np.floor(np.clip(raw, 1, 5) + 0.5).astype(int)
                ratings += [
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
    return doc, true, {k: v for k, v in leniency.items() if k in used}


def evaluate(doc: dict, true: np.ndarray, leniency: dict, correction: bool) -> dict:
    doc = {**doc, "policy": {**doc["policy"], "rater_correction": correction}}
    started = time.perf_counter()
    out = score_document(doc)
    seconds = time.perf_counter() - started
    scores = np.array(
        [[item["score"] for item in e["items"].values()] for e in out["employees"]], dtype=float
    )
    result = {
        "spearman": spearman(scores.ravel(), true.ravel()),
        "mae": float(np.mean(np.abs(scores - true))),
        "seconds": seconds,
        "b_corr": float("nan"),
    }
    if correction:
        keys = sorted(leniency)
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
    args = parser.parse_args()
    warnings.simplefilter("ignore", RuntimeWarning)
    print(
        f"recovering true levels: {args.ratees} ratees × {args.items} items, 1 atasan + 4 rekan "
        f"+ 3 bawahan each, noise sd {NOISE}; mean ± sd over {args.seeds} seeds"
    )
    print(
        f"  {'design':<7} {'b sd':>4}  {'corr.':<5}  {'spearman':^13}  {'MAE':^13}  "
        f"{'corr(b est,b)':^13}  {'ratings/rater':>13}  {'time':>5}"
    )
    started = time.perf_counter()
    for design in DESIGNS:
        for spread in SPREADS:
            runs: dict[bool, list[dict]] = {False: [], True: []}
            per_rater = []
            for seed in range(args.seeds):
                doc, true, leniency = simulate(seed, design, spread, args.ratees, args.items)
                per_rater.append(len(doc["ratings"]) / len(leniency))
                for correction in (False, True):
                    runs[correction].append(evaluate(doc, true, leniency, correction))
            for correction in (False, True):
                rows = runs[correction]
                print(
                    f"  {design:<7} {spread:>4.1f}  {'on' if correction else 'off':<5}  "
                    f"{cell([r['spearman'] for r in rows])}  {cell([r['mae'] for r in rows])}  "
                    f"{cell([r['b_corr'] for r in rows])}  {np.mean(per_rater):>13.0f}  "
                    f"{np.mean([r['seconds'] for r in rows]):>4.2f}s"
                )
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
