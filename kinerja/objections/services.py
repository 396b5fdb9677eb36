"""Every write of the objections: file (with attachments), assign the official, start the
review, ask for and give explanations, decide (a changed rating becomes a new version of the
result), and the cycle's settings. Each writes an audit event; e-mails go out after commit."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings as django_settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.assessment.models import Cycle, WorkResult
from kinerja.core.audit import audit_record, user_or_none
from kinerja.core.errors import KinerjaError
from kinerja.organisation.models import Employee
from kinerja.results.models import EmployeeResult, PerilakuDecision
from kinerja.scoring.ratings import predikat as predikat_of
from kinerja.scoring.talent import nine_box as nine_box_of

from . import notify, selectors
from .models import (
    Attachment,
    Objection,
    ObjectionMessage,
    ObjectionSettings,
    ResultVersion,
)

MAX_ATTACHMENTS = 5
ATTACHMENT_MAX_BYTES = int(getattr(django_settings, "KINERJA_OBJECTION_MAX_BYTES", 5 * 1024 * 1024))
REASONS_MAX = 5000
# What a file must begin with; the name's suffix alone proves nothing.
SIGNATURES: dict[str, tuple[tuple[bytes, ...], str]] = {
    ".pdf": ((b"%PDF-",), "application/pdf"),
    ".png": ((b"\x89PNG\r\n\x1a\n",), "image/png"),
    ".jpg": ((b"\xff\xd8\xff",), "image/jpeg"),
    ".jpeg": ((b"\xff\xd8\xff",), "image/jpeg"),
}
OPEN = (Objection.Status.FILED, Objection.Status.IN_REVIEW)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _text(value: str, *, code: str, message: str, limit: int = REASONS_MAX) -> str:
    value = (value or "").strip()
    if not value:
        raise KinerjaError(code, message)
    if len(value) > limit:
        raise KinerjaError(
            "too_long", _("Teks terlalu panjang (maksimal %(n)d karakter).") % {"n": limit}
        )
    return value


def check_attachment(upload: UploadedFile) -> str:
    """The content type of an acceptable attachment; refuses by size, by name and by content."""
    name = (upload.name or "").lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    if suffix not in SIGNATURES:
        raise KinerjaError(
            "bad_file_type",
            _("Lampiran harus berkas PDF, PNG atau JPG: %(name)s.") % {"name": name},
        )
    if upload.size is None or upload.size > ATTACHMENT_MAX_BYTES:
        raise KinerjaError(
            "file_too_large",
            _("Lampiran %(name)s terlalu besar (maksimal %(mb)d MB).")
            % {"name": upload.name, "mb": ATTACHMENT_MAX_BYTES // (1024 * 1024)},
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    signatures, content_type = SIGNATURES[suffix]
    if not head.startswith(signatures):
        raise KinerjaError(
            "bad_file_content",
            _("Isi lampiran %(name)s bukan %(kind)s seperti namanya; lampiran tidak disimpan.")
            % {"name": upload.name, "kind": suffix.lstrip(".").upper()},
        )
    return content_type


def _store_attachment(
    objection: Objection, upload: UploadedFile, content_type: str, who: Any, saved: list[str]
) -> Attachment:
    """Saves the file under a random name (never the uploader's) and records it."""
    suffix = (upload.name or "").lower().rsplit(".", 1)[-1][:5]
    path = storages["private"].save(
        f"keberatan/{objection.agency_id}/{uuid.uuid4().hex}.{suffix}", upload
    )
    saved.append(path)
    return Attachment.objects.create(
        objection=objection,
        path=path,
        name=(upload.name or "lampiran")[:200],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=user_or_none(who),
        uploaded_at=timezone.now(),
    )


def objection_file(
    *,
    cycle: Cycle,
    employee: Employee,
    reasons: str,
    acting_user: Any,
    attachments: Sequence[UploadedFile] = (),
    now: dt.datetime | None = None,
) -> Objection:
    """The employee files an objection against their final result within the window. Goes to
    the atasan pejabat penilai from the org chart, or waits for HR to assign one."""
    now = _now(now)
    reasons = _text(
        reasons,
        code="reasons_required",
        message=_("Tuliskan alasan keberatan Anda."),
    )
    if len(attachments) > MAX_ATTACHMENTS:
        raise KinerjaError(
            "too_many_files", _("Paling banyak %(n)d lampiran.") % {"n": MAX_ATTACHMENTS}
        )
    types = [check_attachment(upload) for upload in attachments]
    window = selectors.filing_window(cycle=cycle)
    if window.released is None:
        raise KinerjaError(
            "not_released",
            _("Keberatan dapat diajukan setelah hasil siklus ini final dan Anda terima."),
        )
    if not window.is_open(now):
        raise KinerjaError(
            "window_closed",
            _(
                "Batas waktu pengajuan keberatan sudah lewat: keberatan hanya dapat diajukan "
                "dalam %(days)d hari sejak hasil diterima, sampai %(until)s."
            )
            % {"days": window.days, "until": notify.when(window.closes)},
        )
    result = EmployeeResult.objects.filter(cycle=cycle, employee=employee).first()
    if result is None:
        raise KinerjaError("not_computed", _("Anda tidak memiliki hasil pada siklus ini."))
    if selectors.objection_for(cycle=cycle, employee=employee) is not None:
        raise KinerjaError(
            "already_filed",
            _("Anda sudah mengajukan keberatan atas hasil siklus ini; satu keberatan per hasil."),
        )
    supervisor = employee.supervisor
    decision = selectors.supervisor_decision(cycle=cycle, employee=employee)
    official = selectors.official_for(employee=employee)
    settings = selectors.settings_for(cycle=cycle)
    saved: list[str] = []
    try:
        with transaction.atomic():
            objection = Objection.objects.create(
                agency=cycle.agency,
                cycle=cycle,
                employee=employee,
                reasons=reasons,
                filed_by=user_or_none(acting_user),
                filed_at=now,
                perilaku_rating=result.perilaku_rating,
                hasil_kerja=result.hasil_kerja,
                predikat=result.predikat,
                nine_box=result.nine_box,
                supervisor=supervisor,
                supervisor_reason=decision.reason if decision else "",
                official=official,
                decision_due=selectors.end_of_day_after(now, settings.decision_days),
            )
            files = [
                _store_attachment(objection, upload, content_type, acting_user, saved)
                for upload, content_type in zip(attachments, types, strict=True)
            ]
            audit_record(
                agency=cycle.agency,
                acting_user=acting_user,
                action="objection.file",
                obj=objection,
                summary=f"{employee.name}: {cycle.name}",
                after={
                    "status": objection.status,
                    "perilaku": result.perilaku_rating,
                    "predikat": result.predikat,
                    "official": official.pk if official else None,
                    "attachments": [f.name for f in files],
                    "decision_due": objection.decision_due.isoformat(),
                },
            )
    except BaseException as exc:
        _discard_files(saved)
        if isinstance(exc, IntegrityError):  # a second request at the same moment
            raise KinerjaError(
                "already_filed",
                _(
                    "Anda sudah mengajukan keberatan atas hasil siklus ini; satu keberatan per hasil."
                ),
            ) from exc
        raise
    transaction.on_commit(lambda: notify.filed(objection))
    return objection


def _discard_files(paths: list[str]) -> None:
    """Removes the files of a filing that was not saved."""
    for path in paths:
        with contextlib.suppress(OSError):
            storages["private"].delete(path)


def _require_open(objection: Objection) -> None:
    if objection.status not in OPEN:
        raise KinerjaError("objection_decided", _("Keberatan ini sudah diputus; keputusan final."))


@transaction.atomic
def objection_assign(
    *, objection: Objection, official: Employee, note: str, acting_user: Any
) -> Objection:
    """HR assigns (or reassigns) the official who decides: when the chain is empty or the
    official from the chain is conflicted. Never the employee or their own supervisor."""
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    _require_open(objection)
    if official.agency_id != objection.agency_id:
        raise KinerjaError("not_found", _("Pegawai tidak ditemukan."), status=404)
    if official.pk == objection.employee_id:
        raise KinerjaError("conflict", _("Pegawai tidak dapat memutus keberatannya sendiri."))
    if official.pk == objection.supervisor_id:
        raise KinerjaError(
            "conflict",
            _("Pejabat penilai yang memberi rating tidak dapat memutus keberatan atasnya."),
        )
    if not official.is_active or official.user_id is None:
        raise KinerjaError(
            "no_account", _("Pilih pegawai aktif yang memiliki akun untuk memutus keberatan.")
        )
    before = {"official": objection.official_id}
    objection.official = official
    objection.assigned_by = user_or_none(acting_user)
    objection.assignment_note = (note or "").strip()[:300]
    objection.save(update_fields=["official", "assigned_by", "assignment_note"])
    audit_record(
        agency=objection.agency,
        acting_user=acting_user,
        action="objection.assign",
        obj=objection,
        summary=f"{official.name}",
        before=before,
        after={"official": official.pk, "note": objection.assignment_note},
    )
    transaction.on_commit(lambda: notify.filed(objection))
    return objection


@transaction.atomic
def objection_start_review(
    *, objection: Objection, acting_user: Any, now: dt.datetime | None = None
) -> Objection:
    """diajukan → dalam telaah: the official takes the objection up."""
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != Objection.Status.FILED:
        raise KinerjaError(
            "bad_state",
            _("Keberatan berstatus %(s)s tidak dapat mulai ditelaah.")
            % {"s": objection.get_status_display()},
        )
    objection.status = Objection.Status.IN_REVIEW
    objection.review_started_at = _now(now)
    objection.save(update_fields=["status", "review_started_at"])
    audit_record(
        agency=objection.agency,
        acting_user=acting_user,
        action="objection.review",
        obj=objection,
        summary=objection.employee.name,
        before={"status": Objection.Status.FILED},
        after={"status": objection.status},
    )
    return objection


def _require_in_review(objection: Objection) -> None:
    _require_open(objection)
    if objection.status != Objection.Status.IN_REVIEW:
        raise KinerjaError(
            "bad_state", _("Mulai telaah keberatan terlebih dahulu (status: diajukan).")
        )


@transaction.atomic
def explanation_request(
    *, objection: Objection, party: str, question: str, acting_user: Any
) -> ObjectionMessage:
    """The official asks the employee or the supervisor for a written explanation."""
    objection = (
        Objection.objects.select_for_update().select_related("employee").get(pk=objection.pk)
    )
    _require_in_review(objection)
    question = _text(
        question, code="question_required", message=_("Tuliskan penjelasan yang diminta.")
    )
    if party == ObjectionMessage.Party.EMPLOYEE:
        recipient = objection.employee
    elif party == ObjectionMessage.Party.SUPERVISOR:
        if objection.supervisor_id is None:
            raise KinerjaError(
                "no_supervisor", _("Pegawai ini tidak memiliki pejabat penilai yang tercatat.")
            )
        recipient = Employee.objects.get(pk=objection.supervisor_id)
    else:
        raise KinerjaError("bad_party", _("Pilih pegawai atau pejabat penilai."))
    message = ObjectionMessage.objects.create(
        objection=objection,
        party=party,
        recipient=recipient,
        question=question,
        asked_by=user_or_none(acting_user),
        asked_at=timezone.now(),
    )
    audit_record(
        agency=objection.agency,
        acting_user=acting_user,
        action="objection.ask",
        obj=objection,
        summary=f"{objection.employee.name} → {recipient.name}",
        after={"message": message.pk, "party": party, "recipient": recipient.pk},
    )
    transaction.on_commit(lambda: notify.asked(message))
    return message


@transaction.atomic
def explanation_answer(
    *, message: ObjectionMessage, answer: str, acting_user: Any
) -> ObjectionMessage:
    """The employee or the supervisor answers the request addressed to them, once."""
    message = (
        ObjectionMessage.objects.select_for_update().select_related("objection").get(pk=message.pk)
    )
    _require_open(message.objection)
    if message.is_answered:
        raise KinerjaError("already_answered", _("Permintaan ini sudah dijawab."))
    message.answer = _text(answer, code="answer_required", message=_("Tuliskan penjelasan Anda."))
    message.answered_by = user_or_none(acting_user)
    message.answered_at = timezone.now()
    message.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(
        agency=message.objection.agency,
        acting_user=acting_user,
        action="objection.answer",
        obj=message.objection,
        summary=message.get_party_display(),
        after={"message": message.pk, "party": message.party},
    )
    return message


@transaction.atomic
def objection_decide(
    *,
    objection: Objection,
    outcome: str,
    reason: str,
    acting_user: Any,
    rating: str = "",
    now: dt.datetime | None = None,
) -> Objection:
    """The official decides, finally: ditolak (the result stands) or diterima with another
    rating perilaku. An accepted objection updates the current result (predikat and 9-box follow)
    and records the version; it is also stored as the rating perilaku decision, which every later
    computation of the results re-applies, so a recompute cannot undo it."""
    objection = (
        Objection.objects.select_for_update()
        .select_related("employee", "cycle")
        .get(pk=objection.pk)
    )
    _require_in_review(objection)
    reason = _text(reason, code="reason_required", message=_("Tuliskan alasan keputusan."))
    if outcome not in Objection.Outcome.values:
        raise KinerjaError("bad_outcome", _("Pilih keputusan: ditolak atau diterima."))
    now = _now(now)
    version = None
    if outcome == Objection.Outcome.ACCEPTED:
        version = _new_version(objection, rating, reason, acting_user, now)
    elif rating:
        raise KinerjaError(
            "rating_not_allowed", _("Keberatan yang ditolak tidak mengubah rating perilaku.")
        )
    objection.status = Objection.Status.DECIDED
    objection.outcome = outcome
    objection.decided_rating = rating if version else ""
    objection.decision_reason = reason
    objection.decided_by = user_or_none(acting_user)
    objection.decided_at = now
    objection.save(
        update_fields=[
            "status",
            "outcome",
            "decided_rating",
            "decision_reason",
            "decided_by",
            "decided_at",
        ]
    )
    audit_record(
        agency=objection.agency,
        acting_user=acting_user,
        action="objection.decide",
        obj=objection,
        summary=f"{objection.employee.name}: {objection.get_outcome_display()}",
        before={
            "status": Objection.Status.IN_REVIEW,
            "perilaku": version.before_perilaku if version else objection.perilaku_rating,
            "predikat": version.before_predikat if version else objection.predikat,
        },
        after={
            "status": objection.status,
            "outcome": outcome,
            "perilaku": version.after_perilaku if version else objection.perilaku_rating,
            "predikat": version.after_predikat if version else objection.predikat,
            "nine_box": version.after_nine_box if version else objection.nine_box,
            "version": version.version if version else None,
            "reason": reason,
        },
    )
    transaction.on_commit(lambda: notify.decided(objection))
    return objection


def _new_version(
    objection: Objection, rating: str, reason: str, acting_user: Any, now: dt.datetime
) -> ResultVersion:
    if rating not in WorkResult.Rating.values:
        raise KinerjaError("bad_rating", _("Pilih rating perilaku yang baru."))
    result = (
        EmployeeResult.objects.select_for_update()
        .filter(cycle_id=objection.cycle_id, employee_id=objection.employee_id)
        .first()
    )
    if result is None:
        raise KinerjaError("not_computed", _("Hasil pegawai ini tidak ditemukan."))
    if rating == result.perilaku_rating:
        raise KinerjaError(
            "rating_unchanged",
            _(
                "Rating baru sama dengan rating sekarang. Bila rating tetap, putuskan "
                "keberatan ditolak."
            ),
        )
    decision = PerilakuDecision.objects.filter(
        cycle_id=objection.cycle_id, employee_id=objection.employee_id
    ).first()
    before = (result.perilaku_rating, result.predikat, result.nine_box)
    result.perilaku_rating = rating
    result.predikat = predikat_of(result.hasil_kerja or None, rating) or ""
    result.nine_box = nine_box_of(result.predikat or None, result.jpm_category or None)
    result.save(update_fields=["perilaku_rating", "predikat", "nine_box"])
    PerilakuDecision.objects.update_or_create(
        cycle_id=objection.cycle_id,
        employee_id=objection.employee_id,
        defaults={
            "agency_id": objection.agency_id,
            "rating": rating,
            "reason": _("Diubah atas keberatan oleh atasan pejabat penilai: %(reason)s")
            % {"reason": reason},
            "decided_by": user_or_none(acting_user),
        },
    )
    number = 1 + max(
        [
            v.version
            for v in selectors.versions_of(
                cycle_id=objection.cycle_id, employee_id=objection.employee_id
            )
        ]
        or [1]
    )
    return ResultVersion.objects.create(
        agency_id=objection.agency_id,
        cycle_id=objection.cycle_id,
        employee_id=objection.employee_id,
        objection=objection,
        version=number,
        before_perilaku=before[0],
        before_predikat=before[1],
        before_nine_box=before[2],
        before_reason=decision.reason if decision else objection.supervisor_reason,
        after_perilaku=rating,
        after_predikat=result.predikat,
        after_nine_box=result.nine_box,
        created_by=user_or_none(acting_user),
        created_at=now,
    )


@transaction.atomic
def settings_save(
    *,
    cycle: Cycle,
    window_days: int,
    decision_days: int,
    reminder_days: str,
    acting_user: Any,
) -> ObjectionSettings:
    """HR sets the cycle's window, decision deadline and reminder days. Objections already
    filed keep the deadline they were given."""
    for value, label in (
        (window_days, _("Batas pengajuan")),
        (decision_days, _("Batas keputusan")),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 365:
            raise KinerjaError("invalid", _("%(f)s harus 1 sampai 365 hari.") % {"f": label})
    parts = [p.strip() for p in (reminder_days or "").split(",") if p.strip()]
    if not all(p.isdigit() and 0 <= int(p) <= 60 for p in parts):
        raise KinerjaError(
            "invalid",
            _("Hari pengingat berupa angka 0 sampai 60 dipisah koma, mis. 3,1."),
        )
    reminder = ",".join(str(d) for d in sorted({int(p) for p in parts}, reverse=True))
    existing = ObjectionSettings.objects.filter(cycle=cycle).first()
    before = (
        {
            "window_days": existing.window_days,
            "decision_days": existing.decision_days,
            "reminder_days": existing.reminder_days,
        }
        if existing
        else None
    )
    saved, _created = ObjectionSettings.objects.update_or_create(
        cycle=cycle,
        defaults={
            "agency": cycle.agency,
            "window_days": window_days,
            "decision_days": decision_days,
            "reminder_days": reminder,
            "updated_by": user_or_none(acting_user),
        },
    )
    audit_record(
        agency=cycle.agency,
        acting_user=acting_user,
        action="objection.settings",
        obj=cycle,
        summary=cycle.name,
        before=before,
        after={
            "window_days": window_days,
            "decision_days": decision_days,
            "reminder_days": reminder,
        },
    )
    return saved
