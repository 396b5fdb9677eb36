"""Browser flow of a background compute: the HR admin clicks "Hitung hasil", lands on the job's
page with its progress bar, the real database worker runs the job, and the page — polling by
itself, no reload — shows it done with a link to the results."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from kinerja.assessment import services as assessment
from kinerja.assessment.models import Cycle
from kinerja.demo.rangkui import CODE, CYCLE_NAME
from kinerja.jobs.models import Job

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e


def test_admin_starts_a_background_compute_and_watches_it_finish(page, demo, settings):
    settings.KINERJA_JOBS_INLINE_MAX = 0  # this cycle goes to the worker, as a large one would
    cycle = Cycle.objects.get(agency__code=CODE, name=CYCLE_NAME)
    assessment.cycle_transition(cycle=cycle, action="close", acting_user=None)

    login(page, "admin")
    page.goto(f"/hasil/instansi/{cycle.pk}/")
    page.get_by_role("button", name="Hitung hasil").click()
    expect(page.get_by_role("heading", name=re.compile("Hitung hasil siklus"))).to_be_visible()
    progress = page.get_by_test_id("job-progress")
    expect(progress).to_have_attribute("data-state", "antri")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "0")
    screenshot(page, "pekerjaan-antri")

    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())

    # The page polls every 2 s (htmx) and shows the end without being reloaded.
    expect(progress).to_have_attribute("data-state", "selesai", timeout=10_000)
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_text(re.compile(r"Hasil dihitung: \d+ pegawai"))).to_be_visible()
    page.get_by_role("link", name="Lihat hasilnya").click()
    expect(page.get_by_test_id("results-status")).to_have_text("Dihitung (belum final)")

    page.goto("/pekerjaan/")
    # (The demo's cycle announcement is a job of its own beside it.)
    compute = re.compile(f"Hitung hasil siklus: {re.escape(CYCLE_NAME)}")
    expect(page.get_by_role("link", name=compute)).to_be_visible()
    assert Job.objects.get(kind=Job.Kind.RESULTS_COMPUTE).state == Job.State.DONE
