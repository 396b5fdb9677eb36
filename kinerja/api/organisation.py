"""API: units, positions, employees and the employee import."""

# No `from __future__ import annotations` here: @paginate re-reads the wrapped view's annotations
# in ninja's own namespace, where a string like "Query[EmployeeFilter]" cannot be resolved.

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from kinerja.core import permissions
from kinerja.core.errors import KinerjaError, NotFound
from kinerja.core.tenancy import get_for_agency
from kinerja.jobs.models import Job
from kinerja.organisation import selectors, services
from kinerja.organisation.importing import employees_import
from kinerja.organisation.models import Employee, OrgUnit, Position

from .common import InputSchema, Pages, require
from .jobs import ImportErrorOut, JobOut, import_answer
from .urls import api

router = Router(tags=["organisasi"])


class UnitOut(Schema):
    id: int
    name: str
    code: str
    kind: str
    parent_id: int | None


class UnitIn(InputSchema):
    name: str
    code: str = ""
    kind: str = OrgUnit.Kind.LAINNYA
    parent_id: int | None = None


class PositionOut(Schema):
    id: int
    name: str
    position_type: str
    unit_id: int | None
    min_grade: str


class PositionIn(InputSchema):
    name: str
    position_type: str
    unit_id: int | None = None
    min_grade: str = ""


class EmployeeOut(Schema):
    id: int
    nip: str
    name: str
    gender: str
    grade: str
    asn_status: str
    position_id: int
    position_name: str
    unit_id: int
    unit_name: str
    supervisor_id: int | None
    email: str
    is_active: bool

    @staticmethod
    def resolve_position_name(obj: Employee) -> str:
        return obj.position.name

    @staticmethod
    def resolve_unit_name(obj: Employee) -> str:
        return obj.unit.name


class EmployeeIn(InputSchema):
    nip: str
    name: str
    gender: str = ""
    grade: str
    asn_status: str = "PNS"
    position_id: int
    unit_id: int
    supervisor_id: int | None = None
    email: str = ""
    is_active: bool = True


class EmployeeFilter(Schema):
    unit: int | None = None
    q: str = ""


class ImportOut(Schema):
    ok: bool
    applied: bool
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    units_created: list[str]
    positions_created: list[str]
    errors: list[ImportErrorOut]


def _choice(value: str, choices: list[str], field: str) -> str:
    if value not in choices:
        raise KinerjaError(
            "invalid",
            f"{field}: nilai tidak dikenal ({value}).",
            details=[{"field": field, "allowed": choices}],
        )
    return value


def _unit(agency, pk: int | None) -> OrgUnit | None:
    return get_for_agency(OrgUnit, agency, pk=pk) if pk else None


# --- units -------------------------------------------------------------------------------------


@router.get("/units", response=list[UnitOut])
@paginate(Pages)
def list_units(request: HttpRequest):
    agency = require(request, permissions.can_view_organisation)
    return OrgUnit.objects.filter(agency=agency).order_by("name")


@router.get("/units/{unit_id}", response=UnitOut)
def get_unit(request: HttpRequest, unit_id: int):
    agency = require(request, permissions.can_view_organisation)
    return get_for_agency(OrgUnit, agency, pk=unit_id)


@router.post("/units", response={201: UnitOut})
def create_unit(request: HttpRequest, payload: UnitIn):
    agency = require(request, permissions.can_manage_organisation)
    _choice(payload.kind, OrgUnit.Kind.values, "kind")
    unit = services.unit_save(
        agency=agency,
        acting_user=request.user,
        name=payload.name,
        code=payload.code,
        kind=payload.kind,
        parent=_unit(agency, payload.parent_id),
    )
    return Status(201, unit)


@router.put("/units/{unit_id}", response=UnitOut)
def update_unit(request: HttpRequest, unit_id: int, payload: UnitIn):
    agency = require(request, permissions.can_manage_organisation)
    unit = get_for_agency(OrgUnit, agency, pk=unit_id)
    _choice(payload.kind, OrgUnit.Kind.values, "kind")
    return services.unit_save(
        agency=agency,
        acting_user=request.user,
        unit=unit,
        name=payload.name,
        code=payload.code,
        kind=payload.kind,
        parent=_unit(agency, payload.parent_id),
    )


@router.delete("/units/{unit_id}", response={204: None})
def delete_unit(request: HttpRequest, unit_id: int):
    agency = require(request, permissions.can_manage_organisation)
    services.unit_delete(
        agency=agency, unit=get_for_agency(OrgUnit, agency, pk=unit_id), acting_user=request.user
    )
    return Status(204, None)


# --- positions ---------------------------------------------------------------------------------


@router.get("/positions", response=list[PositionOut])
@paginate(Pages)
def list_positions(request: HttpRequest, q: str = ""):
    agency = require(request, permissions.can_view_organisation)
    qs = Position.objects.filter(agency=agency).order_by("name")
    return qs.filter(name__icontains=q) if q else qs


@router.get("/positions/{position_id}", response=PositionOut)
def get_position(request: HttpRequest, position_id: int):
    agency = require(request, permissions.can_view_organisation)
    return get_for_agency(Position, agency, pk=position_id)


