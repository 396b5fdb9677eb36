"""Competency writes: loading the national framework, teknis competencies, position standards."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from kinerja.core.audit import audit_record
from kinerja.core.errors import KinerjaError
from kinerja.core.models import Agency
from kinerja.core.spreadsheets import RowError, read_table
from kinerja.organisation.models import Position

from .models import BehaviourValue, Competency, CompetencyLevel, Framework, PositionStandard

NATIONAL_FRAMEWORK_FILE = Path(__file__).parent / "data" / "national_framework.json"


def _upsert(model: Any, lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, bool]:
    """Creates the row or brings it to `values`; returns (row, whether anything was written)."""
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    if created:
        return obj, True
    stale = {k: v for k, v in values.items() if getattr(obj, k) != v}
    for k, v in stale.items():
        setattr(obj, k, v)
    if stale:
        obj.save(update_fields=list(stale))
    return obj, bool(stale)


@transaction.atomic
def framework_load(
    *, path: Path = NATIONAL_FRAMEWORK_FILE, acting_user: Any = None
) -> tuple[Framework, bool]:
    """Loads or updates the national framework from JSON; agency data is never touched.

    A new `version` in the file creates a new framework row and makes it current, so cycles that
    froze the old version keep it. Returns (framework, changed)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    framework, created = Framework.objects.get_or_create(
        code=data["code"],
        version=data["version"],
        defaults={"name": data["name"], "source": data.get("source", "")},
    )
    changed = created
    if (framework.name, framework.source) != (data["name"], data.get("source", "")):
        framework.name, framework.source = data["name"], data.get("source", "")
        framework.save(update_fields=["name", "source", "loaded_at"])
        changed = True
    # The highest version loaded is current; reloading an older file never demotes a newer one.
    newest = Framework.objects.filter(code=data["code"]).order_by("-version").first()
    if newest is not None and newest.version > framework.version:
        if framework.is_current:
            framework.is_current = False
            framework.save(update_fields=["is_current"])
    else:
        Framework.objects.filter(code=data["code"], is_current=True).exclude(
            pk=framework.pk
        ).update(is_current=False)
        if not framework.is_current:
            framework.is_current = True
            framework.save(update_fields=["is_current"])
    for order, item in enumerate(data["competencies"], start=1):
        values = {
            "name": item["name"],
            "group": item["group"],
            "definition": item["definition"],
            "order": order,
        }
        competency, made = _upsert(
            Competency, {"framework": framework, "code": item["code"]}, values
        )
        changed |= made
        for level in item["levels"]:
            level_values = {
                "title": level["title"],
                "description": level.get("description", ""),
                "indicators": level["indicators"],
            }
            changed |= _upsert(
                CompetencyLevel, {"competency": competency, "level": level["level"]}, level_values
            )[1]
    for order, item in enumerate(data["behaviour_values"], start=1):
        values = {
            "name": item["name"],
            "description": item.get("description", ""),
            "guides": item["guides"],
            "order": order,
        }
        changed |= _upsert(BehaviourValue, {"framework": framework, "code": item["code"]}, values)[
            1
        ]
    if changed:
        audit_record(
            agency=None,
            acting_user=acting_user,
            action="framework.load",
            obj=framework,
            summary=str(framework),
            after={"code": framework.code, "version": framework.version},
        )
    return framework, changed


def _check_levels(levels: list[dict[str, Any]]) -> None:
    numbers = sorted(int(level.get("level", 0)) for level in levels)
    if numbers != [1, 2, 3, 4, 5]:
        raise KinerjaError(
            "invalid_levels", _("Kompetensi teknis harus memiliki tepat 5 level (1–5).")
        )
    for level in levels:
        if not str(level.get("title", "")).strip():
            raise KinerjaError(
                "invalid_levels", _("Judul level %(n)s wajib diisi.") % {"n": level.get("level")}
            )


