"""Plausible simulated answers for every unfinished form of a running cycle (demos, benchmarks).

The model behind the numbers: each ratee has a "true" level per item near their position's
required level (±1; 3 = sesuai ekspektasi for the BerAKHLAK values); each rater has a leniency in
{-1, 0, 0, 0, +1}; every answer adds noise; self-ratings run a little higher; about 5 % of the
answers of others are "tidak dapat menilai". Every random draw is seeded by the seed and the
people involved (by NIP), so the same seed gives the same answers whatever order the forms come in
and whatever ids the database gave."""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.core.audit import audit_record
from kinerja.core.errors import KinerjaError
from kinerja.core.models import AuditEvent
from kinerja.organisation.models import Employee

from .models import Cycle, RaterAssignment, Relation, Response, ResponseItem
from .services import items_for_ratee

ACTION = "cycle.simulate"
CHUNK = 2000  # assignments per round of inserts
ITEM_BATCH = 5000
CANNOT_RATE = 0.05
SELF_BONUS = 0.4
LENIENCY = (-1, 0, 0, 0, 1)


def _ranges(ids: Iterable[int]) -> list[list[int]]:
    """Sorted ids as [[first, last], …] runs: bulk-created assignments are mostly consecutive."""
    runs: list[list[int]] = []
    for pk in sorted(ids):
        if runs and pk == runs[-1][1] + 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    return runs


def simulated_assignment_ids(*, cycle: Cycle) -> set[int]:
    """The assignments whose answers came from simulation, from the audit trail."""
    ids: set[int] = set()
    events = AuditEvent.objects.filter(
        agency=cycle.agency,
        action=ACTION,
        object_type="assessment.cycle",
        object_id=str(cycle.pk),
    ).values_list("after", flat=True)
    for after in events:
        for first, last in (after or {}).get("assignments", []):
            ids.update(range(first, last + 1))
    return ids


def has_real_responses(*, cycle: Cycle) -> bool:
    """Whether anyone (not the simulation) has saved an answer in this cycle."""
    answered = set(
        Response.objects.filter(assignment__cycle=cycle).values_list("assignment_id", flat=True)
    )
    return bool(answered - simulated_assignment_ids(cycle=cycle))


class _Model:
    """The seeded draws: true levels per ratee and item, leniency per rater."""

    def __init__(self, cycle: Cycle, seed: int) -> None:
        self.cycle, self.seed = cycle, seed
        self._true: dict[str, dict[str, float]] = {}
        self._leniency: dict[str, int] = {}
        self._codes: dict[int, list[str]] = {}

    def codes(self, position_id: int) -> list[str]:
        if position_id not in self._codes:
            items = items_for_ratee(self.cycle, Employee(position_id=position_id))
            self._codes[position_id] = [item["code"] for item in items]
        return self._codes[position_id]

    def true_levels(self, ratee: str, position_id: int) -> dict[str, float]:
        if ratee not in self._true:
            rng = random.Random(f"{self.seed}:ratee:{ratee}")
            standard = self.cycle.standards.get(str(position_id), {})
            ability = rng.gauss(0, 0.5)
            levels = {}
            for code in self.codes(position_id):
                required = standard.get(code, 3)
                level = required + ability + rng.uniform(-0.6, 0.6)
                levels[code] = min(max(level, required - 1, 1), required + 1, 5)
            self._true[ratee] = levels
        return self._true[ratee]

    def leniency(self, rater: str) -> int:
        if rater not in self._leniency:
            self._leniency[rater] = random.Random(f"{self.seed}:rater:{rater}").choice(LENIENCY)
        return self._leniency[rater]

    def answers(
        self, *, rater: str, ratee: str, relation: str, position_id: int
    ) -> list[tuple[str, int | None]]:
        """[(code, level or None for "tidak dapat menilai")] for one form."""
        rng = random.Random(f"{self.seed}:form:{rater}:{ratee}")
        bias = self.leniency(rater) + (SELF_BONUS if relation == Relation.SELF else 0)
        out: list[tuple[str, int | None]] = []
        for code, true in self.true_levels(ratee, position_id).items():
            if relation != Relation.SELF and rng.random() < CANNOT_RATE:
                out.append((code, None))
                continue
            out.append((code, min(5, max(1, round(true + bias + rng.gauss(0, 0.6))))))
        return out


