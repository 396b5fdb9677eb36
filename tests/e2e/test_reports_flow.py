"""Browser flow of the PDF reports: the employee downloads their own report from Hasil saya,
and the HR admin makes a unit's ZIP as a background job, follows its progress page to the end
and downloads the ZIP."""

from __future__ import annotations

import io
import re
import zipfile

import pypdf
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from kinerja.assessment.models import Cycle
from kinerja.demo.rangkui import CODE, FINAL_CYCLE_NAME
from kinerja.jobs.models import Job
from kinerja.organisation.models import OrgUnit
from kinerja.organisation.selectors import unit_descendant_ids
from kinerja.results.models import EmployeeResult

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture
def private_files(tmp_path, monkeypatch):
    storage = Job._meta.get_field("output_file").storage
    monkeypatch.setattr(storage, "_location", str(tmp_path))
    storage.__dict__.pop("base_location", None)
    storage.__dict__.pop("location", None)
    yield tmp_path
    storage.__dict__.pop("base_location", None)
    storage.__dict__.pop("location", None)


def test_employee_downloads_their_pdf_and_hr_downloads_a_unit_zip(
    page, demo, settings, private_files
):
    settings.KINERJA_PDF_INLINE_MAX = 0  # the unit's ZIP goes to the worker, as a large one would
    cycle = Cycle.objects.get(agency__code=CODE, name=FINAL_CYCLE_NAME)
    staff = get_user_model().objects.get(username="pegawai").employee
    predikat = EmployeeResult.objects.get(cycle=cycle, employee=staff).get_predikat_display()

    login(page, "pegawai")
    page.goto(f"/hasil/saya/{cycle.pk}/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Unduh PDF").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    reader = pypdf.PdfReader(download.path())
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert staff.name in text and staff.nip in text and predikat in text
    assert "RAHASIA" in reader.pages[-1].extract_text()

    page.context.clear_cookies()
    login(page, "admin")
    page.goto(f"/hasil/instansi/{cycle.pk}/")
    page.get_by_role("link", name="Laporan PDF (ZIP)").click()
    expect(page.get_by_role("heading", name="Laporan PDF (ZIP)", level=1)).to_be_visible()
    unit = OrgUnit.objects.get(agency=cycle.agency, name="Seksi Pemerintahan")
    page.get_by_label("Cakupan").select_option(str(unit.pk))
    page.get_by_role("button", name="Buat ZIP laporan PDF").click()
    progress = page.get_by_test_id("job-progress")
    expect(progress).to_have_attribute("data-state", "antri")
    screenshot(page, "laporan-zip-antri")

    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())

    expect(progress).to_have_attribute("data-state", "selesai", timeout=15_000)
    expect(page.get_by_text(re.compile(r"\d+ laporan PDF dalam satu berkas ZIP"))).to_be_visible()
    with page.expect_download() as info:
        page.get_by_test_id("job-download").click()
    expected = EmployeeResult.objects.filter(
        cycle=cycle, unit_id__in=unit_descendant_ids(agency=cycle.agency, unit_id=unit.pk)
    ).count()
    with zipfile.ZipFile(info.value.path()) as archive:
        names = archive.namelist()
    assert len(names) == expected > 0 and all(n.endswith(".pdf") for n in names)
