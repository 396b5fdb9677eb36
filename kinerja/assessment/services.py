"""Every write of the assessment: cycles and their lifecycle, assignments, answers, acknowledgements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.competencies.models import BehaviourValue, Competency, PositionStandard
from kinerja.competencies.selectors import current_framework
from kinerja.core import rows
from kinerja.core.audit import audit_record, user_or_none
from kinerja.core.errors import KinerjaError
from kinerja.core.models import Agency
from kinerja.organisation.models import Employee
from kinerja.scoring.errors import ScoringInputError
from kinerja.scoring.policy import MIN_ANONYMOUS_RATERS, check_policy

from . import texts
from .announcements import announce_started_cycle
from .assignment import Person, Rules, plan_assignments
from .models import (
    Acknowledgement,
    Cycle,
    PeerProposal,
    RaterAssignment,
    Relation,
    Response,
    ResponseItem,
    WorkResult,
)

CYCLE_SETTINGS = [
    "name",
    "period_start",
    "period_end",
    "deadline",
    "include_teknis",
    "weight_supervisor",
    "weight_peer",
    "weight_subordinate",
    "weight_self",
    "anonymity_threshold",
    "jpm_categories",
    "rater_model",
    "max_forms_per_rater",
    "max_peers",
    "max_subordinates",
    "purpose",
    "use_of_results",
    "visibility",
    "objection",
]


def _snapshot(cycle: Cycle) -> dict[str, Any]:
    return {f: getattr(cycle, f) for f in CYCLE_SETTINGS + ["status"]}


def _check_agency(agency: Agency, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.agency_id != agency.pk:
            raise KinerjaError("not_found", _("Data tidak ditemukan."), status=404)


POLICY_SETTINGS = (
    "weight_supervisor",
    "weight_peer",
    "weight_subordinate",
    "weight_self",
    "anonymity_threshold",
    "jpm_categories",
    "rater_model",
)
WEIGHT_SETTINGS = POLICY_SETTINGS[:4]
# The bounds of a cycle's whole-number settings, for the web form, the API and the CLI alike.
SETTING_LIMITS = {
    "anonymity_threshold": (MIN_ANONYMOUS_RATERS, 20),
    "max_forms_per_rater": (1, 100),
    "max_peers": (0, 20),
    "max_subordinates": (0, 50),
}
TEXT_SETTINGS = ("purpose", "use_of_results", "visibility", "objection")
NAME_MAX_LENGTH = 200


def _label(name: str) -> str:
    field = Cycle._meta.get_field(name)
    return str(getattr(field, "verbose_name", name)).capitalize()


def _validate_settings(values: dict[str, Any], *, changed: set[str] | None = None) -> None:
    """The rules of a cycle's settings, in one place. Only what changes is checked (`changed`;
    None: everything), so a running cycle keeps what it started with."""
    check = set(values) if changed is None else changed
    if values["period_end"] < values["period_start"]:
        raise KinerjaError("invalid", _("Akhir periode tidak boleh sebelum awal periode."))
    if "name" in check and len(values["name"]) > NAME_MAX_LENGTH:
        raise KinerjaError(
            "invalid",
            _("Nama siklus paling banyak %(n)d karakter.") % {"n": NAME_MAX_LENGTH},
        )
    for name in TEXT_SETTINGS:
        if name in check and not str(values[name]).strip():
            raise KinerjaError("invalid", _("%(field)s wajib diisi.") % {"field": _label(name)})
    for name, (low, high) in SETTING_LIMITS.items():
        if name in check and not low <= int(values[name]) <= high:
            raise KinerjaError(
                "invalid",
                _("%(field)s harus antara %(min)d dan %(max)d.")
                % {"field": _label(name), "min": low, "max": high},
            )
    if not check & set(POLICY_SETTINGS):
        return
    for name in WEIGHT_SETTINGS:
        weight = Decimal(str(values[name]))  # stored as whole percents (two decimals)
        if weight.is_finite() and abs(weight) <= 1 and weight != weight.quantize(Decimal("0.01")):
            raise KinerjaError(
                "invalid",
                _(
                    "Bobot ditulis sebagai pecahan dengan paling banyak dua angka desimal "
                    "(persen bulat), mis. 0.35."
                ),
            )
    weights = {
        relation: float(values[field])
        for relation, field in (
            ("atasan", "weight_supervisor"),
            ("rekan", "weight_peer"),
            ("bawahan", "weight_subordinate"),
            ("diri", "weight_self"),
        )
    }
    try:
        check_policy(
            weights=weights,
            min_anonymous_raters=int(values["anonymity_threshold"]),
            jpm_categories=values["jpm_categories"],
            rater_model=values["rater_model"],
        )
    except ScoringInputError as error:
        raise KinerjaError(
            "invalid", _policy_message(error, weights), details=[{"rule": error.code}]
        ) from error


def _policy_message(error: ScoringInputError, weights: dict[str, float]) -> str:
    if error.code == "policy_weights_total":
        return _("Jumlah keempat bobot harus 100 %% (sekarang %(sum)s %%).") % {
            "sum": f"{round(sum(weights.values()) * 100, 2):g}"
        }
    if error.code == "policy_bad_threshold":
        return _("Ambang anonimitas minimal 2 penilai.")
    if error.code == "policy_bad_categories":
        return _("Kategori JPM tidak dikenal.")
    if error.code == "policy_bad_rater_model":
        return _("Model penilai harus none, additive atau ordinal.")
    return _("Bobot tidak boleh negatif.")


# --- cycle lifecycle ---------------------------------------------------------------------------


@transaction.atomic
def cycle_create(
    *,
    agency: Agency,
    acting_user: Any,
    name: str,
    period_start: dt.date,
    period_end: dt.date,
    deadline: dt.datetime,
    **options: Any,
) -> Cycle:
    """A draft cycle with the default settings and texts, overridden by `options`."""
    cycle = Cycle(
        agency=agency,
        name=name.strip(),
        period_start=period_start,
        period_end=period_end,
        deadline=deadline,
        purpose=str(texts.DEFAULT_PURPOSE),
        use_of_results=str(texts.DEFAULT_USE),
        visibility=str(texts.DEFAULT_VISIBILITY),
        objection=str(texts.DEFAULT_OBJECTION),
    )
    for key, value in options.items():
        if key not in CYCLE_SETTINGS:
            raise KinerjaError("invalid", f"Pengaturan tidak dikenal: {key}")
        setattr(cycle, key, value)
    if not cycle.name:
        raise KinerjaError("invalid", _("Nama siklus wajib diisi."))
    _validate_settings(_snapshot(cycle))
    cycle.save()
    audit_record(
        agency=agency,
        acting_user=acting_user,
        action="cycle.create",
        obj=cycle,
        summary=cycle.name,
        after=_snapshot(cycle),
    )
    return cycle


def cycle_editable_settings(cycle: Cycle) -> set[str]:
    """Every setting of a draft; only the name and deadline once running or closed (a closed cycle
    needs a later deadline before it can reopen), and the rater model until results are first
    computed; nothing once final."""
    if cycle.status == Cycle.Status.DRAFT:
        return set(CYCLE_SETTINGS)
    if cycle.status == Cycle.Status.FINAL:
        return set()
    return {"deadline", "name"} | (set() if cycle.results_released_at else {"rater_model"})


RELEASED_MODEL_MESSAGE = _(
    "Hasil siklus ini sudah dihitung dan dilihat; model penilai tidak dapat diubah lagi, karena "
    "membandingkan hasil dengan dan tanpa koreksi akan membuka kecenderungan seorang penilai. "
    "Tentukan model penilai sebelum menghitung hasil."
)


@transaction.atomic
def cycle_update(*, cycle: Cycle, acting_user: Any, **values: Any) -> Cycle:
    """Changes settings of a draft cycle; a running or closed one may only change its name and
    deadline; a final one nothing at all."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status == Cycle.Status.FINAL:
        raise KinerjaError("cycle_locked", _("Siklus sudah final dan tidak dapat diubah."))
    if cycle.results_released_at and values.get("rater_model", cycle.rater_model) != (
        cycle.rater_model
    ):
        raise KinerjaError("results_released", RELEASED_MODEL_MESSAGE)
    editable = cycle_editable_settings(cycle)
    refused = [k for k, v in values.items() if k not in editable and getattr(cycle, k) != v]
    if refused:
        raise KinerjaError(
            "cycle_locked",
            _("Pengaturan ini tidak dapat diubah pada siklus berstatus %(s)s: %(f)s.")
            % {"s": cycle.get_status_display(), "f": ", ".join(refused)},
        )
    before = _snapshot(cycle)
    changed = {k for k, v in values.items() if getattr(cycle, k) != v}
    for key, value in values.items():
        setattr(cycle, key, value)
    _validate_settings(_snapshot(cycle), changed=changed)
    cycle.save()
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action="cycle.update",
        obj=cycle,
        summary=cycle.name,
        before=before,
        after=_snapshot(cycle),
    )
    return cycle


