"""API: a background job's state and progress, and the file it made (an export, a failed
import's error report). Visible to the agency's HR admin and to whoever started the job; any
other caller, and another agency's job, gets 404."""

from collections.abc import Callable
from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status, UploadedFile

from kinerja.core import permissions
from kinerja.core.errors import KinerjaError
from kinerja.core.tenancy import get_for_agency
from kinerja.jobs.files import import_upload
from kinerja.jobs.models import Job

from .common import require
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


class ImportErrorOut(Schema):
    row: int
    column: str
    message: str


def import_answer(
    request: HttpRequest,
    *,
    check: Callable[[Any, Any], bool],
    kind: str,
    service: Callable[..., Any],
    file: UploadedFile | None,
    missing: str,
    dry_run: bool,
    background: bool,
    report: Callable[[Any, bool], dict[str, Any]],
) -> Status:
    """The API's side of every import (employees, position standards, training catalog): the
    caller may (`check`), a file came (`missing` says which, in the one error shape), and
    `import_upload` decides: a job (202 with it, a large file or `background`) or now (200, or
    422 with every row error; `report(outcome, dry_run)` is the body, `ok` in it)."""
    agency = require(request, check)
    if file is None:  # also an empty upload, which Django's parser drops
        raise KinerjaError("file_required", missing)
    outcome = import_upload(
        kind=kind,
        service=service,
        agency=agency,
        data=file.read(),
        filename=file.name or "",
        acting_user=request.user,
        dry_run=dry_run,
        background=background,
    )
    if isinstance(outcome, Job):  # followed at /api/v1/jobs/{id}
        return Status(202, job_out(outcome))
    body = report(outcome, dry_run)
    return Status(200 if body["ok"] else 422, body)


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
