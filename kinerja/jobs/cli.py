"""The terminal face of imports: `--background` queues the import as a job (and prints its id),
otherwise it runs here with a progress bar on stderr, as `kinerja results compute` does."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from kinerja.core.errors import KinerjaError
from kinerja.core.models import Agency

from .files import import_job_start

# The work: (agency, data, filename, progress) -> (ok, report lines, error count)
ImportRun = Callable[[Agency, bytes, str, Callable[[str, int], None]], tuple[bool, list[str], int]]


def import_arguments(parser: Any) -> None:
    parser.add_argument("file", type=Path)
    parser.add_argument("--agency", required=True, help="kode instansi")
    parser.add_argument("--dry-run", action="store_true", help="periksa saja, jangan simpan")
    parser.add_argument(
        "--background",
        action="store_true",
        help="antrekan sebagai pekerjaan latar belakang (worker), cetak nomornya, kembali segera",
    )


def import_command(command: BaseCommand, options: dict[str, Any], *, kind: str, run: ImportRun):
    path: Path = options["file"]
    agency = Agency.objects.filter(code=options["agency"]).first()
    if agency is None:
        raise CommandError(f"Instansi dengan kode {options['agency']!r} tidak ditemukan.")
    if not path.is_file():
        raise CommandError(f"Berkas {path} tidak ditemukan.")
    data = path.read_bytes()
    try:
        if options["background"]:
            job = import_job_start(
                agency=agency,
                kind=kind,
                data=data,
                filename=path.name,
                acting_user=None,
                dry_run=options["dry_run"],
            )
            command.stdout.write(f"Pekerjaan {job.pk} diantrekan; pantau di /pekerjaan/{job.pk}/.")
            return
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f} %"),
            TimeElapsedColumn(),
            console=Console(file=sys.stderr),
            transient=True,
        ) as bar:
            task = bar.add_task("Mulai", total=100)
            ok, lines, errors = run(
                agency,
                data,
                path.name,
                lambda stage, percent: bar.update(task, description=str(stage), completed=percent),
            )
    except KinerjaError as error:
        raise CommandError(error.message) from error
    for line in lines:
        command.stdout.write(line)
    if not ok:
        raise CommandError(f"{errors} kesalahan; tidak ada data yang diubah.")