@transaction.atomic
def teknis_competency_save(
    *,
    agency: Agency,
    acting_user: Any,
    competency: Competency | None = None,
    code: str,
    name: str,
    definition: str,
    levels: list[dict[str, Any]],
) -> Competency:
    """Creates or updates an agency's teknis competency with its 5 levels."""
    if competency is not None and competency.agency_id != agency.pk:
        raise KinerjaError("not_found", _("Kompetensi tidak ditemukan."), status=404)
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise KinerjaError("invalid", _("Kode dan nama kompetensi wajib diisi."))
    _check_levels(levels)
    clash = Competency.objects.filter(agency=agency, code=code)
    if competency is not None:
        clash = clash.exclude(pk=competency.pk)
    if clash.exists() or Competency.objects.filter(framework__is_current=True, code=code).exists():
        raise KinerjaError("duplicate", _("Kode kompetensi %(c)s sudah dipakai.") % {"c": code})
    creating = competency is None
    before = None if competency is None else {"code": competency.code, "name": competency.name}
    competency = competency or Competency(agency=agency, group=Competency.Group.TEKNIS, order=1000)
    competency.code, competency.name, competency.definition = code, name, definition.strip()
    competency.save()
    for level in levels:
        CompetencyLevel.objects.update_or_create(
            competency=competency,
            level=int(level["level"]),
            defaults={
                "title": level["title"].strip(),
                "description": level.get("description", "").strip(),
                "indicators": [i.strip() for i in level.get("indicators", []) if i.strip()],
            },
        )
    audit_record(
        agency=agency,
        acting_user=acting_user,
        action="competency.create" if creating else "competency.update",
        obj=competency,
        summary=f"{code} {name}",
        before=before,
        after={"code": code, "name": name, "levels": levels},
    )
    return competency


@transaction.atomic
def teknis_competency_delete(*, agency: Agency, competency: Competency, acting_user: Any) -> None:
    if competency.agency_id != agency.pk:
        raise KinerjaError("not_found", _("Kompetensi tidak ditemukan."), status=404)
    if competency.position_standards.exists():
        raise KinerjaError(
            "in_use", _("Kompetensi masih dipakai di standar jabatan; hapus dari standar dulu.")
        )
    before = {"code": competency.code, "name": competency.name}
    pk = competency.pk
    competency.delete()
    audit_record(
        agency=agency,
        acting_user=acting_user,
        action="competency.delete",
        object_type="competencies.competency",
        object_id=pk,
        summary=before["code"],
        before=before,
    )


def _allowed_competencies(agency: Agency) -> dict[str, Competency]:
    from .selectors import competencies_for_agency

    return {c.code: c for c in competencies_for_agency(agency=agency)}


@transaction.atomic
def position_standard_set(
    *, agency: Agency, position: Position, levels: dict[str, int | None], acting_user: Any
) -> list[PositionStandard]:
    """Replaces a position's standard: {competency code: required level, or None to remove}."""
    if position.agency_id != agency.pk:
        raise KinerjaError("not_found", _("Jabatan tidak ditemukan."), status=404)
    allowed = _allowed_competencies(agency)
    for code, level in levels.items():
        if code not in allowed:
            raise KinerjaError(
                "unknown_competency", _("Kode kompetensi %(c)s tidak dikenal.") % {"c": code}
            )
        if level is not None and not 1 <= int(level) <= 5:
            raise KinerjaError("invalid_level", _("Level harus 1 sampai 5."))
    current = {
        s.competency.code: s
        for s in PositionStandard.objects.filter(position=position).select_related("competency")
    }
    before = {code: s.required_level for code, s in current.items()}
    for code, level in levels.items():
        existing = current.get(code)
        if level is None:
            if existing:
                existing.delete()
        elif existing is None:
            PositionStandard.objects.create(
                agency=agency,
                position=position,
                competency=allowed[code],
                required_level=int(level),
            )
        elif existing.required_level != int(level):
            existing.required_level = int(level)
            existing.save(update_fields=["required_level"])
    result = list(PositionStandard.objects.filter(position=position).select_related("competency"))
    after = {s.competency.code: s.required_level for s in result}
    if after != before:
        audit_record(
            agency=agency,
            acting_user=acting_user,
            action="standard.set",
            obj=position,
            summary=position.name,
            before=before,
            after=after,
        )
    return result


