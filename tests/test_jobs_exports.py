"""XLSX exports and the candidates ranking as background jobs (kinerja/jobs): above the inline
limit the export link starts (or joins) a job whose file — the same workbook the link gives at
once for a small agency — is downloaded from the job's page; differently scoped exports never
join; the file is the starter's and the HR admin's only. At scale the candidates ranking runs as
a job and the page then shows its stored ranking, the same as the ranking done in the request."""

# ruff: noqa: F811  (fixtures imported from other test modules, used as arguments)

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kinerja.jobs import services as jobs
from kinerja.jobs.models import Job
from kinerja.results import services as results
from kinerja.results.models import CycleResult

from .conftest import make_user
from .jobs_storage import private_storage  # noqa: F401  (a fixture)
from .test_jobs import run_worker
from .test_results_services import closed_cycle  # noqa: F401  (a fixture)
from .test_talent_pages import (  # noqa: F401  (fixtures)
    board,
    candidates_page,
    ranked,
    target,
)


@pytest.fixture(autouse=True)
def every_export_is_a_job(settings, private_storage):  # noqa: F811
    settings.KINERJA_JOBS_INLINE_MAX = 0
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def summarised(cycle) -> None:
    """The cycle's CycleResult as the compute leaves it (the talent pages read its count)."""
    CycleResult.objects.update_or_create(
        cycle=cycle,
        defaults={
            "agency": cycle.agency,
            "scoring_version": "uji",
            "summary": {"employees": cycle.employee_results.count()},
            "computed_at": timezone.now(),
            "status": CycleResult.Status.FINAL,
        },
    )


@pytest.fixture
def computed(world, closed_cycle):  # noqa: F811
    results.results_compute(cycle=closed_cycle, acting_user=world.admin)
    return closed_cycle


@pytest.fixture
def final_board(board):  # noqa: F811
    summarised(board)
    return board


@dataclass
class Export:
    kind: str
    fixture: str
    url: Callable[[Any], str]  # of the fixture's value
    filename: Callable[[Any], str]


EXPORTS = [
    Export(
        Job.Kind.RESULTS_EXPORT,
        "computed",
        lambda c: reverse("results:export_xlsx", args=[c.pk]),
        lambda c: f"hasil-siklus-{c.pk}.xlsx",
    ),
    Export(
        Job.Kind.PROGRESS_EXPORT,
        "computed",
        lambda c: reverse("assessment:cycle_progress_xlsx", args=[c.pk]),
        lambda c: f"progres-siklus-{c.pk}.xlsx",
    ),
    Export(
        Job.Kind.TALENT_EXPORT,
        "final_board",
        lambda c: reverse("talent:box_xlsx", args=[c.pk, 9]),
        lambda c: f"9box-{c.pk}-kotak-9.xlsx",
    ),
    Export(
        Job.Kind.TALENT_EXPORT,
        "final_board",
        lambda c: reverse("talent:pool_xlsx", args=[c.pk]),
        lambda c: f"suksesi-{c.pk}.xlsx",
    ),
    Export(
        Job.Kind.NEEDS_EXPORT,
        "final_board",
        lambda c: reverse("development:needs_export") + "?tahun=2025",
        lambda c: "analisis-kebutuhan-pengembangan-2025.xlsx",
    ),
]
IDS = ["results", "progress", "box", "pool", "needs"]


def sheets(content: bytes) -> list[list[tuple]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets]


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("export", EXPORTS, ids=IDS)
def test_a_large_export_is_a_job_whose_file_is_the_same_workbook(
    client, world, export, request, settings, django_capture_on_commit_callbacks
):
    value = request.getfixturevalue(export.fixture)
    client.force_login(world.admin)
    url = export.url(value)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url)
    job = Job.objects.get(kind=export.kind)
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert job.state == Job.State.QUEUED and job.task_id

    # A second click joins the queued job.
    assert client.get(url).url == response.url and Job.objects.count() == 1
    queued = client.get(response.url).content.decode()
    assert "Antri" in queued and "Unduh" not in queued

    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.percent == 100, job.error
    assert job.output_name == export.filename(value)
    page = client.get(response.url).content.decode()
    assert reverse("jobs:download", args=[job.pk]) in page and "Unduh" in page
    file = client.get(reverse("jobs:download", args=[job.pk]))
    assert file.status_code == 200
    assert export.filename(value) in file["Content-Disposition"]

    settings.KINERJA_JOBS_INLINE_MAX = 100_000  # the same link for a small agency: at once
    at_once = client.get(url)
    assert at_once.status_code == 200 and Job.objects.count() == 1
    assert sheets(downloaded(file)) == sheets(at_once.content)
    assert any(len(rows) > 1 for rows in sheets(at_once.content))  # not just headers


