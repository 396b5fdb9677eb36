"""`kinerja demo --rangkui` loads the Rangkui demo and prints its logins;
`kinerja demo --employees N --agency CODE [--seed S] [--replace]` builds a synthetic agency."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from kinerja.core.errors import KinerjaError
from kinerja.demo.rangkui import PASSWORD, URL, rangkui_load
from kinerja.demo.synthetic import generate_agency
from kinerja.organisation.models import Employee, OrgUnit, Position

LABELS = {
    "agency": "instansi",
    "teknis_competencies": "kompetensi teknis",
    "units": "unit kerja",
    "positions": "jabatan",
    "employees": "pegawai",
    "standards": "standar kompetensi",
    "users": "akun",
    "memberships": "keanggotaan",
    "employee_links": "tautan akun–pegawai",
    "cycles": "siklus penilaian",
    "simulated_forms": "formulir simulasi terkirim",
}


class Command(BaseCommand):
    help = (
        "Memuat data demo Kecamatan Rangkui (--rangkui), atau membuat instansi sintetis untuk uji "
        "beban (--employees N --agency KODE [--seed S] [--replace])."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rangkui", action="store_true", help="muat demo Kecamatan Rangkui (aman diulang)"
        )
        parser.add_argument("--employees", type=int, help="jumlah pegawai instansi sintetis")
        parser.add_argument("--agency", help="kode instansi sintetis (dibuat bila belum ada)")
        parser.add_argument("--seed", type=int, default=1, help="benih acak (bawaan 1)")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="hapus dulu pegawai, jabatan, unit, dan standar instansi sintetis itu",
        )

    def handle(self, *args, **options):
        if options["rangkui"] and options["employees"] is not None:
            raise CommandError("Pilih salah satu: --rangkui atau --employees N --agency KODE.")
        try:
            if options["rangkui"]:
                self._rangkui()
            elif options["employees"] is not None:
                self._synthetic(options)
            else:
                raise CommandError("Pilih --rangkui atau --employees N --agency KODE.")
        except KinerjaError as error:
            raise CommandError(error.message) from error

    def _rangkui(self) -> None:
        result = rangkui_load()
        agency = result.agency
        if result.changed:
            made = ", ".join(
                f"{n} {LABELS.get(key, key)}" for key, n in result.created.items() if n
            )
            self.stdout.write(f"Data demo {agency.name} dimuat ({made}).")
        else:
            self.stdout.write(f"Data demo {agency.name} sudah lengkap; tidak ada yang diubah.")
        counts = (
            f"{OrgUnit.objects.filter(agency=agency).count()} unit kerja, "
            f"{Position.objects.filter(agency=agency).count()} jabatan, "
            f"{Employee.objects.filter(agency=agency).count()} pegawai"
        )
        self.stdout.write(f"Instansi {agency.name} ({agency.region}): {counts}.")
        self.stdout.write("")
        self.stdout.write(f"Login demo (kata sandi awal semua akun: {PASSWORD}):")
        header = ("Nama pengguna", "Kata sandi", "Peran", "Pegawai — jabatan")
        rows = [
            (login.username, PASSWORD, login.role, f"{login.name} — {login.position}")
            for login in result.logins
        ]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
        for row in [header, *rows]:
            cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:3])]
            self.stdout.write("  " + "  ".join([*cells, row[3]]))
        self.stdout.write("")
        self.stdout.write(f"Buka {URL} lalu masuk dengan salah satu akun di atas.")
        self.stdout.write("Akun yang sudah ada tidak diubah (kata sandi yang sudah diganti tetap).")

    def _synthetic(self, options) -> None:
        code, employees = options["agency"], options["employees"]
        if not code:
            raise CommandError("--employees memerlukan --agency KODE.")
        if employees < 1:
            raise CommandError("Jumlah pegawai (--employees) minimal 1.")
        start = time.perf_counter()
        agency = generate_agency(
            code=code, employees=employees, seed=options["seed"], replace=options["replace"]
        )
        seconds = time.perf_counter() - start
        self.stdout.write(
            f"{agency.name} ({agency.code}): "
            f"{Employee.objects.filter(agency=agency).count()} pegawai, "
            f"{OrgUnit.objects.filter(agency=agency).count()} unit kerja, "
            f"{Position.objects.filter(agency=agency).count()} jabatan dibuat "
            f"(seed {options['seed']}) dalam {seconds:.1f} detik."
        )
