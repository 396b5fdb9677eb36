"""What one employee is expected to do now, cycle by cycle, for their home page and the API: the
forms they owe, the purpose to acknowledge, peer proposals, hasil kerja ratings for their team,
results to read. Reads only, in a fixed number of queries however many forms or colleagues."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kinerja.organisation.models import Employee

from .models import Acknowledgement, Cycle, PeerProposal, RaterAssignment, Relation, WorkResult
from .texts import OBJECTION_DAYS


@dataclass
class Task:
    """One thing to do (or done): what, how many, by when, where."""

    kind: str  # acknowledge | forms | peer_propose | peer_approve | work_results | results
    label: str
    due: dt.datetime | None
    url: str
    done: bool = False


@dataclass
class CycleExpectations:
    cycle: Cycle
    acknowledged: bool = True
    tasks: list[Task] = field(default_factory=list)

    @property
    def open_tasks(self) -> list[Task]:
        return [t for t in self.tasks if not t.done]


def _forms_task(cycle: Cycle, total: int, unsent: int) -> Task:
    if unsent:
        label = ngettext(
            "Isi %(n)d formulir penilaian (%(done)d dari %(total)d terkirim)",
            "Isi %(n)d formulir penilaian (%(done)d dari %(total)d terkirim)",
            unsent,
        ) % {"n": unsent, "done": total - unsent, "total": total}
    else:
        label = _("Semua %(total)d formulir penilaian sudah terkirim") % {"total": total}
    return Task("forms", label, cycle.deadline, reverse("assessment:my_tasks"), done=not unsent)


def expectations_of(*, employee: Employee, user: Any, has_team: bool) -> list[CycleExpectations]:
    """For each running cycle the employee takes part in (and each recently final cycle with a
    result of theirs): what is expected of them, with the due date and the page to go to.
    At most seven queries; none when the agency runs no cycle and has released nothing."""
    me = employee
    takes_part = Exists(RaterAssignment.objects.filter(cycle=OuterRef("pk"), rater=me)) | Exists(
        RaterAssignment.objects.filter(cycle=OuterRef("pk"), ratee=me)
    )
    running = list(
        Cycle.objects.filter(takes_part, agency_id=me.agency_id, status=Cycle.Status.RUNNING)
        .annotate(
            is_ratee=Exists(
                RaterAssignment.objects.filter(
                    cycle=OuterRef("pk"), ratee=me, relation=Relation.SELF
                )
            )
        )
        .select_related("agency")
        .order_by("deadline", "pk")
    )
    found: list[CycleExpectations] = []
    if running:
        found = _running(me, user, running, has_team)
    window = timezone.now() - dt.timedelta(days=OBJECTION_DAYS)
    released = Cycle.objects.filter(
        agency_id=me.agency_id,
        status=Cycle.Status.FINAL,
        finalised_at__gte=window,
        employee_results__employee=me,
    ).order_by("-finalised_at", "pk")
    for cycle in released:
        assert cycle.finalised_at is not None  # by the filter
        found.append(
            CycleExpectations(
                cycle=cycle,
                tasks=[
                    Task(
                        "results",
                        _(
                            "Baca hasil penilaian Anda; bila tidak sependapat, ajukan keberatan "
                            "dalam %(days)d hari"
                        )
                        % {"days": OBJECTION_DAYS},
                        cycle.finalised_at + dt.timedelta(days=OBJECTION_DAYS),
                        reverse("results:my_results", args=[cycle.pk]),
                    )
                ],
            )
        )
    return found


def _running(me: Employee, user: Any, cycles: list[Any], has_team: bool) -> list[CycleExpectations]:
    ids = [c.pk for c in cycles]
    forms = {
        row["cycle_id"]: row
        for row in RaterAssignment.objects.filter(rater=me, cycle_id__in=ids)
        .values("cycle_id")
        .annotate(
            total=Count("id"), unsent=Count("id", filter=Q(response__submitted_at__isnull=True))
        )
        .order_by()
    }
    acknowledged = set(
        Acknowledgement.objects.filter(user=user, cycle_id__in=ids).values_list(
            "cycle_id", flat=True
        )
    )
    proposed: dict[int, int] = {}
    if me.supervisor_id and any(c.is_ratee for c in cycles):
        proposed = dict(
            PeerProposal.objects.filter(ratee=me, cycle_id__in=ids)
            .values("cycle_id")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("cycle_id", "n")
        )
    pending_from_team: dict[int, int] = {}
    unrated: dict[int, int] = {}
    if has_team:
        pending_from_team = dict(
            PeerProposal.objects.filter(
                cycle_id__in=ids, ratee__supervisor=me, status=PeerProposal.Status.PENDING
            )
            .values("cycle_id")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("cycle_id", "n")
        )
        # Team members assessed in the cycle (their self-assessment is the mark of a ratee)
        # whose hasil kerja has not been rated yet.
        unrated = dict(
            RaterAssignment.objects.filter(
                cycle_id__in=ids, relation=Relation.SELF, ratee__supervisor=me
            )
            .exclude(
                Exists(
                    WorkResult.objects.filter(
                        cycle_id=OuterRef("cycle_id"), employee_id=OuterRef("ratee_id")
                    )
                )
            )
            .values("cycle_id")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("cycle_id", "n")
        )
    found = []
    for cycle in cycles:
        entry = CycleExpectations(cycle=cycle, acknowledged=cycle.pk in acknowledged)
        purpose_url = reverse("assessment:cycle_purpose", args=[cycle.pk])
        entry.tasks.append(
            Task(
                "acknowledge",
                _("Baca tujuan siklus, penggunaan hasil, dan cara keberatan")
                if not entry.acknowledged
                else _("Tujuan siklus sudah Anda baca"),
                cycle.deadline,
                purpose_url,
                done=entry.acknowledged,
            )
        )
        if row := forms.get(cycle.pk):
            entry.tasks.append(_forms_task(cycle, row["total"], row["unsent"]))
        if cycle.is_ratee and me.supervisor_id:
            n = proposed.get(cycle.pk, 0)
            entry.tasks.append(
                Task(
                    "peer_propose",
                    ngettext(
                        "Usulan rekan penilai (opsional): %(n)d sudah Anda ajukan",
                        "Usulan rekan penilai (opsional): %(n)d sudah Anda ajukan",
                        n,
                    )
                    % {"n": n}
                    if n
                    else _("Usulkan rekan kerja yang menilai Anda (opsional)"),
                    cycle.deadline,
                    reverse("assessment:my_tasks"),
                    done=bool(n),
                )
            )
        if n := pending_from_team.get(cycle.pk, 0):
            entry.tasks.append(
                Task(
                    "peer_approve",
                    ngettext(
                        "Putuskan %(n)d usulan rekan penilai dari tim Anda",
                        "Putuskan %(n)d usulan rekan penilai dari tim Anda",
                        n,
                    )
                    % {"n": n},
                    cycle.deadline,
                    reverse("assessment:peer_proposals", args=[cycle.pk]),
                )
            )
        if n := unrated.get(cycle.pk, 0):
            entry.tasks.append(
                Task(
                    "work_results",
                    ngettext(
                        "Beri rating hasil kerja untuk %(n)d anggota tim",
                        "Beri rating hasil kerja untuk %(n)d anggota tim",
                        n,
                    )
                    % {"n": n},
                    cycle.deadline,
                    reverse("assessment:work_results", args=[cycle.pk]),
                )
            )
        found.append(entry)
    return found
