"""Browser flow of a rater on a phone: open my tasks, read the purpose, fill a form, submit it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from kinerja.assessment import services
from kinerja.assessment.models import Acknowledgement, Response
from kinerja.core.models import Agency
from kinerja.demo.rangkui import CODE

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e

LEVEL_3 = re.compile(r"^(Level )?3 —")


def running_cycle():
    agency = Agency.objects.get(code=CODE)
    admin = get_user_model().objects.get(username="admin")
    cycle = services.cycle_create(
        agency=agency,
        acting_user=admin,
        name="Penilaian 360° Uji Peramban",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        deadline=timezone.now() + dt.timedelta(days=14),
    )
    services.assignments_generate(cycle=cycle, acting_user=admin)
    return services.cycle_start(cycle=cycle, acting_user=admin)


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_staff_acknowledges_purpose_fills_and_submits_a_form_on_a_phone(browser, live_server, demo):
    cycle = running_cycle()
    context = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, "pegawai")

    page.goto("/penilaian/tugas/")
    expect(page.get_by_role("heading", name="Tugas penilaian saya")).to_be_visible()
    section = page.get_by_role("region", name=cycle.name)
    expect(section.get_by_text("belum mulai").first).to_be_visible()
    assert no_horizontal_overflow(page)
    screenshot(page, "tugas-saya")
    section.get_by_role("link", name="Isi — Penilaian diri").click()

    # Purpose before anything else.
    expect(page.get_by_role("heading", name="Tujuan siklus")).to_be_visible()
    expect(page.get_by_role("heading", name="Siapa melihat apa")).to_be_visible()
    assert no_horizontal_overflow(page)
    screenshot(page, "tujuan-siklus")
    page.get_by_role("button", name="Saya sudah membaca dan memahami").click()
    expect(page.get_by_role("heading", name="Penilaian diri", level=1)).to_be_visible()
    assert Acknowledgement.objects.filter(cycle=cycle, user__username="pegawai").count() == 1

    items = page.locator("fieldset")
    total = items.count()
    assert total >= 16  # 9 national competencies + 7 BerAKHLAK values (+ teknis ones)
    for i in range(total):
        items.nth(i).get_by_role("radio", name=LEVEL_3).check()
    page.get_by_role("group", name=re.compile("^Integritas")).get_by_text(
        "Komentar (opsional)"
    ).click()
    page.get_by_label("Komentar tentang Integritas").fill("Selalu menepati janji layanan.")
    strengths = page.get_by_role("textbox", name=re.compile("^Kekuatan"))
    strengths.fill("Teliti dan ramah kepada warga.")
    strengths.blur()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Tersimpan otomatis pukul")
    expect(status).to_contain_text(f"{total} dari {total} butir terisi")
    assert no_horizontal_overflow(page)
    page.get_by_role(
        "group", name=re.compile("^Berorientasi Pelayanan")
    ).scroll_into_view_if_needed()
    screenshot(page, "formulir-penilaian")

    page.get_by_role("button", name="Kirim").click()
    expect(page.get_by_role("alert")).to_contain_text("sudah terkirim")
    section = page.get_by_role("region", name=cycle.name)
    self_row = section.get_by_role("listitem").filter(has_text="Penilaian diri")
    expect(self_row.get_by_text("terkirim", exact=True)).to_be_visible()
    expect(self_row.get_by_role("link", name="Lihat — Penilaian diri")).to_be_visible()
    assert no_horizontal_overflow(page)

    response = Response.objects.get(
        assignment__cycle=cycle,
        assignment__rater__user__username="pegawai",
        assignment__relation="diri",
    )
    assert response.is_submitted
    assert response.items.filter(level=3).count() == total
    assert response.strengths == "Teliti dan ramah kepada warga."
    context.close()


def test_supervisor_rates_hasil_kerja_and_approves_a_peer_on_a_phone(browser, live_server, demo):
    from kinerja.assessment.models import PeerProposal, RaterAssignment, WorkResult
    from kinerja.organisation.models import Employee

    cycle = running_cycle()
    staff = Employee.objects.get(user__username="pegawai")
    already = RaterAssignment.objects.filter(cycle=cycle, ratee=staff).values("rater")
    peer = (
        Employee.objects.filter(agency=staff.agency)
        .exclude(pk__in=already)
        .exclude(pk=staff.pk)
        .order_by("name")
        .first()
    )
    services.peer_propose(cycle=cycle, ratee=staff, peer=peer, acting_user=staff.user)
    context = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, "atasan")

    page.goto("/penilaian/tugas/")
    section = page.get_by_role("region", name=cycle.name)
    section.get_by_role("link", name="Rating hasil kerja tim").click()
    expect(page.get_by_role("heading", name="Rating hasil kerja tim")).to_be_visible()
    assert no_horizontal_overflow(page)
    page.get_by_label(f"Rating hasil kerja {staff.name}").select_option(label="Sesuai ekspektasi")
    page.get_by_role("button", name="Simpan rating").click()
    expect(page.get_by_text("Tuliskan alasan singkat untuk rating ini.")).to_be_visible()
    page.get_by_label(f"Alasan singkat untuk {staff.name}").fill("Target SKP tercapai.")
    page.get_by_role("button", name="Simpan rating").click()
    expect(page.get_by_role("alert")).to_contain_text("1 rating hasil kerja tersimpan")
    screenshot(page, "hasil-kerja-tim")
    assert WorkResult.objects.get(cycle=cycle, employee=staff).rating == "sesuai_ekspektasi"

    page.goto("/penilaian/tugas/")
    page.get_by_role("region", name=cycle.name).get_by_role(
        "link", name="Usulan rekan dari tim"
    ).click()
    expect(page.get_by_text(peer.name, exact=True)).to_be_visible()
    assert no_horizontal_overflow(page)
    screenshot(page, "usulan-rekan")
    page.get_by_role("button", name=f"Setujui — {peer.name}").click()
    expect(page.get_by_role("alert")).to_contain_text("Usulan disetujui")
    assert PeerProposal.objects.get(cycle=cycle, peer=peer).status == "disetujui"
    assert RaterAssignment.objects.filter(
        cycle=cycle, rater=peer, ratee=staff, source="usulan", relation="rekan"
    ).exists()
    context.close()
