"""Assessment reads: the forms a rater owes, a cycle's progress, the raters of one ratee."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from kinerja.core import rows
from kinerja.core.models import Agency
from kinerja.organisation.models import Employee

from .models import ANONYMOUS_RELATIONS, Acknowledgement, Cycle, RaterAssignment, Relation, Response


def cycles(*, agency: Agency) -> QuerySet[Cycle]:
    return (
        Cycle.objects.filter(agency=agency)
        .annotate(n_assignments=Count("assignments"))
        .order_by("-id")
    )


def running_cycles(*, agency: Agency) -> QuerySet[Cycle]:
    return Cycle.objects.filter(agency=agency, status=Cycle.Status.RUNNING).order_by("deadline")


PEER_CHOICES = 30  # colleagues offered at once for a peer proposal; a search finds the rest


def peer_candidates(*, me: Employee, query: str = "", limit: int = PEER_CHOICES) -> list[Employee]:
    """Colleagues `me` may propose as a peer rater: their own unit's, or with `query` anyone of
    the agency whose name holds it or whose NIP starts with it; at most `limit` + 1 (the extra
    one says "search to find more"). Current raters are not left out: that would reveal who
    the anonymous ones are."""
    rows = (
        Employee.objects.filter(agency_id=me.agency_id, is_active=True)
        .exclude(pk=me.pk)
        .select_related("unit", "position")
    )
    query = query.strip()[:100]
    if query:
        rows = rows.filter(Q(name__icontains=query) | Q(nip__startswith=query.replace(" ", "")))
    else:
        rows = rows.filter(unit_id=me.unit_id)
    return list(rows.order_by("unit__name", "name", "pk")[: limit + 1])


# --- a running cycle's frozen content, parsed once per process ------------------------------------

FROZEN_FIELDS = ("items", "standards")
_FROZEN_MAX = 32
_frozen_lock = threading.Lock()
_frozen: dict[tuple[int, Any], tuple[list[dict[str, Any]], dict[str, dict[str, int]]]] = {}


def with_frozen(cycle: Cycle) -> Cycle:
    """Gives `cycle`, loaded without its items and standards (`defer` of FROZEN_FIELDS), those
    fields from this process's cache: they are frozen when the cycle starts and never change
    after, and a form's page, draft and submit would otherwise fetch and parse ~70 kB of JSON each
    time. Keyed by the cycle and its start time; a cycle that never started (a draft) is left
    alone, its fields load when read. Callers only read what they get: it is shared."""
    if cycle.started_at is None or cycle.status == Cycle.Status.DRAFT:
        return cycle
    key = (cycle.pk, cycle.started_at)
    content = _frozen.get(key)
    if content is None:
        content = Cycle.objects.filter(pk=cycle.pk).values_list(*FROZEN_FIELDS).get()
        with _frozen_lock:  # threaded workers: one eviction at a time
            while len(_frozen) >= _FROZEN_MAX:
                _frozen.pop(next(iter(_frozen)))
            _frozen[key] = content
    cycle.items, cycle.standards = content
    return cycle


def form_assignment(assignment_id: int) -> RaterAssignment | None:
    """A form about to be saved or submitted: the assignment with its cycle (the frozen content
    from `with_frozen`) and its ratee, in one statement built by hand (kinerja.core.rows): the
    ORM's select_related cost more than the query on the rater's hottest path."""
    sql = (
        f"SELECT {rows.columns(RaterAssignment, 'a')}, "
        f"{rows.columns(Cycle, 'c', exclude=FROZEN_FIELDS)}, {rows.columns(Employee, 'e')} "
        f"FROM {RaterAssignment._meta.db_table} a "
        f"JOIN {Cycle._meta.db_table} c ON c.id = a.cycle_id "
        f"JOIN {Employee._meta.db_table} e ON e.id = a.ratee_id WHERE a.id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [assignment_id])
        row = cursor.fetchone()
    if row is None:
        return None
    n_a = len(RaterAssignment._meta.concrete_fields)
    n_c = len(Cycle._meta.concrete_fields) - len(FROZEN_FIELDS)
    assignment = rows.instance(RaterAssignment, row[:n_a])
    cycle = rows.instance(Cycle, row[n_a : n_a + n_c], exclude=FROZEN_FIELDS)
    rows.relate(assignment, "cycle", with_frozen(cycle))
    rows.relate(assignment, "ratee", rows.instance(Employee, row[n_a + n_c :]))
    return assignment


def has_acknowledged(*, cycle: Cycle, user) -> bool:
    return Acknowledgement.objects.filter(cycle=cycle, user=user).exists()


def acknowledgement_of(*, cycle: Cycle, user) -> Acknowledgement | None:
    return Acknowledgement.objects.filter(cycle=cycle, user=user).first()


def assignments_of_rater(
    *, rater: Employee, cycle: Cycle | None = None
) -> QuerySet[RaterAssignment]:
    """The forms one rater owes, with the ratee and the state of the answer, in one query."""
    qs = RaterAssignment.objects.filter(agency_id=rater.agency_id, rater=rater)
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    else:
        qs = qs.filter(cycle__status=Cycle.Status.RUNNING)
    return qs.select_related(
        "cycle", "ratee", "ratee__position", "ratee__unit", "response"
    ).order_by("cycle__deadline", "relation", "ratee__name")


def raters_of(*, cycle: Cycle, ratee: Employee) -> QuerySet[RaterAssignment]:
    """Who rates this ratee: for the admin's assignment page only (never shown to the ratee)."""
    return (
        RaterAssignment.objects.filter(cycle=cycle, ratee=ratee)
        .select_related("rater", "rater__position")
        .annotate(
            submitted=Exists(
                Response.objects.filter(assignment=OuterRef("pk"), submitted_at__isnull=False)
            )
        )
        .order_by("relation", "rater__name")
    )


