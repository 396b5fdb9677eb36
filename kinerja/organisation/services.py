"""Every write to the organisation: units, positions, employees. Each one is audited."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from kinerja.core.audit import audit_record, snapshot
from kinerja.core.errors import KinerjaError
from kinerja.core.models import Agency

from .grades import is_valid_grade
from .models import Employee, OrgUnit, Position
from .nip import NipError, parse_nip

UNIT_FIELDS = ["name", "code", "kind", "parent_id"]
POSITION_FIELDS = ["name", "position_type", "unit_id", "min_grade"]
EMPLOYEE_FIELDS = [
    "nip",
    "name",
    "gender",
    "grade",
    "asn_status",
    "position_id",
    "unit_id",
    "supervisor_id",
    "email",
    "is_active",
]


def _check_same_agency(agency: Agency, **objects: Any) -> None:
    for label, obj in objects.items():
        if obj is not None and obj.agency_id != agency.pk:
            raise KinerjaError("not_found", _("%(label)s tidak ditemukan.") % {"label": label})


def _apply(obj: Any, values: dict[str, Any]) -> None:
    for key, value in values.items():
        setattr(obj, key, value)


# --- units -----------------------------------------------------------------------------------


def _check_unit_parent(unit: OrgUnit, parent: OrgUnit | None) -> None:
    node = parent
    while node is not None:
        if node.pk == unit.pk:
            raise KinerjaError(
                "unit_cycle", _("Unit induk tidak boleh unit itu sendiri atau turunannya.")
            )
        node = node.parent


@transaction.atomic
def unit_save(
    *, agency: Agency, acting_user: Any, unit: OrgUnit | None = None, **values: Any
) -> OrgUnit:
    """Creates a unit (unit=None) or updates it. Values: name, code, kind, parent."""
    _check_same_agency(agency, **{_("Unit induk"): values.get("parent")})
    creating = unit is None
    unit = unit or OrgUnit(agency=agency)
    before = None if creating else snapshot(unit, UNIT_FIELDS)
    _apply(unit, values)
    if not creating:
        _check_unit_parent(unit, values.get("parent", unit.parent))
    if OrgUnit.objects.filter(agency=agency, name=unit.name).exclude(pk=unit.pk).exists():
        raise KinerjaError("duplicate", _("Unit dengan nama itu sudah ada."))
    unit.save()
    audit_record(
        agency=agency,
        acting_user=acting_user,
        action="unit.create" if creating else "unit.update",
        obj=unit,
        summary=unit.name,
        before=before,
        after=snapshot(unit, UNIT_FIELDS),
    )
    return unit


@transaction.atomic
def unit_delete(*, agency: Agency, unit: OrgUnit, acting_user: Any) -> None:
    _check_same_agency(agency, unit=unit)
    if unit.children.exists() or unit.employees.exists():
        raise KinerjaError(
            "unit_in_use",
            _("Unit masih memiliki sub-unit atau pegawai; pindahkan dulu sebelum menghapus."),
        )
    before = snapshot(unit, UNIT_FIELDS)
    pk = unit.pk
    unit.delete()
    audit_record(
        agency=agency,
        acting_user=acting_user,
        action="unit.delete",
        object_type="organisation.orgunit",
        object_id=pk,
        summary=before["name"],
        before=before,
    )


# --- positions -------------------------------------------------------------------------------


@transaction.atomic
def position_save(
    *, agency: Agency, acting_user: Any, position: Position | None = None, **values: Any
) -> Position:
    """Creates or updates a position. Values: name, position_type, unit, min_grade."""
    _check_same_agency(agency, **{_("Unit kerja"): values.get("unit")})
    creating = position is None
    position = position or Position(agency=agency)
    before = None if creating else snapshot(position, POSITION_FIELDS)
    _apply(position, values)
    if Position.objects.filter(agency=agency, name=position.name).exclude(pk=position.pk).exists():
        raise KinerjaError("duplicate", _("Jabatan dengan nama itu sudah ada."))
    position.save()
    audit_record(
        agency=agency,
        acting_user=acting_user,
        action="position.create" if creating else "position.update",
        obj=position,
        summary=position.name,
        before=before,
        after=snapshot(position, POSITION_FIELDS),
    )
    return position


@transaction.atomic
def position_delete(*, agency: Agency, position: Position, acting_user: Any) -> None:
    _check_same_agency(agency, position=position)
    before = snapshot(position, POSITION_FIELDS)
    pk = position.pk
    try:
        position.delete()
    except ProtectedError as exc:
        raise KinerjaError(
            "position_in_use",
            _("Jabatan masih dipegang pegawai; pindahkan pegawainya dulu sebelum menghapus."),
        ) from exc
    audit_record(
        agency=agency,
        acting_user=acting_user,
        action="position.delete",
        object_type="organisation.position",
        object_id=pk,
        summary=before["name"],
        before=before,
    )


# --- employees -------------------------------------------------------------------------------


def validate_employee_values(
    *, agency: Agency, employee: Employee | None, values: dict[str, Any]
) -> dict[str, str]:
    """Field errors (field -> Indonesian message) for one employee; empty when valid."""
    errors: dict[str, str] = {}
    nip = values.get("nip", employee.nip if employee else "")
    try:
        parsed = parse_nip(nip)
        values["nip"] = parsed.value
        gender = values.get("gender") or (employee.gender if employee else "")
        if gender and gender != parsed.gender:
            errors["gender"] = _("Jenis kelamin tidak sesuai dengan digit ke-15 NIP.")
        clash = Employee.objects.filter(agency=agency, nip=parsed.value)
        if employee is not None:
            clash = clash.exclude(pk=employee.pk)
        if clash.exists():
            errors["nip"] = _("NIP ini sudah terdaftar untuk pegawai lain.")
    except NipError as exc:
        errors["nip"] = str(exc)
    grade = values.get("grade", employee.grade if employee else "")
    status = values.get("asn_status", employee.asn_status if employee else "PNS")
    if not is_valid_grade(grade, status):
        errors["grade"] = _("Golongan %(g)s tidak berlaku untuk %(s)s.") % {"g": grade, "s": status}
    supervisor = values.get("supervisor")
    if supervisor is not None and employee is not None:
        node, hops = supervisor, 0
        while node is not None and hops < 1000:
            if node.pk == employee.pk:
                errors["supervisor"] = _("Atasan ini membuat rantai atasan yang melingkar.")
                break
            node, hops = node.supervisor, hops + 1
    return errors


@transaction.atomic
def employee_save(
    *, agency: Agency, acting_user: Any, employee: Employee | None = None, **values: Any
) -> Employee:
    """Creates or updates an employee after validating NIP, grade and the supervisor chain."""
    _check_same_agency(
        agency,
        **{
            _("Jabatan"): values.get("position"),
            _("Unit kerja"): values.get("unit"),
            _("Atasan"): values.get("supervisor"),
        },
    )
    errors = validate_employee_values(agency=agency, employee=employee, values=values)
    if errors:
        raise KinerjaError(
            "invalid",
            " ".join(errors.values()),
            details=[{"field": k, "message": v} for k, v in errors.items()],
        )
    creating = employee is None
    employee = employee or Employee(agency=agency)
    before = None if creating else snapshot(employee, EMPLOYEE_FIELDS)
    _apply(employee, values)
    if not employee.gender:
        employee.gender = parse_nip(employee.nip).gender
    try:
        with transaction.atomic():
            employee.save()
    except IntegrityError as exc:
        raise KinerjaError("duplicate", _("NIP ini sudah terdaftar untuk pegawai lain.")) from exc
    audit_record(
        agency=agency,
        acting_user=acting_user,
        action="employee.create" if creating else "employee.update",
        obj=employee,
        summary=f"{employee.name} ({employee.nip})",
        before=before,
        after=snapshot(employee, EMPLOYEE_FIELDS),
    )
    return employee


@transaction.atomic
def employee_delete(*, agency: Agency, employee: Employee, acting_user: Any) -> None:
    _check_same_agency(agency, employee=employee)
    before = snapshot(employee, EMPLOYEE_FIELDS)
    pk = employee.pk
    employee.subordinates.update(supervisor=None)
    employee.delete()
    audit_record(
        agency=agency,
        acting_user=acting_user,
        action="employee.delete",
        object_type="organisation.employee",
        object_id=pk,
        summary=f"{before['name']} ({before['nip']})",
        before=before,
    )


@transaction.atomic
def employee_login_create(
    *, agency: Agency, employee: Employee, acting_user: Any
) -> tuple[str, str]:
    """Gives an employee a sign-in (username = NIP) with a one-time password; returns both."""
    import secrets

    from django.contrib.auth import get_user_model

    from kinerja.core.models import Membership

    _check_same_agency(agency, employee=employee)
    if employee.user_id:
        raise KinerjaError("exists", _("Pegawai ini sudah memiliki akun."))
    User = get_user_model()
    if User.objects.filter(username=employee.nip).exists():
        raise KinerjaError("exists", _("Nama pengguna %(u)s sudah dipakai.") % {"u": employee.nip})
    password = secrets.token_urlsafe(9)
    user = User.objects.create_user(
        username=employee.nip,
        password=password,
        email=employee.email,
        first_name=employee.name[:150],
    )
    Membership.objects.create(user=user, agency=agency, role=Membership.Role.EMPLOYEE)
    employee.user = user
    employee.save(update_fields=["user"])
    audit_record(
        agency=agency,
        acting_user=acting_user,
        action="employee.login_create",
        obj=employee,
        summary=f"{employee.name} ({employee.nip})",
        after={"user": user.pk},
    )
    return user.username, password
