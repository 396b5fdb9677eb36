"""Browser flow of a participant when a cycle starts: the notice on the home page, what is due
and by when, the purpose read from the notice, the FAQ opened from the form."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from kinerja.assessment.announcements import address_of
from kinerja.assessment.models import Acknowledgement, Announcement, RaterAssignment
from kinerja.organisation.models import Employee

from .conftest import login, screenshot
from .test_assessment_flow import running_cycle

pytestmark = pytest.mark.e2e


def test_participant_sees_the_notice_and_what_is_due_then_opens_the_faq_from_the_form(page, demo):
    cycle = running_cycle()  # started through the service: its announcement went out on commit
    me = Employee.objects.get(user__username="pegawai")
    if address_of(me):
        assert Announcement.objects.filter(cycle=cycle, employee=me).count() == 1
        assert [m for m in mail.outbox if m.to == [address_of(me)]]
    owed = RaterAssignment.objects.filter(cycle=cycle, rater=me).count()

    login(page, "pegawai")
    notice = page.locator(f"[data-notice=purpose][data-cycle='{cycle.pk}']")
    expect(
        notice.get_by_role("heading", name=f"Siklus penilaian {cycle.name} sudah dimulai")
    ).to_be_visible()
    expected = page.get_by_role("region", name="Yang perlu Anda lakukan").locator(
        f"[data-cycle='{cycle.pk}']"
    )
    forms = expected.locator("[data-task=forms]")
    expect(forms).to_contain_text(f"Isi {owed} formulir penilaian")
    expect(forms).to_contain_text(re.compile(r"Paling lambat \d{1,2} \w+ \d{4} pukul \d\d:\d\d"))
    expect(expected.locator("[data-task=acknowledge]")).not_to_contain_text("selesai")
    screenshot(page, "beranda-pemberitahuan-siklus")

    # Read the whole purpose from the notice, acknowledge it, and come back home.
    notice.get_by_role("link", name=re.compile("^Baca selengkapnya")).click()
    expect(page.get_by_role("heading", name="Tujuan siklus")).to_be_visible()
    page.get_by_role("button", name="Saya sudah membaca dan memahami").click()
    expect(page.get_by_role("heading", name="Yang perlu Anda lakukan")).to_be_visible()
    expect(notice).to_have_count(0)
    expect(expected.locator("[data-task=acknowledge]")).to_contain_text("selesai")
    assert Acknowledgement.objects.filter(cycle=cycle, user__username="pegawai").count() == 1

    # From what is due to the form, and from the form to the FAQ.
    forms.get_by_role("link").click()
    page.get_by_role("region", name=cycle.name).get_by_role(
        "link", name="Isi — Penilaian diri"
    ).click()
    expect(page.get_by_role("heading", name="Penilaian diri", level=1)).to_be_visible()
    page.locator("header").get_by_role("link", name="Pertanyaan umum").click()
    expect(page.get_by_role("heading", name="Pertanyaan umum penilaian 360°")).to_be_visible()
    expect(page.get_by_role("heading", name="Apakah jawaban saya anonim?")).to_be_visible()
    expect(page.get_by_role("heading", name="Kepada siapa saya bertanya?")).to_be_visible()
