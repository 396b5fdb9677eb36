"""Every role against every action: allowed ones take effect, denied ones 404 and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kinerja.competencies.models import PositionStandard
from kinerja.core import permissions
from kinerja.core.audit import audit_record
from kinerja.core.models import ApiToken
from kinerja.organisation.models import Employee, OrgUnit, Position

from .conftest import agency_state, make_employee, make_nip, make_user

ROLES = ["anonymous", "admin", "leader", "supervisor", "staff", "peer", "outsider", "superuser"]

IMPORT_NIP = make_nip(gender="L", year=1992, seq=77)
AUDIT_MARKER = "Jejak Matriks A"


def user_for(world, role: str):
    """The persona for `role`; the superuser has no membership in any agency."""
    if role == "anonymous":
        return None
    if role == "superuser":
        return make_user("root", is_superuser=True, is_staff=True)
    return getattr(world, role)


def agency_a_state(world) -> dict:
    """Everything agency A owns, as plain values: any change made by a denied action shows here."""
    return agency_state(world.agency)


# --- the actions ---------------------------------------------------------------------------------


def import_csv() -> SimpleUploadedFile:
    header = "nip,nama,jenis_kelamin,golongan,status_asn,jenis_jabatan,jabatan,unit_kerja\n"
    row = f"{IMPORT_NIP},Impor Matriks,L,III/a,PNS,Pelaksana,Jabatan Impor,Unit Impor Matriks\n"
    return SimpleUploadedFile("pegawai.csv", (header + row).encode(), content_type="text/csv")


@dataclass
class Action:
    send: Callable  # (client, world) -> response
    ok_status: int
    effect: Callable | None = None  # (world) -> bool: the write took effect in agency A
    marker: Callable | None = None  # (world, role) -> str shown only when the read is allowed
    needs_framework: bool = False


ACTIONS: dict[str, Action] = {
    "view_employee_list": Action(
        send=lambda c, w: c.get(reverse("organisation:employee_list")),
        ok_status=200,
        marker=lambda w, role: w.staff_employee.nip,
    ),
    "view_staff_detail": Action(
        send=lambda c, w: c.get(
            reverse("organisation:employee_detail", args=[w.staff_employee.pk])
        ),
        ok_status=200,
        marker=lambda w, role: w.staff_employee.nip_formatted,
    ),
    "create_unit": Action(
        send=lambda c, w: c.post(
            reverse("organisation:unit_create"), {"name": "Unit Matriks", "kind": "seksi"}
        ),
        ok_status=302,
        effect=lambda w: OrgUnit.objects.filter(agency=w.agency, name="Unit Matriks").exists(),
    ),
    "edit_position": Action(
        send=lambda c, w: c.post(
            reverse("organisation:position_edit", args=[w.staff_position.pk]),
            {
                "name": "Pengadministrasi Baru",
                "position_type": "pelaksana",
                "unit": w.subunit.pk,
                "min_grade": "",
            },
        ),
        ok_status=302,
        effect=lambda w: (
            Position.objects.get(pk=w.staff_position.pk).name == "Pengadministrasi Baru"
        ),
    ),
    "delete_employee": Action(
        send=lambda c, w: c.post(
            reverse("organisation:employee_delete", args=[w.staff_employee.pk])
        ),
        ok_status=302,
        effect=lambda w: not Employee.objects.filter(pk=w.staff_employee.pk).exists(),
    ),
    "set_standard": Action(
        send=lambda c, w: c.post(
            reverse("competencies:standard_edit", args=[w.staff_position.pk]), {"level_M.01": "3"}
        ),
        ok_status=302,
        effect=lambda w: PositionStandard.objects.filter(
            position=w.staff_position, competency__code="M.01", required_level=3
        ).exists(),
        needs_framework=True,
    ),
    "import_employees": Action(
        send=lambda c, w: c.post(reverse("organisation:import_employees"), {"file": import_csv()}),
        ok_status=200,
        effect=lambda w: Employee.objects.filter(agency=w.agency, nip=IMPORT_NIP).exists(),
    ),
    "create_api_token": Action(
        send=lambda c, w: c.post(
            reverse("core:tokens"), {"user": w.staff.pk, "name": "Token Matriks"}
        ),
        ok_status=200,
        effect=lambda w: ApiToken.objects.filter(
            agency=w.agency, user=w.staff, name="Token Matriks"
        ).exists(),
    ),
    "view_audit_log": Action(
        send=lambda c, w: c.get(reverse("core:audit")),
        ok_status=200,
        marker=lambda w, role: AUDIT_MARKER,
    ),
    "view_own_profile": Action(
        send=lambda c, w: c.get(reverse("organisation:me")),
        ok_status=200,
        marker=lambda w, role: getattr(w, f"{role}_employee").nip_formatted,
    ),
    "view_team": Action(
        send=lambda c, w: c.get(reverse("organisation:team")),
        ok_status=200,
        marker=lambda w, role: w.peer_employee.nip,  # a direct subordinate of the supervisor
    ),
}

# ok     the action takes effect / the page shows agency A's data
# empty  allowed in the person's own scope (own agency, own empty team): 200 or 302,
#        agency A untouched and none of its data shown
# deny   404 and nothing changed;   login  anonymous is sent to the sign-in page, nothing changed
# Admin and leader personas have no Employee record: no own profile, no team.
COLUMNS = ["anonymous", "admin", "leader", "supervisor", "staff", "peer", "outsider", "superuser"]
TABLE = """
view_employee_list  login  ok    ok    deny  deny   deny   empty  deny
view_staff_detail   login  ok    ok    ok    ok     deny   deny   deny
create_unit         login  ok    deny  deny  deny   deny   empty  deny
edit_position       login  ok    deny  deny  deny   deny   deny   deny
delete_employee     login  ok    deny  deny  deny   deny   deny   deny
set_standard        login  ok    deny  deny  deny   deny   deny   deny
import_employees    login  ok    deny  deny  deny   deny   empty  deny
create_api_token    login  ok    deny  deny  deny   deny   empty  deny
view_audit_log      login  ok    deny  deny  deny   deny   empty  deny
view_own_profile    login  deny  deny  ok    ok     ok     ok     deny
view_team           login  deny  deny  ok    empty  empty  empty  deny
"""
EXPECTED: dict[str, dict[str, str]] = {
    line.split()[0]: dict(zip(COLUMNS, line.split()[1:], strict=True))
    for line in TABLE.strip().splitlines()
}

MATRIX = [(action, role, EXPECTED[action][role]) for action in ACTIONS for role in ROLES]


@pytest.mark.parametrize(
    ("action", "role", "outcome"), MATRIX, ids=[f"{a}-{r}-{o}" for a, r, o in MATRIX]
)
def test_role_gets_its_outcome_and_a_denied_action_changes_nothing(
    client, world, request, action, role, outcome
):
    spec = ACTIONS[action]
    if spec.needs_framework:
        request.getfixturevalue("framework")
    audit_record(
        agency=world.agency, acting_user=world.admin, action="matrix.probe", summary=AUDIT_MARKER
    )
    user = user_for(world, role)
    if user is not None:
        client.force_login(user)
    before = agency_a_state(world)

    response = spec.send(client, world)

    after = agency_a_state(world)
    body = response.content.decode() if response.status_code == 200 else ""
    if outcome == "login":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    elif outcome == "deny":
        assert response.status_code == 404
    elif outcome == "empty":
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == spec.ok_status, body[:2000]
        if spec.ok_status == 302:
            assert not response["Location"].startswith(reverse("login"))

    if outcome == "ok" and spec.effect is not None:
        assert spec.effect(world)
        assert after != before
    else:
        # reads write nothing; denied writes and writes in another agency leave agency A alone
        assert after == before
        if spec.effect is not None:
            assert not spec.effect(world)
    if spec.marker is not None and outcome == "ok":
        assert spec.marker(world, role) in body
    if outcome != "ok":  # nothing of agency A's shows on a denied, foreign or empty page
        for probe in (world.staff_employee.nip, world.staff_employee.nip_formatted, AUDIT_MARKER):
            assert probe not in body


def test_matrix_covers_every_action_for_every_role():
    assert set(EXPECTED) == set(ACTIONS) and set(COLUMNS) == set(ROLES)
    outcomes = {o for row in EXPECTED.values() for o in row.values()}
    assert outcomes <= {"ok", "empty", "deny", "login"}


# --- the permission functions themselves ---------------------------------------------------------

AGENCY_CHECKS = {
    "is_member": {"admin", "leader", "supervisor", "staff", "peer"},
    "can_view_organisation": {"admin", "leader", "supervisor", "staff", "peer"},
    "can_view_all_employees": {"admin", "leader"},
    "can_manage_organisation": {"admin"},
    "can_manage_framework": {"admin"},
    "can_manage_tokens": {"admin"},
    "can_view_audit": {"admin"},
}
AGENCY_TABLE = [
    (fn, role, role in allowed) for fn, allowed in AGENCY_CHECKS.items() for role in ROLES
]


@pytest.mark.parametrize(
    ("fn", "role", "expected"), AGENCY_TABLE, ids=[f"{f}-{r}" for f, r, _e in AGENCY_TABLE]
)
def test_agency_permission_answers_true_only_for_its_roles(world, fn, role, expected):
    user = user_for(world, role) or AnonymousUser()
    assert getattr(permissions, fn)(user, world.agency) is expected
    assert getattr(permissions, fn)(user, None) is False


@pytest.mark.parametrize("fn", list(AGENCY_CHECKS))
def test_outsider_holds_admin_rights_only_in_their_own_agency(world, fn):
    assert getattr(permissions, fn)(world.outsider, world.other_agency) is True
    assert getattr(permissions, fn)(world.outsider, world.agency) is False


VIEW_STAFF = {"admin", "leader", "supervisor", "staff"}


@pytest.mark.parametrize("role", ROLES)
def test_can_view_employee_for_the_staff_member(world, role):
    user = user_for(world, role) or AnonymousUser()
    assert permissions.can_view_employee(user, world.staff_employee) is (role in VIEW_STAFF)


def test_supervisor_chain_sees_down_two_levels_but_never_up(world):
    boss_user = make_user("kepala_a", agency=world.agency)
    boss = make_employee(
        world.agency, unit=world.unit, position=world.head_position, user=boss_user
    )
    world.supervisor_employee.supervisor = boss
    world.supervisor_employee.save()
    staff_employee = Employee.objects.get(pk=world.staff_employee.pk)
    assert permissions.can_view_employee(boss_user, staff_employee) is True
    assert (
        permissions.can_view_employee(
            world.staff, Employee.objects.get(pk=world.supervisor_employee.pk)
        )
        is False
    )
    assert permissions.can_view_employee(world.staff, boss) is False


def test_outsider_cannot_view_an_employee_of_agency_a_even_as_admin(world):
    assert permissions.can_view_employee(world.outsider, world.supervisor_employee) is False
    assert permissions.can_view_employee(world.outsider, world.outsider_employee) is True


# --- the Django admin is for superusers only ----------------------------------------------------


@pytest.mark.parametrize("is_staff", [False, True])
def test_non_superuser_is_sent_to_the_django_admin_login(client, world, is_staff):
    if is_staff:
        world.admin.is_staff = True
        world.admin.save()
    client.force_login(world.admin)
    response = client.get("/django-admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/django-admin/login/")


@pytest.mark.django_db
def test_superuser_opens_the_django_admin(client):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    assert client.get("/django-admin/").status_code == 200
