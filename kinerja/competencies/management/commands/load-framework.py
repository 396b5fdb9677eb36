"""`kinerja load-framework`: loads or updates the national competency framework (no agency data)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from kinerja.competencies.services import NATIONAL_FRAMEWORK_FILE, framework_load


class Command(BaseCommand):
    help = "Memuat atau memperbarui kamus kompetensi nasional (PermenPANRB 38/2017 dan BerAKHLAK)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", type=Path, default=NATIONAL_FRAMEWORK_FILE, help="berkas JSON kamus"
        )

    def handle(self, *args, **options):
        framework, changed = framework_load(path=options["file"])
        counts = f"{framework.competencies.count()} kompetensi, {framework.behaviour_values.count()} nilai BerAKHLAK"
        state = "dimuat/diperbarui" if changed else "sudah mutakhir"
        self.stdout.write(f"Kamus {framework.code} v{framework.version} {state}: {counts}.")
