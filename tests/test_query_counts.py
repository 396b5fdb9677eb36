"""No N+1: every list page and API list runs a fixed number of queries, with 10 rows or 1,000."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kinerja.competencies.models import Competency, CompetencyLevel, PositionStandard
from kinerja.core.models import AuditEvent
from kinerja.core.services import token_create
from kinerja.organisation.models import Employee, OrgUnit, Position
from kinerja.organisation.nip import parse_nip

from .conftest import make_nip


@dataclass
class Grower:
    """Adds data in batches: employees (all reporting to the supervisor; half hold the staff
    position, the rest spread over new positions and units), one new unit and position per 10
    employees, a teknis competency (5 levels, standards) per 100, one audit event per employee."""

    world: object
    done: int = 0

    def grow_to(self, total: int) -> None:
        w, start, n = self.world, self.done, total - self.done
        units = OrgUnit.objects.bulk_create(
            OrgUnit(agency=w.agency, name=f"Unit Tumbuh {i:04d}", kind="seksi", parent=w.unit)
            for i in range(start // 10, total // 10)
        )
        positions = Position.objects.bulk_create(
            Position(
                agency=w.agency,
                name=f"Jabatan Tumbuh {i:04d}",
                position_type="pelaksana",
                unit=w.subunit,
            )
            for i in range(start // 10, total // 10)
        )
        units, positions = [w.subunit, *units], [w.staff_position, *positions]
        Employee.objects.bulk_create(
            Employee(
                agency=w.agency,
                nip=make_nip(year=1988, gender="L", seq=start + i + 1),
                name=f"Tumbuh {start + i:04d}",
                gender="L",
                grade="II/b",
                position=w.staff_position if i % 2 else positions[i % len(positions)],
                unit=units[i % len(units)],
                supervisor=w.supervisor_employee,
            )
            for i in range(n)
        )
        competencies = Competency.objects.bulk_create(
            Competency(
                agency=w.agency,
                code=f"T.{i:03d}",
                name=f"Teknis {i}",
                group="teknis",
                definition="d",
                order=1000,
            )
            for i in range(start // 100, max(total // 100, 1))
            if not Competency.objects.filter(agency=w.agency, code=f"T.{i:03d}").exists()
        )
        CompetencyLevel.objects.bulk_create(
            CompetencyLevel(competency=c, level=lv, title=f"Level {lv}", indicators=["a", "b"])
            for c in competencies
            for lv in range(1, 6)
        )
        PositionStandard.objects.bulk_create(
            PositionStandard(agency=w.agency, position=p, competency=c, required_level=3)
            for c in competencies
            for p in [w.head_position, *positions[:5]]
        )
        now = timezone.now()
        AuditEvent.objects.bulk_create(
            AuditEvent(
                agency=w.agency,
                action="uji.tumbuh",
                summary=f"peristiwa {start + i}",
                created_at=now,
                chain="uji",
                seq=start + i + 1,
                hash="x",
            )
            for i in range(n)
        )
        self.done = total


def count_queries(client, url: str, headers: dict) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.content[:500])
    return len(ctx.captured_queries), response


@dataclass
class Page:
    url: object  # (world) -> str
    role: str
    api: bool
    pinned: int
    shows_growth: object  # (response) -> bool: the rows added are really on the page


def _html(text: str):
    return lambda r: text in r.content.decode()


# Pinned counts. Web pages: session, user and membership with the employee record (3) + the
# page's own reads.
# API: token and membership (2) + the page's own reads.
PAGES = {
    "employee_list": Page(
        lambda w: reverse("organisation:employee_list"),
        "admin",
        False,
        pinned=6,
        shows_growth=lambda r: r.content.decode().count("Tumbuh ") >= 45,
    ),
    "employee_list_by_unit": Page(
        lambda w: reverse("organisation:employee_list") + f"?unit={w.unit.pk}",
        "admin",
        False,
        pinned=7,
        shows_growth=_html("Tumbuh "),
    ),
    "position_list": Page(
        lambda w: reverse("organisation:position_list"),
        "admin",
        False,
        pinned=5,
        shows_growth=_html("Jabatan Tumbuh"),
    ),
    "position_detail": Page(
        lambda w: reverse("organisation:position_detail", args=[w.staff_position.pk]),
        "admin",
        False,
        pinned=7,
        shows_growth=lambda r: r.content.decode().count("Tumbuh ") >= 500,
    ),
    "unit_list": Page(
        lambda w: reverse("organisation:unit_list"),
        "admin",
        False,
        pinned=4,
        shows_growth=_html("Unit Tumbuh 0099"),
    ),
    "team": Page(
        lambda w: reverse("organisation:team"),
        "supervisor",
        False,
        pinned=7,
        shows_growth=lambda r: r.content.decode().count("Tumbuh ") >= 1000,
    ),
    "employee_detail": Page(
        lambda w: reverse("organisation:employee_detail", args=[w.supervisor_employee.pk]),
        "admin",
        False,
        pinned=7,
        shows_growth=lambda r: r.content.decode().count("Tumbuh ") >= 1000,
    ),
    "framework": Page(
        lambda w: reverse("competencies:framework"),
        "admin",
        False,
        pinned=9,
        shows_growth=_html("T.009"),
    ),
    "audit_log": Page(
        lambda w: reverse("core:audit"),
        "admin",
        False,
        pinned=5,
        shows_growth=_html("peristiwa 999"),
    ),
    "api_employees": Page(
        lambda w: "/api/v1/employees",
        "admin",
        True,
        pinned=4,
        shows_growth=lambda r: len(r.json()["items"]) == 50 and r.json()["count"] == 1003,
    ),
    "api_employees_by_unit": Page(
        lambda w: f"/api/v1/employees?unit={w.unit.pk}&q=Tumbuh",
        "admin",
        True,
        pinned=6,
        shows_growth=lambda r: r.json()["count"] == 1000,
    ),
    "api_units": Page(
        lambda w: "/api/v1/units",
        "admin",
        True,
        pinned=4,
        shows_growth=lambda r: r.json()["count"] == 102,
    ),
    "api_positions": Page(
        lambda w: "/api/v1/positions",
        "admin",
        True,
        pinned=4,
        shows_growth=lambda r: r.json()["count"] == 102,
    ),
    "api_framework": Page(
        lambda w: "/api/v1/framework",
        "admin",
        True,
        pinned=8,
        shows_growth=lambda r: (
            sum(c["code"].startswith("T.") for c in r.json()["competencies"]) == 10
        ),
    ),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_query_count_is_pinned_and_does_not_grow_from_10_to_1000_employees(
    client, world, framework, django_assert_num_queries, name
):
    page = PAGES[name]
    user = getattr(world, page.role)
    if page.api:
        _token, secret = token_create(
            agency=world.agency, user=user, name="uji", acting_user=world.admin
        )
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    else:
        client.force_login(user)
        headers = {}
    grower = Grower(world)
    grower.grow_to(10)
    url = page.url(world)
    client.get(url, **headers)  # warm up: the token's first use records last_used_at
    small, _response = count_queries(client, url, headers)

    grower.grow_to(1000)
    large, response = count_queries(client, url, headers)

    assert page.shows_growth(response)
    assert small == large, f"{name}: {small} queries with 10 employees, {large} with 1,000"
    with django_assert_num_queries(page.pinned):
        client.get(url, **headers)


def test_grower_really_reaches_a_thousand_employees(world):
    grower = Grower(world)
    grower.grow_to(10)
    grower.grow_to(1000)
    assert (
        Employee.objects.filter(agency=world.agency, supervisor=world.supervisor_employee).count()
        == 1002
    )
    assert OrgUnit.objects.filter(agency=world.agency).count() == 2 + 100
    nips = list(Employee.objects.values_list("nip", flat=True))
    assert len(set(nips)) == len(nips)
    for nip in nips:
        parse_nip(nip)  # raises on an invalid NIP
