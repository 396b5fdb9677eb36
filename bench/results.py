"""Benchmark: compute and store a cycle's results for 10,000 and 100,000 employees.

`.venv/bin/python bench/results.py [--employees 10000,100000]` (SQLite in a throwaway folder) or
`DATABASE_URL=postgres://… .venv/bin/python bench/results.py` (uses/clears `bench-res-*` agencies).
A prepared (closed) cycle is reused by the next run: set KINERJA_VAR_DIR to keep the SQLite file.
For each size: a synthetic agency, a cycle with generated raters, every form answered by the
simulation, closed. Then, in the same run:
  baseline  one plain SQL `GROUP BY ratee, item, relation` (AVG, COUNT) over the same answers,
            every row fetched: the least any computation must read;
  fetch     load_inputs: the answers streamed into numpy columns (one query);
  engine    score_cycle on those columns (pure Python + numpy);
  compute   results_compute end to end: fetch + engine + comments + store (COPY / executemany),
            in one transaction, run in a fresh process of its own (`--compute-only CYCLE_ID`).
Peak memory of the compute is that process's VmHWM from /proc/self/status (it starts afresh at
exec, unlike ru_maxrss, which a child inherits): the whole process, Django included, and the rise
over its resident set just before the compute. The fetch and engine lines run in the bench
process and show its VmHWM so far. Last, the growth from the smallest to the largest size."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if "DATABASE_URL" not in os.environ and "KINERJA_VAR_DIR" not in os.environ:
    os.environ["KINERJA_VAR_DIR"] = tempfile.mkdtemp(prefix="kinerja-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinerja.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Avg, Count  # noqa: E402
from served import running_cycle  # noqa: E402

from kinerja.assessment import services  # noqa: E402
from kinerja.assessment.models import Cycle, ResponseItem  # noqa: E402
from kinerja.assessment.simulate import simulate_responses  # noqa: E402
from kinerja.core.models import Agency, AuditEvent  # noqa: E402
from kinerja.demo.synthetic import generate_agency  # noqa: E402
from kinerja.organisation.models import Employee  # noqa: E402
from kinerja.results.loading import load_inputs, policy_for, ratee_rows  # noqa: E402
from kinerja.results.models import EmployeeResult  # noqa: E402
from kinerja.results.services import results_compute  # noqa: E402
from kinerja.scoring import score_cycle  # noqa: E402


def status_mib(field: str) -> float:
    """VmHWM (peak resident set since exec) or VmRSS of this process, in MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def rss_mib() -> float:
    return status_mib("VmHWM")


def compute_only(cycle_id: int) -> None:
    """Runs in its own process: results_compute once, and its time and memory as JSON."""
    cycle = Cycle.objects.get(pk=cycle_id)
    before = status_mib("VmRSS")
    start = time.perf_counter()
    results_compute(cycle=cycle, acting_user=None)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak": status_mib("VmHWM"), "before": before}))


def compute_in_subprocess(cycle: Cycle) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--compute-only", str(cycle.pk)],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def prepared_cycle(n: int, seed: int) -> Cycle:
    code = f"bench-res-{n}"
    agency = Agency.objects.filter(code=code).first()
    if agency is not None:
        cycle = Cycle.objects.filter(agency=agency, name="Bench results").first()
        if cycle is not None and cycle.status == Cycle.Status.CLOSED:
            return cycle  # reuse a prepared one: the setup takes minutes at 100,000
        Cycle.objects.filter(agency=agency).delete()
        AuditEvent.objects.filter(agency=agency).delete()
    agency = generate_agency(code=code, employees=n, seed=seed, replace=True)
    cycle = running_cycle(agency, "Bench results", days=30)
    simulate_responses(cycle=cycle, seed=seed)
    return services.cycle_transition(cycle=cycle, action="close", acting_user=None)


def baseline(cycle: Cycle) -> int:
    rows = (
        ResponseItem.objects.filter(
            response__assignment__cycle=cycle, response__submitted_at__isnull=False
        )
        .values("response__assignment__ratee_id", "item", "response__assignment__relation")
        .annotate(mean=Avg("level"), n=Count("level"))
        .order_by()
    )
    return sum(1 for _ in rows.iterator(chunk_size=50_000))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", default="10000,100000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--rater-model",
        choices=("none", "additive", "ordinal"),
        default="none",
        help="the cycle's rater model for the measured computations (the default: none)",
    )
    parser.add_argument("--compute-only", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compute_only:
        compute_only(args.compute_only)
        return
    call_command("migrate", verbosity=0)
    call_command("load-framework", verbosity=0, stdout=io.StringIO())
    print(
        f"Kinerja results benchmark · {connection.vendor} · Python {sys.version.split()[0]}"
        f" · {os.cpu_count()} cores · rater model {args.rater_model}"
    )
    sizes: list[tuple[int, float, float, float]] = []
    for n in (int(x) for x in args.employees.split(",")):
        setup_s, cycle = timed(lambda n=n: prepared_cycle(n, args.seed))
        # Set past the release rule on purpose: the same answers, scored by each model in turn.
        Cycle.objects.filter(pk=cycle.pk).update(rater_model=args.rater_model)
        cycle.refresh_from_db()
        answers = ResponseItem.objects.filter(response__assignment__cycle=cycle).count()
        employees = Employee.objects.filter(agency=cycle.agency).count()
        print(
            f"\n{employees:,} employees, {answers:,} answers "
            f"({answers / employees:.1f} per employee), setup {setup_s:.0f} s"
        )
        base_s, groups = timed(lambda c=cycle: baseline(c))
        ratees = ratee_rows(cycle)
        fetch_s, inputs = timed(lambda c=cycle, r=ratees: load_inputs(c, r))
        fetch_rss = rss_mib()
        engine_s, scores = timed(lambda i=inputs, c=cycle: score_cycle(i, policy_for(c)))
        engine_rss = rss_mib()
        del inputs, scores
        compute = compute_in_subprocess(cycle)
        compute_s = compute["seconds"]
        stored = EmployeeResult.objects.filter(cycle=cycle).count()
        print(f"  baseline GROUP BY      {base_s:7.2f} s   {groups:,} groups fetched")
        print(
            f"  fetch (load_inputs)    {fetch_s:7.2f} s   ratio {fetch_s / base_s:5.2f}"
            f"   bench VmHWM {fetch_rss:,.0f} MiB"
        )
        print(
            f"  engine (score_cycle)   {engine_s:7.2f} s   ratio {engine_s / base_s:5.2f}"
            f"   bench VmHWM {engine_rss:,.0f} MiB"
        )
        print(
            f"  compute + store        {compute_s:7.2f} s   ratio {compute_s / base_s:5.2f}"
            f"   peak RSS {compute['peak']:,.0f} MiB"
            f" (+{compute['peak'] - compute['before']:,.0f} over the process at start)"
            f"   {stored:,} results stored"
        )
        sizes.append((employees, base_s, compute_s, compute["peak"]))
    if len(sizes) > 1:
        (n0, b0, c0, m0), (n1, b1, c1, m1) = sizes[0], sizes[-1]
        print(
            f"\ngrowth {n0:,} -> {n1:,} employees ({n1 / n0:.0f}x): baseline {b1 / b0:.1f}x,"
            f" compute + store {c1 / c0:.1f}x, compute peak RSS {m1 / m0:.1f}x"
        )


if __name__ == "__main__":
    main()