def _position_values(agency, payload: PositionIn) -> dict:
    _choice(payload.position_type, Position.Type.values, "position_type")
    return {
        "name": payload.name,
        "position_type": payload.position_type,
        "unit": _unit(agency, payload.unit_id),
        "min_grade": payload.min_grade,
    }


@router.post("/positions", response={201: PositionOut})
def create_position(request: HttpRequest, payload: PositionIn):
    agency = require(request, permissions.can_manage_organisation)
    return Status(
        201,
        services.position_save(
            agency=agency, acting_user=request.user, **_position_values(agency, payload)
        ),
    )


@router.put("/positions/{position_id}", response=PositionOut)
def update_position(request: HttpRequest, position_id: int, payload: PositionIn):
    agency = require(request, permissions.can_manage_organisation)
    position = get_for_agency(Position, agency, pk=position_id)
    return services.position_save(
        agency=agency,
        acting_user=request.user,
        position=position,
        **_position_values(agency, payload),
    )


@router.delete("/positions/{position_id}", response={204: None})
def delete_position(request: HttpRequest, position_id: int):
    agency = require(request, permissions.can_manage_organisation)
    services.position_delete(
        agency=agency,
        position=get_for_agency(Position, agency, pk=position_id),
        acting_user=request.user,
    )
    return Status(204, None)


# --- employees ---------------------------------------------------------------------------------


@router.get("/employees", response=list[EmployeeOut])
@paginate(Pages)
def list_employees(request: HttpRequest, filters: Query[EmployeeFilter]):
    """Every employee of the agency (admin and leadership); `unit` includes its sub-units."""
    agency = require(request, permissions.can_view_all_employees)
    if filters.unit is not None:
        get_for_agency(OrgUnit, agency, pk=filters.unit)
    return selectors.employee_list(
        agency=agency, search=filters.q, unit_id=filters.unit, include_subunits=True
    )


@router.get("/employees/{int:employee_id}", response=EmployeeOut)
def get_employee(request: HttpRequest, employee_id: int):
    agency = getattr(request, "agency", None)
    employee = get_for_agency(
        Employee.objects.select_related("position", "unit"), agency, pk=employee_id
    )
    if not permissions.can_view_employee(request.user, employee):
        raise NotFound()
    return employee


def _employee_values(agency, payload: EmployeeIn) -> dict:
    _choice(payload.asn_status, Employee.AsnStatus.values, "asn_status")
    if payload.gender:
        _choice(payload.gender, Employee.Gender.values, "gender")
    return {
        "nip": payload.nip,
        "name": payload.name,
        "gender": payload.gender,
        "grade": payload.grade,
        "asn_status": payload.asn_status,
        "email": payload.email,
        "is_active": payload.is_active,
        "position": get_for_agency(Position, agency, pk=payload.position_id),
        "unit": get_for_agency(OrgUnit, agency, pk=payload.unit_id),
        "supervisor": get_for_agency(Employee, agency, pk=payload.supervisor_id)
        if payload.supervisor_id
        else None,
    }


@router.post("/employees", response={201: EmployeeOut})
def create_employee(request: HttpRequest, payload: EmployeeIn):
    agency = require(request, permissions.can_manage_organisation)
    return Status(
        201,
        services.employee_save(
            agency=agency, acting_user=request.user, **_employee_values(agency, payload)
        ),
    )


@router.put("/employees/{int:employee_id}", response=EmployeeOut)
def update_employee(request: HttpRequest, employee_id: int, payload: EmployeeIn):
    agency = require(request, permissions.can_manage_organisation)
    employee = get_for_agency(Employee, agency, pk=employee_id)
    return services.employee_save(
        agency=agency,
        acting_user=request.user,
        employee=employee,
        **_employee_values(agency, payload),
    )


@router.delete("/employees/{int:employee_id}", response={204: None})
def delete_employee(request: HttpRequest, employee_id: int):
    agency = require(request, permissions.can_manage_organisation)
    services.employee_delete(
        agency=agency,
        employee=get_for_agency(Employee, agency, pk=employee_id),
        acting_user=request.user,
    )
    return Status(204, None)


@router.post("/employees/import", response={200: ImportOut, 202: JobOut, 422: ImportOut})
def import_employees(
    request: HttpRequest,
    file: File[UploadedFile | None] = None,
    dry_run: Form[bool] = False,
    background: Form[bool] = False,
):
    """All-or-nothing import of an XLSX/CSV file (see docs/import.md); 422 lists every row error.
    A file above the inline limit (or any, with `background`) becomes a job: 202 with the job,
    whose state, report and error report are read at /api/v1/jobs/{id}."""
    return import_answer(
        request,
        check=permissions.can_manage_organisation,
        kind=Job.Kind.EMPLOYEES_IMPORT,
        service=employees_import,
        file=file,
        missing=_("Unggah berkas XLSX atau CSV pegawai."),
        dry_run=dry_run,
        background=background,
        report=lambda report, _dry_run: report.as_dict(),
    )


class MeOut(Schema):
    username: str
    agency: str | None
    role: str | None
    employee: EmployeeOut | None


@router.get("/me", response=MeOut)
def me(request: HttpRequest):
    membership = permissions.membership_of(request.user)
    employee = permissions.employee_of(request.user)
    return {
        "username": request.user.username,
        "agency": membership.agency.code if membership else None,
        "role": membership.role if membership else None,
        "employee": employee,
    }


api.add_router("/v1/", router)
