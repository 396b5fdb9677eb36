"""Background jobs (kinerja/jobs): the results compute as a job the HR admin can follow — queued,
run by the real task worker (django-tasks' database backend, `db_worker`), its progress, outcome
and audit; one compute per cycle at a time; a failure leaves the previous results untouched."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.urls import reverse
from django.utils import timezone

from kinerja.core.errors import KinerjaError
from kinerja.core.models import AuditEvent
from kinerja.jobs import services as jobs
from kinerja.jobs.models import Job
from kinerja.results import services as results
from kinerja.results.models import CycleResult, EmployeeResult

from .test_assessment_admin import messages_of
from .test_results_services import closed_cycle  # noqa: F401  (a fixture)


def run_worker() -> None:
    """The real worker of the embedded backend, until the queue is empty.

    The worker drops connections that are not in autocommit, as a request does; inside the test's
    transaction that would close it on PostgreSQL (SQLite's in-memory database ignores a close),
    so here the check is switched off and everything else of the worker runs as it is."""
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())


def stored(cycle) -> list[dict]:
    return list(EmployeeResult.objects.filter(cycle=cycle).order_by("pk").values())


@pytest.fixture
def background(settings):
    settings.KINERJA_JOBS_INLINE_MAX = 0  # every compute goes to the worker


def test_a_compute_runs_in_the_background_and_the_page_follows_it(
    client,
    world,
    closed_cycle,  # noqa: F811
    background,
    django_capture_on_commit_callbacks,
):
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("results:compute", args=[closed_cycle.pk]))
    job = Job.objects.get()
    assert page.status_code == 302 and page.url == reverse("jobs:detail", args=[job.pk])
    assert job.state == Job.State.QUEUED and job.started_by == world.admin and job.task_id
    assert not EmployeeResult.objects.filter(cycle=closed_cycle).exists()

    detail = client.get(page.url)
    html = detail.content.decode()
    assert "Antri" in html and 'hx-trigger="every 2s"' in html  # htmx polls while active
    assert '<noscript><meta http-equiv="refresh"' in html  # and without JavaScript, a refresh
    cycle_page = client.get(reverse("results:cycle", args=[closed_cycle.pk])).content.decode()
    assert "Perhitungan di latar belakang" in cycle_page

    # A second click, from anyone allowed, joins the queued job instead of starting another.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("results:compute", args=[closed_cycle.pk]))
    assert again.url == page.url and Job.objects.count() == 1

    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.percent == 100
    assert job.started_at <= job.finished_at and job.attempts == 1
    assert job.output_url == reverse("results:cycle", args=[closed_cycle.pk])
    assert EmployeeResult.objects.filter(cycle=closed_cycle).count() == 3
    fragment = client.get(page.url, headers={"HX-Request": "true"}).content.decode()
    assert "Selesai" in fragment and "hx-trigger" not in fragment  # polling stops
    assert "Hasil dihitung: 3 pegawai" in fragment and "Lihat hasilnya" in fragment
    actions = list(
        AuditEvent.objects.filter(action__startswith="job.").values_list("action", flat=True)
    )
    assert sorted(actions) == ["job.selesai", "job.start"]
    listing = client.get(reverse("jobs:list")).content.decode()
    assert "Hitung hasil siklus" in listing and closed_cycle.name in listing


def test_progress_is_reported_stage_by_stage_while_the_work_runs(world, closed_cycle):  # noqa: F811
    seen = []
    job = Job.objects.create(
        agency=world.agency, kind=Job.Kind.RESULTS_COMPUTE, target_id=closed_cycle.pk
    )

    outer = len(connection.atomic_blocks)

    def watch(stage, percent):
        # What another connection would read now: the row is written outside the work's
        # transaction, so the page sees each stage while the work runs. Inside the store's
        # transaction this connection is busy writing the rows (a COPY): nothing is read then.
        inside = len(connection.atomic_blocks) > outer
        now = "storing" if inside else Job.objects.get(pk=job.pk).percent
        seen.append((str(stage), percent, now))

    jobs.job_run(job.pk, echo=watch)
    assert [s[0] for s in seen] == [
        "Membaca jawaban",
        "Menghitung skor",
        "Menyimpan hasil",
        "Menyimpan hasil",  # the rows written (one chunk here), inside the store's transaction
        "Selesai",
    ]
    assert [s[1] for s in seen] == [10, 40, 70, 99, 100]
    # Inside the store's transaction the report goes through a second connection (PostgreSQL;
    # test_progress_inside_the_store_is_seen_by_other_connections) or waits for the end
    # (SQLite, one writer).
    assert [s[2] for s in seen] == [10, 40, 70, "storing", 100]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer: the store's transaction"
)
@pytest.mark.django_db(transaction=True)
def test_progress_inside_the_store_is_seen_by_other_connections(
    world,
    closed_cycle,  # noqa: F811
    monkeypatch,
):
    job = Job.objects.create(
        agency=world.agency, kind=Job.Kind.RESULTS_COMPUTE, target_id=closed_cycle.pk
    )
    write = results._write_results
    seen = []

    def write_and_look(rows):
        write(rows)  # every row made, so every chunk's progress reported; not yet committed
        other = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT stage, percent FROM jobs_job WHERE id = %s", [job.pk])
                seen.append(cursor.fetchone())
                cursor.execute(
                    "SELECT COUNT(*) FROM results_employeeresult WHERE cycle_id = %s",
                    [closed_cycle.pk],
                )
                seen.append(cursor.fetchone()[0])
        finally:
            other.close()

    monkeypatch.setattr(results, "_write_results", write_and_look)
    job = jobs.job_run(job.pk)
    assert seen == [("Menyimpan hasil", 99), 0]  # the bar moved while the rows were unseen
    assert job.state == Job.State.DONE and job.percent == 100
    assert EmployeeResult.objects.filter(cycle=closed_cycle).count() == 3


def test_a_failed_job_says_why_in_words_and_leaves_the_previous_results(
    world,
    closed_cycle,  # noqa: F811
    monkeypatch,
):
    results.results_compute(cycle=closed_cycle, acting_user=world.admin)
    before, summary = stored(closed_cycle), CycleResult.objects.get(cycle=closed_cycle).summary

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(results, "_write_results", broken)  # fails inside the store transaction
    job, created = jobs.job_start(
        agency=world.agency,
        kind=Job.Kind.RESULTS_COMPUTE,
        target_id=closed_cycle.pk,
        target_name=closed_cycle.name,
        acting_user=world.admin,
        inline=True,
    )
    assert created and job.state == Job.State.FAILED
    assert "hasil sebelumnya tidak berubah" in job.error and "disk full" not in job.error
    assert stored(closed_cycle) == before
    assert CycleResult.objects.get(cycle=closed_cycle).summary == summary
    assert AuditEvent.objects.filter(action="job.gagal").count() == 1


def test_a_rule_refusal_is_the_jobs_error_and_nothing_is_written(world, closed_cycle):  # noqa: F811
    results.results_compute(cycle=closed_cycle, acting_user=world.admin)
    results.results_finalise(cycle=closed_cycle, acting_user=world.admin)
    job = Job.objects.create(
        agency=world.agency, kind=Job.Kind.RESULTS_COMPUTE, target_id=closed_cycle.pk
    )
    before = stored(closed_cycle)
    job = jobs.job_run(job.pk)
    assert job.state == Job.State.FAILED
    assert job.error == "Hasil siklus ini sudah final dan tidak dapat diubah."
    assert stored(closed_cycle) == before


def test_only_a_queued_job_can_be_cancelled_and_the_worker_then_skips_it(
    client,
    world,
    closed_cycle,  # noqa: F811
    background,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        job, _created = jobs.job_start(
            agency=world.agency,
            kind=Job.Kind.RESULTS_COMPUTE,
            target_id=closed_cycle.pk,
            target_name=closed_cycle.name,
            acting_user=world.admin,
        )
    client.force_login(world.admin)
    page = client.post(reverse("jobs:cancel", args=[job.pk]), follow=True)
    assert messages_of(page) == ["Pekerjaan dibatalkan."]
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED and job.started_at is None
    assert not EmployeeResult.objects.filter(cycle=closed_cycle).exists()
    with pytest.raises(KinerjaError) as refused:
        jobs.job_cancel(job=job, acting_user=world.admin)
    assert refused.value.code == "job_not_cancellable"


def test_a_job_whose_worker_died_runs_again_on_the_next_click(
    world,
    closed_cycle,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    job = Job.objects.create(
        agency=world.agency,
        kind=Job.Kind.RESULTS_COMPUTE,
        target_id=closed_cycle.pk,
        target_name=closed_cycle.name,
        state=Job.State.RUNNING,
        attempts=1,
    )
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - jobs.STALE * 2)
    with django_capture_on_commit_callbacks(execute=True):
        joined, created = jobs.job_start(
            agency=world.agency,
            kind=Job.Kind.RESULTS_COMPUTE,
            target_id=closed_cycle.pk,
            target_name=closed_cycle.name,
            acting_user=world.admin,
        )
    assert joined.pk == job.pk and not created
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.attempts == 2
    assert EmployeeResult.objects.filter(cycle=closed_cycle).count() == 3


def test_the_cli_computes_in_the_foreground_or_enqueues(
    world,
    closed_cycle,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("results", "compute", str(closed_cycle.pk), "--background", stdout=out)
    job = Job.objects.get()
    assert f"Pekerjaan {job.pk} diantrekan" in out.getvalue() and job.state == Job.State.QUEUED
    out = io.StringIO()
    call_command("results", "compute", str(closed_cycle.pk), stdout=out, stderr=io.StringIO())
    assert "sudah berjalan sebagai pekerjaan" in out.getvalue()  # one compute per cycle
    run_worker()
    out = io.StringIO()
    call_command("results", "compute", str(closed_cycle.pk), stdout=out, stderr=io.StringIO())
    assert "Hasil dihitung: 3 pegawai" in out.getvalue()
    assert Job.objects.filter(state=Job.State.DONE).count() == 2


# --- the Redis-backed worker pool (KINERJA_TASKS=rq) -------------------------------------------

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"  # a database of its own, emptied around the test


@pytest.fixture
def rq_backend(settings):
    import redis

    connection = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.fail("Redis is not running at 127.0.0.1:6379 (.ci/run starts it)")
    connection.flushdb()
    settings.KINERJA_JOBS_INLINE_MAX = 0
    settings.RQ_QUEUES = {"default": {"URL": REDIS_TEST_URL}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    yield connection
    connection.flushdb()


def test_the_redis_worker_pool_runs_the_same_job(
    world,
    closed_cycle,  # noqa: F811
    rq_backend,
    django_capture_on_commit_callbacks,
):
    import django_rq
    from django_tasks_rq.backend import Job as RQJob
    from rq import SimpleWorker

    with django_capture_on_commit_callbacks(execute=True):
        job, _created = jobs.job_start(
            agency=world.agency,
            kind=Job.Kind.RESULTS_COMPUTE,
            target_id=closed_cycle.pk,
            target_name=closed_cycle.name,
            acting_user=world.admin,
        )
    queue = django_rq.get_queue("default")
    assert queue.count == 1 and Job.objects.get(pk=job.pk).state == Job.State.QUEUED
    # One worker of the pool (a SimpleWorker runs the job in this process, so it sees this
    # test's database; `kinerja rqworker default` on other machines forks one per job).
    SimpleWorker([queue], connection=queue.connection, job_class=RQJob).work(burst=True)
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.error
    assert EmployeeResult.objects.filter(cycle=closed_cycle).count() == 3
    assert queue.count == 0


def test_reminders_of_a_large_cycle_go_out_as_a_job(
    client, world, framework, settings, background, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.core import mail

    from kinerja.assessment import services as assessment

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for employee in (world.staff_employee, world.peer_employee, world.supervisor_employee):
        employee.email = f"{employee.pk}@contoh.go.id"
        employee.save(update_fields=["email"])
    cycle = assessment.cycle_create(
        agency=world.agency,
        acting_user=world.admin,
        name="Pengingat Latar",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        deadline=timezone.now() + dt.timedelta(days=5),
    )
    assessment.assignments_generate(cycle=cycle, acting_user=world.admin)
    assessment.cycle_start(cycle=cycle, acting_user=world.admin)
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("assessment:send_reminders", args=[cycle.pk]))
    job = Job.objects.get(kind=Job.Kind.REMINDERS)
    assert page.url == reverse("jobs:detail", args=[job.pk]) and not mail.outbox
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE and len(mail.outbox) == 3
    assert job.message == "Pengingat terkirim ke 3 penilai."
    assert job.output_url == reverse("assessment:cycle_detail", args=[cycle.pk])
