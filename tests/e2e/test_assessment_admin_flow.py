"""Browser flow of the HR admin: create a cycle, generate raters, start it, watch progress move."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kinerja.assessment import services
from kinerja.assessment.models import Cycle, RaterAssignment

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e


def _submit_one(cycle: Cycle) -> None:
    assignment = (
        RaterAssignment.objects.filter(cycle=cycle, relation="rekan")
        .select_related("cycle", "ratee", "rater")
        .order_by("id")
        .first()
    )
    items = services.items_for_ratee(assignment.cycle, assignment.ratee)
    services.response_save(
        assignment=assignment,
        answers={item["code"]: services.Answer(level=4) for item in items},
        acting_user=assignment.rater.user,
        submit=True,
    )


def test_admin_creates_a_cycle_generates_raters_starts_it_and_sees_progress_move(page, demo):
    login(page, "admin")
    page.goto("/penilaian/siklus/")
    expect(page.get_by_role("heading", name="Siklus penilaian")).to_be_visible()
    page.get_by_role("link", name="Buat siklus").click()

    page.get_by_label("Nama siklus").fill("Penilaian 360° Uji Peramban")
    deadline = timezone.localtime() + dt.timedelta(days=14)
    page.get_by_label("Batas pengisian").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    expect(page.get_by_label("Bobot atasan (%)")).to_have_value("50")
    screenshot(page, "siklus-baru")
    page.get_by_role("button", name="Buat siklus").click()
    expect(page.get_by_role("heading", name="Penilaian 360° Uji Peramban")).to_be_visible()
    expect(page.get_by_text("Draf", exact=True)).to_be_visible()

    page.get_by_role("button", name="Buat penugasan dari struktur organisasi").click()
    expect(
        page.get_by_text(re.compile(r"Penugasan dibuat dari struktur organisasi"))
    ).to_be_visible()
    screenshot(page, "siklus-detail")

    detail_url = page.url
    page.get_by_role("link", name="Penilai per pegawai").first.click()
    page.get_by_label("Cari nama atau NIP").fill("Sri Wahyuni")
    page.get_by_role("button", name="Tampilkan").click()
    page.get_by_role("link", name="Sri Wahyuni, A.Md.").click()
    expect(page.get_by_role("heading", name=re.compile("Sri Wahyuni"))).to_be_visible()
    screenshot(page, "penilai-pegawai")
    page.goto(detail_url)

    page.get_by_role("link", name="Mulai siklus").click()
    expect(page.get_by_text("dibekukan", exact=False)).to_be_visible()
    screenshot(page, "mulai-siklus")
    page.get_by_role("button", name="Ya, Mulai siklus").click()
    expect(page.get_by_text("Berjalan", exact=True).first).to_be_visible()

    page.get_by_role("link", name="Progres", exact=True).click()
    cycle = Cycle.objects.get(name="Penilaian 360° Uji Peramban")
    total = RaterAssignment.objects.filter(cycle=cycle).count()
    expect(page.locator("#overall-percent")).to_have_text("0 %")
    expect(page.locator("#overall-counts")).to_contain_text(f"0 dari {total} formulir terkirim")

    _submit_one(cycle)
    page.reload()
    expect(page.locator("#overall-counts")).to_contain_text(f"1 dari {total} formulir terkirim")
    expect(page.get_by_role("heading", name="Per penilai")).to_be_visible()
    screenshot(page, "siklus-progres")
