# ruff: noqa: B023  (each timed lambda runs at once, inside its loop iteration)
"""Benchmark: candidates for one target position, and recommendations for a whole agency, over
10,000 and 100,000 employees with a final cycle's results.

`.venv/bin/python bench/talent.py [--employees 10000,100000]` (SQLite in a throwaway folder, or
KINERJA_VAR_DIR to keep it) or `DATABASE_URL=postgres://… .venv/bin/python bench/talent.py`
(uses/clears `bench-tal-*` agencies). Setup: a synthetic agency (`generate_agency`), a final cycle
and one stored result per employee with plausible item scores (drawn around the standard, not
computed from answers: this measures the talent views, bench/results.py measures the scoring).
Then, in the same run:
  baseline         a plain read of every result row's items (values_list), the least any
                   ranking of the agency must read;
  candidates_for   talent.selectors.candidates_for(target): read + JPM against the target's
                   standard + readiness, gaps, eligibility + sort;
  ranking only     talent.ranking.rank_candidates on the already-built candidates;
  needs_analysis   development.selectors.needs_analysis: every employee's gaps and the catalog
                   items that close them (recommend), by unit;
  recommend only   development.recommend.recommend for every employee, from memory."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
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
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from kinerja.assessment.models import Cycle  # noqa: E402
from kinerja.competencies.models import PositionStandard  # noqa: E402
from kinerja.core.models import Agency, AuditEvent  # noqa: E402
from kinerja.demo.rangkui import CATALOG  # noqa: E402
from kinerja.demo.synthetic import generate_agency  # noqa: E402
from kinerja.development.models import Training  # noqa: E402
from kinerja.development.recommend import gaps_from_items, recommend  # noqa: E402
from kinerja.development.selectors import needs_analysis, options  # noqa: E402
from kinerja.organisation.models import POSITION_LEVEL, Employee, Position  # noqa: E402
from kinerja.results.models import CycleResult, EmployeeResult  # noqa: E402
from kinerja.scoring.ratings import predikat as predikat_of  # noqa: E402
from kinerja.scoring.standards import jpm, jpm_category  # noqa: E402
from kinerja.scoring.talent import nine_box  # noqa: E402
from kinerja.talent import selectors as talent  # noqa: E402
from kinerja.talent.ranking import rank_candidates  # noqa: E402

BEHAVIOUR = [f"BA.0{i}" for i in range(1, 8)]


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def prepared(n: int, seed: int) -> Agency:
    code = f"bench-tal-{n}"
    agency = Agency.objects.filter(code=code).first()
    if agency is not None and EmployeeResult.objects.filter(agency=agency).count() == n:
        return agency
    if agency is not None:
        Cycle.objects.filter(agency=agency).delete()
        AuditEvent.objects.filter(agency=agency).delete()
    agency = generate_agency(code=code, employees=n, seed=seed, replace=True)
    rng = random.Random(seed)
    standards: dict[int, dict[str, int]] = {}
    for position_id, code_, level in PositionStandard.objects.filter(agency=agency).values_list(
        "position_id", "competency__code", "required_level"
    ):
        standards.setdefault(position_id, {})[code_] = level
    with transaction.atomic():
        cycle = Cycle.objects.create(
            agency=agency,
            name="Bench talent",
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 12, 31),
            deadline=timezone.now(),
            status=Cycle.Status.FINAL,
            purpose="-",
            use_of_results="-",
            visibility="-",
            objection="-",
        )
        CycleResult.objects.create(
            agency=agency,
            cycle=cycle,
            status="final",
            scoring_version="bench",
            computed_at=timezone.now(),
        )
        Training.objects.bulk_create(
            Training(
                agency=agency,
                code=c,
                name=name,
                mode=mode,
                method=method,
                jp=jp,
                competencies=comps,
                level_min=lo,
                level_max=hi,
                provider=prov,
            )
            for c, name, mode, method, jp, comps, lo, hi, prov, _cost in CATALOG
        )
        rows = []
        for e in Employee.objects.filter(agency=agency).values("id", "unit_id", "position_id"):
            standard = standards.get(e["position_id"], {})
            items = {}
            for comp, level in standard.items():
                score = round(min(5.0, max(1.0, rng.gauss(level - 0.1, 0.6))), 2)
                items[comp] = {
                    "score": score,
                    "required": level,
                    "gap": round(score - level, 2),
                    "meets": score >= level,
                }
            for b in BEHAVIOUR:
                items[b] = {
                    "score": round(min(5.0, max(1.0, rng.gauss(3.3, 0.5))), 2),
                    "required": None,
                    "gap": None,
                    "meets": None,
                }
            value, _missing = jpm({c: i["score"] for c, i in items.items()}, standard)
            category = jpm_category(value, "penempatan")
            hasil = rng.choices(
                ["di_atas_ekspektasi", "sesuai_ekspektasi", "di_bawah_ekspektasi"], [2, 7, 1]
            )[0]
            perilaku = rng.choices(
                ["di_atas_ekspektasi", "sesuai_ekspektasi", "di_bawah_ekspektasi"], [3, 6, 1]
            )[0]
            pred = predikat_of(hasil, perilaku)
            rows.append(
                EmployeeResult(
                    agency=agency,
                    cycle=cycle,
                    employee_id=e["id"],
                    unit_id=e["unit_id"],
                    position_id=e["position_id"],
                    jpm=value,
                    jpm_category=category or "",
                    hasil_kerja=hasil,
                    perilaku_rating=perilaku,
                    perilaku_suggested=perilaku,
                    predikat=pred or "",
                    nine_box=nine_box(pred, category),
                    items=items,
                )
            )
        EmployeeResult.objects.bulk_create(rows, batch_size=2000)
    return agency


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", default="10000,100000")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("load-framework", verbosity=0, stdout=io.StringIO())
    print(
        f"Kinerja talent benchmark · {connection.vendor} · Python {sys.version.split()[0]} · {os.cpu_count()} cores"
    )
    for n in (int(x) for x in args.employees.split(",")):
        setup_s, agency = timed(lambda n=n: prepared(n, args.seed))
        # The target: the highest structural position that has a standard (a Camat-like post).
        target = max(
            Position.objects.filter(agency=agency, standards__isnull=False).distinct(),
            key=lambda p: (POSITION_LEVEL.get(p.position_type, 0), -p.pk),
        )
        cycle = talent.final_cycles(agency=agency).first()
        print(
            f"\n{n:,} employees, target {target.name!r} ({target.position_type}), setup {setup_s:.0f} s"
        )
        base_s, count = timed(
            lambda c=cycle: sum(
                1
                for _ in EmployeeResult.objects.filter(cycle=c)
                .values_list("employee_id", "items")
                .iterator(chunk_size=5000)
            )
        )
        cand_s, ranked = timed(lambda: talent.candidates_for(agency=agency, target=target))
        cand_rss = rss_mib()
        standard = dict(
            PositionStandard.objects.filter(position=target).values_list(
                "competency__code", "required_level"
            )
        )
        pool = [row.ranked.candidate for row in ranked]
        rank_s, _ = timed(
            lambda: rank_candidates(
                pool, standard, target_level=POSITION_LEVEL[target.position_type]
            )
        )
        needs_s, needs = timed(lambda: needs_analysis(agency=agency, year=2026))
        needs_rss = rss_mib()
        catalog = options(agency=agency)
        items = [
            r for r in EmployeeResult.objects.filter(cycle=cycle).values_list("items", flat=True)
        ]
        rec_s, recs = timed(lambda: [recommend(gaps_from_items(i, {}), catalog) for i in items])
        eligible = sum(1 for r in ranked if r.ranked.eligible)
        print(f"  baseline read of {count:,} results     {base_s:7.2f} s")
        print(
            f"  candidates_for (read + rank)        {cand_s:7.2f} s   ratio {cand_s / base_s:5.2f}   "
            f"peak RSS {cand_rss:,.0f} MiB   {len(ranked):,} ranked, {eligible:,} eligible"
        )
        print(
            f"  ranking only (in memory)            {rank_s:7.2f} s   ratio {rank_s / base_s:5.2f}"
        )
        print(
            f"  needs_analysis (read + recommend)   {needs_s:7.2f} s   ratio {needs_s / base_s:5.2f}   "
            f"peak RSS {needs_rss:,.0f} MiB   {len(needs.by_competency)} competencies"
        )
        print(
            f"  recommend only (in memory)          {rec_s:7.2f} s   ratio {rec_s / base_s:5.2f}   "
            f"{sum(len(r) for r in recs):,} recommendations"
        )


if __name__ == "__main__":
    main()
