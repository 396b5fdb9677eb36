"""The one task of the task framework: run a Job row (kinerja/jobs/services.py)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_job(job_id: int) -> None:
    from .services import job_run

    job_run(job_id)
