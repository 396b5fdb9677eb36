"""API: what the caller is expected to do now (the home page's list), and the HR admin's cycle
announcement (preview with its reach, and a send to those it has not reached)."""

# No `from __future__ import annotations` here: ninja reads the annotations (see assessment.py).

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from kinerja.assessment import announcements
from kinerja.assessment.expectations import expectations_of
from kinerja.assessment.models import Cycle
from kinerja.core import permissions
from kinerja.core.errors import KinerjaError
from kinerja.core.tenancy import get_for_agency

from .common import require
from .urls import api

router = Router(tags=["komunikasi"])


class TaskOut(Schema):
    kind: str
    label: str
    due: dt.datetime | None
    url: str
    done: bool


class ExpectationOut(Schema):
    cycle_id: int
    cycle_name: str
    status: str
    deadline: dt.datetime
    acknowledged: bool
    tasks: list[TaskOut]


class AnnouncementOut(Schema):
    cycle_id: int
    status: str
    subject: str
    body: str
    participants: int
    announced: int
    pending: int
    no_address: int


class AnnouncementSendOut(Schema):
    job_id: int
    state: str
    message: str
    error: str


@router.get("/my/expectations", response=list[ExpectationOut])
def my_expectations(request: HttpRequest):
    """For each running cycle the caller takes part in, and each cycle whose results were
    released within the objection window: the tasks with their due date, done or not (an
    account without an employee record gets an empty list)."""
    me = permissions.employee_of(request.user)
    agency = getattr(request, "agency", None)
    if me is None or agency is None or me.agency_id != agency.pk:
        return []
    found = expectations_of(employee=me, user=request.user, has_team=me.subordinates.exists())
    return [
        {
            "cycle_id": e.cycle.pk,
            "cycle_name": e.cycle.name,
            "status": e.cycle.status,
            "deadline": e.cycle.deadline,
            "acknowledged": e.acknowledged,
            "tasks": [t.__dict__ for t in e.tasks],
        }
        for e in found
    ]


def _cycle(request: HttpRequest, cycle_id: int) -> Cycle:
    agency = require(request, permissions.can_manage_cycles)
    return get_for_agency(Cycle.objects.select_related("agency"), agency, pk=cycle_id)


@router.get("/cycles/{int:cycle_id}/announcement", response=AnnouncementOut)
def get_announcement(request: HttpRequest, cycle_id: int):
    """The announcement as the first participant receives it, and how many it has reached."""
    cycle = _cycle(request, cycle_id)
    sample = announcements.participants(cycle=cycle).first()
    subject, body = announcements.announcement_text(
        cycle=cycle,
        name=sample.name if sample else _("Nama Pegawai"),
        forms=announcements.owed_forms(sample) if sample else 0,
    )
    reach = announcements.reach(cycle=cycle)
    return {
        "cycle_id": cycle.pk,
        "status": cycle.status,
        "subject": subject,
        "body": body,
        **reach.__dict__,
    }


@router.post("/cycles/{int:cycle_id}/announcement/send", response=AnnouncementSendOut)
def send_announcement(request: HttpRequest, cycle_id: int):
    """Sends the announcement to the participants it has not reached yet (never twice to
    anyone): in the request for a small cycle, else as a background job (see /jobs/{id})."""
    cycle = _cycle(request, cycle_id)
    if cycle.status != Cycle.Status.RUNNING:
        raise KinerjaError(
            "cycle_not_running",
            _("Pengumuman hanya dapat dikirim pada siklus yang sedang berjalan."),
        )
    job = announcements.announcement_start(cycle=cycle, acting_user=request.user)
    return {"job_id": job.pk, "state": job.state, "message": job.message, "error": job.error}


api.add_router("/v1/", router)
