"""API: a background job's state and progress, and the file it made (an export, a failed
import's error report). Visible to the agency's HR admin and to whoever started the job; any
other caller, and another agency's job, gets 404."""

from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from kinerja.core import permissions
from kinerja.core.tenancy import get_for_agency
from kinerja.jobs.models import Job

from .urls import api

router = Router(tags=["pekerjaan"])


class JobLinks(Schema):
    self: str
    page: str
    download: str | None
    result: str | None


class JobOut(Schema):
    id: int
    kind: str
    target_id: int
    target_name: str
    state: str
    stage: str
    percent: int
    message: str
    error: str
    report: dict[str, Any] | None
    links: JobLinks


def job_out(job: Job) -> dict[str, Any]:
    """The job as the API shows it (also the 202 body of an import or export that became one)."""
    has_file = bool(job.output_file) and job.state in (Job.State.DONE, Job.State.FAILED)
    return {
        "id": job.pk,
        "kind": job.kind,
        "target_id": job.target_id,
        "target_name": job.target_name,
        "state": job.state,
        "stage": job.stage,
        "percent": job.percent,
        "message": job.message,
        "error": job.error,
        "report": job.params.get("report"),
        "links": {
            "self": f"/api/v1/jobs/{job.pk}",
            "page": reverse("jobs:detail", args=[job.pk]),
            "download": f"/api/v1/jobs/{job.pk}/download" if has_file else None,
            "result": job.output_url or None,
        },
    }


def _visible(request: HttpRequest, job_id: int) -> Job:
    job = get_for_agency(Job, getattr(request, "agency", None), pk=job_id)
    if not permissions.can_view_job(request.user, job):
        raise Http404
    return job


@router.get("/jobs/{job_id}", response=JobOut)
def job_detail(request: HttpRequest, job_id: int):
    """A job's state ("antri", "berjalan", "selesai", "gagal", "dibatalkan"), stage, percent,
    outcome and links; poll it until the state is no longer active."""
    return job_out(_visible(request, job_id))


@router.get("/jobs/{job_id}/download")
def job_download(request: HttpRequest, job_id: int):
    """The file the job made, once it is done (or a failed import's error report)."""
    job = _visible(request, job_id)
    if job.state not in (Job.State.DONE, Job.State.FAILED) or not job.output_file:
        raise Http404
    return FileResponse(
        job.output_file.open("rb"), as_attachment=True, filename=job.output_name or ""
    )


api.add_router("/v1/", router)
