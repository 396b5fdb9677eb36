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
  compute   results_compute end to end: fetch + engine + comments + bulk save, in one transaction.
Peak memory is the process's peak resident set (ru_maxrss) after each step, since numpy arrays
live outside tracemalloc's view of Python objects only in part."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import resource
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
from django.utils import timezone  # noqa: E402

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


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
    cycle = services.cycle_create(
        agency=agency,
        acting_user=None,
        name="Bench results",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        deadline=timezone.now() + dt.timedelta(days=30),
    )
    services.assignments_generate(cycle=cycle, acting_user=None)
    cycle = services.cycle_start(cycle=cycle, acting_user=None)
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
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("load-framework", verbosity=0, stdout=io.StringIO())
    print(
        f"Kinerja results benchmark · {connection.vendor} · Python {sys.version.split()[0]}"
        f" · {os.cpu_count()} cores"
    )
    for n in (int(x) for x in args.employees.split(",")):
        setup_s, cycle = timed(lambda n=n: prepared_cycle(n, args.seed))
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
        compute_s, _ = timed(lambda c=cycle: results_compute(cycle=c, acting_user=None))
        compute_rss = rss_mib()
        stored = EmployeeResult.objects.filter(cycle=cycle).count()
        print(f"  baseline GROUP BY      {base_s:7.2f} s   {groups:,} groups fetched")
        print(
            f"  fetch (load_inputs)    {fetch_s:7.2f} s   ratio {fetch_s / base_s:5.2f}"
            f"   peak RSS {fetch_rss:,.0f} MiB"
        )
        print(
            f"  engine (score_cycle)   {engine_s:7.2f} s   ratio {engine_s / base_s:5.2f}"
            f"   peak RSS {engine_rss:,.0f} MiB"
        )
        print(
            f"  compute + store        {compute_s:7.2f} s   ratio {compute_s / base_s:5.2f}"
            f"   peak RSS {compute_rss:,.0f} MiB   {stored:,} results stored"
        )


if __name__ == "__main__":
    main()
