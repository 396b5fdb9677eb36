"""Tenancy: agency B's rows are "not found" for agency A (web and API) and stay unchanged."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.urls import reverse

from kinerja.competencies.services import position_standard_set, teknis_competency_save
from kinerja.core.models import Agency, ApiToken, AuditEvent
from kinerja.core.services import token_create
from kinerja.organisation.models import Employee, OrgUnit, Position

from .conftest import agency_state, make_nip


@pytest.fixture
def b(world, framework):
    """Agency B's rows that A will aim at: an empty unit and an empty position (so a leaked delete
    would succeed), a teknis competency and a standard on B's position."""
    empty_unit = OrgUnit.objects.create(
        agency=world.other_agency, name="Seksi Kosong B", kind="seksi"
    )
    empty_position = Position.objects.create(
        agency=world.other_agency, name="Jabatan Kosong B", position_type="pelaksana"
    )
    teknis = teknis_competency_save(
        agency=world.other_agency,
        acting_user=world.outsider,
        code="T.B1",
        name="Teknis Rahasia B",
        definition="Milik instansi B.",
        levels=[{"level": n, "title": f"Level {n}"} for n in range(1, 6)],
    )
    position_standard_set(
        agency=world.other_agency,
        position=world.other_position,
        levels={"M.01": 4},
        acting_user=world.outsider,
    )
    return {
        "employee": world.outsider_employee,
        "unit": empty_unit,
        "position": empty_position,
        "standard_position": world.other_position,
        "teknis": teknis,
    }