def test_differently_scoped_progress_exports_do_not_join(client, world, computed):
    client.force_login(world.admin)
    url = reverse("assessment:cycle_progress_xlsx", args=[computed.pk])
    whole = client.get(url).url
    unit = client.get(url + f"?unit={world.subunit.pk}").url
    assert whole != unit and Job.objects.filter(kind=Job.Kind.PROGRESS_EXPORT).count() == 2
    scoped = Job.objects.get(key=f"unit:{world.subunit.pk}")
    jobs.job_run(scoped.pk)
    scoped.refresh_from_db()
    assert scoped.state == Job.State.DONE and scoped.params["unit_id"] == world.subunit.pk

    # The leadership's click is theirs: it never joins (or shows) the HR admin's job.
    client.force_login(world.leader)
    mine = client.get(url)
    job = Job.objects.get(pk=int(mine.url.rstrip("/").rsplit("/", 1)[-1]))
    assert job.started_by == world.leader and mine.url not in (whole, unit)
    assert job.key == f"unit:;u{world.leader.pk}"


def test_an_export_file_is_the_starters_and_the_admins_only(client, world, computed):
    client.force_login(world.leader)
    url = reverse("assessment:cycle_progress_xlsx", args=[computed.pk])
    client.get(url)
    job = Job.objects.get()
    jobs.job_run(job.pk)
    download = reverse("jobs:download", args=[job.pk])
    second_admin = make_user("admin_a2", agency=world.agency, role="admin")
    other_leader = make_user("pimpinan_a2", agency=world.agency, role="pimpinan")
    for user, expected in [
        (world.leader, 200),  # the starter
        (second_admin, 200),  # the HR admin
        (other_leader, 404),  # another member, even of the same role
        (world.staff, 404),
        (world.outsider, 404),  # another agency
    ]:
        client.force_login(user)
        assert client.get(download).status_code == expected, user
        assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == expected, user


def test_a_failed_export_says_so_and_offers_no_file(client, world, computed, monkeypatch):
    client.force_login(world.admin)
    client.get(reverse("results:export_xlsx", args=[computed.pk]))
    job = Job.objects.get()

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("kinerja.results.exports.results_xlsx", broken)
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "kesalahan tak terduga" in job.error
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


# --- the candidates ranking ---------------------------------------------------------------------


def lines_of(response) -> list[tuple]:
    return [
        (line.result.employee.name, line.rank, line.tied, line.jpm, line.readiness_label)
        for line in response.context["lines"]
    ]


def test_at_scale_the_ranking_is_a_job_and_the_page_shows_its_stored_rows(
    client,
    world,
    ranked,
    target,
    settings,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    summarised(ranked)
    client.force_login(world.admin)
    first = candidates_page(client, target, f=1)
    html = first.content.decode()
    assert "Hitung peringkat" in html and "lines" not in first.context
    assert not Job.objects.exists()  # a read starts nothing

    rank_url = reverse("talent:candidates_rank", args=[target.pk])
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(rank_url)
    assert started.status_code == 302
    job = Job.objects.get(kind=Job.Kind.CANDIDATES)
    assert job.target_id == target.pk and job.key.startswith(f"{ranked.pk}:")
    following = candidates_page(client, target, f=1).content.decode()
    assert 'data-testid="job-progress"' in following and 'data-state="antri"' in following
    assert client.post(rank_url).status_code == 302 and Job.objects.count() == 1  # joins

    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE and "9 pegawai" in job.message
    assert job.output_url == reverse("talent:candidates") + f"?jabatan={target.pk}"
    assert job.output_name == ""  # read by the page, not offered for download

    stored = candidates_page(client, target, f=1)
    assert "Peringkat tersimpan" in stored.content.decode()
    settings.KINERJA_JOBS_INLINE_MAX = 100_000
    at_once = candidates_page(client, target, f=1)
    assert "Peringkat tersimpan" not in at_once.content.decode()
    assert lines_of(stored) == lines_of(at_once) and len(lines_of(stored)) == 9
    assert stored.context["ranked_count"] == at_once.context["ranked_count"]
    assert stored.context["eligible_count"] == at_once.context["eligible_count"]


def test_a_changed_standard_asks_for_a_new_ranking(client, world, ranked, target):  # noqa: F811
    from kinerja.competencies.models import PositionStandard

    summarised(ranked)
    client.force_login(world.admin)
    client.post(reverse("talent:candidates_rank", args=[target.pk]))
    jobs.job_run(Job.objects.get().pk)
    assert "Peringkat tersimpan" in candidates_page(client, target, f=1).content.decode()
    PositionStandard.objects.filter(position=target, competency__code="M.02").update(
        required_level=4
    )
    page = candidates_page(client, target, f=1).content.decode()
    assert "Peringkat tersimpan" not in page and "Hitung peringkat" in page


def test_the_candidates_export_at_scale_is_a_job_too(client, world, ranked, target, settings):  # noqa: F811
    summarised(ranked)
    client.force_login(world.admin)
    url = reverse("talent:candidates_xlsx", args=[target.pk])
    response = client.get(url)
    job = Job.objects.get(kind=Job.Kind.TALENT_EXPORT)
    assert response.url == reverse("jobs:detail", args=[job.pk])
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.error
    file = downloaded(client.get(reverse("jobs:download", args=[job.pk])))
    settings.KINERJA_JOBS_INLINE_MAX = 100_000
    assert sheets(file) == sheets(client.get(url).content)
