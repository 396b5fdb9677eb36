"""Background jobs: start (or join), run with progress, cancel. The one owner of a job's life;
the web, the API and the CLI call these. The work of each kind lives in its own app's service
(RUNNERS), which takes a `progress(stage, percent)` callback and returns (message, output URL).

A job's row is written outside the work's own transaction, so its progress is visible while the
work runs; the work replaces its results in one transaction, so a job that fails or is killed
leaves the previous results untouched, and running it again is safe (idempotent)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from kinerja.core.audit import audit_record, user_or_none
from kinerja.core.errors import KinerjaError
from kinerja.core.models import Agency

from .models import Job

log = logging.getLogger(__name__)

Progress = Callable[[str, int], None]
STALE = timedelta(minutes=10)  # a running job with no progress for this long lost its worker
# kind -> "module.function(job, progress) -> (message, output_url)"
RUNNERS: dict[str, str] = {
    Job.Kind.RESULTS_COMPUTE: "kinerja.results.services.compute_job",
    Job.Kind.REMINDERS: "kinerja.assessment.reminders.reminders_job",
    Job.Kind.ANNOUNCEMENT: "kinerja.assessment.announcements.announcement_job",
    Job.Kind.EMPLOYEES_IMPORT: "kinerja.organisation.importing.employees_import_job",
    Job.Kind.STANDARDS_IMPORT: "kinerja.competencies.services.standards_import_job",
    Job.Kind.CATALOG_IMPORT: "kinerja.development.services.trainings_import_job",
    Job.Kind.RESULTS_EXPORT: "kinerja.results.exports.results_export_job",
    Job.Kind.PROGRESS_EXPORT: "kinerja.assessment.exports.progress_export_job",
    Job.Kind.TALENT_EXPORT: "kinerja.talent.jobs.talent_export_job",
    Job.Kind.NEEDS_EXPORT: "kinerja.development.exports.needs_export_job",
    Job.Kind.CANDIDATES: "kinerja.talent.jobs.candidates_job",
    Job.Kind.PDF_BATCH: "kinerja.reports.services.pdf_batch_job",
}


def job_start(
    *,
    agency: Agency,
    kind: str,
    target_id: int,
    target_name: str,
    acting_user: Any,
    key: str = "",
    params: dict[str, Any] | None = None,
    input_file: File | None = None,
    inline: bool = False,
    echo: Progress | None = None,
) -> tuple[Job, bool]:
    """(job, created): a new queued job, or the one already queued or running for the same kind,
    target and key (a second click joins it). `params` are the work's arguments and
    `input_file` the upload it reads (kept in the private storage). The task is enqueued once the row is committed; with
    `inline` (small work, see inline_limit) it runs here and now, through the same job_run."""
    if kind not in RUNNERS:
        raise KinerjaError("invalid", _("Jenis pekerjaan tidak dikenal."))
    running = Job.objects.filter(
        agency=agency, kind=kind, target_id=target_id, key=key, state__in=Job.ACTIVE
    ).first()
    if running is not None:
        if running.state == Job.State.RUNNING and running.updated_at < timezone.now() - STALE:
            # Its worker died mid-job (no progress for STALE): run it again, safely.
            transaction.on_commit(lambda: _enqueue(running.pk))
        return running, False
    try:
        with transaction.atomic():
            job = Job.objects.create(
                agency=agency,
                kind=kind,
                target_id=target_id,
                target_name=target_name[:200],
                key=key,
                params=params or {},
                started_by=user_or_none(acting_user),
                stage=_("Menunggu giliran"),
            )
            if input_file is not None:
                job.input_file.save(input_file.name or "upload", input_file, save=True)
            audit_record(
                agency=agency,
                acting_user=acting_user,
                action="job.start",
                obj=job,
                summary=f"{job.get_kind_display()}: {target_name}",
                after={"kind": kind, "target_id": target_id},
            )
    except IntegrityError:  # another request started it a moment ago: join that one
        return Job.objects.get(
            agency=agency, kind=kind, target_id=target_id, key=key, state__in=Job.ACTIVE
        ), False
    if inline:
        return job_run(job.pk, echo=echo), True
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job, True


def inline_limit() -> int:
    """Work on at most this many rows runs inside the request (KINERJA_JOBS_INLINE_MAX; 0: every
    job goes to the worker): a kecamatan's compute takes under a second, and waiting for a worker
    would only add a page."""
    return int(getattr(settings, "KINERJA_JOBS_INLINE_MAX", 500))


def _enqueue(job_id: int) -> None:
    from .tasks import run_job

    result = run_job.enqueue(job_id)
    Job.objects.filter(pk=job_id, task_id="").update(task_id=str(result.id)[:64])


class _Reporter:
    """Writes a job's progress where its page can read it at once. Work that is inside its own
    transaction (the results compute's store) reports through a second connection on
    PostgreSQL, as its own connection's writes are seen only at the commit; SQLite has one
    writer at a time, so there such reports wait for the end instead of blocking the work."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.side: Any = None
        self.depth = len(connection.atomic_blocks)  # the caller's own (a test's, say)

    def __call__(self, stage: str, percent: int) -> None:
        stage, percent = str(stage)[:200], max(0, min(100, int(percent)))
        if len(connection.atomic_blocks) <= self.depth:
            Job.objects.filter(pk=self.job_id, state=Job.State.RUNNING).update(
                stage=stage, percent=percent, updated_at=timezone.now()
            )
            return
        if connection.vendor != "postgresql":
            return
        if self.side is None:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Job._meta.db_table} SET stage = %s, percent = %s, updated_at = %s "
                "WHERE id = %s AND state = %s",
                [stage, percent, timezone.now(), self.job_id, Job.State.RUNNING],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def job_run(job_id: int, *, echo: Progress | None = None) -> Job:
    """Runs a queued job (or re-runs one a killed worker left "berjalan": the work is
    idempotent); a cancelled or finished job is left alone. Never raises for the work's own
    failure: the job says what went wrong, in words. `echo` also receives the progress (the
    CLI's bar when it runs a job in the foreground)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.state not in Job.ACTIVE:
            return job
        job.state, job.started_at, job.attempts = (
            Job.State.RUNNING,
            timezone.now(),
            job.attempts + 1,
        )
        job.stage, job.percent, job.error = _("Mulai"), 0, ""
        job.save(update_fields=["state", "started_at", "attempts", "stage", "percent", "error"])
    runner = import_string(RUNNERS[job.kind])
    report = _Reporter(job.pk)

    def progress(stage: str, percent: int) -> None:
        report(stage, percent)
        if echo is not None:
            echo(stage, percent)

    try:
        message, output_url = runner(job, progress)
    except KinerjaError as error:
        return _finish(job, Job.State.FAILED, error=error.message)
    except Exception:
        log.exception("job %s failed", job.pk)
        return _finish(
            job,
            Job.State.FAILED,
            error=_(
                "Terjadi kesalahan tak terduga; hasil sebelumnya tidak berubah. Coba lagi, dan "
                "bila terulang hubungi pengelola aplikasi (rincian ada di log server)."
            ),
        )
    finally:
        report.close()
    return _finish(job, Job.State.DONE, message=message, output_url=output_url)


def _finish(
    job: Job, state: str, *, error: str = "", message: str = "", output_url: str = ""
) -> Job:
    job.state, job.finished_at = state, timezone.now()
    job.error, job.message, job.output_url = error, message, output_url
    if state == Job.State.DONE:
        job.stage, job.percent = _("Selesai"), 100
    job.save()
    audit_record(
        agency=job.agency,
        acting_user=job.started_by,
        action=f"job.{state}",
        obj=job,
        summary=f"{job.get_kind_display()}: {job.target_name}",
        after={"state": state, "error": error, "message": message},
    )
    return job


@transaction.atomic
def job_cancel(*, job: Job, acting_user: Any) -> Job:
    """Cancels a job that has not started: once running, the work finishes (or fails) whole,
    because stopping it half-way would gain nothing (its results are written in one go)."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.state != Job.State.QUEUED:
        raise KinerjaError(
            "job_not_cancellable",
            _("Hanya pekerjaan yang masih antri yang dapat dibatalkan; yang ini %(state)s.")
            % {"state": job.get_state_display().lower()},
        )
    job.state, job.finished_at, job.stage = Job.State.CANCELLED, timezone.now(), _("Dibatalkan")
    job.save(update_fields=["state", "finished_at", "stage"])
    audit_record(
        agency=job.agency,
        acting_user=acting_user,
        action="job.cancel",
        obj=job,
        summary=f"{job.get_kind_display()}: {job.target_name}",
    )
    return job