def simulate_responses(
    *,
    cycle: Cycle,
    seed: int,
    force: bool = False,
    acting_user: Any = None,
    assignment_ids: Collection[int] | None = None,
) -> int:
    """Fills and submits every unfinished form of a running cycle (or only those among
    `assignment_ids`); returns how many. Refused ("real_people") once anyone but the simulation
    has saved an answer in the cycle, unless `force`; then their drafts keep what they wrote and
    only the missing items are filled in. All or nothing, in one transaction."""
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().select_related("agency").get(pk=cycle.pk)
        if cycle.status != Cycle.Status.RUNNING:
            raise KinerjaError(
                "cycle_not_running", _("Simulasi hanya dapat dijalankan pada siklus yang berjalan.")
            )
        if timezone.now() > cycle.deadline:
            raise KinerjaError("deadline_passed", _("Batas pengisian siklus ini sudah lewat."))
        if not force and has_real_responses(cycle=cycle):
            raise KinerjaError(
                "real_people",
                _(
                    "Siklus ini sudah diisi oleh pegawai sungguhan; simulasi ditolak agar jawaban "
                    "mereka tidak tercampur. Gunakan --force bila memang disengaja."
                ),
            )
        open_forms = RaterAssignment.objects.filter(cycle=cycle).exclude(
            response__submitted_at__isnull=False
        )
        if assignment_ids is not None:
            open_forms = open_forms.filter(pk__in=list(assignment_ids))
        rows = list(
            open_forms.order_by("id").values_list(
                # NIPs, not ids: the same seed gives the same answers in any database.
                "id",
                "rater__nip",
                "ratee__nip",
                "relation",
                "ratee__position_id",
                "response__id",
            )
        )
        model = _Model(cycle, seed)
        now = timezone.now()
        for start in range(0, len(rows), CHUNK):
            _fill(cycle, model, rows[start : start + CHUNK], now)
        filled = [row[0] for row in rows]
        audit_record(
            agency=cycle.agency,
            acting_user=acting_user,
            action=ACTION,
            obj=cycle,
            summary=_("%(n)d formulir diisi dengan simulasi (seed %(s)d)")
            % {"n": len(filled), "s": seed},
            after={
                "seed": seed,
                "forms": len(filled),
                "force": force,
                "assignments": _ranges(filled),
            },
        )
    return len(filled)


def _fill(cycle: Cycle, model: _Model, rows: list[tuple], now: Any) -> None:
    new = [
        Response(agency_id=cycle.agency_id, assignment_id=row[0], submitted_at=now, version=1)
        for row in rows
        if row[5] is None
    ]
    Response.objects.bulk_create(new, batch_size=ITEM_BATCH)
    response_of = {r.assignment_id: r.pk for r in new}
    drafts = {row[0]: row[5] for row in rows if row[5] is not None}
    answered: dict[int, set[str]] = {pk: set() for pk in drafts.values()}
    if drafts:
        # A blank row in a draft is not an answer: it is filled like a missing one.
        ResponseItem.objects.filter(
            response_id__in=list(drafts.values()), level__isnull=True, cannot_rate=False
        ).delete()
        for response_id, code in ResponseItem.objects.filter(
            response_id__in=list(drafts.values())
        ).values_list("response_id", "item"):
            answered[response_id].add(code)
        Response.objects.filter(pk__in=list(drafts.values())).update(
            submitted_at=now, version=F("version") + 1, updated_at=now
        )
        response_of |= drafts
    items: list[ResponseItem] = []
    for assignment_id, rater, ratee, relation, position_id, _response in rows:
        response_id = response_of[assignment_id]
        skip = answered.get(response_id, ())
        for code, level in model.answers(
            rater=rater, ratee=ratee, relation=relation, position_id=position_id
        ):
            if code in skip:
                continue
            items.append(
                ResponseItem(
                    response_id=response_id, item=code, level=level, cannot_rate=level is None
                )
            )
        if len(items) >= ITEM_BATCH:
            ResponseItem.objects.bulk_create(items)
            items = []
    ResponseItem.objects.bulk_create(items, batch_size=ITEM_BATCH)
