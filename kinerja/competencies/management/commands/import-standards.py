"""`kinerja import-standards FILE --agency CODE [--dry-run] [--background]`: the web import of
position standards (`jabatan, kode_kompetensi, level`), from the shell."""

from django.core.management.base import BaseCommand

from kinerja.competencies.services import standards_import, standards_import_summary
from kinerja.jobs.cli import import_arguments, import_command
from kinerja.jobs.models import Job


class Command(BaseCommand):
    help = "Impor standar kompetensi jabatan dari berkas XLSX/CSV (semua atau tidak sama sekali)."

    def add_arguments(self, parser):
        import_arguments(parser)

    def handle(self, *args, **options):
        def run(agency, data, filename, progress):
            errors, changed = standards_import(
                agency=agency,
                data=data,
                filename=filename,
                acting_user=None,
                dry_run=options["dry_run"],
                progress=progress,
            )
            lines = [standards_import_summary(errors, changed, dry_run=options["dry_run"])]
            lines += [f"Baris {e.row}, kolom {e.column}: {e.message}" for e in errors]
            return not errors, lines, len(errors)

        import_command(self, options, kind=Job.Kind.STANDARDS_IMPORT, run=run)