def bearer(world, user=None) -> dict:
    _token, secret = token_create(
        agency=world.agency, user=user or world.admin, name="uji", acting_user=world.admin
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


# --- web UI --------------------------------------------------------------------------------------

WEB = [
    ("employee_detail", "get", "organisation:employee_detail", "employee", None),
    ("employee_edit_form", "get", "organisation:employee_edit", "employee", None),
    ("employee_edit", "post", "organisation:employee_edit", "employee", {"name": "Diubah A"}),
    ("employee_delete_confirm", "get", "organisation:employee_delete", "employee", None),
    ("employee_delete", "post", "organisation:employee_delete", "employee", {}),
    ("employee_login_create", "post", "organisation:employee_login", "employee", {}),
    ("unit_edit", "post", "organisation:unit_edit", "unit", {"name": "Diubah A", "kind": "seksi"}),
    ("unit_delete", "post", "organisation:unit_delete", "unit", {}),
    ("position_detail", "get", "organisation:position_detail", "position", None),
    (
        "position_edit",
        "post",
        "organisation:position_edit",
        "position",
        {"name": "Diubah A", "position_type": "pelaksana"},
    ),
    ("position_delete", "post", "organisation:position_delete", "position", {}),
    ("standard_edit_form", "get", "competencies:standard_edit", "standard_position", None),
    (
        "standard_edit",
        "post",
        "competencies:standard_edit",
        "standard_position",
        {"level_M.01": "1", "level_M.02": "2"},
    ),
    (
        "teknis_edit",
        "post",
        "competencies:teknis_edit",
        "teknis",
        {"code": "T.A", "name": "Diubah A"},
    ),
    ("teknis_delete", "post", "competencies:teknis_delete", "teknis", {}),
]


@pytest.mark.parametrize(
    ("case", "method", "url_name", "target", "data"), WEB, ids=[w[0] for w in WEB]
)
def test_admin_of_a_gets_404_for_agency_b_rows_on_the_web_and_b_is_unchanged(
    client, world, b, case, method, url_name, target, data
):
    client.force_login(world.admin)
    before = agency_state(world.other_agency)
    url = reverse(url_name, args=[b[target].pk])
    response = client.post(url, data) if method == "post" else client.get(url)
    assert response.status_code == 404
    assert agency_state(world.other_agency) == before


def test_the_same_web_pages_open_for_agency_b_own_admin(client, world, b):
    """The 404s above come from tenancy, not from broken pages: B's admin opens each of them."""
    client.force_login(world.outsider)
    for _case, method, url_name, target, _data in WEB:
        if method == "get":
            assert client.get(reverse(url_name, args=[b[target].pk])).status_code == 200, url_name


def test_web_lists_of_a_never_show_agency_b_rows(client, world, b):
    client.force_login(world.admin)
    pages = {
        "organisation:employee_list": [world.outsider_employee.nip, world.outsider_employee.name],
        "organisation:unit_list": ["Seksi Kosong B"],
        "organisation:position_list": ["Jabatan Kosong B", "Camat B"],
        "competencies:framework": ["T.B1", "Teknis Rahasia B"],
        "core:audit": ["Teknis Rahasia B"],
    }
    for name, probes in pages.items():
        body = client.get(reverse(name)).content.decode()
        for probe in probes:
            assert probe not in body, (name, probe)


def test_web_employee_form_rejects_agency_b_position_and_creates_nothing(client, world, b):
    client.force_login(world.admin)
    before = Employee.objects.count()
    response = client.post(
        reverse("organisation:employee_create"),
        {
            "nip": make_nip(seq=4001),
            "name": "Penyusup",
            "gender": "L",
            "asn_status": "PNS",
            "grade": "III/a",
            "position": world.other_position.pk,
            "unit": world.other_unit.pk,
            "supervisor": world.outsider_employee.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200  # the form is shown again with errors
    assert set(response.context["form"].errors) >= {"position", "unit", "supervisor"}
    assert Employee.objects.count() == before


# --- API -----------------------------------------------------------------------------------------

API = [
    ("get", "/api/v1/employees/{employee}", None),
    ("put", "/api/v1/employees/{employee}", "employee_body"),
    ("delete", "/api/v1/employees/{employee}", None),
    ("get", "/api/v1/units/{unit}", None),
    ("put", "/api/v1/units/{unit}", {"name": "Diubah A", "kind": "seksi"}),
    ("delete", "/api/v1/units/{unit}", None),
    ("get", "/api/v1/positions/{position}", None),
    ("put", "/api/v1/positions/{position}", {"name": "Diubah A", "position_type": "pelaksana"}),
    ("delete", "/api/v1/positions/{position}", None),
    ("get", "/api/v1/positions/{standard_position}/standard", None),
    (
        "put",
        "/api/v1/positions/{standard_position}/standard",
        [{"competency": "M.01", "required_level": 1}],
    ),
    ("put", "/api/v1/competencies/{teknis}", "teknis_body"),
]


def api_body(world, body):
    if body == "employee_body":
        return {
            "nip": world.outsider_employee.nip,
            "name": "Diubah A",
            "grade": "III/a",
            "position_id": world.staff_position.pk,
            "unit_id": world.subunit.pk,
        }
    if body == "teknis_body":
        return {
            "code": "T.B1",
            "name": "Diubah A",
            "definition": "x",
            "levels": [{"level": n, "title": f"L{n}"} for n in range(1, 6)],
        }
    return body


@pytest.mark.parametrize(("method", "path", "body"), API, ids=[f"{m}-{p}" for m, p, _b in API])
def test_admin_of_a_gets_404_for_agency_b_rows_in_the_api_and_b_is_unchanged(
    client, world, b, method, path, body
):
    headers = bearer(world)
    before = agency_state(world.other_agency)
    url = path.format(**{k: v.pk for k, v in b.items()})
    kwargs = {"content_type": "application/json", **headers}
    if body is not None:
        kwargs["data"] = json.dumps(api_body(world, body))
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == 404, response.content
    assert response.json()["error"]["code"] == "not_found"
    assert agency_state(world.other_agency) == before


def test_api_get_of_agency_b_rows_works_for_b_itself(client, world, b):
    """The 404s above are tenancy, not broken endpoints: B's own token reads the same rows."""
    _token, secret = token_create(
        agency=world.other_agency, user=world.outsider, name="b", acting_user=world.outsider
    )
    for method, path, _body in API:
        if method == "get":
            url = path.format(**{k: v.pk for k, v in b.items()})
            assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200, url


def test_api_lists_of_a_never_contain_agency_b_rows(client, world, b):
    headers = bearer(world)
    b_ids = {
        "/api/v1/employees": set(
            Employee.objects.filter(agency=world.other_agency).values_list("id", flat=True)
        ),
        "/api/v1/units": set(
            OrgUnit.objects.filter(agency=world.other_agency).values_list("id", flat=True)
        ),
        "/api/v1/positions": set(
            Position.objects.filter(agency=world.other_agency).values_list("id", flat=True)
        ),
    }
    for path, foreign in b_ids.items():
        body = client.get(path, **headers).json()
        ids = {item["id"] for item in body["items"]}
        assert ids and not ids & foreign, path
    framework = client.get("/api/v1/framework", **headers).json()
    assert "T.B1" not in {c["code"] for c in framework["competencies"]}
    unit_filter = client.get(f"/api/v1/employees?unit={world.other_unit.pk}", **headers)
    assert unit_filter.status_code == 404


@pytest.mark.parametrize("foreign", ["position_id", "unit_id", "supervisor_id"])
def test_api_create_employee_with_agency_b_reference_is_404_and_creates_nothing(
    client, world, b, foreign
):
    headers = bearer(world)
    payload = {
        "nip": make_nip(seq=4002),
        "name": "Penyusup",
        "grade": "III/a",
        "position_id": world.staff_position.pk,
        "unit_id": world.subunit.pk,
        "supervisor_id": world.supervisor_employee.pk,
    }
    payload[foreign] = {
        "position_id": world.other_position.pk,
        "unit_id": world.other_unit.pk,
        "supervisor_id": world.outsider_employee.pk,
    }[foreign]
    before_a, before_b = agency_state(world.agency), agency_state(world.other_agency)
    response = client.post(
        "/api/v1/employees", json.dumps(payload), content_type="application/json", **headers
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert not Employee.objects.filter(nip=payload["nip"]).exists()
    assert agency_state(world.other_agency) == before_b
    assert agency_state(world.agency)["employees"] == before_a["employees"]


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/api/v1/units", {"name": "Unit Penyusup", "kind": "seksi", "parent_id": "other_unit"}),
        (
            "/api/v1/positions",
            {"name": "Jabatan Penyusup", "position_type": "pelaksana", "unit_id": "other_unit"},
        ),
    ],
)
def test_api_create_with_agency_b_unit_is_404_and_creates_nothing(client, world, b, path, payload):
    headers = bearer(world)
    payload = {k: (world.other_unit.pk if v == "other_unit" else v) for k, v in payload.items()}
    before = agency_state(world.agency), agency_state(world.other_agency)
    response = client.post(path, json.dumps(payload), content_type="application/json", **headers)
    assert response.status_code == 404
    after = agency_state(world.agency), agency_state(world.other_agency)
    assert (
        after[0]["units"] == before[0]["units"] and after[0]["positions"] == before[0]["positions"]
    )
    assert after[1] == before[1]


# --- the model layer -----------------------------------------------------------------------------

TENANT_OWNED = [
    *apps.get_app_config("organisation").get_models(),
    apps.get_model("competencies", "PositionStandard"),
    ApiToken,
    AuditEvent,
]


@pytest.mark.parametrize("model", TENANT_OWNED, ids=lambda m: m._meta.label)
def test_tenant_owned_model_carries_an_agency_foreign_key(model):
    field = model._meta.get_field("agency")
    assert field.many_to_one and field.related_model is Agency


def test_tenant_owned_list_includes_every_organisation_model():
    labels = {m._meta.label for m in TENANT_OWNED}
    assert {"organisation.OrgUnit", "organisation.Position", "organisation.Employee"} <= labels
    assert {"competencies.PositionStandard", "core.ApiToken", "core.AuditEvent"} <= labels