def cycle_items_for(cycle: Cycle) -> list[dict[str, Any]]:
    """The frozen item list: national competencies, teknis ones used in standards, BerAKHLAK."""
    framework = current_framework()
    if framework is None:
        raise KinerjaError(
            "no_framework", _("Kamus kompetensi nasional belum dimuat (kinerja load-framework).")
        )
    national = (
        Competency.objects.filter(framework=framework).prefetch_related("levels").order_by("order")
    )
    items = [_competency_item(c) for c in national]
    if cycle.include_teknis:
        used = PositionStandard.objects.filter(
            agency=cycle.agency, competency__agency=cycle.agency
        ).values("competency")
        teknis = Competency.objects.filter(pk__in=used).prefetch_related("levels").order_by("code")
        items += [_competency_item(c) for c in teknis]
    for value in BehaviourValue.objects.filter(framework=framework).order_by("order"):
        items.append(
            {
                "code": value.code,
                "name": value.name,
                "kind": "behaviour",
                "description": value.description,
                "guides": value.guides,
            }
        )
    return items


def _competency_item(c: Competency) -> dict[str, Any]:
    return {
        "code": c.code,
        "name": c.name,
        "kind": "competency",
        "group": c.group,
        "definition": c.definition,
        "levels": [
            {"level": lv.level, "title": lv.title, "indicators": lv.indicators}
            for lv in c.levels.all()
        ],
    }


