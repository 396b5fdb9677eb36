"""Browser flow of competency development: the employee builds a plan of at least 20 JP from the
recommendations of their final result and submits it; the supervisor approves it; the employee
records a completed training with a PDF certificate and sees the JP bar move (also on a phone)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from kinerja.core.models import AuditEvent
from kinerja.development import selectors, services
from kinerja.development.models import DevelopmentPlan, Realisation

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def gap_trainings(employee, admin) -> tuple[str, list[str]]:
    """Two 12 JP courses aimed at the employee's largest gap (created here, so the test does
    not depend on the demo catalog); returns the gap's reason line and the course names."""
    result, recs = selectors.recommendations_for(employee=employee)
    assert result is not None and recs, "the demo pegawai needs a gap in the final cycle"
    gap = recs[0].gap
    names = []
    for suffix in ("A", "B"):
        name = f"Pelatihan Uji {suffix} {gap.name}"
        services.training_save(
            agency=employee.agency,
            acting_user=admin,
            code=f"E2E-{suffix}",
            name=name,
            mode="klasikal",
            method="pelatihan",
            jp=12,
            competencies=[gap.competency],
        )
        names.append(name)
    score = f"{gap.score:.2f}".replace(".", ",")
    return f"{gap.name} {score} dari standar {gap.required}", names


def jp_bar(page):
    return page.locator(".jp-bar").first


def test_plan_from_recommendations_approval_and_a_realisation(
    browser, live_server, page, demo, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    users = get_user_model().objects
    staff = users.get(username="pegawai").employee
    reason, courses = gap_trainings(staff, users.get(username="admin"))

    # The employee builds the plan from the recommendations and submits it.
    login(page, "pegawai")
    page.get_by_role("link", name="Pengembangan saya").first.click()
    expect(page.get_by_role("heading", name="Pengembangan saya", level=1)).to_be_visible()
    expect(page.get_by_text(reason).first).to_be_visible()
    expect(jp_bar(page)).to_have_attribute("data-planned", "0")
    page.get_by_role("button", name="Ajukan ke atasan").click()
    expect(page.get_by_text("paling sedikit 20 JP setahun").first).to_be_visible()
    for name in courses:
        add = re.compile(rf"^Tambahkan ke rencana\W+{re.escape(name)}$")
        page.get_by_role("button", name=add).first.click()
        expect(page.get_by_text(f"{name} (12 JP) ditambahkan ke rencana.")).to_be_visible()
    expect(jp_bar(page)).to_have_attribute("data-planned", "24")
    expect(page.get_by_text("Rencana sudah memuat 24 JP")).to_be_visible()
    page.get_by_role("button", name="Ajukan ke atasan").click()
    expect(page.get_by_text("Rencana diajukan ke atasan untuk disetujui.")).to_be_visible()
    plan = DevelopmentPlan.objects.get(employee=staff)
    assert plan.status == "diajukan"
    assert list(plan.items.values_list("source", flat=True)) == ["rekomendasi", "rekomendasi"]

    # The supervisor approves it.
    page.context.clear_cookies()
    login(page, "atasan")
    page.goto("/pengembangan/saya/")
    page.get_by_role("link", name="Rencana tim").click()
    expect(page.get_by_role("heading", name="Menunggu keputusan Anda")).to_be_visible()
    page.get_by_role("link", name=f"Tinjau {staff.name}").click()
    expect(page.get_by_role("heading", name=staff.name, level=1)).to_be_visible()
    page.get_by_label("Catatan untuk pegawai").fill("Silakan dilaksanakan.")
    page.get_by_role("button", name="Setujui").click()
    expect(page.get_by_text(f"Rencana {staff.name} disetujui.")).to_be_visible()
    assert AuditEvent.objects.filter(action="plan.approve").count() == 1

    # The employee records a completed training with its certificate; the bar moves.
    page.context.clear_cookies()
    login(page, "pegawai")
    page.goto("/pengembangan/saya/")
    expect(page.get_by_text("Disetujui oleh")).to_be_visible()
    expect(jp_bar(page)).to_have_attribute("data-completed", "0")
    certificate = tmp_path / "sertifikat.pdf"
    certificate.write_bytes(PDF)
    page.get_by_label("Pilih kegiatan dari rencana").select_option(label=f"{courses[0]} (12 JP)")
    page.get_by_label("JP yang diperoleh").fill("12")
    page.get_by_label("Bukti (sertifikat)").set_input_files(str(certificate))
    page.get_by_role("button", name="Simpan realisasi").click()
    expect(page.get_by_text(f"Realisasi {courses[0]} (12 JP) dicatat.")).to_be_visible()
    expect(jp_bar(page)).to_have_attribute("data-completed", "12")
    expect(page.get_by_text("Selesai 12 JP")).to_be_visible()
    realisation = Realisation.objects.get(plan=plan)
    assert realisation.evidence_name == "sertifikat.pdf"
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Unduh bukti")).click()
    assert download.value.suggested_filename == "sertifikat.pdf"
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "pengembangan-saya")

    phone = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 360, "height": 740}
    )
    mobile = phone.new_page()
    mobile.set_default_timeout(15_000)
    login(mobile, "pegawai")
    mobile.goto("/pengembangan/saya/")
    expect(mobile.get_by_role("heading", name="Pengembangan saya", level=1)).to_be_visible()
    expect(jp_bar(mobile)).to_have_attribute("data-completed", "12")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(mobile, "pengembangan-ponsel")
    phone.close()
