"""`kinerja results compute|finalise|status CYCLE`: compute, finalise and inspect a cycle's results."""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError

from kinerja.assessment.models import Cycle
from kinerja.core.errors import KinerjaError
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
            if name == "status":
                p.add_argument("--json", action="store_true", help="cetak sebagai JSON")

    def handle(self, *args, **options):
        cycle = Cycle.objects.select_related("agency").filter(pk=options["cycle"]).first()
        if cycle is None:
            raise CommandError(f"Siklus {options['cycle']} tidak ditemukan.")
        try:
            if options["action"] == "compute":
                started = time.perf_counter()
                result = services.results_compute(cycle=cycle, acting_user=None)
                self.stdout.write(
                    f"Hasil dihitung untuk {result.summary['employees']} pegawai "
                    f"({result.summary['flagged']} dengan catatan) dalam "
                    f"{time.perf_counter() - started:.1f} detik."
                )
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
