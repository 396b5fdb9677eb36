"""The cycle's announcement: one e-mail per participant when the cycle starts, with its purpose
texts, the deadline and the links; recorded per person so nobody is ever mailed it twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from kinerja.core.audit import audit_record
from kinerja.core.errors import KinerjaError
from kinerja.organisation.models import Employee

from .models import Announcement, Cycle, RaterAssignment
from .reminders import TASKS_PATH, base_url, deadline_text

# The announcement runs as a job of the reminders' kind (kinerja/jobs), told apart by this key.
ANNOUNCE_KEY = "announce"


def _announced(cycle: Cycle) -> Exists:
    return Exists(Announcement.objects.filter(cycle=cycle, employee=OuterRef("pk")))


def _in_cycle(cycle: Cycle) -> QuerySet[Employee]:
    """The cycle's participants: everyone who rates or is rated in it."""
    in_cycle = Exists(RaterAssignment.objects.filter(cycle=cycle, rater=OuterRef("pk"))) | Exists(
        RaterAssignment.objects.filter(cycle=cycle, ratee=OuterRef("pk"))
    )
    return Employee.objects.filter(in_cycle, agency_id=cycle.agency_id)


def participants(*, cycle: Cycle) -> QuerySet[Employee]:
    """Everyone in the cycle (a rater or a ratee), with `forms` (the forms they owe) and
    `announced` (the e-mail already reached them); one query."""
    return (
        _in_cycle(cycle)
        .annotate(
            announced=_announced(cycle),
            forms=Count("assignments_as_rater", filter=Q(assignments_as_rater__cycle=cycle)),
        )
        .select_related("user")
        .order_by("id")
    )


def owed_forms(employee: Employee) -> int:
    """The forms a participant owes (the `forms` that participants() annotates)."""
    return int(getattr(employee, "forms", 0))


def address_of(employee: Employee) -> str:
    """The employee's own e-mail address, else their account's, else ''."""
    return employee.email or (employee.user.email if employee.user else "")


@dataclass(frozen=True)
class Reach:
    """Who the announcement has reached so far, for the HR admin's page."""

    participants: int
    announced: int
    pending: int  # not reached yet, with an address: a (re)send reaches them
    no_address: int  # not reached and no e-mail address: only the in-app notice reaches them


def reach(*, cycle: Cycle) -> Reach:
    """Counts of the announcement's reach; one query."""
    has_address = Q(email__gt="") | Q(user__email__gt="")
    announced = _announced(cycle)
    counts = _in_cycle(cycle).aggregate(
        total=Count("id"),
        announced=Count("id", filter=Q(announced)),
        pending=Count("id", filter=Q(~announced) & has_address),
    )
    total, announced, pending = counts["total"], counts["announced"], counts["pending"]
    return Reach(total, announced, pending, total - announced - pending)


def links(cycle: Cycle) -> dict[str, str]:
    """The pages the announcement and the reminders point to, as absolute URLs."""
    return {
        "tasks": base_url() + TASKS_PATH,
        "purpose": base_url() + reverse("assessment:cycle_purpose", args=[cycle.pk]),
        "faq": base_url() + reverse("assessment:faq"),
    }


def announcement_text(*, cycle: Cycle, name: str, forms: int) -> tuple[str, str]:
    """(subject, body) of the announcement to one participant."""
    subject = _("Siklus penilaian dimulai: %(cycle)s") % {"cycle": cycle.name}
    url = links(cycle)
    if forms:
        owed = _("Anda diminta mengisi %(n)d formulir penilaian paling lambat %(deadline)s.") % {
            "n": forms,
            "deadline": deadline_text(cycle.deadline),
        }
    else:
        owed = _("Batas pengisian formulir siklus ini: %(deadline)s.") % {
            "deadline": deadline_text(cycle.deadline)
        }
    parts = [
        _("Yth. %(name)s,") % {"name": name},
        _("Siklus penilaian 360° %(cycle)s di %(agency)s sudah dimulai.")
        % {"cycle": cycle.name, "agency": cycle.agency.name}
        + " "
        + owed,
        _("Mengapa penilaian ini dilakukan") + "\n" + cycle.purpose,
        _("Untuk apa hasilnya dipakai") + "\n" + cycle.use_of_results,
        _("Siapa melihat apa (anonimitas)")
        + "\n"
        + cycle.visibility
        + "\n"
        + _("Ambang anonimitas siklus ini: %(n)d penilai.") % {"n": cycle.anonymity_threshold},
        _("Cara mengajukan keberatan") + "\n" + cycle.objection,
        _(
            "Sebelum mengisi, buka halaman tujuan siklus dan nyatakan bahwa Anda sudah "
            "membacanya: %(purpose)s"
        )
        % {"purpose": url["purpose"]},
        _("Tugas penilaian Anda: %(tasks)s") % {"tasks": url["tasks"]}
        + "\n"
        + _("Pertanyaan umum (FAQ): %(faq)s") % {"faq": url["faq"]},
        _("Pertanyaan lain dapat disampaikan kepada admin kepegawaian %(agency)s.")
        % {"agency": cycle.agency.name},
    ]
    return subject, "\n\n".join(parts) + "\n"