@dataclass
class ProgressRow:
    label: str
    total: int = 0
    submitted: int = 0
    draft: int = 0

    @property
    def not_started(self) -> int:
        return self.total - self.submitted - self.draft

    @property
    def percent(self) -> int:
        # Half up, as displayed thresholds are everywhere (Python's round() goes half to even).
        return (200 * self.submitted + self.total) // (2 * self.total) if self.total else 0


@dataclass
class Progress:
    overall: ProgressRow
    by_relation: list[ProgressRow] = field(default_factory=list)
    by_unit: list[ProgressRow] = field(default_factory=list)


def progress(
    *, cycle: Cycle, unit_ids: list[int] | None = None, ratee_ids: list[int] | None = None
) -> Progress:
    """Completion counts (never answers): overall, per rater group, per ratee unit. Two queries."""
    qs = RaterAssignment.objects.filter(cycle=cycle)
    if unit_ids is not None:
        qs = qs.filter(ratee__unit_id__in=unit_ids)
    if ratee_ids is not None:
        qs = qs.filter(ratee_id__in=ratee_ids)
    submitted = Q(response__submitted_at__isnull=False)
    draft = Q(response__isnull=False, response__submitted_at__isnull=True)
    aggregates = {
        "total": Count("id"),
        "submitted": Count("id", filter=submitted),
        "draft": Count("id", filter=draft),
    }
    labels = dict(Relation.choices)

    def rows(field: str) -> list[dict[str, Any]]:
        return list(qs.values(field).annotate(**aggregates).order_by(field))

    by_relation = [
        ProgressRow(str(labels[r["relation"]]), r["total"], r["submitted"], r["draft"])
        for r in rows("relation")
    ]
    by_unit = [
        ProgressRow(r["ratee__unit__name"], r["total"], r["submitted"], r["draft"])
        for r in rows("ratee__unit__name")
    ]
    overall = ProgressRow(
        str(cycle),
        sum(r.total for r in by_relation),
        sum(r.submitted for r in by_relation),
        sum(r.draft for r in by_relation),
    )
    return Progress(overall=overall, by_relation=by_relation, by_unit=by_unit)


def rater_progress(
    *, cycle: Cycle, unit_ids: list[int] | None = None, rater_ids: list[int] | None = None
) -> QuerySet[Employee]:
    """Raters with their counts of owed, submitted and drafted forms; one query."""
    qs = Employee.objects.filter(assignments_as_rater__cycle=cycle)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    if rater_ids is not None:
        qs = qs.filter(pk__in=rater_ids)
    submitted = Q(
        assignments_as_rater__cycle=cycle,
        assignments_as_rater__response__submitted_at__isnull=False,
    )
    draft = Q(
        assignments_as_rater__cycle=cycle,
        assignments_as_rater__response__isnull=False,
        assignments_as_rater__response__submitted_at__isnull=True,
    )
    return (
        qs.select_related("unit", "position")
        .annotate(
            owed=Count("assignments_as_rater", filter=Q(assignments_as_rater__cycle=cycle)),
            submitted=Count("assignments_as_rater", filter=submitted),
            drafted=Count("assignments_as_rater", filter=draft),
        )
        .order_by("unit__name", "name")
        .distinct()
    )


