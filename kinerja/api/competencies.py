"""API: the competency framework, teknis competencies and position standards."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status, UploadedFile

from kinerja.competencies import selectors, services
from kinerja.competencies.models import Competency, PositionStandard
from kinerja.core import permissions
from kinerja.core.tenancy import get_for_agency
from kinerja.jobs.models import Job
from kinerja.organisation.models import Position

from .common import InputSchema, require
from .jobs import ImportErrorOut, JobOut, import_answer
from .urls import api

router = Router(tags=["kompetensi"])


class LevelOut(Schema):
    level: int
    title: str
    description: str
    indicators: list[str]


class CompetencyOut(Schema):
    id: int
    code: str
    name: str
    group: str
    definition: str
    national: bool
    levels: list[LevelOut]

    @staticmethod
    def resolve_national(obj: Competency) -> bool:
        return obj.framework_id is not None

    @staticmethod
    def resolve_levels(obj: Competency) -> list:
        return list(obj.levels.all())


class BehaviourOut(Schema):
    code: str
    name: str
    description: str
    guides: list[str]


class FrameworkOut(Schema):
    code: str | None
    version: int | None
    name: str | None
    competencies: list[CompetencyOut]
    behaviour_values: list[BehaviourOut]


class LevelIn(InputSchema):
    level: int
    title: str
    description: str = ""
    indicators: list[str] = []


class TeknisIn(InputSchema):
    code: str
    name: str
    definition: str
    levels: list[LevelIn]


class StandardItem(InputSchema):
    competency: str
    required_level: int | None


class StandardOut(Schema):
    position_id: int
    items: list[StandardItem]


@router.get("/framework", response=FrameworkOut)
def framework(request: HttpRequest):
    """The current national framework plus the agency's teknis competencies, with all levels."""
    agency = require(request, permissions.can_view_organisation)
    fw = selectors.current_framework()
    return {
        "code": fw.code if fw else None,
        "version": fw.version if fw else None,
        "name": fw.name if fw else None,
        "competencies": list(selectors.competencies_for_agency(agency=agency, with_levels=True)),
        "behaviour_values": list(selectors.behaviour_values()),
    }


@router.post("/competencies", response={201: CompetencyOut})
def create_teknis(request: HttpRequest, payload: TeknisIn):
    agency = require(request, permissions.can_manage_framework)
    competency = services.teknis_competency_save(
        agency=agency,
        acting_user=request.user,
        code=payload.code,
        name=payload.name,
        definition=payload.definition,
        levels=[lv.dict() for lv in payload.levels],
    )
    return Status(201, competency)


@router.put("/competencies/{competency_id}", response=CompetencyOut)
def update_teknis(request: HttpRequest, competency_id: int, payload: TeknisIn):
    agency = require(request, permissions.can_manage_framework)
    competency = get_for_agency(Competency, agency, pk=competency_id)
    return services.teknis_competency_save(
        agency=agency,
        acting_user=request.user,
        competency=competency,
        code=payload.code,
        name=payload.name,
        definition=payload.definition,
        levels=[lv.dict() for lv in payload.levels],
    )


def _standard(position: Position) -> dict:
    rows = PositionStandard.objects.filter(position=position).select_related("competency")
    return {
        "position_id": position.pk,
        "items": [
            {"competency": s.competency.code, "required_level": s.required_level} for s in rows
        ],
    }


@router.get("/positions/{position_id}/standard", response=StandardOut)
def get_standard(request: HttpRequest, position_id: int):
    agency = require(request, permissions.can_view_organisation)
    return _standard(get_for_agency(Position, agency, pk=position_id))


@router.put("/positions/{position_id}/standard", response=StandardOut)
def set_standard(request: HttpRequest, position_id: int, payload: list[StandardItem]):
    """Sets the listed competencies' required levels (null removes one); others are unchanged."""
    agency = require(request, permissions.can_manage_framework)
    position = get_for_agency(Position, agency, pk=position_id)
    services.position_standard_set(
        agency=agency,
        position=position,
        acting_user=request.user,
        levels={i.competency: i.required_level for i in payload},
    )
    return _standard(position)


class StandardsImportOut(Schema):
    ok: bool
    applied: bool
    dry_run: bool
    changed: int
    summary: str
    errors: list[ImportErrorOut]


def _standards_report(outcome: tuple, dry_run: bool) -> dict:
    errors, changed = outcome
    return {
        "ok": not errors,
        "applied": not errors and not dry_run,
        "dry_run": dry_run,
        "changed": changed,
        "summary": services.standards_import_summary(errors, changed, dry_run=dry_run),
        "errors": [e.as_dict() for e in errors],
    }


@router.post(
    "/standards/import",
    response={200: StandardsImportOut, 202: JobOut, 422: StandardsImportOut},
)
def import_standards(
    request: HttpRequest,
    file: File[UploadedFile | None] = None,
    dry_run: Form[bool] = False,
    background: Form[bool] = False,
):
    """All-or-nothing import of position standards (`jabatan, kode_kompetensi, level`, XLSX or
    CSV; docs/import.md); 422 lists every row error and changes nothing. A file above the inline
    limit (or any, with `background`) becomes a job: 202 with it, read at /api/v1/jobs/{id}."""
    return import_answer(
        request,
        check=permissions.can_manage_framework,
        kind=Job.Kind.STANDARDS_IMPORT,
        service=services.standards_import,
        file=file,
        missing=_("Unggah berkas XLSX atau CSV standar kompetensi jabatan."),
        dry_run=dry_run,
        background=background,
        report=_standards_report,
    )


api.add_router("/v1/", router)
