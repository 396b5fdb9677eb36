"""Shared fixtures: two agencies with named personas, and small factories for bulk data."""

from __future__ import annotations

import os
from dataclasses import dataclass
from itertools import count

import pytest
from django.contrib.auth import get_user_model

from kinerja.competencies.models import Competency, PositionStandard
from kinerja.core.models import Agency, ApiToken, AuditEvent, Membership
from kinerja.organisation.models import Employee, OrgUnit, Position

os.environ.setdefault(
    "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
)  # Playwright's sync API runs an event loop

_seq = count(1)


def make_nip(*, gender: str = "L", year: int = 1985, seq: int | None = None) -> str:
    """A valid NIP: birth date in `year`, TMT 20 years later, gender digit, unique sequence."""
    n = seq if seq is not None else next(_seq)
    month, day = 1 + n % 12, 1 + n % 28
    tmt_year = year + 20 + n % 5
    gender_digit = "1" if gender == "L" else "2"
    return f"{year:04d}{month:02d}{day:02d}{tmt_year:04d}{1 + n % 12:02d}{gender_digit}{n % 999 + 1:03d}"


def make_user(username: str, *, agency: Agency | None = None, role: str = "pegawai", **extra):
    user = get_user_model().objects.create_user(username=username, password="pw-test-123", **extra)
    if agency is not None:
        Membership.objects.create(user=user, agency=agency, role=role)
    return user


def make_employee(
    agency: Agency,
    *,
    unit: OrgUnit,
    position: Position,
    supervisor=None,
    user=None,
    name: str | None = None,
    gender: str = "L",
    grade: str = "III/a",
) -> Employee:
    n = next(_seq)
    return Employee.objects.create(
        agency=agency,
        nip=make_nip(gender=gender, seq=n),
        name=name or f"Pegawai {n}",
        gender=gender,
        grade=grade,
        position=position,
        unit=unit,
        supervisor=supervisor,
        user=user,
    )


def agency_state(agency: Agency) -> dict:
    """Everything the agency owns, as plain values."""
    return {
        "units": sorted(
            OrgUnit.objects.filter(agency=agency).values_list(
                "id", "name", "code", "kind", "parent_id"
            )
        ),
        "positions": sorted(
            Position.objects.filter(agency=agency).values_list(
                "id", "name", "position_type", "unit_id", "min_grade"
            )
        ),
        "employees": sorted(
            Employee.objects.filter(agency=agency).values_list(
                "id",
                "nip",
                "name",
                "grade",
                "position_id",
                "unit_id",
                "supervisor_id",
                "user_id",
                "is_active",
            )
        ),
        "standards": sorted(
            PositionStandard.objects.filter(agency=agency).values_list(
                "position_id", "competency_id", "required_level"
            )
        ),
        "competencies": sorted(
            Competency.objects.filter(agency=agency).values_list("id", "code", "name")
        ),
        "tokens": sorted(
            ApiToken.objects.filter(agency=agency).values_list(
                "id", "user_id", "name", "revoked_at"
            )
        ),
        "audit": sorted(AuditEvent.objects.filter(agency=agency).values_list("id", "action")),
        "memberships": sorted(
            Membership.objects.filter(agency=agency).values_list("user_id", "role")
        ),
    }


@dataclass
class World:
    agency: Agency
    unit: OrgUnit
    subunit: OrgUnit
    head_position: Position
    staff_position: Position
    admin: object
    leader: object
    supervisor: object
    staff: object
    peer: object
    supervisor_employee: Employee
    staff_employee: Employee
    peer_employee: Employee
    other_agency: Agency
    outsider: object
    outsider_employee: Employee
    other_unit: OrgUnit
    other_position: Position


@pytest.fixture
def world(db) -> World:
    """Agency A with an HR admin, a leader, a supervisor, a staff member and a peer; agency B's
    outsider (an HR admin of B, so any leak across agencies is visible)."""
    return build_world()


def build_world() -> World:
    """The `world` fixture's personas, for fixtures of a wider scope (the permission matrix)."""
    agency = Agency.objects.create(code="a", name="Kecamatan A")
    unit = OrgUnit.objects.create(agency=agency, name="Kecamatan A", kind="instansi")
    subunit = OrgUnit.objects.create(
        agency=agency, name="Seksi Pemerintahan A", kind="seksi", parent=unit
    )
    head = Position.objects.create(
        agency=agency, name="Kepala Seksi", position_type="pengawas", unit=subunit
    )
    staff_pos = Position.objects.create(
        agency=agency, name="Pengadministrasi", position_type="pelaksana", unit=subunit
    )
    admin = make_user("admin_a", agency=agency, role="admin")
    leader = make_user("camat_a", agency=agency, role="pimpinan")
    supervisor = make_user("atasan_a", agency=agency)
    staff = make_user("staf_a", agency=agency)
    peer = make_user("rekan_a", agency=agency)
    sup_emp = make_employee(
        agency, unit=subunit, position=head, user=supervisor, name="Budi Atasan"
    )
    staff_emp = make_employee(
        agency,
        unit=subunit,
        position=staff_pos,
        supervisor=sup_emp,
        user=staff,
        name="Sari Staf",
        gender="P",
    )
    peer_emp = make_employee(
        agency, unit=subunit, position=staff_pos, supervisor=sup_emp, user=peer, name="Rudi Rekan"
    )
    other = Agency.objects.create(code="b", name="Kecamatan B")
    other_unit = OrgUnit.objects.create(agency=other, name="Kecamatan B", kind="instansi")
    other_pos = Position.objects.create(agency=other, name="Camat B", position_type="administrator")
    outsider = make_user("admin_b", agency=other, role="admin")
    outsider_emp = make_employee(
        other, unit=other_unit, position=other_pos, user=outsider, name="Orang Luar"
    )
    return World(
        agency,
        unit,
        subunit,
        head,
        staff_pos,
        admin,
        leader,
        supervisor,
        staff,
        peer,
        sup_emp,
        staff_emp,
        peer_emp,
        other,
        outsider,
        outsider_emp,
        other_unit,
        other_pos,
    )


@pytest.fixture
def framework(db):
    from kinerja.competencies.services import framework_load

    return framework_load()[0]


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The cache counts failed API tokens per address; every test starts from none.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 costs ~0.2 s per user; tests only need passwords to be checkable.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
