"""Imports as background jobs (kinerja/jobs): a file above the inline limit is kept as the job's
upload and imported by the real worker — through the web page, the API and the CLI alike — all
or nothing, with its progress, its report on the job's page and, for a bad file, the whole error
report as an XLSX that only the starter and the HR admin may download. Small files stay
synchronous."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from kinerja.competencies.models import PositionStandard
from kinerja.core.models import AuditEvent
from kinerja.development.models import Training
from kinerja.jobs import services as jobs
from kinerja.jobs.files import estimate_rows
from kinerja.jobs.models import Job
from kinerja.organisation.models import Employee, OrgUnit, Position

from .conftest import make_user
from .jobs_storage import private_storage  # noqa: F401  (a fixture)
from .test_api import auth
from .test_import import csv_bytes, valid_rows, xlsx_bytes
from .test_jobs import run_worker

LIMIT = 2  # files of more rows than this go to a job


@pytest.fixture(autouse=True)
def small_limit(settings, private_storage):  # noqa: F811
    settings.KINERJA_JOBS_INLINE_MAX = LIMIT
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- the three imports, one table ------------------------------------------------------------


def standards_file(levels: list[str]) -> bytes:
    rows = ["jabatan,kode_kompetensi,level"]
    rows += [
        f"{position},{code},{level}"
        for position, code, level in zip(
            ["Kepala Seksi", "Kepala Seksi", "Pengadministrasi"],
            ["M.01", "M.02", "M.01"],
            levels,
            strict=True,
        )
    ]
    return ("\n".join(rows) + "\n").encode()


def catalog_file(jp: list[str]) -> bytes:
    rows = ["kode,nama,jalur,metode,jp,kompetensi"]
    rows += [f"K-{n},Pelatihan {n},klasikal,pelatihan,{value},M.01" for n, value in enumerate(jp)]
    return ("\n".join(rows) + "\n").encode()


def employees_state(world) -> tuple:
    agency = world.agency
    return (
        sorted(Employee.objects.filter(agency=agency).values_list("nip", "name", "grade")),
        OrgUnit.objects.filter(agency=agency).count(),
        Position.objects.filter(agency=agency).count(),
    )


def standards_state(world) -> list:
    return sorted(
        PositionStandard.objects.filter(agency=world.agency).values_list(
            "position__name", "competency__code", "required_level"
        )
    )


def catalog_state(world) -> list:
    return sorted(Training.objects.filter(agency=world.agency).values_list("code", "jp"))


@dataclass
class Kind:
    kind: str
    page: str  # the web import page
    filename: str
    good: Callable[[], bytes]
    bad: Callable[[], bytes]  # every row but one valid; the bad rows' (row, column)
    bad_cells: set[tuple[int, str]]
    state: Callable[..., object]
    done: Callable[..., bool]  # the good file was applied
    command: str
    summary: str  # in the job's message when the good file was applied
    api: str  # the API's import endpoint


def _bad_employees() -> bytes:
    rows = valid_rows(5)
    rows[3]["golongan"] = "V/z"  # spreadsheet row 5
    rows[4]["nip"] = "12345"  # row 6
    return xlsx_bytes(rows)


KINDS = [
    Kind(
        Job.Kind.EMPLOYEES_IMPORT,
        "organisation:import_employees",
        "pegawai.xlsx",
        lambda: xlsx_bytes(valid_rows(5)),
        _bad_employees,
        {(5, "golongan"), (6, "nip")},
        employees_state,
        lambda w: Employee.objects.filter(agency=w.agency, name="Siti Uji, S.Sos.").exists(),
        "import-employees",
        "5 pegawai baru",
        "/api/v1/employees/import",
    ),
    Kind(
        Job.Kind.STANDARDS_IMPORT,
        "competencies:import_standards",
        "standar.csv",
        lambda: standards_file(["4", "3", "2"]),
        lambda: standards_file(["4", "9", "x"]),
        {(3, "level"), (4, "level")},
        standards_state,
        lambda w: (
            standards_state(w)
            == [
                ("Kepala Seksi", "M.01", 4),
                ("Kepala Seksi", "M.02", 3),
                ("Pengadministrasi", "M.01", 2),
            ]
        ),
        "import-standards",
        "3 standar berubah",
        "/api/v1/standards/import",
    ),
    Kind(
        Job.Kind.CATALOG_IMPORT,
        "development:catalog_import",
        "katalog.csv",
        lambda: catalog_file(["24", "16", "8"]),
        lambda: catalog_file(["24", "nol", "8"]),
        {(3, "jp")},
        catalog_state,
        lambda w: catalog_state(w) == [("K-0", 24), ("K-1", 16), ("K-2", 8)],
        "import-catalog",
        "3 kegiatan baru",
        "/api/v1/trainings/import",
    ),
]
IDS = [k.kind for k in KINDS]


@pytest.fixture
def ready(world, framework):
    """The framework (competency codes) loaded: every kind's file can be valid."""
    return world


