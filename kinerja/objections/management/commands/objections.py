"""`kinerja objections remind`: the daily reminders to the officials (run it from cron or a
worker; running it twice sends nothing twice)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from kinerja.objections.reminders import send_objection_reminders


class Command(BaseCommand):
    help = (
        "Keberatan: remind (kirim e-mail pengingat kepada atasan pejabat penilai sebelum batas "
        "keputusan; sekali per keberatan per ambang, aman dijalankan berulang)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="PERINTAH")
        sub.add_parser("remind", help="kirim pengingat batas keputusan keberatan")

    def handle(self, *args, **options):
        if options["action"] == "remind":
            sent = send_objection_reminders()
            self.stdout.write(f"{sent} pengingat keberatan dikirim.")
