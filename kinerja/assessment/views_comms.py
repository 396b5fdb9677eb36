"""The HR admin's announcement page: the e-mail every participant gets when the cycle starts,
previewed before the start, with who it has reached, and a resend to those not reached yet."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.core import permissions
from kinerja.core.errors import KinerjaError
from kinerja.core.tenancy import get_for_agency_or_404
from kinerja.core.types import AgencyRequest
from kinerja.core.views import agency_required, show_error

from . import announcements
from .models import Cycle

manage = agency_required(permissions.can_manage_cycles)


def _cycle(request: AgencyRequest, pk: int) -> Cycle:
    return get_for_agency_or_404(Cycle.objects.select_related("agency"), request.agency, pk=pk)


@manage
def announcement(request: AgencyRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    sample = announcements.participants(cycle=cycle).first()
    subject, body = announcements.announcement_text(
        cycle=cycle,
        name=sample.name if sample else _("Nama Pegawai"),
        forms=announcements.owed_forms(sample) if sample else 0,
    )
    return render(
        request,
        "assessment/admin/announcement.html",
        {
            "cycle": cycle,
            "subject": subject,
            "body": body,
            "sample": sample,
            "reach": announcements.reach(cycle=cycle),
            "can_send": cycle.status == Cycle.Status.RUNNING,
        },
    )


@require_POST
@manage
def announcement_send(request: AgencyRequest, pk: int) -> HttpResponse:
    """Sends the announcement to the participants it has not reached (never twice to anyone); a
    large cycle's e-mails go out as a background job with its progress page."""
    from kinerja.jobs.models import Job

    cycle = _cycle(request, pk)
    try:
        if cycle.status != Cycle.Status.RUNNING:
            raise KinerjaError(
                "cycle_not_running",
                _("Pengumuman hanya dapat dikirim pada siklus yang sedang berjalan."),
            )
        job = announcements.announcement_start(cycle=cycle, acting_user=request.user)
    except KinerjaError as error:
        show_error(request, error)
        return redirect("assessment:announcement", pk=cycle.pk)
    if job.state == Job.State.DONE:
        messages.success(request, job.message)
    elif job.state == Job.State.FAILED:
        messages.error(request, job.error)
    else:
        return redirect("jobs:detail", job_id=job.pk)
    return redirect("assessment:announcement", pk=cycle.pk)


urlpatterns = [
    path("siklus/<int:pk>/pengumuman/", announcement, name="announcement"),
    path("siklus/<int:pk>/pengumuman/kirim/", announcement_send, name="announcement_send"),
]