def upload(kind: Kind, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(kind.filename, content)


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_a_large_file_from_the_page_becomes_a_job_the_worker_imports(
    client, ready, kind, django_capture_on_commit_callbacks
):
    world = ready
    client.force_login(world.admin)
    before = kind.state(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(kind.page), {"file": upload(kind, kind.good())})
    job = Job.objects.get(kind=kind.kind)
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert job.state == Job.State.QUEUED and job.started_by == world.admin and job.task_id
    assert job.input_file.read() == kind.good() and job.params["filename"] == kind.filename
    assert kind.state(world) == before  # nothing imported before the worker runs

    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.percent == 100, job.error
    assert kind.done(world)
    assert kind.summary in job.message and job.params["report"]["ok"] is True
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert kind.summary in page and "Lihat hasilnya" in page


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_a_bad_large_file_changes_nothing_and_its_job_reports_every_row(
    client, ready, kind, django_capture_on_commit_callbacks
):
    world = ready
    client.force_login(world.admin)
    before = kind.state(world)
    audit_before = AuditEvent.objects.exclude(action__startswith="job.").count()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(kind.page), {"file": upload(kind, kind.bad())})
    run_worker()
    job = Job.objects.get(kind=kind.kind)
    assert job.state == Job.State.FAILED
    assert "tidak ada data yang diubah" in job.error
    assert kind.state(world) == before
    assert AuditEvent.objects.exclude(action__startswith="job.").count() == audit_before
    report = job.params["report"]
    assert {(e["row"], e["column"]) for e in report["errors"]} == kind.bad_cells
    assert report["error_count"] == len(kind.bad_cells)

    # The page shows the same table as the synchronous import, and the whole report as XLSX.
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    for row, column in kind.bad_cells:
        assert f"<td>{row}</td><td><code>{column}</code></td>" in page
    assert "Unduh laporan kesalahan" in page
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    cells = {
        (row, column) for row, column, _message in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert cells == kind.bad_cells


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_a_dry_run_through_a_job_reports_and_writes_nothing(client, ready, kind):
    world = ready
    client.force_login(world.admin)
    before = kind.state(world)
    client.post(reverse(kind.page), {"file": upload(kind, kind.good()), "dry_run": "on"})
    job = Job.objects.get(kind=kind.kind)
    assert job.params["dry_run"] is True and job.key.endswith(":uji")
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.DONE and "Uji coba" in job.message
    assert kind.state(world) == before and job.output_url == ""


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_a_small_file_is_still_imported_in_the_request(client, ready, kind, settings):
    settings.KINERJA_JOBS_INLINE_MAX = 500
    client.force_login(ready.admin)
    response = client.post(reverse(kind.page), {"file": upload(kind, kind.good())})
    assert response.status_code == 200 and not Job.objects.exists()
    assert kind.done(ready)


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_the_cli_queues_with_background_and_runs_in_the_foreground_otherwise(
    ready, kind, tmp_path, django_capture_on_commit_callbacks
):
    path = tmp_path / kind.filename
    path.write_bytes(kind.good())
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(kind.command, str(path), agency="a", background=True, stdout=out)
    job = Job.objects.get(kind=kind.kind)
    assert f"Pekerjaan {job.pk} diantrekan" in out.getvalue() and not kind.done(ready)
    run_worker()
    assert kind.done(ready)

    bad = tmp_path / f"salah-{kind.filename}"
    bad.write_bytes(kind.bad())
    out = io.StringIO()
    before = kind.state(ready)
    with pytest.raises(CommandError, match="kesalahan; tidak ada data yang diubah"):
        call_command(kind.command, str(bad), agency="a", stdout=out)
    assert kind.state(ready) == before
    for row, column in kind.bad_cells:
        assert f"Baris {row}, kolom {column}" in out.getvalue()


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_progress_goes_through_parse_validate_and_write(ready, kind):
    job, _created = jobs.job_start(
        agency=ready.agency,
        kind=kind.kind,
        target_id=ready.agency.pk,
        target_name=kind.filename,
        acting_user=ready.admin,
        params={"filename": kind.filename},
        input_file=upload(kind, kind.good()),
    )
    seen: list[tuple[str, int]] = []
    jobs.job_run(job.pk, echo=lambda stage, percent: seen.append((str(stage), percent)))
    stages = [stage for stage, _percent in seen]
    assert stages[0] == "Membaca berkas" and any(s.startswith("Memeriksa") for s in stages)
    assert stages[-1].startswith("Menyimpan")  # parse, validate, then write
    percents = [percent for _stage, percent in seen]
    assert percents == sorted(percents) and 0 < percents[0] < percents[-1] < 100
    job.refresh_from_db()
    assert (job.state, job.stage, job.percent) == (Job.State.DONE, "Selesai", 100)


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_the_api_imports_now_refuses_a_bad_file_whole_and_queues_a_large_one(
    client, ready, kind, settings, django_capture_on_commit_callbacks
):
    """Every import through the API, as through the page and the CLI: a small file now (200, or
    422 with every row error and nothing changed), a dry run that writes nothing, a large file
    (or `background`) a job (202) the worker imports."""
    headers = auth(ready)
    settings.KINERJA_JOBS_INLINE_MAX = 500
    before = kind.state(ready)
    bad = client.post(kind.api, {"file": upload(kind, kind.bad())}, **headers)
    assert bad.status_code == 422, bad.content
    body = bad.json()
    assert body["ok"] is False and body["applied"] is False
    assert {(e["row"], e["column"]) for e in body["errors"]} == kind.bad_cells
    trial = client.post(kind.api, {"file": upload(kind, kind.good()), "dry_run": "true"}, **headers)
    assert trial.status_code == 200 and trial.json()["dry_run"] is True
    assert trial.json()["applied"] is False and kind.state(ready) == before
    missing = client.post(kind.api, {}, **headers)
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "file_required"
    assert kind.state(ready) == before and not Job.objects.exists()

    settings.KINERJA_JOBS_INLINE_MAX = LIMIT
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(kind.api, {"file": upload(kind, kind.good())}, **headers)
    assert queued.status_code == 202, queued.content
    job = Job.objects.get(pk=queued.json()["id"])
    assert job.kind == kind.kind and kind.state(ready) == before
    run_worker()
    state = client.get(f"/api/v1/jobs/{job.pk}", **headers).json()
    assert state["state"] == "selesai" and kind.summary in state["message"]
    assert kind.done(ready)


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_the_api_imports_a_small_file_in_the_request(client, ready, kind, settings):
    settings.KINERJA_JOBS_INLINE_MAX = 500
    done = client.post(kind.api, {"file": upload(kind, kind.good())}, **auth(ready))
    assert done.status_code == 200, done.content
    assert done.json()["ok"] is True and done.json()["applied"] is True
    assert kind.done(ready) and not Job.objects.exists()


# --- joining, refusing, the API and who may download -------------------------------------------


def test_the_same_file_again_joins_its_job_and_another_file_waits(client, ready):
    client.force_login(ready.admin)
    kind = KINDS[0]
    first = client.post(reverse(kind.page), {"file": upload(kind, kind.good())})
    again = client.post(reverse(kind.page), {"file": upload(kind, kind.good())})
    assert again.url == first.url and Job.objects.count() == 1
    other = client.post(reverse(kind.page), {"file": upload(kind, kind.bad())})
    assert other.status_code == 200 and Job.objects.count() == 1
    assert "sedang berjalan sebagai pekerjaan" in other.content.decode()


def test_the_api_answers_202_with_the_job_and_reads_its_state_and_file(client, ready):
    headers = auth(ready)
    content = csv_bytes(valid_rows(5))
    response = client.post(
        "/api/v1/employees/import",
        {"file": SimpleUploadedFile("pegawai.csv", content)},
        **headers,
    )
    assert response.status_code == 202, response.content
    body = response.json()
    job = Job.objects.get(pk=body["id"])
    assert body["state"] == "antri" and body["kind"] == "employees_import"
    assert body["links"]["self"] == f"/api/v1/jobs/{job.pk}" and body["links"]["download"] is None
    jobs.job_run(job.pk)
    state = client.get(f"/api/v1/jobs/{job.pk}", **headers).json()
    assert state["state"] == "selesai" and state["percent"] == 100
    assert state["report"]["ok"] is True and "5 pegawai baru" in state["message"]
    assert Employee.objects.filter(agency=ready.agency, name="Siti Uji, S.Sos.").exists()

    # A small file with `background`: a job too; a bad one fails with its report to download.
    bad = csv_bytes([{**row, "golongan": "V/z"} for row in valid_rows(1)])
    response = client.post(
        "/api/v1/employees/import",
        {"file": SimpleUploadedFile("salah.csv", bad), "background": "true"},
        **headers,
    )
    assert response.status_code == 202
    failed_id = response.json()["id"]
    jobs.job_run(failed_id)
    state = client.get(f"/api/v1/jobs/{failed_id}", **headers).json()
    assert state["state"] == "gagal" and state["report"]["errors"][0]["column"] == "golongan"
    assert state["links"]["download"] == f"/api/v1/jobs/{failed_id}/download"
    download = client.get(state["links"]["download"], **headers)
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")


def test_a_job_and_its_file_are_the_starters_and_the_admins_only(client, ready):
    world = ready
    kind = KINDS[0]
    client.force_login(world.admin)
    client.post(reverse(kind.page), {"file": upload(kind, kind.bad())})
    job = Job.objects.get()
    jobs.job_run(job.pk)
    second_admin = make_user("admin_a2", agency=world.agency, role="admin")
    urls = [reverse("jobs:detail", args=[job.pk]), reverse("jobs:download", args=[job.pk])]
    api = [f"/api/v1/jobs/{job.pk}", f"/api/v1/jobs/{job.pk}/download"]
    for user, expected in [
        (world.admin, 200),  # the starter
        (second_admin, 200),  # the agency's HR admin
        (world.staff, 404),  # another member of the agency
        (world.outsider, 404),  # another agency's HR admin
    ]:
        client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [expected] * 2, user
        headers = auth(world, user) if user != world.outsider else _outsider_auth(world)
        assert [client.get(url, **headers).status_code for url in api] == [expected] * 2, user


def _outsider_auth(world) -> dict:
    from kinerja.core.services import token_create

    _token, secret = token_create(
        agency=world.other_agency, user=world.outsider, name="uji", acting_user=world.outsider
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_row_estimate_counts_data_rows_of_xlsx_and_csv():
    rows = valid_rows(7)
    assert estimate_rows(xlsx_bytes(rows), "a.xlsx") == 7
    assert estimate_rows(csv_bytes(rows), "a.csv") == 7
    assert estimate_rows(b"not a zip", "a.xlsx") == 0  # the real read reports the fault
    assert estimate_rows(b"x", "a.txt") == 0
