"""`kinerja import-employees FILE --agency CODE [--dry-run]`: the web import, from the shell."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kinerja.core.errors import KinerjaError
from kinerja.core.models import Agency
from kinerja.organisation.importing import employees_import


class Command(BaseCommand):
    help = "Impor pegawai dari berkas XLSX/CSV (semua atau tidak sama sekali)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", required=True, help="kode instansi")
        parser.add_argument("--dry-run", action="store_true", help="periksa saja, jangan simpan")

    def handle(self, *args, **options):
        path: Path = options["file"]
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"Instansi dengan kode {options['agency']!r} tidak ditemukan.")
        if not path.is_file():
            raise CommandError(f"Berkas {path} tidak ditemukan.")
        try:
            report = employees_import(
                agency=agency,
                data=path.read_bytes(),
                filename=path.name,
                acting_user=None,
                dry_run=options["dry_run"],
            )
        except KinerjaError as error:
            raise CommandError(error.message) from error
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"{len(report.errors)} kesalahan; tidak ada data yang diubah.")
