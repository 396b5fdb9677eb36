"""`kinerja cycle …`: create, assign, start, simulate, remind, close and status from the shell."""

from __future__ import annotations

import io
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from kinerja.assessment.models import Cycle, RaterAssignment, Response
from kinerja.core.models import AuditEvent
from kinerja.organisation.models import Employee

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("cycle", *args, stdout=out)
    return out.getvalue()


def create(agency: str = "a") -> Cycle:
    out = run(
        "create",
        "--agency",
        agency,
        "--name",
        "Penilaian 2026",
        "--start",
        "2026-01-01",
        "--end",
        "2026-12-31",
        "--deadline",
        "2099-06-30",
    )
    return Cycle.objects.get(pk=int(out.strip()))


def status(cycle: Cycle) -> dict:
    return json.loads(run("status", str(cycle.pk), "--json"))


def test_a_cycle_runs_from_the_shell(world, framework, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cycle = create()
    assert cycle.agency == world.agency and cycle.status == "draf"
    assert (str(cycle.period_start), str(cycle.period_end)) == ("2026-01-01", "2026-12-31")
    assert timezone.localtime(cycle.deadline).isoformat() == "2099-06-30T23:59:59+07:00"

    assert "9 penugasan dibuat" in run("assign", str(cycle.pk))
    assert "berjalan" in run("start", str(cycle.pk))

    before = status(cycle)
    assert before == {
        "cycle": cycle.pk,
        "name": "Penilaian 2026",
        "status": "berjalan",
        "total": 9,
        "by_state": {"belum_mulai": 9, "draf": 0, "terkirim": 0},
        "by_relation": {
            "diri": {"total": 3, "belum_mulai": 3, "draf": 0, "terkirim": 0},
            "atasan": {"total": 2, "belum_mulai": 2, "draf": 0, "terkirim": 0},
            "rekan": {"total": 2, "belum_mulai": 2, "draf": 0, "terkirim": 0},
            "bawahan": {"total": 2, "belum_mulai": 2, "draf": 0, "terkirim": 0},
        },
    }

    Employee.objects.filter(agency=world.agency).update(email="x@example.go.id")
    assert "3 pengingat dikirim" in run("remind", str(cycle.pk))
    assert len(mail.outbox) == 3
    assert "0 pengingat dikirim" in run("remind", str(cycle.pk))  # once a day

    assert "9 formulir diisi" in run("simulate", str(cycle.pk), "--seed", "4")
    after = status(cycle)
    assert after["by_state"] == {"belum_mulai": 0, "draf": 0, "terkirim": 9}
    assert list(after) == list(before)  # stable keys

    text = run("status", str(cycle.pk))
    assert "Penilaian 2026" in text and "terkirim" in text and "rekan" in text

    assert "ditutup" in run("close", str(cycle.pk))
    cycle.refresh_from_db()
    assert cycle.status == "ditutup"
    assert AuditEvent.objects.filter(agency=world.agency, action="cycle.close").count() == 1


def test_simulate_refuses_a_cycle_real_people_fill_unless_forced(world, framework):
    cycle = create()
    run("assign", str(cycle.pk))
    run("start", str(cycle.pk))
    a = RaterAssignment.objects.filter(cycle=cycle).first()
    Response.objects.create(agency=world.agency, assignment=a)  # someone opened and saved a draft
    with pytest.raises(CommandError, match="pegawai sungguhan"):
        run("simulate", str(cycle.pk))
    assert not Response.objects.filter(submitted_at__isnull=False).exists()
    assert "9 formulir" in run("simulate", str(cycle.pk), "--force")


@pytest.mark.parametrize(
    "args,message",
    [
        (["status", "999999"], "Siklus 999999 tidak ditemukan"),
        (["start", "999999"], "tidak ditemukan"),
        (["status", "satu"], "invalid int value"),
        (
            [
                "create",
                "--agency",
                "tidak-ada",
                "--name",
                "X",
                "--start",
                "2026-01-01",
                "--end",
                "2026-12-31",
                "--deadline",
                "2099-01-01",
            ],
            "Instansi dengan kode 'tidak-ada' tidak ditemukan",
        ),
        (
            [
                "create",
                "--agency",
                "a",
                "--name",
                "X",
                "--start",
                "2026-13-01",
                "--end",
                "2026-12-31",
                "--deadline",
                "2099-01-01",
            ],
            "YYYY-MM-DD",
        ),
        (
            [
                "create",
                "--agency",
                "a",
                "--name",
                "X",
                "--start",
                "2026-12-31",
                "--end",
                "2026-01-01",
                "--deadline",
                "2099-01-01",
            ],
            "Akhir periode tidak boleh sebelum awal periode",
        ),
    ],
)
def test_errors_exit_non_zero_with_the_message(world, framework, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Cycle.objects.exists()


def test_lifecycle_errors_come_back_in_indonesian(world, framework):
    cycle = create()
    with pytest.raises(CommandError, match="Buat penugasan penilai terlebih dahulu"):
        run("start", str(cycle.pk))
    with pytest.raises(CommandError, match="tidak dapat di-close"):
        run("close", str(cycle.pk))
    with pytest.raises(CommandError, match="hanya dapat dikirim pada siklus yang berjalan"):
        run("remind", str(cycle.pk))
    with pytest.raises(CommandError, match="siklus yang berjalan"):
        run("simulate", str(cycle.pk))
    run("assign", str(cycle.pk))
    run("start", str(cycle.pk))
    with pytest.raises(CommandError, match="Hanya siklus berstatus draf"):
        run("start", str(cycle.pk))
    cycle.refresh_from_db()
    assert cycle.status == "berjalan"


def test_a_subcommand_is_required(world):
    with pytest.raises(CommandError):
        run()
