"""The e-mails of the objections: to the official when one is filed or assigned to them, to the
recipient of a request for explanation, to the employee when it is decided. Sent after commit, in
the instance's language, with links to KINERJA_BASE_URL (as kinerja/assessment/reminders.py)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from kinerja.assessment.reminders import base_url
from kinerja.organisation.models import Employee

from .models import Objection, ObjectionMessage

log = logging.getLogger(__name__)


def when(moment: dt.datetime | None) -> str:
    """'15 Desember 2026 pukul 23.59 WIB'."""
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    return _("%(date)s pukul %(time)s %(zone)s") % {
        "date": formats.date_format(local, "j F Y"),
        "time": local.strftime("%H.%M"),
        "zone": local.tzname() or "",
    }


def address_of(employee: Employee | None) -> str:
    if employee is None:
        return ""
    user = getattr(employee, "user", None)
    return employee.email or (user.email if user is not None else "")


def link(objection: Objection) -> str:
    return base_url() + reverse("objections:detail", args=[objection.pk])


def send(to: str, subject: str, body: str) -> bool:
    """Sends one e-mail; a mail server that fails is logged, it never undoes the step."""
    if not to:
        return False
    try:
        EmailMessage(subject=subject, body=body, to=[to]).send()
    except OSError:
        log.exception("objection e-mail to %s failed", to)
        return False
    return True


def filed(objection: Objection) -> bool:
    """To the official: a new objection to decide, with its deadline."""
    official = objection.official
    if official is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Keberatan untuk diputus: %(name)s") % {"name": objection.employee.name}
        body = _(
            "%(name)s mengajukan keberatan atas hasil penilaian siklus %(cycle)s. Anda sebagai "
            "atasan pejabat penilai diminta menelaah dan memutusnya paling lambat %(due)s. "
            "Buka %(url)s"
        ) % {
            "name": objection.employee.name,
            "cycle": objection.cycle.name,
            "due": when(objection.decision_due),
            "url": link(objection),
        }
        return send(address_of(official), subject, body)


def asked(message: ObjectionMessage) -> bool:
    """To the employee or the supervisor: a written explanation is asked of them."""
    objection = message.objection
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Permintaan penjelasan atas keberatan: %(cycle)s") % {
            "cycle": objection.cycle.name
        }
        body = _(
            "Atasan pejabat penilai meminta penjelasan tertulis Anda atas keberatan %(name)s "
            "pada siklus %(cycle)s. Buka %(url)s"
        ) % {"name": objection.employee.name, "cycle": objection.cycle.name, "url": link(objection)}
        return send(address_of(message.recipient), subject, body)


def decided(objection: Objection) -> bool:
    """To the employee: the decision, final."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Keberatan Anda telah diputus: %(cycle)s") % {"cycle": objection.cycle.name}
        body = _(
            "Keberatan Anda atas hasil siklus %(cycle)s telah diputus: %(outcome)s. "
            "Keputusan ini final. Alasan dan hasil terbaru dapat dilihat di %(url)s"
        ) % {
            "cycle": objection.cycle.name,
            "outcome": objection.get_outcome_display(),
            "url": link(objection),
        }
        return send(address_of(objection.employee), subject, body)


def reminder(objection: Objection, days_left: int) -> bool:
    """To the official: the decision deadline is near (or today)."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Pengingat: keberatan %(name)s menunggu keputusan Anda") % {
            "name": objection.employee.name
        }
        body = _(
            "Keberatan %(name)s pada siklus %(cycle)s belum diputus. Batas keputusan: %(due)s "
            "(%(days)d hari lagi). Buka %(url)s"
        ) % {
            "name": objection.employee.name,
            "cycle": objection.cycle.name,
            "due": when(objection.decision_due),
            "days": max(days_left, 0),
            "url": link(objection),
        }
        return send(address_of(objection.official), subject, body)
