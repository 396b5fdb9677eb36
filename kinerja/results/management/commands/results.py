"""`kinerja results compute|finalise|status CYCLE`: compute, finalise and inspect a cycle's results."""

from __future__ import annotations

import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from kinerja.assessment.models import Cycle
from kinerja.core.errors import KinerjaError
from kinerja.jobs import services as jobs
from kinerja.jobs.models import Job
from kinerja.results import selectors, services


class Command(BaseCommand):
    help = (
        "Hasil siklus: compute (hitung dan simpan; dapat diulang sampai final), finalise "
        "(tetapkan final, tidak dapat diubah lagi), status (ringkasan hasil)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in [
            ("compute", "hitung dan simpan hasil siklus yang sudah ditutup"),
            ("finalise", "tetapkan hasil sebagai final (permanen)"),
            ("status", "ringkasan hasil"),
        ]:
            p = sub.add_parser(name, help=text)
            p.add_argument("cycle", type=int, metavar="SIKLUS")
            if name == "compute":
                p.add_argument(
                    "--background",
                    action="store_true",
                    help="antrekan sebagai pekerjaan latar belakang (worker) dan kembali segera",
                )
            if name == "status":
                p.add_argument("--json", action="store_true", help="cetak sebagai JSON")

    def _compute(self, cycle: Cycle, *, background: bool) -> None:
        """The compute as a job (kinerja/jobs): enqueued for the worker (--background), or run
        here with a progress bar on the terminal; either way one job per cycle at a time."""
        services.compute_check(cycle)
        started = time.perf_counter()
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f} %"),
            TimeElapsedColumn(),
            console=Console(file=sys.stderr),
            disable=background,
        ) as bar:
            task = bar.add_task("Mulai", total=100)
            job, created = jobs.job_start(
                agency=cycle.agency,
                kind=Job.Kind.RESULTS_COMPUTE,
                target_id=cycle.pk,
                target_name=cycle.name,
                acting_user=None,
                inline=not background,
                echo=lambda stage, percent: bar.update(
                    task, description=str(stage), completed=percent
                ),
            )
        if not created:
            self.stdout.write(
                f"Perhitungan siklus ini sudah berjalan sebagai pekerjaan {job.pk}; "
                f"pantau di /pekerjaan/{job.pk}/."
            )
        elif background:
            self.stdout.write(f"Pekerjaan {job.pk} diantrekan; pantau di /pekerjaan/{job.pk}/.")
        elif job.state == Job.State.FAILED:
            raise KinerjaError("job_failed", job.error)
        else:
            self.stdout.write(f"{job.message} ({time.perf_counter() - started:.1f} detik)")

    def handle(self, *args, **options):
        cycle = Cycle.objects.select_related("agency").filter(pk=options["cycle"]).first()
        if cycle is None:
            raise CommandError(f"Siklus {options['cycle']} tidak ditemukan.")
        try:
            if options["action"] == "compute":
                self._compute(cycle, background=options["background"])
            elif options["action"] == "finalise":
                services.results_finalise(cycle=cycle, acting_user=None)
                self.stdout.write(f"Hasil siklus {cycle.name!r} ditetapkan final.")
            else:
                status = selectors.results_status(cycle=cycle)
                if options["json"]:
                    self.stdout.write(json.dumps(status, sort_keys=True))
                else:
                    for key, value in status.items():
                        self.stdout.write(f"{key}: {value}")
        except KinerjaError as error:
            raise CommandError(error.message) from error
