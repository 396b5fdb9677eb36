"""Every write of competency development: the catalog (and its import), plans (items, submit,
approve or return) and realisations with evidence. Each writes an audit event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.competencies.models import Competency
from kinerja.core.audit import audit_record, snapshot, user_or_none
from kinerja.core.errors import KinerjaError
from kinerja.core.models import Agency
from kinerja.core.spreadsheets import RowError, read_table
from kinerja.organisation.models import Employee

from .models import MIN_JP_PER_YEAR, DevelopmentPlan, PlanItem, Realisation, Training

TRAINING_FIELDS = [
    "code",
    "name",
    "mode",
    "method",
    "jp",
    "competencies",
    "level_min",
    "level_max",
    "provider",
    "cost",
    "description",
    "is_active",
]
IMPORT_COLUMNS = ["kode", "nama", "jalur", "metode", "jp", "kompetensi"]
IMPORT_OPTIONAL = ["level_min", "level_max", "penyelenggara", "biaya", "keterangan"]
EVIDENCE_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024


def known_competencies(agency: Agency) -> dict[str, str]:
    """Codes a training may develop: the national framework's and the agency's teknis ones."""
    from kinerja.competencies.selectors import current_framework

    framework = current_framework()
    rows = Competency.objects.filter(agency=agency) | Competency.objects.filter(
        framework=framework, agency=None
    )
    return dict(rows.values_list("code", "name"))


def _validate_training(agency: Agency, values: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, message) for every problem, so a form or an import row can show them all."""
    problems = []
    if not str(values.get("code") or "").strip():
        problems.append(("code", _("Kode wajib diisi.")))
    if not str(values.get("name") or "").strip():
        problems.append(("name", _("Nama wajib diisi.")))
    if values.get("mode") not in Training.Mode.values:
        problems.append(("mode", _("Jalur harus klasikal atau non_klasikal.")))
    if values.get("method") not in Training.Method.values:
        problems.append(
            (
                "method",
                _("Metode tidak dikenal; pilih salah satu: %(m)s.")
                % {"m": ", ".join(Training.Method.values)},
            )
        )
    jp = values.get("jp")
    if not isinstance(jp, int) or not 1 <= jp <= 1000:
        problems.append(("jp", _("JP harus bilangan bulat 1 sampai 1000.")))
    lo, hi = values.get("level_min", 1), values.get("level_max", 5)
    if not (isinstance(lo, int) and isinstance(hi, int) and 1 <= lo <= hi <= 5):
        problems.append(("level_min", _("Rentang level harus 1–5 dan 'dari' ≤ 'sampai'.")))
    known = known_competencies(agency)
    unknown = [c for c in values.get("competencies") or [] if c not in known]
    if unknown:
        problems.append(
            ("competencies", _("Kode kompetensi tidak dikenal: %(c)s.") % {"c": ", ".join(unknown)})
        )
    return problems


@transaction.atomic
def training_save(
    *, agency: Agency, acting_user: Any, training: Training | None = None, **values: Any
) -> Training:
    """Creates or updates a catalog item; refuses a duplicate code or invalid values."""
    current = {f: getattr(training, f) for f in TRAINING_FIELDS} if training else {}
    merged = {"level_min": 1, "level_max": 5, **current, **values}
    merged["code"] = str(merged.get("code") or "").strip().upper()
    merged["competencies"] = sorted(
        {str(c).strip().upper() for c in merged.get("competencies") or []}
    )
    problems = _validate_training(agency, merged)
    if problems:
        raise KinerjaError("invalid", "; ".join(m for _f, m in problems))
    duplicate = Training.objects.filter(agency=agency, code=merged["code"])
    if training is not None:
        duplicate = duplicate.exclude(pk=training.pk)
    if duplicate.exists():
        raise KinerjaError("duplicate", _("Kode %(c)s sudah dipakai.") % {"c": merged["code"]})
    before = snapshot(training, TRAINING_FIELDS) if training else None
    if training is None:
        training = Training(agency=agency)
    elif training.agency_id != agency.pk:
        raise KinerjaError("not_found", _("Data tidak ditemukan."), status=404)
    for key in TRAINING_FIELDS:
        if key in merged:
            setattr(training, key, merged[key])
    training.save()
    audit_record(
        agency=agency,
        acting_user=acting_user,
        action="training.create" if before is None else "training.update",
        obj=training,
        summary=str(training),
        before=before,
        after=snapshot(training, TRAINING_FIELDS),
    )
    return training


