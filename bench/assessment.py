"""Benchmark: rater assignment and simulated responses for a synthetic agency of 10,000 employees.

`.venv/bin/python bench/assessment.py` (SQLite in a throwaway folder) or
`DATABASE_URL=postgres://… .venv/bin/python bench/assessment.py` (uses/clears a `bench-assess`
agency). Prints time, peak Python memory (tracemalloc, in a separate run) and counts, with ratios
against a plain `bulk_create` of the same rows measured in the same run."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if "DATABASE_URL" not in os.environ:
    os.environ["KINERJA_VAR_DIR"] = tempfile.mkdtemp(prefix="kinerja-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinerja.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from kinerja.assessment import services  # noqa: E402
from kinerja.assessment.assignment import Person, Rules, plan_assignments  # noqa: E402
from kinerja.assessment.models import (  # noqa: E402
    Cycle,
    RaterAssignment,
    Response,
    ResponseItem,
)
from kinerja.assessment.simulate import simulate_responses  # noqa: E402
from kinerja.core.models import Agency  # noqa: E402
from kinerja.demo.synthetic import generate_agency  # noqa: E402
from kinerja.organisation.models import Employee  # noqa: E402

CODE = "bench-assess"


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def peak_memory(fn) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


class Rollback(Exception):
    pass


def rolled_back(fn):
    """Runs fn in a transaction that is then rolled back (for baselines)."""

    def run():
        try:
            with transaction.atomic():
                fn()
                raise Rollback
        except Rollback:
            pass

    return run


def agency_with(n: int) -> Agency:
    agency = Agency.objects.filter(code=CODE).first()
    if agency is not None and Employee.objects.filter(agency=agency).count() == n:
        return agency
    Cycle.objects.filter(agency__code=CODE).delete()
    return generate_agency(code=CODE, employees=n, seed=1, replace=True)


def new_cycle(agency: Agency) -> Cycle:
    Cycle.objects.filter(agency=agency).delete()
    return services.cycle_create(
        agency=agency,
        acting_user=None,
        name="Bench",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        deadline=timezone.now() + dt.timedelta(days=30),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("load-framework", verbosity=0, stdout=io.StringIO())
    print(
        f"Kinerja assessment benchmark · Python {sys.version.split()[0]} · {os.cpu_count()} cores"
    )

    agency = agency_with(args.employees)
    cycle = new_cycle(agency)
    people = [
        Person(*row)
        for row in Employee.objects.filter(agency=agency, is_active=True).values_list(
            "id", "supervisor_id", "unit_id", "position__position_type"
        )
    ]
    rules = Rules(
        max_peers=cycle.max_peers,
        max_subordinates=cycle.max_subordinates,
        max_forms_per_rater=cycle.max_forms_per_rater,
        min_peers=cycle.anonymity_threshold,
    )
    plan_t, plan = timed(lambda: plan_assignments(people, rules))
    plan_m = peak_memory(lambda: plan_assignments(people, rules))

    def baseline_assignments():
        RaterAssignment.objects.bulk_create(
            [
                RaterAssignment(
                    agency=agency,
                    cycle=cycle,
                    rater_id=p.rater,
                    ratee_id=p.ratee,
                    relation=p.relation,
                )
                for p in plan.pairs
            ],
            batch_size=2000,
        )

    base_t, _ = timed(rolled_back(baseline_assignments))
    base_m = peak_memory(rolled_back(baseline_assignments))
    gen_t, report = timed(lambda: services.assignments_generate(cycle=cycle, acting_user=None))
    regen_t, _ = timed(lambda: services.assignments_generate(cycle=cycle, acting_user=None))
    gen_m = peak_memory(lambda: services.assignments_generate(cycle=cycle, acting_user=None))
    forms = RaterAssignment.objects.filter(cycle=cycle).count()
    by_relation = dict(
        RaterAssignment.objects.filter(cycle=cycle)
        .values_list("relation")
        .annotate(n=Count("id"))
        .values_list("relation", "n")
    )

    start_t, cycle = timed(lambda: services.cycle_start(cycle=cycle, acting_user=None))

    def clear_responses():
        Response.objects.filter(assignment__cycle=cycle).delete()

    sim_t, filled = timed(lambda: simulate_responses(cycle=cycle, seed=args.seed))
    items = ResponseItem.objects.filter(response__assignment__cycle=cycle).count()
    item_rows = list(
        ResponseItem.objects.filter(response__assignment__cycle=cycle)
        .order_by("id")
        .values_list("response__assignment_id", "item")
    )
    clear_responses()
    sim_m = peak_memory(lambda: simulate_responses(cycle=cycle, seed=args.seed))

    def baseline_responses():
        # The least any simulation must write: the same responses and items with a fixed level.
        now = timezone.now()
        assignment_ids = list(
            RaterAssignment.objects.filter(cycle=cycle).values_list("id", flat=True)
        )
        responses = Response.objects.bulk_create(
            [
                Response(agency=agency, assignment_id=pk, submitted_at=now, version=1)
                for pk in assignment_ids
            ],
            batch_size=5000,
        )
        response_of = {r.assignment_id: r.pk for r in responses}
        for i in range(0, len(item_rows), 5000):
            ResponseItem.objects.bulk_create(
                [
                    ResponseItem(response_id=response_of[a], item=code, level=3)
                    for a, code in item_rows[i : i + 5000]
                ]
            )

    clear_responses()
    sim_base_t, _ = timed(rolled_back(baseline_responses))
    sim_base_m = peak_memory(rolled_back(baseline_responses))
    clear_responses()

    n = len(people)
    relations = ", ".join(f"{k} {v:,}" for k, v in sorted(by_relation.items()))
    lines = [
        f"assessment for {n:,} employees, {connection.vendor}:",
        f"  plan_assignments (pure)        {plan_t:7.2f} s   peak {plan_m:6.1f} MiB   "
        f"{len(plan.pairs):,} pairs",
        f"  baseline bulk_create forms     {base_t:7.2f} s   peak {base_m:6.1f} MiB",
        f"  assignments_generate (first)   {gen_t:7.2f} s   peak {gen_m:6.1f} MiB   "
        f"ratio {gen_t / base_t:4.1f}x   {report.created:,} forms",
        f"  assignments_generate (again)   {regen_t:7.2f} s                      "
        f"ratio {regen_t / base_t:4.1f}x",
        f"  forms: {forms:,} ({forms / n:.1f} per employee; {relations}); "
        f"{len(report.below_threshold):,} ratees below the anonymity threshold",
        f"  cycle_start (freeze)           {start_t:7.2f} s",
        f"  baseline bulk_create answers   {sim_base_t:7.2f} s   peak {sim_base_m:6.1f} MiB",
        f"  simulate_responses             {sim_t:7.2f} s   peak {sim_m:6.1f} MiB   "
        f"ratio {sim_t / sim_base_t:4.1f}x   {filled:,} forms, {items:,} answers",
    ]
    for line in lines:
        print(line)
    Cycle.objects.filter(pk=cycle.pk).delete()


if __name__ == "__main__":
    main()
