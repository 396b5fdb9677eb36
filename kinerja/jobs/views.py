"""Pages of background jobs: the agency's recent jobs, one job with its progress (polled by htmx
every 2 s; without JavaScript the page refreshes itself), and cancelling a queued job."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.core import permissions
from kinerja.core.errors import KinerjaError
from kinerja.core.tenancy import get_for_agency_or_404
from kinerja.core.types import AgencyRequest
from kinerja.core.views import agency_required, show_error

from . import services
from .models import Job

PAGE_SIZE = 50
manage = agency_required(permissions.can_manage_jobs)


@manage
def job_list(request: AgencyRequest) -> HttpResponse:
    rows = Job.objects.filter(agency=request.agency).select_related("started_by")
    state = request.GET.get("status", "")
    if state in Job.State.values:
        rows = rows.filter(state=state)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "jobs/list.html",
        {"page": page, "jobs": list(page), "states": Job.State.choices, "state": state},
    )


def _visible_job(request: AgencyRequest, job_id: int) -> Job:
    job = get_for_agency_or_404(Job.objects.select_related("started_by"), request.agency, pk=job_id)
    if not permissions.can_view_job(request.user, job):
        raise Http404
    return job


@agency_required(permissions.is_member)
def job_detail(request: AgencyRequest, job_id: int) -> HttpResponse:
    job = _visible_job(request, job_id)
    template = "jobs/_progress.html" if getattr(request, "htmx", False) else "jobs/detail.html"
    can_manage = permissions.can_manage_jobs(request.user, request.agency)
    return render(request, template, {"job": job, "can_manage": can_manage})


@agency_required(permissions.is_member)
def job_download(request: AgencyRequest, job_id: int) -> FileResponse:
    """The file a job made (an export, a ZIP of reports; a failed import's error report), to
    whoever may see the job."""
    job = _visible_job(request, job_id)
    if job.state not in (Job.State.DONE, Job.State.FAILED) or not job.output_file:
        raise Http404
    return FileResponse(
        job.output_file.open("rb"), as_attachment=True, filename=job.output_name or ""
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_or_job(
    request: AgencyRequest,
    *,
    kind: str,
    target_id: int,
    target_name: str,
    size: int,
    build: Callable[[], bytes],
    filename: str,
    key: str = "",
    params: dict[str, Any] | None = None,
    content_type: str = XLSX,
) -> HttpResponse:
    """An export at once (at most inline_limit() rows), or as a job the click starts or joins,
    whose page offers the file when it is done. `key` tells apart exports of one target that
    differ (a filter); an export started by someone who may not see every job is theirs alone,
    so a job someone else started never answers their click."""
    if size <= services.inline_limit():
        response = HttpResponse(build(), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    if not permissions.can_manage_jobs(request.user, request.agency):
        key = f"{key};u{request.user.pk}"
    job, created = services.job_start(
        agency=request.agency,
        kind=kind,
        target_id=target_id,
        target_name=target_name,
        acting_user=request.user,
        key=key[:100],
        params={"filename": filename, **(params or {})},
    )
    if not created:
        messages.info(request, _("Ekspor yang sama sedang disiapkan; halaman ini mengikutinya."))
    return redirect("jobs:detail", job_id=job.pk)


@manage
@require_POST
def job_cancel(request: AgencyRequest, job_id: int) -> HttpResponse:
    job = get_for_agency_or_404(Job, request.agency, pk=job_id)
    try:
        services.job_cancel(job=job, acting_user=request.user)
    except KinerjaError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Pekerjaan dibatalkan."))
    return redirect("jobs:detail", job_id=job.pk)
