"""Reminder e-mails to raters with unfinished forms: at most one per rater per day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from kinerja.core.audit import audit_record
from kinerja.core.errors import KinerjaError
from kinerja.organisation.models import Employee

from .models import Cycle, ReminderLog

TASKS_PATH = "/penilaian/tugas/"


def base_url() -> str:
    """Where the e-mail points to; `KINERJA_BASE_URL` in the settings, else the local server."""
    return str(getattr(settings, "KINERJA_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")


def deadline_text(deadline: dt.datetime) -> str:
    """'31 Januari 2026 pukul 23.59 WIB' in the active language's month names."""
    local = timezone.localtime(deadline)
    return _("%(date)s pukul %(time)s %(zone)s") % {
        "date": formats.date_format(local, "j F Y"),
        "time": local.strftime("%H.%M"),
        "zone": local.tzname() or "",
    }


def reminder_text(*, cycle: Cycle, open_forms: int) -> tuple[str, str]:
    """(subject, body) of one reminder."""
    subject = _("Pengingat penilaian: %(cycle)s") % {"cycle": cycle.name}
    body = _(
        "Anda memiliki %(n)d formulir penilaian yang belum selesai pada siklus %(cycle)s. "
        "Batas pengisian: %(deadline)s. Buka %(url)s"
    ) % {
        "n": open_forms,
        "cycle": cycle.name,
        "deadline": deadline_text(cycle.deadline),
        "url": base_url() + TASKS_PATH,
    }
    body += "\n\n" + _(
        "Untuk apa penilaian ini, siapa melihat apa, dan cara mengajukan keberatan: "
        "%(purpose)s\nPertanyaan umum (FAQ): %(faq)s"
    ) % {
        "purpose": base_url() + reverse("assessment:cycle_purpose", args=[cycle.pk]),
        "faq": base_url() + reverse("assessment:faq"),
    }
    return subject, body


def raters_with_open_forms(*, cycle: Cycle) -> list[tuple[Employee, int, str]]:
    """(rater, unfinished forms, e-mail address) for every rater who owes a form and has an
    address (the employee's own, else their account's). One query."""
    unfinished = Q(assignments_as_rater__cycle=cycle) & Q(
        Q(assignments_as_rater__response__isnull=True)
        | Q(assignments_as_rater__response__submitted_at__isnull=True)
    )
    raters = (
        Employee.objects.filter(agency=cycle.agency, assignments_as_rater__cycle=cycle)
        .annotate(open_forms=Count("assignments_as_rater", filter=unfinished))
        .filter(open_forms__gt=0)
        .select_related("user")
        .order_by("id")
    )
    found: list[tuple[Employee, int, str]] = []
    for rater in raters:
        email = rater.email or (rater.user.email if rater.user else "")
        if email:
            found.append((rater, rater.open_forms, email))
    return found


def _no_progress(stage: str, percent: int) -> None:
    return None


def send_reminders(
    *,
    cycle: Cycle,
    acting_user: Any,
    today: dt.date | None = None,
    progress: Callable[[str, int], None] = _no_progress,
) -> int:
    """E-mails every rater with unfinished forms in a running cycle, once a day at most (the
    ReminderLog row is written in the same transaction as the send, so a failed send can be
    retried and a concurrent run meets the unique constraint). Returns how many were sent."""
    cycle = Cycle.objects.select_related("agency").get(pk=cycle.pk)
    if cycle.status != Cycle.Status.RUNNING:
        raise KinerjaError(
            "cycle_not_running", _("Pengingat hanya dapat dikirim pada siklus yang berjalan.")
        )
    today = today or timezone.localdate()
    already = set(
        ReminderLog.objects.filter(cycle=cycle, sent_on=today).values_list("rater_id", flat=True)
    )
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        raters = raters_with_open_forms(cycle=cycle)
        for done, (rater, open_forms, email) in enumerate(raters):
            if done % 50 == 0:
                progress(
                    _("Mengirim pengingat: %(done)d dari %(total)d penilai")
                    % {"done": done, "total": len(raters)},
                    int(100 * done / max(len(raters), 1)),
                )
            if rater.pk in already:
                continue
            subject, body = reminder_text(cycle=cycle, open_forms=open_forms)
            try:
                with transaction.atomic():
                    if ReminderLog.objects.filter(cycle=cycle, rater=rater, sent_on=today).exists():
                        continue
                    ReminderLog.objects.create(
                        agency=cycle.agency,
                        cycle=cycle,
                        rater=rater,
                        sent_on=today,
                        open_forms=open_forms,
                    )
                    EmailMessage(subject=subject, body=body, to=[email]).send()
            except IntegrityError:
                continue  # another run reminded this rater today
            sent += 1
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action="cycle.remind",
        obj=cycle,
        summary=_("%(n)d pengingat dikirim") % {"n": sent},
        after={"sent": sent, "date": today.isoformat()},
    )
    return sent


def reminders_job(job: Any, progress: Callable[[str, int], None]) -> tuple[str, str]:
    """The background job "Kirim pengingat" (kinerja/jobs): (message, where to look)."""
    cycle = Cycle.objects.get(pk=job.target_id, agency_id=job.agency_id)
    sent = send_reminders(cycle=cycle, acting_user=job.started_by, progress=progress)
    message = (
        _("Pengingat terkirim ke %(n)d penilai.") % {"n": sent}
        if sent
        else _(
            "Tidak ada pengingat baru: semua penilai sudah selesai, tidak punya email, "
            "atau sudah diingatkan hari ini."
        )
    )
    return message, reverse("assessment:cycle_detail", args=[cycle.pk])