def _no_progress(stage: str, percent: int) -> None:
    return None


def announcements_send(
    *,
    cycle: Cycle,
    acting_user: Any,
    progress: Callable[[str, int], None] = _no_progress,
) -> int:
    """E-mails the announcement to every participant with an address whom it has not reached
    yet (the Announcement row is written in the same transaction as the send: a failed send is
    retried by the next run, a concurrent run meets the unique constraint). Returns how many
    were sent; starting, resuming or resending never mails anyone twice."""
    cycle = Cycle.objects.select_related("agency").get(pk=cycle.pk)
    if cycle.status != Cycle.Status.RUNNING:
        raise KinerjaError(
            "cycle_not_running",
            _("Pengumuman hanya dapat dikirim pada siklus yang sedang berjalan."),
        )
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        todo = [
            (employee, address_of(employee))
            for employee in participants(cycle=cycle).filter(~_announced(cycle))
        ]
        todo = [(employee, email) for employee, email in todo if email]
        for done, (employee, email) in enumerate(todo):
            if done % 50 == 0:
                progress(
                    _("Mengirim pengumuman: %(done)d dari %(total)d peserta")
                    % {"done": done, "total": len(todo)},
                    int(100 * done / max(len(todo), 1)),
                )
            subject, body = announcement_text(
                cycle=cycle, name=employee.name, forms=owed_forms(employee)
            )
            try:
                with transaction.atomic():
                    Announcement.objects.create(
                        agency=cycle.agency, cycle=cycle, employee=employee, email=email
                    )
                    EmailMessage(subject=subject, body=body, to=[email]).send()
            except IntegrityError:
                continue  # another run announced to this person a moment ago
            sent += 1
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action="cycle.announce",
        obj=cycle,
        summary=_("%(n)d pengumuman dikirim") % {"n": sent},
        after={"sent": sent},
    )
    return sent


def announcement_job(job: Any, progress: Callable[[str, int], None]) -> tuple[str, str]:
    """The background job "Kirim pengumuman siklus" (kinerja/jobs): (message, where to look)."""
    cycle = Cycle.objects.get(pk=job.target_id, agency_id=job.agency_id)
    sent = announcements_send(cycle=cycle, acting_user=job.started_by, progress=progress)
    message = (
        _("Pengumuman siklus terkirim ke %(n)d peserta.") % {"n": sent}
        if sent
        else _("Tidak ada pengumuman baru: semua peserta sudah menerimanya atau tidak punya email.")
    )
    return message, reverse("assessment:announcement", args=[cycle.pk])


def announcement_start(*, cycle: Cycle, acting_user: Any) -> Any:
    """Starts (or joins) the job that sends the announcement to those not reached yet: in the
    request for a small cycle, by a worker for a large one. Returns the Job."""
    from kinerja.jobs import services as jobs
    from kinerja.jobs.models import Job

    size = _in_cycle(cycle).filter(~_announced(cycle)).count()
    job, _created = jobs.job_start(
        agency=cycle.agency,
        kind=Job.Kind.ANNOUNCEMENT,
        key=ANNOUNCE_KEY,
        target_id=cycle.pk,
        target_name=cycle.name,
        acting_user=acting_user,
        inline=size <= jobs.inline_limit(),
    )
    return job


def announce_started_cycle(*, cycle_id: int, acting_user: Any) -> None:
    """Run once the start of a cycle is committed (services.cycle_start): the announcement goes
    out to every participant. A cycle that is no longer running by then sends nothing."""
    cycle = Cycle.objects.select_related("agency").filter(pk=cycle_id).first()
    if cycle is not None and cycle.status == Cycle.Status.RUNNING:
        announcement_start(cycle=cycle, acting_user=acting_user)