def ratee_overview(
    *,
    cycle: Cycle,
    search: str = "",
    unit_ids: list[int] | None = None,
    below_threshold: bool = False,
) -> QuerySet[Employee]:
    """The agency's ratees (active employees, and anyone already assessed in the cycle) with their
    raters counted per relation and the anonymous ones (rekan + bawahan) together; one query."""

    def count(*relations: str) -> Count:
        return Count(
            "assignments_as_ratee",
            filter=Q(
                assignments_as_ratee__cycle=cycle, assignments_as_ratee__relation__in=relations
            ),
        )

    in_cycle = Exists(RaterAssignment.objects.filter(cycle=cycle, ratee=OuterRef("pk")))
    qs = Employee.objects.filter(Q(is_active=True) | in_cycle, agency_id=cycle.agency_id)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(nip__startswith=search.replace(" ", "")))
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    qs = qs.select_related("unit", "position").annotate(
        n_self=count(Relation.SELF),
        n_supervisor=count(Relation.SUPERVISOR),
        n_peer=count(Relation.PEER),
        n_subordinate=count(Relation.SUBORDINATE),
        n_anonymous=count(*ANONYMOUS_RELATIONS),
    )
    if below_threshold:
        qs = qs.filter(n_anonymous__lt=cycle.anonymity_threshold)
    return qs.order_by("name", "nip")


def ratees_at_risk(*, cycle: Cycle, unit_ids: list[int] | None = None) -> QuerySet[Employee]:
    """Ratees whose submitted rekan + bawahan forms are still below the anonymity threshold, with
    `anonymous_submitted` and `anonymous_possible` (submitted + still open); those who can no
    longer reach the threshold first. Completion counts only; one query."""
    anonymous = Q(
        assignments_as_ratee__cycle=cycle,
        assignments_as_ratee__relation__in=ANONYMOUS_RELATIONS,
    )
    submitted = anonymous & Q(assignments_as_ratee__response__submitted_at__isnull=False)
    in_cycle = Exists(RaterAssignment.objects.filter(cycle=cycle, ratee=OuterRef("pk")))
    qs = Employee.objects.filter(in_cycle, agency_id=cycle.agency_id)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return (
        qs.select_related("unit")
        .annotate(
            anonymous_submitted=Count("assignments_as_ratee", filter=submitted),
            anonymous_possible=Count("assignments_as_ratee", filter=anonymous),
        )
        .filter(anonymous_submitted__lt=cycle.anonymity_threshold)
        .order_by("anonymous_possible", "anonymous_submitted", "name", "nip")
    )


ASSIGNMENT_STATES = ("belum_mulai", "draf", "terkirim")


def assignment_state_counts(*, cycle: Cycle) -> dict[str, Any]:
    """Assignments by state (belum_mulai/draf/terkirim), overall and per relation, with every key
    present even when zero. Counts only, never answers; one query."""
    rows = (
        RaterAssignment.objects.filter(cycle=cycle)
        .values("relation")
        .annotate(
            total=Count("id"),
            terkirim=Count("id", filter=Q(response__submitted_at__isnull=False)),
            draf=Count("id", filter=Q(response__isnull=False, response__submitted_at__isnull=True)),
        )
        .order_by("relation")
    )
    empty = {"total": 0} | dict.fromkeys(ASSIGNMENT_STATES, 0)
    by_relation = {relation: dict(empty) for relation in Relation.values}
    for row in rows:
        by_relation[row["relation"]] = {
            "total": row["total"],
            "belum_mulai": row["total"] - row["terkirim"] - row["draf"],
            "draf": row["draf"],
            "terkirim": row["terkirim"],
        }
    overall = {key: sum(counts[key] for counts in by_relation.values()) for key in empty}
    return {
        "total": overall["total"],
        "by_state": {state: overall[state] for state in ASSIGNMENT_STATES},
        "by_relation": by_relation,
    }


def open_forms_count(*, rater: Employee) -> int:
    """Forms the rater still owes in running cycles before their deadline."""
    from django.utils import timezone

    return (
        RaterAssignment.objects.filter(
            rater=rater,
            cycle__status=Cycle.Status.RUNNING,
            cycle__deadline__gte=timezone.now(),
        )
        .exclude(response__submitted_at__isnull=False)
        .count()
    )
