"""Every write of dialog kinerja: schedule, record (with the agreed actions), the employee's
confirmation or comment, and the per-cycle visibility setting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.assessment.models import Cycle
from kinerja.core.audit import audit_record
from kinerja.core.errors import KinerjaError
from kinerja.core.permissions import employee_of
from kinerja.development.models import PlanItem
from kinerja.organisation.models import Employee
from kinerja.results.models import EmployeeResult

from .models import AgreedAction, Dialogue, DialogueSettings

MAX_ACTIONS = 10
MAX_TEXT = 4000


@dataclass(frozen=True)
class ActionInput:
    description: str
    due_date: dt.date
    plan_item_id: int | None = None


def _supervisor_of(employee: Employee, acting_user: Any) -> Employee:
    """The acting user's employee record, when it is the employee's direct supervisor."""
    me = employee_of(acting_user)
    if me is None or employee.supervisor_id != me.pk or employee.agency_id != me.agency_id:
        raise KinerjaError(
            "not_supervisor",
            _("Hanya atasan langsung yang dapat mencatat dialog kinerja."),
            status=404,
        )
    return me


def _check_date(value: Any, label: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise KinerjaError("invalid", _("%(f)s harus berupa tanggal.") % {"f": label})
    if not dt.date(2000, 1, 1) <= value <= dt.date(2100, 12, 31):
        raise KinerjaError("invalid", _("%(f)s di luar rentang yang wajar.") % {"f": label})
    return value


@transaction.atomic
def dialogue_schedule(
    *, cycle: Cycle, employee: Employee, scheduled_for: dt.date, acting_user: Any
) -> Dialogue:
    """The supervisor schedules (or moves) the dialogue; the employee's result must exist."""
    me = _supervisor_of(employee, acting_user)
    if cycle.agency_id != employee.agency_id:
        raise KinerjaError("not_found", _("Data tidak ditemukan."), status=404)
    _check_date(scheduled_for, _("Tanggal dialog"))
    if not EmployeeResult.objects.filter(cycle=cycle, employee=employee).exists():
        raise KinerjaError(
            "no_result",
            _("Dialog kinerja dapat dijadwalkan setelah hasil pegawai ini dihitung."),
        )
    dialogue = Dialogue.objects.select_for_update().filter(cycle=cycle, employee=employee).first()
    before = None
    if dialogue is None:
        dialogue = Dialogue.objects.create(
            agency_id=employee.agency_id,
            cycle=cycle,
            employee=employee,
            supervisor=me,
            scheduled_for=scheduled_for,
        )
    else:
        if dialogue.status != Dialogue.Status.SCHEDULED:
            raise KinerjaError(
                "bad_state", _("Dialog ini sudah dicatat; jadwal tidak dapat diubah.")
            )
        before = {"scheduled_for": dialogue.scheduled_for}
        dialogue.scheduled_for = scheduled_for
        dialogue.supervisor = me
        dialogue.save(update_fields=["scheduled_for", "supervisor"])
    audit_record(
        agency=employee.agency,
        acting_user=acting_user,
        action="dialogue.schedule",
        obj=dialogue,
        summary=f"{employee.name} {scheduled_for.isoformat()}",
        before=before,
        after={"scheduled_for": scheduled_for, "cycle": cycle.pk},
    )
    return dialogue


def _clean_actions(dialogue: Dialogue, actions: list[ActionInput]) -> list[AgreedAction]:
    if len(actions) > MAX_ACTIONS:
        raise KinerjaError(
            "invalid", _("Paling banyak %(n)d tindak lanjut per dialog.") % {"n": MAX_ACTIONS}
        )
    ids = {a.plan_item_id for a in actions if a.plan_item_id is not None}
    items = {
        item.pk: item
        for item in PlanItem.objects.filter(pk__in=ids, plan__employee_id=dialogue.employee_id)
    }
    rows = []
    for n, action in enumerate(actions, start=1):
        text = action.description.strip()
        if not text:
            raise KinerjaError(
                "invalid", _("Tindak lanjut %(n)d: tuliskan apa yang disepakati.") % {"n": n}
            )
        _check_date(action.due_date, _("Batas waktu tindak lanjut %(n)d") % {"n": n})
        if action.plan_item_id is not None and action.plan_item_id not in items:
            raise KinerjaError(
                "invalid",
                _(
                    "Tindak lanjut %(n)d: kegiatan itu tidak ada di rencana pengembangan pegawai ini."
                )
                % {"n": n},
            )
        rows.append(
            AgreedAction(
                dialogue=dialogue,
                description=text[:300],
                due_date=action.due_date,
                plan_item=items.get(action.plan_item_id) if action.plan_item_id else None,
            )
        )
    return rows


