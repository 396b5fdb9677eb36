"""`kinerja import-catalog FILE --agency CODE [--dry-run] [--background]`: the web import of the
training catalog, from the shell."""

from django.core.management.base import BaseCommand

from kinerja.development.services import trainings_import, trainings_import_summary
from kinerja.jobs.cli import import_arguments, import_command
from kinerja.jobs.models import Job


class Command(BaseCommand):
    help = "Impor katalog pelatihan dari berkas XLSX/CSV (semua atau tidak sama sekali)."

    def add_arguments(self, parser):
        import_arguments(parser)

    def handle(self, *args, **options):
        def run(agency, data, filename, progress):
            report = trainings_import(
                agency=agency,
                data=data,
                filename=filename,
                acting_user=None,
                dry_run=options["dry_run"],
                progress=progress,
            )
            lines = [trainings_import_summary(report, dry_run=options["dry_run"])]
            lines += [f"Baris {e.row}, kolom {e.column}: {e.message}" for e in report.errors]
            return report.ok, lines, len(report.errors)

        import_command(self, options, kind=Job.Kind.CATALOG_IMPORT, run=run)
