"""Browser flow of the acceptance survey: the employee answers it once from the home page (and
is thanked, then never asked again); HR closes it and sees the unit figures only where at least
the anonymity threshold answered."""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from kinerja.assessment.models import Cycle
from kinerja.survey import selectors, services
from kinerja.survey.models import SurveyResponse, default_questions

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e


def test_employee_answers_once_and_hr_sees_units_only_above_the_threshold(page, demo):
    users = get_user_model().objects
    staff = users.get(username="pegawai").employee
    cycle = Cycle.objects.get(agency=staff.agency, status=Cycle.Status.FINAL)
    k = cycle.anonymity_threshold

    login(page, "pegawai")
    expect(page.get_by_text("Survei penerimaan: 2 menit")).to_be_visible()
    page.get_by_role("link", name=f"Isi survei {cycle.name}").click()
    questions = page.locator("fieldset")
    expect(questions).to_have_count(len(default_questions()))
    for i in range(questions.count()):
        questions.nth(i).get_by_label("4 · setuju").check()
    page.get_by_label("Apa yang paling perlu diperbaiki").fill("Formulir lebih singkat.")
    screenshot(page, "survei-isi")
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(
        page.get_by_text("Terima kasih! Jawaban Anda tersimpan tanpa nama Anda.")
    ).to_be_visible()
    expect(page.get_by_text("Survei penerimaan: 2 menit")).to_have_count(0)
    page.reload()
    expect(page.get_by_text("Survei penerimaan: 2 menit")).to_have_count(0)
    expect(page.get_by_text("Terima kasih!")).to_have_count(0)
    page.goto(f"/survei/{cycle.pk}/isi/")
    expect(page.get_by_text("Anda sudah mengisi survei ini. Terima kasih!")).to_be_visible()
    expect(page.get_by_role("button", name="Kirim jawaban")).to_have_count(0)
    assert SurveyResponse.objects.filter(cycle=cycle).count() == 1

    # Everyone else of the employee's unit answers; in one other unit a single person does.
    keys = [q["key"] for q in default_questions()]
    by_unit = defaultdict(list)
    for employee in staff.agency.employees.select_related("unit").exclude(pk=staff.pk):
        if selectors.is_participant(cycle=cycle, employee=employee):
            by_unit[selectors.unit_of(cycle=cycle, employee=employee)].append(employee)
    own_unit = selectors.unit_of(cycle=cycle, employee=staff)
    for employee in by_unit[own_unit]:
        services.survey_answer(
            cycle=cycle,
            employee=employee,
            answers=dict.fromkeys(keys, 3),
            free_text="",
            acting_user=None,
        )
    assert len(by_unit[own_unit]) + 1 >= k, "the demo unit must reach the threshold"
    lone_unit = next(u for u, people in by_unit.items() if u != own_unit and people)
    lone = by_unit[lone_unit][0]
    services.survey_answer(
        cycle=cycle, employee=lone, answers=dict.fromkeys(keys, 1), free_text="", acting_user=None
    )

    # HR closes the survey (after a confirmation) and sees the figures.
    page.context.clear_cookies()
    login(page, "admin")
    page.get_by_role("link", name="Survei penerimaan: kelola dan lihat hasil").click()
    page.get_by_role("link", name=f"Tutup survei {cycle.name}").click()
    expect(page.get_by_text("Tindakan ini tidak dapat dibatalkan.")).to_be_visible()
    page.get_by_role("button", name="Ya, tutup dan publikasikan hasil").click()
    expect(page.get_by_text("Survei ditutup; hasilnya kini dapat dilihat.")).to_be_visible()
    screenshot(page, "survei-hasil")
    own_name = staff.unit.name if staff.unit_id == own_unit else lone.unit.name
    headings = page.locator("#main h3")
    expect(headings.filter(has_text=own_name)).to_have_count(1)
    expect(headings.filter(has_text=lone.unit.name)).to_have_count(0)  # one answer: merged up
    for text in headings.all_inner_texts():
        n = int(text.split("·")[-1].split()[0])
        assert n >= k, text