@transaction.atomic
def dialogue_record(
    *,
    dialogue: Dialogue,
    held_on: dt.date,
    went_well: str,
    to_develop: str,
    actions: list[ActionInput],
    acting_user: Any,
) -> Dialogue:
    """The supervisor records what was said and agreed; it can be corrected until the employee
    has answered. The agreed actions are replaced as a whole."""
    dialogue = Dialogue.objects.select_for_update().select_related("employee").get(pk=dialogue.pk)
    me = _supervisor_of(dialogue.employee, acting_user)
    if dialogue.is_answered:
        raise KinerjaError(
            "bad_state", _("Pegawai sudah menanggapi catatan ini; catatan tidak dapat diubah lagi.")
        )
    _check_date(held_on, _("Tanggal pelaksanaan"))
    if held_on > timezone.localdate():
        raise KinerjaError("invalid", _("Tanggal pelaksanaan tidak boleh di masa depan."))
    went_well, to_develop = went_well.strip(), to_develop.strip()
    if not went_well and not to_develop:
        raise KinerjaError(
            "invalid", _("Tuliskan yang sudah berjalan baik atau yang perlu dikembangkan.")
        )
    if len(went_well) > MAX_TEXT or len(to_develop) > MAX_TEXT:
        raise KinerjaError("invalid", _("Catatan paling panjang %(n)d karakter.") % {"n": MAX_TEXT})
    rows = _clean_actions(dialogue, actions)
    before = {"status": dialogue.status, "actions": dialogue.actions.count()}
    dialogue.actions.all().delete()
    AgreedAction.objects.bulk_create(rows)
    dialogue.status = Dialogue.Status.RECORDED
    dialogue.held_on = held_on
    dialogue.went_well = went_well
    dialogue.to_develop = to_develop
    dialogue.supervisor = me
    dialogue.recorded_at = timezone.now()
    dialogue.save(
        update_fields=[
            "status",
            "held_on",
            "went_well",
            "to_develop",
            "supervisor",
            "recorded_at",
        ]
    )
    audit_record(
        agency=dialogue.employee.agency,
        acting_user=acting_user,
        action="dialogue.record",
        obj=dialogue,
        summary=f"{dialogue.employee.name} {held_on.isoformat()}",
        before=before,
        after={
            "status": dialogue.status,
            "held_on": held_on,
            "actions": [
                {"due": r.due_date, "plan_item": r.plan_item.pk if r.plan_item else None}
                for r in rows
            ],
        },
    )
    return dialogue


@transaction.atomic
def dialogue_answer(*, dialogue: Dialogue, comment: str, acting_user: Any) -> Dialogue:
    """The employee confirms the record (dikonfirmasi) or adds their own comment (ditanggapi)."""
    dialogue = Dialogue.objects.select_for_update().select_related("employee").get(pk=dialogue.pk)
    me = employee_of(acting_user)
    if me is None or me.pk != dialogue.employee_id:
        raise KinerjaError("not_found", _("Data tidak ditemukan."), status=404)
    if dialogue.status == Dialogue.Status.SCHEDULED:
        raise KinerjaError("bad_state", _("Atasan belum mencatat dialog ini."))
    if dialogue.is_answered:
        raise KinerjaError("bad_state", _("Anda sudah menanggapi catatan dialog ini."))
    comment = comment.strip()
    if len(comment) > MAX_TEXT:
        raise KinerjaError(
            "invalid", _("Tanggapan paling panjang %(n)d karakter.") % {"n": MAX_TEXT}
        )
    dialogue.status = Dialogue.Status.RESPONDED if comment else Dialogue.Status.CONFIRMED
    dialogue.employee_comment = comment
    dialogue.answered_at = timezone.now()
    dialogue.save(update_fields=["status", "employee_comment", "answered_at"])
    audit_record(
        agency=dialogue.employee.agency,
        acting_user=acting_user,
        action="dialogue.answer",
        obj=dialogue,
        summary=f"{dialogue.employee.name}: {dialogue.get_status_display()}",
        before={"status": Dialogue.Status.RECORDED},
        after={"status": dialogue.status},
    )
    return dialogue


@transaction.atomic
def dialogue_settings_save(
    *, cycle: Cycle, content_visible: bool, acting_user: Any
) -> DialogueSettings:
    """HR admin: may HR and leadership read the content of this cycle's dialogues?"""
    settings, _created = DialogueSettings.objects.select_for_update().get_or_create(
        cycle=cycle, defaults={"agency_id": cycle.agency_id}
    )
    before = settings.content_visible
    settings.content_visible = bool(content_visible)
    settings.save(update_fields=["content_visible"])
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action="dialogue.settings",
        obj=settings,
        summary=f"{cycle.name}: isi terlihat = {settings.content_visible}",
        before={"content_visible": before},
        after={"content_visible": settings.content_visible},
    )
    return settings
