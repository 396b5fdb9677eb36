"""Every read of dialog kinerja: the supervisor's team with each member's state, the employee's
own dialogues, one dialogue with its actions, and the completion counts per unit."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from kinerja.assessment.models import Cycle
from kinerja.core.models import Agency
from kinerja.organisation.models import Employee
from kinerja.results.models import EmployeeResult

from .models import AgreedAction, Dialogue, DialogueSettings


def cycles_with_results(*, agency: Agency) -> QuerySet[Cycle]:
    """Cycles whose results have been computed: a dialogue is about a result."""
    return Cycle.objects.filter(agency=agency, result__isnull=False).order_by("-period_end", "-id")


def content_visible(cycle: Cycle) -> bool:
    row = DialogueSettings.objects.filter(cycle=cycle).values_list("content_visible", flat=True)
    return bool(row.first())


def dialogues() -> QuerySet[Dialogue]:
    return Dialogue.objects.select_related(
        "cycle", "employee", "employee__position", "employee__unit", "supervisor"
    ).prefetch_related(
        Prefetch("actions", queryset=AgreedAction.objects.select_related("plan_item__plan"))
    )


@dataclass
class TeamRow:
    employee: Employee
    has_result: bool
    dialogue: Dialogue | None

    @property
    def state(self) -> str:
        if self.dialogue is not None:
            return self.dialogue.status
        return "siap" if self.has_result else "belum_ada_hasil"


def team_rows(*, cycle: Cycle, supervisor: Employee) -> list[TeamRow]:
    """Each active direct subordinate with whether their result exists and their dialogue (three
    queries whatever the team's size)."""
    members = list(
        Employee.objects.filter(supervisor=supervisor, is_active=True).select_related(
            "position", "unit"
        )
    )
    ids = [m.pk for m in members]
    with_result = set(
        EmployeeResult.objects.filter(cycle=cycle, employee_id__in=ids).values_list(
            "employee_id", flat=True
        )
    )
    by_employee = {
        d.employee_id: d for d in Dialogue.objects.filter(cycle=cycle, employee_id__in=ids)
    }
    return [TeamRow(m, m.pk in with_result, by_employee.get(m.pk)) for m in members]


def my_dialogues(*, employee: Employee) -> QuerySet[Dialogue]:
    return dialogues().filter(employee=employee).order_by("-cycle__period_end", "-cycle_id")


def dialogue_of(*, cycle: Cycle, employee: Employee) -> Dialogue | None:
    return dialogues().filter(cycle=cycle, employee=employee).first()


@dataclass(frozen=True)
class UnitCompletion:
    unit_id: int
    unit: str
    employees: int
    scheduled: int
    recorded: int
    answered: int

    @property
    def none(self) -> int:
        return self.employees - self.scheduled - self.recorded - self.answered


def completion_by_unit(*, cycle: Cycle) -> list[UnitCompletion]:
    """Per unit (where the employee stood when results were computed): how many have a result,
    and how many dialogues are scheduled, recorded, or answered by the employee. Counts only,
    one query."""
    status = Dialogue.objects.filter(cycle=cycle, employee=OuterRef("employee")).values("status")
    rows = (
        EmployeeResult.objects.filter(cycle=cycle)
        .annotate(dialogue_status=Subquery(status[:1]))
        .values("unit_id", "unit__name")
        .annotate(
            employees=Count("id"),
            scheduled=Count("id", filter=Q(dialogue_status=Dialogue.Status.SCHEDULED)),
            recorded=Count("id", filter=Q(dialogue_status=Dialogue.Status.RECORDED)),
            answered=Count(
                "id",
                filter=Q(
                    dialogue_status__in=[Dialogue.Status.CONFIRMED, Dialogue.Status.RESPONDED]
                ),
            ),
        )
        .order_by("unit__name")
    )
    return [
        UnitCompletion(
            unit_id=r["unit_id"],
            unit=r["unit__name"],
            employees=r["employees"],
            scheduled=r["scheduled"],
            recorded=r["recorded"],
            answered=r["answered"],
        )
        for r in rows
    ]
