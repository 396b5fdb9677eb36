"""`kinerja report-pdf --cycle N (--employee NIP -o file.pdf | --unit ID | --all) [--zip out.zip]
[--background]`: one employee's PDF report, or a ZIP of a unit's or the agency's reports (run
here with progress, or queued as a background job)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from kinerja.assessment.models import Cycle
from kinerja.core.errors import KinerjaError
from kinerja.organisation.models import Employee, OrgUnit

from ... import documents, selectors, services


class Command(BaseCommand):
    help = (
        "Laporan PDF hasil penilaian: satu pegawai (--employee NIP -o berkas.pdf), atau ZIP "
        "laporan sebuah unit (--unit ID) atau seluruh instansi (--all) ke --zip berkas.zip."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, metavar="SIKLUS")
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--employee", metavar="NIP", help="NIP pegawai (satu PDF)")
        who.add_argument("--unit", type=int, metavar="ID", help="unit kerja beserta sub-unitnya")
        who.add_argument("--all", action="store_true", help="seluruh instansi")
        parser.add_argument("-o", "--output", metavar="BERKAS", help="berkas PDF (--employee)")
        parser.add_argument("--zip", metavar="BERKAS", help="berkas ZIP (--unit/--all)")
        parser.add_argument(
            "--background",
            action="store_true",
            help="antrekan ZIP sebagai pekerjaan latar belakang; unduh dari /pekerjaan/",
        )

    def handle(self, *args, **options):
        cycle = Cycle.objects.select_related("agency").filter(pk=options["cycle"]).first()
        if cycle is None:
            raise CommandError(f"Siklus {options['cycle']} tidak ditemukan.")
        try:
            if options["employee"]:
                self._one(cycle, options["employee"], options["output"])
            else:
                self._zip(cycle, options)
        except KinerjaError as error:
            raise CommandError(error.message) from error

    def _one(self, cycle: Cycle, nip: str, output: str | None) -> None:
        if not output:
            raise CommandError("Sebutkan berkas PDF dengan -o.")
        employee = Employee.objects.filter(agency=cycle.agency, nip=nip.strip()).first()
        if employee is None:
            raise CommandError(f"Pegawai dengan NIP {nip} tidak ada di instansi siklus ini.")
        report = selectors.result_report(cycle=cycle, employee=employee)
        if report is None:
            raise CommandError("Hasil pegawai ini belum dihitung pada siklus ini.")
        with open(output, "wb") as out:
            out.write(documents.result_pdf(report))
        self.stdout.write(f"Laporan {employee.name} ditulis ke {output}.")

    def _zip(self, cycle: Cycle, options: dict) -> None:
        unit = None
        if options["unit"] is not None:
            unit = OrgUnit.objects.filter(agency=cycle.agency, pk=options["unit"]).first()
            if unit is None:
                raise CommandError(f"Unit {options['unit']} tidak ada di instansi siklus ini.")
        scope = "unit" if unit else "instansi"
        if options["background"]:
            job, created = services.pdf_batch_start(
                cycle=cycle, scope=scope, unit=unit, acting_user=None, background=True
            )
            verb = "diantrekan" if created else "sudah berjalan"
            self.stdout.write(
                f"Pekerjaan {job.pk} {verb}; pantau dan unduh di /pekerjaan/{job.pk}/."
            )
            return
        if not options["zip"]:
            raise CommandError("Sebutkan berkas ZIP dengan --zip (atau pakai --background).")
        rows = selectors.batch_results(cycle=cycle, scope=scope, unit_id=unit.pk if unit else None)
        total = rows.count()
        if total == 0:
            raise CommandError("Belum ada hasil yang dapat dicetak untuk cakupan ini.")
        with (
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f} %"),
                TimeElapsedColumn(),
                console=Console(file=sys.stderr),
            ) as bar,
            open(options["zip"], "wb") as out,
        ):
            task = bar.add_task("Mulai", total=100)
            written = documents.results_zip(
                cycle=cycle,
                rows=rows.iterator(chunk_size=100),
                total=total,
                out=out,
                progress=lambda stage, percent: bar.update(
                    task, description=str(stage), completed=percent
                ),
            )
        self.stdout.write(f"{written} laporan PDF ditulis ke {options['zip']}.")
