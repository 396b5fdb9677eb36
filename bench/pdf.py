"""Benchmark: the individual PDF report (kinerja/reports) and a ZIP of them, against two
baselines measured in the same run.

`.venv/bin/python bench/pdf.py [--reports 20]` (SQLite in a throwaway folder, or DATABASE_URL /
KINERJA_VAR_DIR to use yours). Setup: the Rangkui demo (its final 2025 cycle, 118 results).
Then, for the same `--reports` employees of that cycle:
  report data   reports.selectors.result_report: the stored result, its page, recommendations
                and plan (what every report reads);
  HTML          the report's HTML with its print CSS inlined (pdf.render_html), what a browser
                would get;
  one page      baseline: WeasyPrint on a one-page document with the same print CSS and fonts,
                the least any PDF of this product costs;
  PDF           documents.result_pdf: the whole report (HTML + layout + fonts + write);
  ZIP           documents.results_zip of the same employees (what a PDF_BATCH job does), per
                report.
Prints milliseconds per report (median and slowest), pages and bytes per file, the PDF's ratio to
the one-page baseline and to its HTML, and the process's peak RSS."""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if "DATABASE_URL" not in os.environ and "KINERJA_VAR_DIR" not in os.environ:
    os.environ["KINERJA_VAR_DIR"] = tempfile.mkdtemp(prefix="kinerja-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinerja.settings")

import django  # noqa: E402

django.setup()

import pypdf  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from kinerja.assessment.models import Cycle  # noqa: E402
from kinerja.reports import documents, pdf, selectors  # noqa: E402
from kinerja.results.models import EmployeeResult  # noqa: E402

ONE_PAGE = """<!doctype html><html lang="id"><head><meta charset="utf-8">
<style>{css}</style></head><body><h1>Laporan</h1><p>Satu halaman, tanpa data.</p></body></html>"""


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def per_report(fn, items) -> tuple[list[float], list]:
    times, out = [], []
    for item in items:
        start = time.perf_counter()
        out.append(fn(item))
        times.append(time.perf_counter() - start)
    return times, out


def line(label: str, times: list[float], base: float | None = None, extra: str = "") -> str:
    median = statistics.median(times) * 1000
    text = f"  {label:<14} {median:8.1f} ms median  {max(times) * 1000:8.1f} ms slowest"
    if base:
        text += f"  ×{statistics.median(times) / base:6.1f} of one page"
    return text + (f"  {extra}" if extra else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=20)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("demo", rangkui=True, stdout=io.StringIO())
    cycle = Cycle.objects.select_related("agency").get(
        agency__code="rangkui", status=Cycle.Status.FINAL
    )
    rows = list(
        EmployeeResult.objects.filter(cycle=cycle)
        .select_related("employee__agency")
        .order_by("employee__nip")[: args.reports]
    )
    print(
        f"Kinerja PDF reports · Python {sys.version.split()[0]} · {os.cpu_count()} cores · "
        f"{connection.vendor} · WeasyPrint {version('weasyprint')} · HarfBuzz subset "
        f"{'yes' if pdf_subsetting() else 'no (fontTools)'} · {len(rows)} reports of "
        f"{cycle.name}",
        flush=True,
    )
    shared = selectors.report_shared(cycle=cycle)
    data_t, reports = per_report(
        lambda r: selectors.result_report(
            cycle=cycle, employee=r.employee, result=r, shared=shared
        ),
        rows,
    )
    html_t, _html = per_report(
        lambda rep: pdf.render_html("reports/result.html", documents.result_context(rep)),
        reports,
    )
    css = pdf.render_html("reports/result.html", {"agency": cycle.agency}).split("<style>")[1]
    one = ONE_PAGE.format(css=css.split("</style>")[0])
    pdf.html_to_pdf(one)  # the first render loads the fonts; not what is measured
    one_t, _one = per_report(lambda _i: pdf.html_to_pdf(one), range(max(5, len(rows) // 2)))
    pdf_t, files = per_report(lambda rep: documents.result_pdf(rep), reports)
    pages = [len(pypdf.PdfReader(io.BytesIO(f)).pages) for f in files]
    sizes = [len(f) for f in files]

    out = io.BytesIO()
    start = time.perf_counter()
    written = documents.results_zip(cycle=cycle, rows=rows, total=len(rows), out=out)
    zip_s = time.perf_counter() - start

    base = statistics.median(one_t)
    print(line("report data", data_t))
    print(line("HTML", html_t))
    print(line("one page", one_t, extra="(baseline)"))
    print(
        line(
            "PDF",
            pdf_t,
            base,
            f"×{statistics.median(pdf_t) / statistics.median(html_t):.0f} of its HTML · "
            f"{min(pages)}–{max(pages)} pages · {statistics.median(sizes) / 1024:.0f} KiB median",
        )
    )
    print(
        f"  {'ZIP':<14} {zip_s / written * 1000:8.1f} ms a report ({written} reports, "
        f"{zip_s:.1f} s, {len(out.getvalue()) / 1024:.0f} KiB) → 5,000 reports ≈ "
        f"{zip_s / written * 5000 / 60:.0f} min on one worker"
    )
    print(f"  peak RSS {rss_mib():.0f} MiB")


def pdf_subsetting() -> bool:
    from weasyprint.text import ffi

    return ffi.harfbuzz_subset is not None


if __name__ == "__main__":
    main()
