"""Browser flow of a keberatan: the employee files one from Hasil saya (with a PDF), the atasan
pejabat penilai starts the review, asks the employee for an explanation, decides diterima with
another rating after a confirmation, and the employee sees the new predikat and the original."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from kinerja.objections.models import Objection
from kinerja.results import services
from kinerja.results.models import EmployeeResult

from .conftest import login, screenshot
from .test_results_me_flow import PREDIKAT_LABEL, computed_demo_cycle

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RATING_LABEL = {
    "di_atas_ekspektasi": "Di atas ekspektasi",
    "sesuai_ekspektasi": "Sesuai ekspektasi",
    "di_bawah_ekspektasi": "Di bawah ekspektasi",
}


def test_employee_files_official_asks_and_accepts_employee_sees_both_versions(
    browser, live_server, page, demo, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    cycle = computed_demo_cycle()
    admin = get_user_model().objects.get(username="admin")
    services.results_finalise(cycle=cycle, acting_user=admin)
    staff = get_user_model().objects.get(username="pegawai").employee
    before = EmployeeResult.objects.get(cycle=cycle, employee=staff)
    # A rating that moves the predikat (hasil kerja is "sesuai" for everyone in the demo).
    new_rating = (
        "sesuai_ekspektasi"
        if before.perilaku_rating == "di_bawah_ekspektasi"
        else "di_bawah_ekspektasi"
    )

    # The employee files from Hasil saya.
    login(page, "pegawai")
    page.goto("/hasil/saya/")
    page.get_by_role("link", name="Ajukan keberatan").click()
    page.get_by_label("Alasan keberatan").fill("Bukti pelayanan tepat waktu tidak dipertimbangkan.")
    page.get_by_label("Lampiran (opsional)").set_input_files(
        files=[{"name": "bukti.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Kirim keberatan").click()
    expect(page.get_by_text("Keberatan Anda telah diajukan.")).to_be_visible()
    expect(page.get_by_role("link", name="bukti.pdf")).to_be_visible()
    objection = Objection.objects.get(cycle=cycle, employee=staff)
    assert objection.official.user.username == "camat"  # the supervisor's supervisor
    page.get_by_role("button", name="Keluar").click()

    # The official: inbox, start the review, ask the employee, decide with a confirmation.
    login(page, "camat")
    page.goto("/keberatan/untuk-diputus/")
    expect(page.get_by_role("heading", name="Keberatan untuk diputus", level=1)).to_be_visible()
    page.get_by_role("link", name=staff.name).click()
    page.get_by_role("button", name="Mulai telaah").click()
    page.get_by_label("Minta penjelasan dari").select_option("pegawai")
    page.get_by_label("Penjelasan yang diminta").fill("Lampirkan daftar layanan bulan Juni.")
    page.get_by_role("button", name="Minta penjelasan").click()
    expect(page.get_by_text("Lampirkan daftar layanan bulan Juni.")).to_be_visible()
    screenshot(page, "keberatan-telaah")
    page.get_by_role("link", name="Putuskan keberatan").click()
    page.get_by_label("Diterima (rating diubah)").check()
    page.get_by_label("Rating perilaku baru (bila diterima)").select_option(new_rating)
    page.get_by_label("Alasan keputusan").fill("Bukti layanan menunjukkan perilaku sesuai.")
    page.get_by_role("button", name="Lanjut").click()
    expect(page.get_by_text("Keputusan ini final dan tidak dapat diubah.")).to_be_visible()
    assert Objection.objects.get(pk=objection.pk).status == "dalam_telaah"
    page.get_by_role("button", name="Ya, putuskan").click()
    expect(page.get_by_text("Keberatan telah diputus.")).to_be_visible()
    page.get_by_role("button", name="Keluar").click()

    # The employee sees the new predikat (version 2) and the original (version 1).
    after = EmployeeResult.objects.get(cycle=cycle, employee=staff)
    assert after.perilaku_rating == new_rating and after.predikat != before.predikat
    login(page, "pegawai")
    page.goto("/hasil/saya/")
    expect(page.get_by_text("versi setelah keberatan")).to_be_visible()
    page.get_by_role("link", name="Lihat keberatan").click()
    versions = page.get_by_role("table").first
    expect(versions.get_by_role("row").nth(1)).to_contain_text(PREDIKAT_LABEL[before.predikat])
    expect(versions.get_by_role("row").nth(2)).to_contain_text(PREDIKAT_LABEL[after.predikat])
    expect(versions.get_by_role("row").nth(2)).to_contain_text(RATING_LABEL[new_rating])
    expect(
        page.get_by_role("heading", name="Keputusan (final): Diterima (rating diubah)")
    ).to_be_visible()
    screenshot(page, "keberatan-diputus")