def standards_import(
    *,
    agency: Agency,
    data: bytes | IO[bytes],
    filename: str,
    acting_user: Any,
    dry_run: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> tuple[list[RowError], int]:
    """Imports `jabatan, kode_kompetensi, level` rows all-or-nothing; returns (errors, rows changed).
    `progress(stage, percent)` hears of each step (a background job's page)."""
    from django.conf import settings

    tell = progress or (lambda stage, percent: None)
    tell(_("Membaca berkas"), 5)
    table = read_table(
        data,
        filename,
        required=["jabatan", "kode_kompetensi", "level"],
        max_bytes=settings.KINERJA_IMPORT_MAX_BYTES,
    )
    positions = {p.name: p for p in Position.objects.filter(agency=agency)}
    allowed = _allowed_competencies(agency)
    errors: list[RowError] = []
    plan: dict[int, dict[str, int | None]] = {}
    seen: dict[tuple[str, str], int] = {}
    total = len(table.rows)
    for index, (number, raw) in enumerate(table.rows):
        if index % 2000 == 0:
            tell(
                _("Memeriksa baris %(n)d dari %(total)d") % {"n": index, "total": total},
                15 + 45 * index // max(total, 1),
            )
        name = str(raw.get("jabatan") or "").strip()
        code = str(raw.get("kode_kompetensi") or "").strip().upper()
        level_raw = raw.get("level")
        position = positions.get(name)
        if position is None:
            errors.append(
                RowError(
                    number,
                    "jabatan",
                    _("Jabatan %(j)s tidak ditemukan di instansi.") % {"j": name or "—"},
                )
            )
        if code not in allowed:
            errors.append(
                RowError(
                    number,
                    "kode_kompetensi",
                    _("Kode kompetensi %(c)s tidak dikenal.") % {"c": code or "—"},
                )
            )
        try:
            level = int(float(str(level_raw)))
            if not 1 <= level <= 5 or float(str(level_raw)) != level:
                raise ValueError
        except (TypeError, ValueError):
            errors.append(RowError(number, "level", _("Level harus bilangan bulat 1 sampai 5.")))
            continue
        if (name, code) in seen:
            errors.append(
                RowError(
                    number,
                    "kode_kompetensi",
                    _("Duplikat dengan baris %(r)d.") % {"r": seen[(name, code)]},
                )
            )
        seen.setdefault((name, code), number)
        if position is not None and code in allowed:
            plan.setdefault(position.pk, {})[code] = level
    if errors:
        return errors, 0
    tell(_("Uji coba penyimpanan") if dry_run else _("Menyimpan"), 70)
    changed = 0
    by_pk = {p.pk: p for p in positions.values()}
    with transaction.atomic():
        for done, (position_pk, levels) in enumerate(plan.items()):
            if done % 200 == 0:
                tell(_("Menyimpan standar jabatan"), 70 + 25 * done // max(len(plan), 1))
            position = by_pk[position_pk]
            before = dict(
                PositionStandard.objects.filter(position=position).values_list(
                    "competency__code", "required_level"
                )
            )
            changed += sum(1 for code, lv in levels.items() if before.get(code) != lv)
            if not dry_run:
                position_standard_set(
                    agency=agency, position=position, levels=dict(levels), acting_user=acting_user
                )
    return [], changed


def standards_import_summary(errors: list[RowError], changed: int, *, dry_run: bool) -> str:
    if errors:
        return _("Impor dibatalkan: %(n)d kesalahan, tidak ada data yang diubah.") % {
            "n": len(errors)
        }
    if dry_run:
        return _("Uji coba (tidak disimpan): %(n)d standar akan berubah.") % {"n": changed}
    return _("Impor berhasil: %(n)d standar berubah.") % {"n": changed}


def standards_import_job(job: Any, progress: Callable[[str, int], None]) -> tuple[str, str]:
    """The background job "Impor standar kompetensi jabatan" (kinerja/jobs): the kept upload
    imported all or nothing; its report stays on the job."""
    from django.urls import reverse

    from kinerja.jobs.files import import_outcome, read_input

    data, filename = read_input(job)
    dry_run = bool(job.params.get("dry_run"))
    errors, changed = standards_import(
        agency=job.agency,
        data=data,
        filename=filename,
        acting_user=job.started_by,
        dry_run=dry_run,
        progress=progress,
    )
    message = import_outcome(
        job,
        ok=not errors,
        summary=standards_import_summary(errors, changed, dry_run=dry_run),
        errors=errors,
        report_name="kesalahan-impor-standar.xlsx",
    )
    return message, "" if dry_run else reverse("competencies:framework")
