"""Reminder e-mails to the officials before an objection's decision deadline: one per objection
per threshold (the cycle's "pengingat" days, e.g. 3 and 1 days before), whenever the daily run
happens and however often it runs (`kinerja objections remind`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from kinerja.core.audit import audit_record

from . import notify, selectors
from .models import Objection, ObjectionReminder


def thresholds_reached(objection: Objection, thresholds: list[int], now: dt.datetime) -> list[int]:
    """The thresholds (days before the deadline) whose moment has come."""
    return [t for t in thresholds if now >= objection.decision_due - dt.timedelta(days=t)]


def send_objection_reminders(*, now: dt.datetime | None = None, acting_user: Any = None) -> int:
    """Reminds the official of every undecided objection that reached a threshold it was not yet
    reminded for; when several were reached at once (the run missed days), one e-mail, for the
    nearest, and the others are recorded as passed. Returns how many e-mails were sent."""
    now = now or timezone.now()
    sent = 0
    settings_cache: dict[int, list[int]] = {}
    for objection in selectors.due_for_reminder(now=now):
        if objection.cycle_id not in settings_cache:
            cycle_settings = selectors.settings_for(cycle=objection.cycle)
            settings_cache[objection.cycle_id] = cycle_settings.reminder_thresholds
        done = {r.threshold for r in objection.reminders.all()}
        new = [
            t
            for t in thresholds_reached(objection, settings_cache[objection.cycle_id], now)
            if t not in done
        ]
        if not new:
            continue
        nearest = min(new)
        try:
            with transaction.atomic():
                for threshold in new:
                    ObjectionReminder.objects.create(
                        objection=objection,
                        threshold=threshold,
                        sent_at=now,
                        sent=threshold == nearest,
                    )
                days_left = (
                    timezone.localtime(objection.decision_due).date()
                    - timezone.localtime(now).date()
                ).days
                delivered = notify.reminder(objection, days_left)
                audit_record(
                    agency=objection.agency,
                    acting_user=acting_user,
                    action="objection.remind",
                    obj=objection,
                    summary=objection.employee.name,
                    after={"threshold": nearest, "passed": sorted(new), "sent": delivered},
                )
        except IntegrityError:
            continue  # another run reminded this objection for this threshold
        sent += int(delivered)
    return sent
