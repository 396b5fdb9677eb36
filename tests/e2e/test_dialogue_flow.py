"""Browser flow of dialog kinerja: the supervisor schedules and records the conversation with a
team member, links an agreed action to the member's development plan; the employee confirms the
record; their result page says when it took place and what was agreed."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from kinerja.development import services as development
from kinerja.dialogue.models import AgreedAction, Dialogue

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e


def test_supervisor_records_links_the_plan_and_the_employee_confirms(page, demo):
    staff = get_user_model().objects.get(username="pegawai").employee
    plan = development.plan_for(employee=staff, year=timezone.localdate().year)
    item = development.plan_item_add(
        plan=plan, acting_user=staff.user, title="Coaching komunikasi publik", jp=8
    )

    # The supervisor schedules the dialogue from the team list, then records it.
    login(page, "atasan")
    page.get_by_role("link", name="Dialog tim").click()
    expect(page.get_by_role("heading", name="Dialog kinerja tim")).to_be_visible()
    page.get_by_role("button", name=f"Jadwalkan {staff.name}").click()
    expect(page.get_by_text(f"Dialog kinerja dengan {staff.name} dijadwalkan.")).to_be_visible()
    page.get_by_role("link", name=f"Catat dialog {staff.name}").click()
    page.get_by_label("Yang sudah berjalan baik").fill("Pelayanan KTP-el cepat dan ramah.")
    page.get_by_label("Yang perlu dikembangkan").fill("Menyusun laporan bulanan.")
    page.get_by_label("Tindak lanjut yang disepakati").first.fill("Ikut coaching komunikasi")
    page.get_by_label("Batas waktu").first.fill("2030-06-30")
    page.get_by_label("Kaitkan ke kegiatan rencana pengembangan").first.select_option(str(item.pk))
    screenshot(page, "dialog-catat")
    page.get_by_role("button", name="Simpan catatan").click()
    expect(page.get_by_text("Catatan dialog disimpan.")).to_be_visible()
    dialogue = Dialogue.objects.get(employee=staff)
    assert dialogue.status == Dialogue.Status.RECORDED
    assert AgreedAction.objects.get(dialogue=dialogue).plan_item_id == item.pk

    # The employee sees it on the result page, confirms it there, and the page says so.
    page.context.clear_cookies()
    login(page, "pegawai")
    expect(page.get_by_text("1 catatan dialog menunggu konfirmasi Anda.")).to_be_visible()
    page.goto("/hasil/saya/")
    section = page.get_by_role("region", name="Dialog kinerja")
    expect(section.get_by_text("Ikut coaching komunikasi")).to_be_visible()
    expect(section.get_by_text("Coaching komunikasi publik")).to_be_visible()
    section.get_by_role("link", name="Konfirmasi atau tanggapi catatan").click()
    page.get_by_role("button", name="Kirim").click()
    expect(page.get_by_text("Terima kasih, catatan dialog sudah Anda konfirmasi.")).to_be_visible()
    dialogue.refresh_from_db()
    assert dialogue.status == Dialogue.Status.CONFIRMED
    page.goto("/hasil/saya/")
    section = page.get_by_role("region", name="Dialog kinerja")
    expect(section.get_by_text("Dikonfirmasi")).to_be_visible()
    expect(section.get_by_text(f"Dilaksanakan {timezone.localdate().day}")).to_be_visible()
