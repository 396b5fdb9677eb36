"""The permission functions, role by role, and the Django admin's gate (superusers only)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from kinerja.core import permissions
from kinerja.organisation.models import Employee

from .conftest import make_employee, make_user

ROLES = ["anonymous", "admin", "leader", "supervisor", "staff", "peer", "outsider", "superuser"]

# The matrix of every URL × persona (web and API) lives in test_permission_matrix.py; this file
# tests the permission functions themselves and the Django admin's gate.


def user_for(world, role: str):
    """The persona for `role`; the superuser has no membership in any agency."""
    if role == "anonymous":
        return None
    if role == "superuser":
        return make_user("root", is_superuser=True, is_staff=True)
    return getattr(world, role)


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