@transaction.atomic
def cycle_start(*, cycle: Cycle, acting_user: Any) -> Cycle:
    """draf → berjalan: freezes the framework version, the items and the position standards;
    after the commit the participants get the cycle's announcement (once each)."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != Cycle.Status.DRAFT:
        raise KinerjaError("bad_transition", _("Hanya siklus berstatus draf yang dapat dimulai."))
    if not cycle.assignments.exists():
        raise KinerjaError("no_assignments", _("Buat penugasan penilai terlebih dahulu."))
    if cycle.deadline <= timezone.now():
        raise KinerjaError("deadline_passed", _("Batas pengisian sudah lewat; ubah dulu batasnya."))
    cycle.framework = current_framework()
    cycle.items = cycle_items_for(cycle)
    standards: dict[str, dict[str, int]] = {}
    for position_id, code, level in PositionStandard.objects.filter(
        agency=cycle.agency
    ).values_list("position_id", "competency__code", "required_level"):
        standards.setdefault(str(position_id), {})[code] = level
    cycle.standards = standards
    cycle.status = Cycle.Status.RUNNING
    cycle.started_at = timezone.now()
    cycle.save()
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action="cycle.start",
        obj=cycle,
        summary=cycle.name,
        before={"status": "draf"},
        after={"status": cycle.status, "framework": cycle.framework_id, "items": len(cycle.items)},
    )
    # Once the start is committed, every participant is told (announcements.py): never from
    # inside this transaction, so a start that rolls back mails nobody.
    transaction.on_commit(
        partial(announce_started_cycle, cycle_id=cycle.pk, acting_user=acting_user), robust=True
    )
    return cycle


_TRANSITIONS = {
    # action: (from, to)
    "close": (Cycle.Status.RUNNING, Cycle.Status.CLOSED),
    "reopen": (Cycle.Status.CLOSED, Cycle.Status.RUNNING),
    "finalise": (Cycle.Status.CLOSED, Cycle.Status.FINAL),
}


@transaction.atomic
def cycle_transition(*, cycle: Cycle, action: str, acting_user: Any) -> Cycle:
    """close (berjalan → ditutup), reopen (ditutup → berjalan), finalise (ditutup → final, for good)."""
    if action == "start":
        return cycle_start(cycle=cycle, acting_user=acting_user)
    if action not in _TRANSITIONS:
        raise KinerjaError("bad_transition", _("Tindakan tidak dikenal."))
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    source, target = _TRANSITIONS[action]
    if cycle.status != source:
        raise KinerjaError(
            "bad_transition",
            _("Siklus berstatus %(s)s tidak dapat di-%(a)s.")
            % {"s": cycle.get_status_display(), "a": action},
        )
    if action == "reopen" and cycle.results_released_at is not None:
        raise KinerjaError(
            "results_released",
            _(
                "Hasil siklus ini sudah dihitung, jadi siklus tidak dapat dibuka kembali: "
                "membandingkan hasil sebelum dan sesudah satu penilai tambahan mengirim akan "
                "membuka jawaban penilai itu. Jawaban yang belum masuk tidak dapat ditambahkan."
            ),
        )
    if action == "reopen" and cycle.deadline <= timezone.now():
        raise KinerjaError(
            "deadline_passed", _("Perpanjang batas pengisian sebelum membuka kembali siklus.")
        )
    before = cycle.status
    cycle.status = target
    now = timezone.now()
    if action == "close":
        cycle.closed_at = now
    if action == "finalise":
        cycle.finalised_at = now
    cycle.save()
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action=f"cycle.{action}",
        obj=cycle,
        summary=cycle.name,
        before={"status": before},
        after={"status": target},
    )
    return cycle


# --- assignments -------------------------------------------------------------------------------


@dataclass
class GenerateReport:
    created: int
    removed: int
    kept: int
    below_threshold: list[int]


def _require_editable_assignments(cycle: Cycle) -> None:
    if cycle.status not in (Cycle.Status.DRAFT, Cycle.Status.RUNNING):
        raise KinerjaError(
            "cycle_locked", _("Penugasan tidak dapat diubah pada siklus yang sudah ditutup.")
        )


@transaction.atomic
def assignments_generate(*, cycle: Cycle, acting_user: Any) -> GenerateReport:
    """(Re)generates the org-chart assignments in one action. Manual and proposed assignments and
    any assignment that already has answers are kept; other generated ones are replaced."""
    # Re-read under a lock: the caller's copy may predate a close, and two generations at once
    # would insert the same pairs twice.
    cycle = Cycle.objects.select_for_update().select_related("agency").get(pk=cycle.pk)
    _require_editable_assignments(cycle)
    people = [
        Person(pk, supervisor_id, unit_id, position_type)
        for pk, supervisor_id, unit_id, position_type in Employee.objects.filter(
            agency=cycle.agency, is_active=True
        ).values_list("id", "supervisor_id", "unit_id", "position__position_type")
    ]
    existing = RaterAssignment.objects.filter(cycle=cycle)
    keep = existing.filter(~Q(source=RaterAssignment.Source.GENERATED) | Q(response__isnull=False))
    removable = existing.filter(source=RaterAssignment.Source.GENERATED, response__isnull=True)
    removed = removable.count()
    removable.delete()
    kept_pairs = {(a, b) for a, b in keep.values_list("rater_id", "ratee_id")}
    plan = plan_assignments(
        people,
        Rules(
            max_peers=cycle.max_peers,
            max_subordinates=cycle.max_subordinates,
            max_forms_per_rater=cycle.max_forms_per_rater,
            min_peers=cycle.anonymity_threshold,
        ),
    )
    new = [
        RaterAssignment(
            agency=cycle.agency,
            cycle=cycle,
            rater_id=p.rater,
            ratee_id=p.ratee,
            relation=p.relation,
        )
        for p in plan.pairs
        if (p.rater, p.ratee) not in kept_pairs
    ]
    RaterAssignment.objects.bulk_create(new, batch_size=2000)
    report = GenerateReport(
        created=len(new),
        removed=removed,
        kept=len(kept_pairs),
        below_threshold=ratees_below_threshold(cycle=cycle),
    )
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action="assignment.generate",
        obj=cycle,
        summary=_("%(c)d penugasan dibuat") % {"c": report.created},
        after={"created": report.created, "removed": removed, "kept": report.kept},
    )
    return report


def ratees_below_threshold(*, cycle: Cycle) -> list[int]:
    """Employees whose peers and subordinates together are fewer than the anonymity threshold:
    their anonymous feedback would be merged or dropped."""
    from django.db.models import Count

    counts = dict(
        RaterAssignment.objects.filter(
            cycle=cycle, relation__in=[Relation.PEER, Relation.SUBORDINATE]
        )
        .values("ratee_id")
        .annotate(n=Count("id"))
        .values_list("ratee_id", "n")
    )
    ratees = RaterAssignment.objects.filter(cycle=cycle, relation=Relation.SELF).values_list(
        "ratee_id", flat=True
    )
    return sorted(r for r in ratees if counts.get(r, 0) < cycle.anonymity_threshold)


@transaction.atomic
def assignment_add(
    *,
    cycle: Cycle,
    rater: Employee,
    ratee: Employee,
    relation: str,
    reason: str,
    acting_user: Any,
    source: str = RaterAssignment.Source.MANUAL,
) -> RaterAssignment:
    _require_editable_assignments(cycle)
    _check_agency(cycle.agency, rater, ratee)
    if relation not in Relation.values:
        raise KinerjaError("invalid", _("Hubungan penilai tidak dikenal."))
    if (relation == Relation.SELF) != (rater.pk == ratee.pk):
        raise KinerjaError(
            "invalid", _("Seseorang hanya menilai dirinya sendiri sebagai penilaian diri.")
        )
    if not reason.strip():
        raise KinerjaError("invalid", _("Tuliskan alasan penambahan penilai."))
    if RaterAssignment.objects.filter(cycle=cycle, rater=rater, ratee=ratee).exists():
        raise KinerjaError(
            "duplicate",
            _("%(r)s sudah menilai %(e)s pada siklus ini.") % {"r": rater.name, "e": ratee.name},
        )
    try:
        with transaction.atomic():
            assignment = RaterAssignment.objects.create(
                agency=cycle.agency,
                cycle=cycle,
                rater=rater,
                ratee=ratee,
                relation=relation,
                source=source,
                reason=reason.strip()[:300],
            )
    except IntegrityError as exc:
        raise KinerjaError("duplicate", _("Penugasan ini sudah ada.")) from exc
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action="assignment.add",
        obj=assignment,
        summary=f"{rater.nip} → {ratee.nip} ({relation})",
        after={"reason": reason},
    )
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: RaterAssignment, reason: str, acting_user: Any) -> None:
    cycle = assignment.cycle
    _require_editable_assignments(cycle)
    if not reason.strip():
        raise KinerjaError("invalid", _("Tuliskan alasan penghapusan penilai."))
    if Response.objects.filter(assignment=assignment, submitted_at__isnull=False).exists():
        raise KinerjaError(
            "submitted", _("Penilai ini sudah mengirim jawabannya; penugasan tidak dapat dihapus.")
        )
    before = {
        "rater": assignment.rater_id,
        "ratee": assignment.ratee_id,
        "relation": assignment.relation,
    }
    pk = assignment.pk
    assignment.delete()
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action="assignment.remove",
        object_type="assessment.raterassignment",
        object_id=pk,
        before=before,
        after={"reason": reason},
    )


@transaction.atomic
def peer_propose(
    *, cycle: Cycle, ratee: Employee, peer: Employee, acting_user: Any
) -> PeerProposal:
    _require_editable_assignments(cycle)
    _check_agency(cycle.agency, ratee, peer)
    if peer.pk == ratee.pk:
        raise KinerjaError("invalid", _("Anda tidak dapat mengusulkan diri sendiri sebagai rekan."))
    # No check against existing raters here: refusing "X already rates you" would tell the ratee
    # who their anonymous raters are. The supervisor's approval simply adds nothing in that case.
    proposal, created = PeerProposal.objects.get_or_create(
        agency=cycle.agency, cycle=cycle, ratee=ratee, peer=peer
    )
    if not created:
        raise KinerjaError("duplicate", _("Usulan ini sudah ada."))
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action="peer.propose",
        obj=proposal,
        summary=f"{peer.nip} → {ratee.nip}",
    )
    return proposal


@transaction.atomic
def peer_decide(
    *, proposal: PeerProposal, approve: bool, decided_by: Employee, note: str, acting_user: Any
) -> PeerProposal:
    proposal = (
        PeerProposal.objects.select_for_update()
        .select_related("cycle", "ratee", "peer")
        .get(pk=proposal.pk)
    )
    if proposal.ratee.supervisor_id != decided_by.pk:
        raise KinerjaError("not_found", _("Usulan tidak ditemukan."), status=404)
    if proposal.status != PeerProposal.Status.PENDING:
        raise KinerjaError("decided", _("Usulan ini sudah diputuskan."))
    proposal.status = PeerProposal.Status.APPROVED if approve else PeerProposal.Status.REJECTED
    proposal.decided_by, proposal.decided_at, proposal.note = decided_by, timezone.now(), note[:300]
    proposal.save()
    already_rates = RaterAssignment.objects.filter(
        cycle=proposal.cycle, rater=proposal.peer, ratee=proposal.ratee
    ).exists()
    if approve and not already_rates:
        assignment_add(
            cycle=proposal.cycle,
            rater=proposal.peer,
            ratee=proposal.ratee,
            relation=Relation.PEER,
            reason=_("Usulan pegawai, disetujui atasan"),
            acting_user=acting_user,
            source=RaterAssignment.Source.PROPOSED,
        )
    audit_record(
        agency=proposal.agency,
        acting_user=acting_user,
        action="peer.decide",
        obj=proposal,
        after={"status": proposal.status, "note": note},
    )
    return proposal


# --- participation -----------------------------------------------------------------------------


def acknowledge(*, cycle: Cycle, user: Any) -> Acknowledgement:
    """Records once that `user` read the purpose; calling again returns the first record."""
    ack, created = Acknowledgement.objects.get_or_create(
        agency=cycle.agency, cycle=cycle, user=user
    )
    if created:
        audit_record(
            agency=cycle.agency,
            acting_user=user,
            action="cycle.acknowledge",
            obj=cycle,
            summary=cycle.name,
        )
    return ack


def _lock_assignment(assignment: RaterAssignment, user: Any) -> bool:
    """Locks the assignment's row (saves of one form queue), re-reads its cycle's status and
    deadline under a shared lock and says whether `user` acknowledged the cycle's purpose, in one
    statement on PostgreSQL: saves of one cycle share the cycle row and never wait for each
    other, while a close (FOR UPDATE) waits for the saves in flight and a save arriving after the
    close sees it. (The acknowledgement's EXISTS reads the statement's snapshot: one made while
    this save waited for the lock is not seen, and that save is refused, to be retried; an
    acknowledgement is never withdrawn, so nothing is let through that should not be.) SQLite has
    one writer at a time (BEGIN IMMEDIATE), so there a fresh read does
    the same."""
    cycle = assignment.cycle
    user_id = getattr(user_or_none(user), "pk", None) or 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT c.status, c.deadline, EXISTS (SELECT 1 FROM "
                f"{Acknowledgement._meta.db_table} k WHERE k.cycle_id = c.id AND k.user_id = %s) "
                f"FROM {RaterAssignment._meta.db_table} a "
                f"JOIN {Cycle._meta.db_table} c ON c.id = a.cycle_id WHERE a.id = %s "
                "FOR UPDATE OF a FOR SHARE OF c",
                [user_id, assignment.pk],
            )
            row = cursor.fetchone()
    else:
        acknowledged = Acknowledgement.objects.filter(
            cycle_id=OuterRef("cycle_id"), user_id=user_id
        )
        row = (
            RaterAssignment.objects.filter(pk=assignment.pk)
            .annotate(ack=Exists(acknowledged))
            .values_list("cycle__status", "cycle__deadline", "ack")
            .first()
        )
    if row is None:
        raise KinerjaError("not_found", _("Formulir ini tidak ada lagi."), status=404)
    cycle.status, cycle.deadline, acknowledged = row
    return bool(acknowledged)


def _require_open(cycle: Cycle) -> None:
    if cycle.status != Cycle.Status.RUNNING:
        raise KinerjaError(
            "cycle_closed", _("Siklus tidak sedang berjalan; jawaban tidak dapat diubah.")
        )
    if timezone.now() > cycle.deadline:
        raise KinerjaError(
            "deadline_passed", _("Batas pengisian sudah lewat; jawaban tidak dapat diubah.")
        )


def _require_acknowledged(acknowledged: bool, user: Any) -> None:
    """A form is filled only after its author has read and acknowledged the cycle's purpose
    (people only: a system write without a user, e.g. a migration script, has no one to ask)."""
    if user_or_none(user) is not None and not acknowledged:
        raise KinerjaError(
            "not_acknowledged",
            _("Baca dan setujui tujuan siklus ini terlebih dahulu, baru isi formulir."),
            status=409,
        )


def items_for_ratee(cycle: Cycle, ratee: Employee) -> list[dict[str, Any]]:
    """The frozen items this ratee is assessed on: national competencies, the teknis ones in their
    position's standard, and the BerAKHLAK values."""
    standard = cycle.standards.get(str(ratee.position_id), {})
    return [
        item
        for item in cycle.items
        if item["kind"] == "behaviour" or item.get("group") != "teknis" or item["code"] in standard
    ]


