"""Every read of the objections: the settings in force, the filing window, who decides, the
lists (mine, to decide, the agency's) and one objection with what its viewer may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from kinerja.assessment.models import Cycle
from kinerja.core.models import Agency
from kinerja.organisation.models import Employee
from kinerja.results.models import CycleResult, EmployeeResult, PerilakuDecision

from .models import (
    DEFAULT_DECISION_DAYS,
    DEFAULT_REMINDER_DAYS,
    DEFAULT_WINDOW_DAYS,
    Attachment,
    Objection,
    ObjectionMessage,
    ObjectionSettings,
    ResultVersion,
)


def settings_for(*, cycle: Cycle) -> ObjectionSettings:
    """The cycle's objection settings; an unsaved row with the defaults when none was set."""
    found = ObjectionSettings.objects.filter(cycle=cycle).first()
    return found or ObjectionSettings(
        agency_id=cycle.agency_id,
        cycle=cycle,
        window_days=DEFAULT_WINDOW_DAYS,
        decision_days=DEFAULT_DECISION_DAYS,
        reminder_days=DEFAULT_REMINDER_DAYS,
    )


def end_of_day_after(moment: dt.datetime, days: int) -> dt.datetime:
    """The end (23.59.59 local time) of the calendar day `days` days after `moment`'s day."""
    day = timezone.localtime(moment).date() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def released_at(*, cycle: Cycle) -> dt.datetime | None:
    """When the employee received the result: the moment it became final (can_view_result
    shows an employee their own result only from then on). None while not released."""
    if cycle.status != Cycle.Status.FINAL:
        return None
    result = CycleResult.objects.filter(cycle=cycle).only("finalised_at").first()
    return (result.finalised_at if result else None) or cycle.finalised_at


@dataclass(frozen=True)
class Window:
    released: dt.datetime | None
    closes: dt.datetime | None
    days: int

    def is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.released is not None and self.closes is not None and now <= self.closes


def filing_window(*, cycle: Cycle, settings: ObjectionSettings | None = None) -> Window:
    """From the release to the end of the window's last calendar day (local time)."""
    settings = settings or settings_for(cycle=cycle)
    released = released_at(cycle=cycle)
    closes = end_of_day_after(released, settings.window_days) if released else None
    return Window(released=released, closes=closes, days=settings.window_days)


def official_for(*, employee: Employee) -> Employee | None:
    """The atasan pejabat penilai: the supervisor's own supervisor, when the chain has one who
    is active, has an account and is neither the employee nor the supervisor (a loop)."""
    supervisor = employee.supervisor
    if supervisor is None or supervisor.supervisor_id is None:
        return None
    official = supervisor.supervisor
    if (
        official is None
        or not official.is_active
        or official.user_id is None
        or official.pk in (employee.pk, supervisor.pk)
        or official.agency_id != employee.agency_id
    ):
        return None
    return official


def objection_for(*, cycle: Cycle, employee: Employee) -> Objection | None:
    return Objection.objects.filter(cycle=cycle, employee=employee).first()


def _listed() -> QuerySet[Objection]:
    return Objection.objects.select_related("cycle", "employee", "official", "employee__unit")


def my_objections(*, employee: Employee) -> QuerySet[Objection]:
    return _listed().filter(employee=employee).order_by("-filed_at", "-id")


def objections_to_decide(*, official: Employee) -> QuerySet[Objection]:
    """The objections assigned to this official, the undecided ones first, then by deadline."""
    return (
        _listed()
        .filter(official=official, agency_id=official.agency_id)
        .order_by("status", "decision_due", "id")
    )


def explanations_for(*, employee: Employee) -> QuerySet[ObjectionMessage]:
    """The explanation requests addressed to this employee (as the employee or the supervisor)."""
    return (
        ObjectionMessage.objects.filter(recipient=employee, objection__agency_id=employee.agency_id)
        .select_related("objection", "objection__employee", "objection__cycle")
        .order_by("answered_at", "-asked_at", "-id")
    )


def agency_objections(
    *,
    agency: Agency,
    cycle_id: int | None = None,
    status: str = "",
    outcome: str = "",
    q: str = "",
) -> QuerySet[Objection]:
    """The agency's objections for HR: by cycle, state, outcome, and name or NIP."""
    qs = _listed().filter(agency=agency)
    if cycle_id is not None:
        qs = qs.filter(cycle_id=cycle_id)
    if status:
        qs = qs.filter(status=status)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if q:
        qs = qs.filter(Q(employee__name__icontains=q) | Q(employee__nip__icontains=q))
    return qs.order_by("-filed_at", "-id")


def objection_detail(*, agency: Agency | None, pk: int) -> Objection | None:
    """One objection of the agency with everything its page needs, or None."""
    if agency is None:
        return None
    return (
        Objection.objects.filter(agency=agency, pk=pk)
        .select_related(
            "cycle", "employee", "employee__unit", "employee__position", "official", "supervisor"
        )
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=ObjectionMessage.objects.select_related("recipient").order_by(
                    "asked_at", "id"
                ),
            ),
            Prefetch("attachments", queryset=Attachment.objects.order_by("id")),
        )
        .first()
    )


def current_result(*, objection: Objection) -> EmployeeResult | None:
    return (
        EmployeeResult.objects.filter(
            cycle_id=objection.cycle_id, employee_id=objection.employee_id
        )
        .select_related("employee", "unit", "position", "cycle")
        .first()
    )


def supervisor_decision(*, cycle: Cycle, employee: Employee) -> PerilakuDecision | None:
    return PerilakuDecision.objects.filter(cycle=cycle, employee=employee).first()


def versions_of(*, cycle_id: int, employee_id: int) -> list[ResultVersion]:
    return list(
        ResultVersion.objects.filter(cycle_id=cycle_id, employee_id=employee_id).order_by("version")
    )


def visible_messages(*, objection: Objection, scope: str, viewer: Any) -> list[ObjectionMessage]:
    """All requests for a full view; only those addressed to the viewer for the supervisor."""
    messages = list(objection.messages.all())
    if scope == "full":
        return messages
    return [m for m in messages if viewer is not None and m.recipient_id == viewer.pk]


def due_for_reminder(*, now: dt.datetime) -> QuerySet[Objection]:
    """Undecided objections with an official, whose deadline is at most the largest reminder
    threshold away (the service picks the thresholds each one has reached)."""
    horizon = now + dt.timedelta(days=60)
    return (
        Objection.objects.filter(
            status__in=(Objection.Status.FILED, Objection.Status.IN_REVIEW),
            official__isnull=False,
            decision_due__lte=horizon,
        )
        .select_related("cycle", "employee", "official", "official__user", "agency")
        .prefetch_related("reminders")
        .order_by("id")
    )