@transaction.atomic
def training_delete(*, training: Training, acting_user: Any) -> None:
    """Deletes a catalog item; plans keep their copy of its title and JP."""
    before = snapshot(training, TRAINING_FIELDS)
    agency = training.agency
    training.delete()
    audit_record(
        agency=agency,
        acting_user=acting_user,
        action="training.delete",
        object_type="development.training",
        object_id=before.get("code", ""),
        summary=str(before.get("name", "")),
        before=before,
    )


@dataclass
class TrainingImportReport:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _int(value: Any) -> int | None:
    try:
        number = float(str(value))
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def trainings_import(
    *,
    agency: Agency,
    data: bytes | IO[bytes],
    filename: str,
    acting_user: Any,
    dry_run: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> TrainingImportReport:
    """Imports catalog rows (`kode, nama, jalur, metode, jp, kompetensi, [level_min, level_max,
    penyelenggara, biaya, keterangan]`), matched by code: all or nothing, every error reported.
    `progress(stage, percent)` hears of each step (a background job's page)."""
    tell = progress or (lambda stage, percent: None)
    tell(_("Membaca berkas"), 5)
    table = read_table(
        data,
        filename,
        required=IMPORT_COLUMNS,
        optional=IMPORT_OPTIONAL,
        max_bytes=settings.KINERJA_IMPORT_MAX_BYTES,
    )
    report = TrainingImportReport()
    columns = {
        "code": "kode",
        "name": "nama",
        "mode": "jalur",
        "method": "metode",
        "jp": "jp",
        "competencies": "kompetensi",
        "level_min": "level_min",
        "level_max": "level_max",
        "cost": "biaya",
    }
    seen: dict[str, int] = {}
    planned: list[dict[str, Any]] = []
    total = len(table.rows)
    for index, (number, raw) in enumerate(table.rows):
        if index % 1000 == 0:
            tell(
                _("Memeriksa baris %(n)d dari %(total)d") % {"n": index, "total": total},
                15 + 45 * index // max(total, 1),
            )
        cost_raw = raw.get("biaya")
        cost = None
        if cost_raw not in (None, ""):
            try:
                cost = Decimal(str(cost_raw).replace(".", "").replace(",", ""))
            except InvalidOperation:
                report.errors.append(RowError(number, "biaya", _("Biaya harus angka rupiah.")))
        values: dict[str, Any] = {
            "code": str(raw.get("kode") or "").strip().upper(),
            "name": str(raw.get("nama") or "").strip(),
            "mode": str(raw.get("jalur") or "").strip().lower().replace("-", "_").replace(" ", "_"),
            "method": str(raw.get("metode") or "")
            .strip()
            .lower()
            .replace("-", "_")
            .replace(" ", "_"),
            "jp": _int(raw.get("jp")),
            "competencies": sorted(
                {
                    c.strip().upper()
                    for c in str(raw.get("kompetensi") or "").replace(";", ",").split(",")
                    if c.strip()
                }
            ),
            "level_min": _int(raw.get("level_min"))
            if raw.get("level_min") not in (None, "")
            else 1,
            "level_max": _int(raw.get("level_max"))
            if raw.get("level_max") not in (None, "")
            else 5,
            "provider": str(raw.get("penyelenggara") or "").strip(),
            "cost": cost,
            "description": str(raw.get("keterangan") or "").strip(),
            "is_active": True,
        }
        for field_name, message in _validate_training(agency, values):
            report.errors.append(RowError(number, columns.get(field_name, field_name), message))
        if values["code"] in seen:
            report.errors.append(
                RowError(
                    number, "kode", _("Duplikat dengan baris %(r)d.") % {"r": seen[values["code"]]}
                )
            )
        seen.setdefault(values["code"], number)
        planned.append(values)
    if report.errors:
        return report
    tell(_("Uji coba penyimpanan") if dry_run else _("Menyimpan"), 70)
    existing = {t.code: t for t in Training.objects.filter(agency=agency)}
    with transaction.atomic():
        for done, values in enumerate(planned):
            if done % 500 == 0:
                tell(_("Menyimpan katalog"), 70 + 25 * done // max(len(planned), 1))
            current = existing.get(values["code"])
            if current is not None and all(getattr(current, k) == v for k, v in values.items()):
                report.unchanged += 1
                continue
            if current is None:
                report.created += 1
            else:
                report.updated += 1
            if not dry_run:
                training_save(agency=agency, acting_user=acting_user, training=current, **values)
        report.applied = not dry_run
    return report


def trainings_import_summary(report: TrainingImportReport, *, dry_run: bool) -> str:
    if report.errors:
        return _("Impor dibatalkan: %(n)d kesalahan, tidak ada data yang diubah.") % {
            "n": len(report.errors)
        }
    verb = _("Uji coba (tidak disimpan)") if dry_run else _("Impor berhasil")
    return f"{verb}: " + _("%(c)d kegiatan baru, %(u)d diperbarui, %(s)d tidak berubah.") % {
        "c": report.created,
        "u": report.updated,
        "s": report.unchanged,
    }


def trainings_import_job(job: Any, progress: Callable[[str, int], None]) -> tuple[str, str]:
    """The background job "Impor katalog pelatihan" (kinerja/jobs): the kept upload imported
    all or nothing; its report stays on the job."""
    from django.urls import reverse

    from kinerja.jobs.files import import_outcome, read_input

    data, filename = read_input(job)
    dry_run = bool(job.params.get("dry_run"))
    report = trainings_import(
        agency=job.agency,
        data=data,
        filename=filename,
        acting_user=job.started_by,
        dry_run=dry_run,
        progress=progress,
    )
    message = import_outcome(
        job,
        ok=report.ok,
        summary=trainings_import_summary(report, dry_run=dry_run),
        errors=report.errors,
        report_name="kesalahan-impor-katalog.xlsx",
    )
    return message, "" if dry_run else reverse("development:catalog")


# --- plans -------------------------------------------------------------------------------------


def plan_for(*, employee: Employee, year: int) -> DevelopmentPlan:
    plan, _created = DevelopmentPlan.objects.get_or_create(
        employee=employee, year=year, defaults={"agency_id": employee.agency_id}
    )
    return plan


def _require_editable(plan: DevelopmentPlan) -> None:
    if not plan.editable:
        raise KinerjaError(
            "plan_locked",
            _("Rencana berstatus %(s)s tidak dapat diubah.") % {"s": plan.get_status_display()},
        )


@transaction.atomic
def plan_item_add(
    *,
    plan: DevelopmentPlan,
    acting_user: Any,
    training: Training | None = None,
    title: str = "",
    competency: str = "",
    jp: int | None = None,
    source: str = PlanItem.Source.CATALOG,
    note: str = "",
) -> PlanItem:
    """Adds a catalog item (its title and JP unless given) or a hand-written activity."""
    _require_editable(plan)
    if training is not None and training.agency_id != plan.agency_id:
        raise KinerjaError("not_found", _("Data tidak ditemukan."), status=404)
    title = (title or (training.name if training else "")).strip()
    jp = jp if jp is not None else (training.jp if training else None)
    if not title:
        raise KinerjaError("invalid", _("Tuliskan nama kegiatan."))
    if not isinstance(jp, int) or not 1 <= jp <= 1000:
        raise KinerjaError("invalid", _("JP harus bilangan bulat 1 sampai 1000."))
    if training is not None and PlanItem.objects.filter(plan=plan, training=training).exists():
        raise KinerjaError("duplicate", _("Kegiatan ini sudah ada di rencana."))
    item = PlanItem.objects.create(
        plan=plan,
        training=training,
        title=title[:200],
        competency=competency,
        jp_planned=jp,
        source=source,
        note=note[:300],
    )
    audit_record(
        agency=plan.agency,
        acting_user=acting_user,
        action="plan.item_add",
        obj=plan,
        summary=f"{item.title} ({jp} JP)",
        after={"item": item.pk, "training": training.pk if training else None, "jp": jp},
    )
    return item


@transaction.atomic
def plan_item_remove(*, item: PlanItem, acting_user: Any) -> None:
    plan = item.plan
    _require_editable(plan)
    before = {"item": item.pk, "title": item.title, "jp": item.jp_planned}
    item.delete()
    audit_record(
        agency=plan.agency,
        acting_user=acting_user,
        action="plan.item_remove",
        obj=plan,
        summary=str(before["title"]),
        before=before,
    )


def planned_jp(plan: DevelopmentPlan) -> int:
    return sum(plan.items.values_list("jp_planned", flat=True))


@transaction.atomic
def plan_submit(*, plan: DevelopmentPlan, acting_user: Any) -> DevelopmentPlan:
    """Sends the plan to the supervisor; it must plan at least 20 JP (PP 11/2017 Pasal 203)."""
    plan = DevelopmentPlan.objects.select_for_update().get(pk=plan.pk)
    _require_editable(plan)
    total = planned_jp(plan)
    if total < MIN_JP_PER_YEAR:
        raise KinerjaError(
            "too_few_jp",
            _(
                "Rencana baru %(jp)d JP; setiap ASN berhak dan wajib paling sedikit %(min)d JP setahun."
            )
            % {"jp": total, "min": MIN_JP_PER_YEAR},
        )
    before = plan.status
    plan.status = DevelopmentPlan.Status.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.save(update_fields=["status", "submitted_at"])
    audit_record(
        agency=plan.agency,
        acting_user=acting_user,
        action="plan.submit",
        obj=plan,
        summary=f"{plan.employee.name} {plan.year}: {total} JP",
        before={"status": before},
        after={"status": plan.status, "jp": total},
    )
    return plan


@transaction.atomic
def plan_decide(
    *, plan: DevelopmentPlan, approve: bool, comment: str, acting_user: Any
) -> DevelopmentPlan:
    """The supervisor approves the submitted plan, or returns it with a comment."""
    plan = DevelopmentPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != DevelopmentPlan.Status.SUBMITTED:
        raise KinerjaError("bad_state", _("Hanya rencana yang sudah diajukan dapat diputuskan."))
    comment = comment.strip()
    if not approve and not comment:
        raise KinerjaError(
            "comment_required", _("Tuliskan apa yang perlu diperbaiki sebelum mengembalikan.")
        )
    plan.status = DevelopmentPlan.Status.APPROVED if approve else DevelopmentPlan.Status.RETURNED
    plan.supervisor_comment = comment
    plan.decided_at = timezone.now()
    plan.decided_by = user_or_none(acting_user)
    plan.save(update_fields=["status", "supervisor_comment", "decided_at", "decided_by"])
    audit_record(
        agency=plan.agency,
        acting_user=acting_user,
        action="plan.approve" if approve else "plan.return",
        obj=plan,
        summary=f"{plan.employee.name} {plan.year}",
        before={"status": DevelopmentPlan.Status.SUBMITTED},
        after={"status": plan.status, "comment": comment},
    )
    return plan


def _check_evidence(upload: UploadedFile | None) -> None:
    if upload is None:
        return
    name = (upload.name or "").lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    if suffix not in EVIDENCE_TYPES:
        raise KinerjaError("bad_file_type", _("Bukti harus berkas PDF, JPG atau PNG."))
    if upload.size is not None and upload.size > EVIDENCE_MAX_BYTES:
        raise KinerjaError("file_too_large", _("Bukti terlalu besar (maksimal 5 MB)."))
    head = upload.read(8)
    upload.seek(0)
    signatures = {
        ".pdf": (b"%PDF",),
        ".png": (b"\x89PNG",),
        ".jpg": (b"\xff\xd8",),
        ".jpeg": (b"\xff\xd8",),
    }
    if not head.startswith(signatures[suffix]):
        raise KinerjaError("bad_file_type", _("Isi berkas tidak sesuai dengan jenisnya."))


@transaction.atomic
def realisation_record(
    *,
    plan: DevelopmentPlan,
    acting_user: Any,
    title: str,
    date: Any,
    jp: int,
    item: PlanItem | None = None,
    evidence: UploadedFile | None = None,
) -> Realisation:
    """Records a completed activity (date, JP, evidence) on an approved plan."""
    if plan.status != DevelopmentPlan.Status.APPROVED:
        raise KinerjaError(
            "plan_not_approved", _("Realisasi dicatat setelah rencana disetujui atasan.")
        )
    if item is not None and item.plan_id != plan.pk:
        raise KinerjaError("not_found", _("Data tidak ditemukan."), status=404)
    title = (title or (item.title if item else "")).strip()
    if not title:
        raise KinerjaError("invalid", _("Tuliskan nama kegiatan."))
    if not isinstance(jp, int) or not 1 <= jp <= 1000:
        raise KinerjaError("invalid", _("JP harus bilangan bulat 1 sampai 1000."))
    if date is None or date > timezone.localdate():
        raise KinerjaError("invalid", _("Tanggal selesai harus diisi dan tidak di masa depan."))
    _check_evidence(evidence)
    realisation = Realisation(
        plan=plan,
        item=item,
        title=title[:200],
        date=date,
        jp=jp,
        evidence_name=(evidence.name or "")[:200] if evidence else "",
        recorded_by=user_or_none(acting_user),
    )
    if evidence is not None:
        realisation.evidence.save(evidence.name or "bukti", evidence, save=False)
    realisation.save()
    audit_record(
        agency=plan.agency,
        acting_user=acting_user,
        action="plan.realisation",
        obj=plan,
        summary=f"{realisation.title} ({jp} JP)",
        after={
            "realisation": realisation.pk,
            "jp": jp,
            "date": str(date),
            "evidence": bool(evidence),
        },
    )
    return realisation
