"""Browser flows of imports and exports as background jobs: the HR admin uploads an employees
file above the inline limit and follows its job page until "selesai" with the link to the
employees; and an export above the limit becomes a job whose page ends with "Unduh"."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from kinerja.assessment.models import Cycle
from kinerja.demo.rangkui import CODE, CYCLE_NAME
from kinerja.jobs.models import Job
from kinerja.organisation.models import Employee

from ..jobs_storage import private_storage  # noqa: F401  (a fixture)
from ..test_import import valid_rows, xlsx_bytes
from .conftest import login, screenshot

pytestmark = pytest.mark.e2e


def worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())


@pytest.mark.usefixtures("private_storage")
def test_admin_imports_a_large_employees_file_as_a_job(page, demo, settings):
    settings.KINERJA_JOBS_INLINE_MAX = 5
    login(page, "admin")
    page.goto(reverse("organisation:import_employees"))
    page.get_by_label("Berkas XLSX atau CSV").set_input_files(
        {
            "name": "pegawai-besar.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": xlsx_bytes(valid_rows(8)),
        }
    )
    page.get_by_role("button", name="Unggah dan periksa").click()
    expect(
        page.get_by_role("heading", name=re.compile("Impor pegawai: pegawai-besar"))
    ).to_be_visible()
    progress = page.get_by_test_id("job-progress")
    expect(progress).to_have_attribute("data-state", "antri")
    screenshot(page, "impor-antri")

    worker()

    expect(progress).to_have_attribute("data-state", "selesai", timeout=10_000)
    expect(page.get_by_text(re.compile(r"Impor berhasil: 8 baris; 8 pegawai baru"))).to_be_visible()
    page.get_by_role("link", name="Lihat hasilnya").click()
    expect(page).to_have_url(re.compile(reverse("organisation:employee_list")))
    assert Employee.objects.filter(name="Siti Uji, S.Sos.").exists()
    assert Job.objects.get(kind=Job.Kind.EMPLOYEES_IMPORT).state == Job.State.DONE


@pytest.mark.usefixtures("private_storage")
def test_admin_exports_rater_progress_as_a_job_and_downloads_it(page, demo, settings):
    settings.KINERJA_JOBS_INLINE_MAX = 5
    cycle = Cycle.objects.get(agency__code=CODE, name=CYCLE_NAME)
    login(page, "admin")
    page.goto(reverse("assessment:cycle_progress", args=[cycle.pk]))
    page.get_by_role("link", name="Unduh progres penilai (XLSX)").click()
    progress = page.get_by_test_id("job-progress")
    expect(progress).to_have_attribute("data-state", "antri")

    worker()

    expect(progress).to_have_attribute("data-state", "selesai", timeout=10_000)
    screenshot(page, "ekspor-selesai")
    with page.expect_download() as info:
        page.get_by_test_id("job-download").click()
    download = info.value
    assert download.suggested_filename == f"progres-siklus-{cycle.pk}.xlsx"
    content = io.BytesIO(open(download.path(), "rb").read())  # noqa: SIM115
    sheet = load_workbook(content, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("NIP", "Nama") and len(rows) > 6  # more raters than the limit
