"""Browser flows of the results: the supervisor changes a rating perilaku before the results are
final and sees the new predikat; once final, the employee opens Hasil saya, expands how a number
was made, and reads it on a phone."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from kinerja.assessment import services as assessment
from kinerja.assessment.models import Cycle
from kinerja.assessment.simulate import simulate_responses
from kinerja.core.models import AuditEvent
from kinerja.demo.rangkui import CODE, CYCLE_NAME
from kinerja.organisation.models import Employee
from kinerja.results import services
from kinerja.results.models import EmployeeResult

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e

OTHER_RATING = {  # a rating other than the suggested one
    "di_atas_ekspektasi": "sesuai_ekspektasi",
    "sesuai_ekspektasi": "di_atas_ekspektasi",
    "di_bawah_ekspektasi": "sesuai_ekspektasi",
}
PREDIKAT_LABEL = {
    "sangat_baik": "Sangat Baik",
    "baik": "Baik",
    "butuh_perbaikan": "Butuh Perbaikan",
    "kurang": "Kurang/Misconduct",
    "sangat_kurang": "Sangat Kurang",
}


def computed_demo_cycle() -> Cycle:
    """The demo's running cycle with every form answered, hasil kerja set, closed and computed
    (not final)."""
    admin = get_user_model().objects.get(username="admin")
    cycle = Cycle.objects.get(agency__code=CODE, name=CYCLE_NAME)
    simulate_responses(cycle=cycle, seed=11, acting_user=admin)
    cycle = assessment.cycle_transition(cycle=cycle, action="close", acting_user=admin)
    for employee in Employee.objects.filter(agency=cycle.agency):
        assessment.work_result_set(
            cycle=cycle,
            employee=employee,
            rating="sesuai_ekspektasi",
            justification="Target SKP tercapai.",
            acting_user=admin,
        )
    services.results_compute(cycle=cycle, acting_user=admin)
    return cycle


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_supervisor_changes_a_rating_then_the_employee_reads_the_final_results(
    browser, live_server, page, demo
):
    cycle = computed_demo_cycle()
    staff = get_user_model().objects.get(username="pegawai").employee
    row = EmployeeResult.objects.get(cycle=cycle, employee=staff)
    new_rating = OTHER_RATING[row.perilaku_suggested]

    # (b) Before final: the supervisor sees the team and changes the suggested rating perilaku.
    login(page, "atasan")
    page.goto("/hasil/saya/")
    page.get_by_role("link", name="Hasil tim").click()
    expect(page.get_by_role("heading", name="Hasil tim", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Peta selisih kompetensi tim")).to_be_visible()
    screenshot(page, "hasil-tim")
    page.get_by_role("link", name=staff.name).click()
    expect(page.get_by_role("heading", name=staff.name, level=1)).to_be_visible()
    page.get_by_label("Rating perilaku", exact=True).select_option(new_rating)
    page.get_by_role("button", name="Simpan rating perilaku").click()
    expect(page.get_by_text("Tuliskan alasan bila rating perilaku berbeda")).to_be_visible()
    page.get_by_label("Rating perilaku", exact=True).select_option(new_rating)
    page.get_by_label("Alasan", exact=True).fill(
        "Pelayanan kepada warga perlu dinilai ulang bersama."
    )
    page.get_by_role("button", name="Simpan rating perilaku").click()

    row.refresh_from_db()
    assert row.perilaku_rating == new_rating and row.predikat
    expect(page.get_by_text(f"Predikat sekarang: {PREDIKAT_LABEL[row.predikat]}.")).to_be_visible()
    expect(page.get_by_label("Rating perilaku", exact=True)).to_have_value(new_rating)
    assert AuditEvent.objects.filter(action="results.perilaku").count() == 1

    # (a) Once final: the employee opens Hasil saya and expands an explanation.
    services.results_finalise(cycle=cycle, acting_user=None)
    page.context.clear_cookies()
    login(page, "pegawai")
    page.goto("/hasil/saya/")
    expect(page.get_by_role("heading", name="Hasil saya", level=1)).to_be_visible()
    expect(page.get_by_text(cycle.name).first).to_be_visible()
    jpm = page.locator("details", has_text="JPM =").first
    expect(jpm.get_by_text(re.compile(r"^JPM = 100 ×"))).to_be_hidden()
    jpm.locator("summary").click()
    expect(jpm.get_by_text(re.compile(r"^JPM = 100 ×"))).to_be_visible()
    first_item = page.locator("tr.explain-row details").first
    first_item.locator("summary").click()
    expect(first_item.get_by_text(re.compile(r"^Nilai = \("))).to_be_visible()
    expect(page.get_by_text("Atasan mengubah rating perilaku menjadi")).to_have_count(1)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "hasil-saya")

    phone = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 360, "height": 740}
    )
    mobile = phone.new_page()
    mobile.set_default_timeout(15_000)
    login(mobile, "pegawai")
    mobile.goto("/hasil/saya/")
    expect(mobile.get_by_role("heading", name="Hasil saya", level=1)).to_be_visible()
    assert no_horizontal_overflow(mobile)
    width = mobile.evaluate(
        "document.querySelector('figure.radar svg').getBoundingClientRect().width"
    )
    assert 0 < width <= 360
    mobile.locator("#kompetensi").scroll_into_view_if_needed()
    screenshot(mobile, "hasil-saya-ponsel")
    phone.close()
