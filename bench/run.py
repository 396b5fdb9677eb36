"""Benchmarks: employee import (10,000-row XLSX) and the employee list page at 10,000 employees.

Run with `make bench` (SQLite in a throwaway folder) or
`DATABASE_URL=postgres://… .venv/bin/python bench/run.py` (uses/clears a `bench` agency).
Prints time, peak Python memory, and ratios against baselines measured in the same run."""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if "DATABASE_URL" not in os.environ:
    os.environ["KINERJA_VAR_DIR"] = tempfile.mkdtemp(prefix="kinerja-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinerja.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from kinerja.core.models import Agency, Membership  # noqa: E402
from kinerja.demo.synthetic import synthetic_rows  # noqa: E402
from kinerja.organisation.importing import COLUMNS, employees_import  # noqa: E402
from kinerja.organisation.models import Employee, OrgUnit, Position  # noqa: E402


def measure(fn, repeat: int = 1):
    """(best seconds, peak traced MiB, result): timed runs without tracing, then one traced run
    for memory, because tracemalloc itself slows Python down several times."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), None, result


def peak_memory(fn) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("pegawai")
    ws.append(COLUMNS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def reset_agency(code: str) -> Agency:
    agency, _ = Agency.objects.get_or_create(code=code, defaults={"name": f"Bench {code}"})
    with transaction.atomic():
        Employee.objects.filter(agency=agency).update(supervisor=None)
        Employee.objects.filter(agency=agency).delete()
        Position.objects.filter(agency=agency).delete()
        OrgUnit.objects.filter(agency=agency).update(parent=None)
        OrgUnit.objects.filter(agency=agency).delete()
    return agency


def bench_import(n: int) -> list[str]:
    rows = synthetic_rows(employees=n, seed=1)
    data = xlsx_bytes(rows)
    agency = reset_agency("bench-import")

    def baseline():
        # The least work any import must do: read every cell, then insert every row once.
        wb = load_workbook(io.BytesIO(data), read_only=True)
        cells = [r for r in wb.worksheets[0].iter_rows(values_only=True)]
        unit = OrgUnit.objects.create(agency=agency, name="baseline")
        pos = Position.objects.create(agency=agency, name="baseline", position_type="pelaksana")
        with transaction.atomic():
            Employee.objects.bulk_create(
                [
                    Employee(
                        agency=agency,
                        nip=r[0],
                        name=r[1],
                        gender=r[2],
                        grade=r[3],
                        asn_status=r[4],
                        position=pos,
                        unit=unit,
                    )
                    for r in cells[1:]
                ],
                batch_size=1000,
            )
            transaction.set_rollback(True)
        pos.delete()
        unit.delete()

    def run_import():
        return employees_import(agency=agency, data=data, filename="b.xlsx", acting_user=None)

    base_t, _, _ = measure(baseline)
    base_m = peak_memory(baseline)
    first_t, _, report = measure(run_import)
    assert report.ok and report.created == n, report.errors[:5]
    again_t, _, report2 = measure(run_import)
    assert report2.ok and report2.unchanged == n
    again_m = peak_memory(run_import)
    reset_agency("bench-import")
    first_m = peak_memory(run_import)
    mib = len(data) / 2**20
    return [
        f"import {n:,} rows ({mib:.1f} MiB xlsx), {connection.vendor}:",
        f"  baseline read+bulk insert   {base_t:7.2f} s   peak {base_m:6.1f} MiB",
        f"  first import (creates all)  {first_t:7.2f} s   peak {first_m:6.1f} MiB   ratio {first_t / base_t:4.1f}x",
        f"  re-import (no changes)      {again_t:7.2f} s   peak {again_m:6.1f} MiB   ratio {again_t / base_t:4.1f}x",
    ]


def bench_list_page(n: int) -> list[str]:
    from django.contrib.auth import get_user_model

    code = "bench-list"
    agency = Agency.objects.filter(code=code).first()
    if agency is None or Employee.objects.filter(agency=agency).count() != n:
        if agency is not None:
            reset_agency(code)
        from kinerja.demo.synthetic import generate_agency

        agency = generate_agency(code=code, employees=n, seed=1)
    user, _ = get_user_model().objects.get_or_create(username="bench-admin")
    Membership.objects.get_or_create(user=user, defaults={"agency": agency, "role": "admin"})
    client = Client()
    client.force_login(user)
    unit = OrgUnit.objects.filter(agency=agency, parent__isnull=False).first()
    urls = {
        "first page": "/organisasi/pegawai/",
        "page 100": "/organisasi/pegawai/?page=100",
        "search": "/organisasi/pegawai/?q=a",
        "unit filter": f"/organisasi/pegawai/?unit={unit.pk}",
    }
    lines = [f"employee list page at {n:,} employees, {connection.vendor} (median of 7):"]

    def raw_query():
        # Baseline: one raw SQL query fetching the same 50 rows with their joins.
        with connection.cursor() as cur:
            cur.execute(
                "SELECT e.name, e.nip, p.name, u.name FROM organisation_employee e "
                "JOIN organisation_position p ON p.id = e.position_id "
                "JOIN organisation_orgunit u ON u.id = e.unit_id WHERE e.agency_id = %s "
                "ORDER BY e.name, e.nip LIMIT 50",
                [agency.pk],
            )
            return cur.fetchall()

    base = statistics.median(measure(raw_query)[0] for _ in range(7))
    lines.append(f"  baseline raw SQL 50 rows      {base * 1000:7.1f} ms")
    for label, url in urls.items():
        client.get(url)  # warm
        samples, queries = [], []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        # The request handler resets connection.queries, so count through an execute wrapper.
        with connection.execute_wrapper(count):
            response = client.get(url)
        assert response.status_code == 200
        for _ in range(7):
            samples.append(measure(lambda u=url: client.get(u))[0])
        t = statistics.median(samples)
        lines.append(
            f"  {label:<28} {t * 1000:7.1f} ms  {len(queries):2d} queries  ratio {t / base:5.1f}x"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", type=int, default=10_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("load-framework", verbosity=0, stdout=io.StringIO())
    print(f"Kinerja benchmarks · Python {sys.version.split()[0]} · {os.cpu_count()} cores")
    for line in bench_import(args.employees) + bench_list_page(args.employees):
        print(line)


if __name__ == "__main__":
    main()
