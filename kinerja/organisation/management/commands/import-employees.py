"""`kinerja import-employees FILE --agency CODE [--dry-run] [--background]`: the web import,
from the shell; in the foreground with a progress bar, or queued as a background job."""

from django.core.management.base import BaseCommand

from kinerja.jobs.cli import import_arguments, import_command
from kinerja.jobs.models import Job
from kinerja.organisation.importing import employees_import


class Command(BaseCommand):
    help = "Impor pegawai dari berkas XLSX/CSV (semua atau tidak sama sekali)."

    def add_arguments(self, parser):
        import_arguments(parser)

    def handle(self, *args, **options):
        def run(agency, data, filename, progress):
            report = employees_import(
                agency=agency,
                data=data,
                filename=filename,
                acting_user=None,
                dry_run=options["dry_run"],
                progress=progress,
            )
            return report.ok, report.lines(), len(report.errors)

        import_command(self, options, kind=Job.Kind.EMPLOYEES_IMPORT, run=run)
