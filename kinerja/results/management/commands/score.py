"""`kinerja score INPUT [--out OUTPUT]`: score a cycle from a file, without the web or a database."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kinerja.scoring import ScoringInputError, score_document
from kinerja.scoring.workbook import document_from_workbook, template_workbook


class Command(BaseCommand):
    help = "Hitung hasil penilaian dari berkas JSON atau XLSX (lihat docs/scoring.md)."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path, nargs="?", help="berkas .json atau .xlsx")
        parser.add_argument("--out", type=Path, help="tulis hasil ke berkas ini (bawaan: layar)")
        parser.add_argument("--template", type=Path, help="tulis templat XLSX ke berkas ini")

    def handle(self, *args, **options):
        if options["template"]:
            options["template"].write_bytes(template_workbook())
            self.stdout.write(f"Templat ditulis ke {options['template']}")
            return
        path: Path | None = options["input"]
        if path is None:
            raise CommandError("Sebutkan berkas masukan (JSON atau XLSX).")
        if not path.is_file():
            raise CommandError(f"Berkas {path} tidak ditemukan.")
        try:
            if path.suffix.lower() == ".xlsx":
                doc = document_from_workbook(path.read_bytes())
            else:
                try:
                    doc = json.loads(path.read_text(encoding="utf-8"))
                except (json.JSONDecodeError, UnicodeDecodeError) as error:
                    raise ScoringInputError("bad_json", f"JSON tidak valid: {error}") from error
            result = score_document(doc)
        except ScoringInputError as error:
            raise CommandError(f"[{error.code}] {error.message}") from error
        text = json.dumps(result, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
        if options["out"]:
            options["out"].write_text(text, encoding="utf-8")
            self.stdout.write(f"{len(result['employees'])} pegawai dinilai → {options['out']}")
        else:
            sys.stdout.write(text)
