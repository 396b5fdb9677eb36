"""Browser flow of the talent views: the HR admin opens the 9-box board of the demo's final cycle,
opens a box and reads its employees and the recommended follow-up, then ranks the candidates for
a Kepala Seksi position; both pages fit a phone."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from playwright.sync_api import expect

from kinerja.assessment.models import Cycle
from kinerja.demo.rangkui import CODE, FINAL_CYCLE_NAME
from kinerja.organisation.models import Position
from kinerja.results.explain import NINE_BOX_FOLLOW_UP
from kinerja.results.models import EmployeeResult
from kinerja.talent.selectors import attach_results, candidates_for

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e

TARGET = "Kepala Seksi Pemerintahan"


def test_admin_opens_the_nine_box_a_box_and_the_candidates(page, demo):
    cycle = Cycle.objects.get(agency__code=CODE, name=FINAL_CYCLE_NAME)
    boxes = Counter(
        EmployeeResult.objects.filter(cycle=cycle, nine_box__isnull=False).values_list(
            "nine_box", flat=True
        )
    )
    box, count = boxes.most_common(1)[0]

    login(page, "admin")
    page.get_by_role("link", name="Talenta").click()
    expect(page.get_by_role("heading", name=f"Papan 9-box: {FINAL_CYCLE_NAME}")).to_be_visible()
    board = page.get_by_role("table", name="Papan 9-box")
    for number, n in boxes.items():
        expect(board.get_by_test_id(f"count-{number}")).to_have_text(str(n))
    screenshot(page, "talenta-9box")

    board.get_by_role("link", name=f"Kotak {box}: {count} pegawai").click()
    expect(page.get_by_role("heading", name=re.compile(rf"^Kotak {box}: kinerja"))).to_be_visible()
    expect(page.get_by_test_id("follow-up")).to_have_text(str(NINE_BOX_FOLLOW_UP[box]))
    first = (
        EmployeeResult.objects.filter(cycle=cycle, nine_box=box)
        .select_related("employee")
        .order_by("employee__name", "employee_id")
        .first()
    )
    assert first is not None
    expect(page.get_by_role("link", name=first.employee.name)).to_be_visible()
    expect(page.get_by_text(f"{count} pegawai", exact=True)).to_be_visible()

    page.get_by_role("link", name="Kandidat promosi").click()
    page.get_by_label("Jabatan target").select_option(label=f"{TARGET} (Pengawas)")
    page.get_by_role("button", name="Tampilkan kandidat").click()
    target = Position.objects.get(agency__code=CODE, name=TARGET)
    ranked = candidates_for(agency=target.agency, target=target)
    eligible = [row for row in ranked if row.ranked.eligible]
    summary = page.get_by_test_id("candidate-summary")
    expect(summary).to_contain_text(
        f"{len(ranked)} pegawai diperingkat: {len(eligible)} memenuhi syarat"
    )
    table = page.get_by_role("table", name="Kandidat promosi")
    assert eligible, "the demo has eligible candidates for a Kepala Seksi"
    attach_results(eligible[:1])
    best = eligible[0].result.employee.name
    expect(table.get_by_role("row").nth(1)).to_contain_text(best)
    expect(
        table.get_by_text(re.compile("Siap sekarang|Siap dengan pengembangan|Belum siap")).first
    ).to_be_visible()
    page.get_by_role("heading", name=TARGET).evaluate(
        "element => element.scrollIntoView({block: 'start', behavior: 'instant'})"
    )
    screenshot(page, "kandidat-promosi")

    page.get_by_label("Hanya yang memenuhi syarat").uncheck()
    page.get_by_role("button", name="Tampilkan kandidat").click()
    expect(table.get_by_role("row")).to_have_count(min(len(ranked), 50) + 1)

    # On a phone (360 px) the board and the candidate list fit: tables scroll inside themselves.
    page.set_viewport_size({"width": 360, "height": 740})
    for url in (page.url, "/talenta/"):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (url, width)
    expect(page.get_by_role("link", name=f"Kotak {box}: {count} pegawai")).to_be_visible()