@dataclass(frozen=True)
class Answer:
    level: int | None = None
    cannot_rate: bool = False
    comment: str = ""


def _response_of(assignment_id: int) -> Response | None:
    """The form's response, if any (one statement by hand: on every save and submit)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {rows.columns(Response, 'r')} FROM {Response._meta.db_table} r "
            "WHERE r.assignment_id = %s",
            [assignment_id],
        )
        row = cursor.fetchone()
    return rows.instance(Response, row) if row is not None else None


def _insert_with_items(response: Response, items: list[ResponseItem]) -> None:
    """A new response and its answers in one statement (PostgreSQL), the same rows as
    response.save() and ResponseItem.objects.bulk_create(items)."""
    columns, placeholders, values = rows.insert_parts(response)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH r AS (INSERT INTO {Response._meta.db_table} ({columns}) "
            f"VALUES ({placeholders}) RETURNING id), "
            f"i AS (INSERT INTO {ResponseItem._meta.db_table} "
            "(response_id, item, level, cannot_rate, comment) "
            "SELECT r.id, u.item, u.level, u.cannot_rate, u.comment FROM r, "
            "UNNEST(%s::varchar[], %s::smallint[], %s::boolean[], %s::text[]) "
            "AS u(item, level, cannot_rate, comment)) SELECT id FROM r",
            [
                *values,
                [i.item for i in items],
                [i.level for i in items],
                [i.cannot_rate for i in items],
                [i.comment for i in items],
            ],
        )
        rows.saved(response, cursor.fetchone()[0])
    for item in items:
        item.response = response  # not saved one by one: no primary keys are read back


@transaction.atomic
def response_save(
    *,
    assignment: RaterAssignment,
    answers: dict[str, Answer],
    acting_user: Any,
    strengths: str | None = None,
    to_develop: str | None = None,
    submit: bool = False,
) -> Response:
    """Saves a draft (answers merge into what is there) and, with submit=True, checks completeness
    and locks it. Serialised per assignment; submitting twice returns the first submission."""
    acknowledged = _lock_assignment(assignment, acting_user)  # and the cycle's status, deadline
    cycle = assignment.cycle
    # No get_or_create: with the assignment locked nobody else can create its response, so a new
    # one is inserted once, whole, after the checks (no savepoint, no insert-then-update). Read
    # here, in its own statement: an EXISTS in the lock statement would use that statement's
    # snapshot, taken before waiting for the lock, and miss a response made while it waited.
    response = _response_of(assignment.pk)
    if response is not None and response.is_submitted:
        if submit and not answers:
            return response  # a retried submit: the first one stands
        raise KinerjaError("submitted", _("Formulir ini sudah dikirim dan terkunci."))
    _require_open(cycle)
    _require_acknowledged(acknowledged, acting_user)
    allowed = {item["code"] for item in items_for_ratee(cycle, assignment.ratee)}
    for code, answer in answers.items():
        if code not in allowed:
            raise KinerjaError("invalid", _("Butir %(c)s tidak ada di formulir ini.") % {"c": code})
        if answer.level is not None and not 1 <= int(answer.level) <= 5:
            raise KinerjaError("invalid", _("Nilai harus 1 sampai 5."))
    # The answers in two statements, not one per item: new rows in bulk, changed ones in bulk.
    existing = {ri.item: ri for ri in response.items.all()} if response is not None else {}
    added: list[ResponseItem] = []
    changed: list[ResponseItem] = []
    for code, answer in answers.items():
        level = None if answer.cannot_rate else answer.level
        comment = answer.comment[:2000]
        row = existing.get(code)
        if row is None:
            row = ResponseItem(
                item=code, level=level, cannot_rate=answer.cannot_rate, comment=comment
            )
            added.append(row)
        elif (row.level, row.cannot_rate, row.comment) != (level, answer.cannot_rate, comment):
            row.level, row.cannot_rate, row.comment = level, answer.cannot_rate, comment
            changed.append(row)
        existing[code] = row
    if submit:
        missing = [
            c
            for c in sorted(allowed)
            if c not in existing or (existing[c].level is None and not existing[c].cannot_rate)
        ]
        if missing:
            raise KinerjaError(
                "incomplete",
                _("Masih ada %(n)d butir yang belum diisi. Pilih level atau “tidak dapat menilai”.")
                % {"n": len(missing)},
                details=[{"item": c} for c in missing],
            )
    if response is None:
        response = Response(agency_id=assignment.agency_id, assignment=assignment)
    if strengths is not None:
        response.strengths = strengths[:4000]
    if to_develop is not None:
        response.to_develop = to_develop[:4000]
    if submit:
        response.submitted_at = timezone.now()
    response.version += 1
    if response._state.adding and connection.vendor == "postgresql":
        _insert_with_items(response, added)
    else:
        response.save()
        for row in added:
            row.response = response
        ResponseItem.objects.bulk_create(added)
    ResponseItem.objects.bulk_update(changed, ["level", "cannot_rate", "comment"])
    if submit:
        audit_record(
            agency=cycle.agency,
            acting_user=acting_user,
            action="response.submit",
            obj=assignment,
            summary=f"{assignment.relation}",
        )
    return response


@transaction.atomic
def work_result_set(
    *, cycle: Cycle, employee: Employee, rating: str, justification: str, acting_user: Any
) -> WorkResult:
    """Rating hasil kerja for one employee (the supervisor's or the admin's import)."""
    _check_agency(cycle.agency, employee)
    if cycle.status == Cycle.Status.FINAL:
        raise KinerjaError("cycle_locked", _("Siklus sudah final."))
    if rating not in WorkResult.Rating.values:
        raise KinerjaError(
            "invalid", _("Rating hasil kerja harus di atas, sesuai, atau di bawah ekspektasi.")
        )
    result, created = WorkResult.objects.get_or_create(
        agency=cycle.agency,
        cycle=cycle,
        employee=employee,
        defaults={
            "rating": rating,
            "justification": justification,
            "set_by": user_or_none(acting_user),
        },
    )
    before = None if created else {"rating": result.rating, "justification": result.justification}
    if not created:
        result.rating, result.justification = rating, justification
        result.set_by = user_or_none(acting_user)
        result.save()
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action="work_result.set",
        obj=result,
        summary=employee.nip,
        before=before,
        after={"rating": rating, "justification": justification},
    )
    return result
