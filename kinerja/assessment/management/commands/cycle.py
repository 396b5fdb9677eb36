"""`kinerja cycle create|assign|start|simulate|remind|announce|close|status`: run a cycle from the
shell."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kinerja.assessment import selectors, services
from kinerja.assessment.announcements import announcements_send
from kinerja.assessment.models import Cycle
from kinerja.assessment.reminders import send_reminders
from kinerja.assessment.simulate import simulate_responses
from kinerja.core.errors import KinerjaError
from kinerja.core.models import Agency


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Tanggal {value!r} harus berformat YYYY-MM-DD.") from exc


class Command(BaseCommand):
    help = (
        "Siklus penilaian: create (buat draf), assign (buat penugasan penilai), start (mulai), "
        "simulate (isi formulir dengan jawaban simulasi), remind (kirim pengingat), announce (kirim "
        "pengumuman siklus ke peserta yang belum menerimanya), close (tutup), "
        "status (jumlah formulir per status)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="PERINTAH")
        create = sub.add_parser("create", help="buat siklus berstatus draf; mencetak id siklus")
        create.add_argument("--agency", required=True, help="kode instansi")
        create.add_argument("--name", required=True, help="nama siklus")
        create.add_argument("--start", required=True, help="awal periode (YYYY-MM-DD)")
        create.add_argument("--end", required=True, help="akhir periode (YYYY-MM-DD)")
        create.add_argument(
            "--deadline", required=True, help="batas pengisian (YYYY-MM-DD, sampai 23.59)"
        )
        for name, text in [
            ("assign", "buat (ulang) penugasan penilai dari struktur organisasi"),
            ("start", "mulai siklus (draf → berjalan); membekukan butir dan standar"),
            ("remind", "kirim e-mail pengingat (paling banyak sekali sehari per penilai)"),
            (
                "announce",
                "kirim pengumuman siklus ke peserta yang belum menerimanya (sekali per orang)",
            ),
            ("close", "tutup siklus (berjalan → ditutup)"),
        ]:
            sub.add_parser(name, help=text).add_argument("cycle", type=int, metavar="SIKLUS")
        simulate = sub.add_parser("simulate", help="isi formulir yang belum selesai (demo/uji)")
        simulate.add_argument("cycle", type=int, metavar="SIKLUS")
        simulate.add_argument("--seed", type=int, default=1, help="benih acak (bawaan 1)")
        simulate.add_argument(
            "--force", action="store_true", help="jalankan walau pegawai sungguhan sudah mengisi"
        )
        status = sub.add_parser("status", help="jumlah formulir per status dan per hubungan")
        status.add_argument("cycle", type=int, metavar="SIKLUS")
        status.add_argument("--json", action="store_true", help="cetak sebagai JSON")

    def handle(self, *args, **options):
        action = options["action"]
        try:
            if action == "create":
                self._create(options)
                return
            cycle = Cycle.objects.select_related("agency").filter(pk=options["cycle"]).first()
            if cycle is None:
                raise CommandError(f"Siklus {options['cycle']} tidak ditemukan.")
            getattr(self, f"_{action}")(cycle, options)
        except KinerjaError as error:
            raise CommandError(error.message) from error

    def _create(self, options) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"Instansi dengan kode {options['agency']!r} tidak ditemukan.")
        deadline = timezone.make_aware(
            dt.datetime.combine(_date(options["deadline"]), dt.time(23, 59, 59))
        )
        cycle = services.cycle_create(
            agency=agency,
            acting_user=None,
            name=options["name"],
            period_start=_date(options["start"]),
            period_end=_date(options["end"]),
            deadline=deadline,
        )
        self.stdout.write(str(cycle.pk))

    def _assign(self, cycle: Cycle, options) -> None:
        report = services.assignments_generate(cycle=cycle, acting_user=None)
        self.stdout.write(
            f"{report.created} penugasan dibuat, {report.removed} dihapus, "
            f"{report.kept} dipertahankan; {len(report.below_threshold)} pegawai dinilai oleh "
            f"kurang dari {cycle.anonymity_threshold} rekan/bawahan."
        )

    def _start(self, cycle: Cycle, options) -> None:
        cycle = services.cycle_start(cycle=cycle, acting_user=None)
        self.stdout.write(
            f"Siklus {cycle.pk} ({cycle.name}) berjalan dengan {len(cycle.items)} butir penilaian."
        )

    def _simulate(self, cycle: Cycle, options) -> None:
        n = simulate_responses(
            cycle=cycle, seed=options["seed"], force=options["force"], acting_user=None
        )
        self.stdout.write(f"{n} formulir diisi dengan jawaban simulasi (seed {options['seed']}).")

    def _remind(self, cycle: Cycle, options) -> None:
        n = send_reminders(cycle=cycle, acting_user=None)
        self.stdout.write(f"{n} pengingat dikirim.")

    def _announce(self, cycle: Cycle, options) -> None:
        n = announcements_send(cycle=cycle, acting_user=None)
        self.stdout.write(f"{n} pengumuman dikirim.")

    def _close(self, cycle: Cycle, options) -> None:
        cycle = services.cycle_transition(cycle=cycle, action="close", acting_user=None)
        self.stdout.write(f"Siklus {cycle.pk} ({cycle.name}) ditutup.")

    def _status(self, cycle: Cycle, options) -> None:
        counts = selectors.assignment_state_counts(cycle=cycle)
        if options["json"]:
            body = {"cycle": cycle.pk, "name": cycle.name, "status": cycle.status} | counts
            self.stdout.write(json.dumps(body, sort_keys=True))
            return
        self.stdout.write(
            f"Siklus {cycle.pk} · {cycle.name} · {cycle.get_status_display()} · "
            f"{counts['total']} formulir"
        )
        self.stdout.write(
            f"  {'hubungan':<10} {'total':>7} {'belum':>7} {'draf':>7} {'terkirim':>9}"
        )
        rows = [*counts["by_relation"].items(), ("semua", counts | counts["by_state"])]
        for label, row in rows:
            self.stdout.write(
                f"  {label:<10} {row['total']:>7} {row['belum_mulai']:>7} {row['draf']:>7} "
                f"{row['terkirim']:>9}"
            )
