"""Browser flow of the HR admin's results: close the demo's running cycle, compute its results on
the agency results page, read the heatmap, and finalise through the confirmation page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kinerja.assessment import services as assessment
from kinerja.assessment.models import Cycle
from kinerja.demo.rangkui import CODE, CYCLE_NAME
from kinerja.results.models import CycleResult

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e


def test_admin_computes_reads_the_heatmap_and_finalises(page, demo):
    cycle = Cycle.objects.get(agency__code=CODE, name=CYCLE_NAME)
    assessment.cycle_transition(cycle=cycle, action="close", acting_user=None)

    login(page, "admin")
    page.get_by_role("link", name="Hasil instansi").click()
    expect(page.get_by_role("heading", name="Hasil instansi")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=CYCLE_NAME)
    expect(row.get_by_text("Belum dihitung")).to_be_visible()
    row.get_by_role("link", name=CYCLE_NAME).click()

    expect(page.get_by_test_id("results-status")).to_have_text("Belum dihitung")
    page.get_by_role("button", name="Hitung hasil").click()
    expect(page.get_by_text(re.compile(r"Hasil dihitung: \d+ pegawai"))).to_be_visible()
    expect(page.get_by_test_id("results-status")).to_have_text("Dihitung (belum final)")

    heatmap = page.get_by_role("table", name="Peta kesenjangan kompetensi")
    expect(heatmap).to_be_visible()
    expect(heatmap.get_by_role("columnheader", name="Unit kerja")).to_be_visible()
    expect(heatmap.locator("td").filter(has_text=re.compile(r"n=\d+")).first).to_be_visible()
    page.get_by_role("heading", name="Peta kesenjangan kompetensi").evaluate(
        "element => element.scrollIntoView({block: 'start', behavior: 'instant'})"
    )
    screenshot(page, "hasil-instansi")

    page.get_by_role("link", name="Tetapkan final").click()
    expect(page.get_by_text("Tindakan ini permanen.")).to_be_visible()
    page.get_by_role("button", name="Ya, tetapkan final").click()
    expect(page.get_by_text(f"Hasil siklus {CYCLE_NAME} ditetapkan final.")).to_be_visible()
    expect(page.get_by_test_id("results-status")).to_have_text("Final")
    expect(page.get_by_role("button", name="Hitung ulang hasil")).to_have_count(0)

    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.FINAL
    assert CycleResult.objects.get(cycle=cycle).is_final
