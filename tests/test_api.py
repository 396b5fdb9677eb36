"""The JSON API: token auth, pages and filters, audited writes, errors, import, framework, docs."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kinerja.competencies.models import Competency, PositionStandard
from kinerja.core.models import ApiToken, AuditEvent
from kinerja.core.services import token_create, token_revoke
from kinerja.organisation.models import Employee, OrgUnit, Position

from .conftest import make_employee, make_nip


def auth(world, user=None) -> dict:
    """A fresh token for `user` (default: the HR admin), as request headers."""
    _token, secret = token_create(
        agency=world.agency, user=user or world.admin, name="uji", acting_user=world.admin
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def send(client, method: str, path: str, headers: dict, body=None):
    data = json.dumps(body) if body is not None else None
    kwargs = {"content_type": "application/json", **headers}
    return (
        getattr(client, method)(path, data, **kwargs)
        if data is not None
        else getattr(client, method)(path, **kwargs)
    )


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    return error


# --- authentication ------------------------------------------------------------------------------


def test_bearer_token_created_by_admin_authenticates(client, world):
    token, secret = token_create(
        agency=world.agency, user=world.admin, name="integrasi", acting_user=world.admin
    )
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["username"] == "admin_a" and response.json()["agency"] == "a"
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "header", [None, "Bearer knj_salah-sama-sekali", "Bearer bukan-token", "Token x"]
)
def test_missing_or_wrong_token_is_401_unauthenticated(client, world, header):
    auth(world)  # a valid token exists; the request does not carry it
    kwargs = {"HTTP_AUTHORIZATION": header} if header else {}
    assert_error(client.get("/api/v1/units", **kwargs), 401, "unauthenticated")


def test_revoked_token_is_401(client, world):
    token, secret = token_create(
        agency=world.agency, user=world.admin, name="lama", acting_user=world.admin
    )
    assert client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    token_revoke(agency=world.agency, token=token, acting_user=world.admin)
    assert_error(
        client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {secret}"), 401, "unauthenticated"
    )


def test_token_of_deactivated_user_is_401(client, world):
    headers = auth(world, world.staff)
    world.staff.is_active = False
    world.staff.save()
    assert_error(client.get("/api/v1/me", **headers), 401, "unauthenticated")


def test_browser_session_is_accepted_for_reads(client, world):
    client.force_login(world.admin)
    response = client.get("/api/v1/employees")
    assert response.status_code == 200
    assert world.staff_employee.nip in {e["nip"] for e in response.json()["items"]}


def test_session_without_agency_membership_is_401(client, world):
    from .conftest import make_user

    client.force_login(make_user("tanpa_instansi"))
    assert_error(client.get("/api/v1/units"), 401, "unauthenticated")


# --- lists: pagination and filters ---------------------------------------------------------------


def bulk_employees(world, n: int, *, unit=None, prefix: str = "Massal") -> None:
    Employee.objects.bulk_create(
        Employee(
            agency=world.agency,
            nip=make_nip(year=1991, seq=1000 + i),
            name=f"{prefix} {i:03d}",
            gender="L",
            grade="II/a",
            position=world.staff_position,
            unit=unit or world.subunit,
        )
        for i in range(n)
    )


def test_employee_list_is_paginated_with_items_and_count(client, world):
    bulk_employees(world, 60)
    headers = auth(world)
    total = Employee.objects.filter(agency=world.agency).count()
    first = client.get("/api/v1/employees", **headers).json()
    second = client.get("/api/v1/employees?page=2", **headers).json()
    assert first["count"] == second["count"] == total == 63
    assert len(first["items"]) == 50 and len(second["items"]) == 13
    ids = [e["id"] for e in first["items"] + second["items"]]
    assert len(set(ids)) == total


def test_unit_and_position_lists_are_paginated(client, world):
    OrgUnit.objects.bulk_create(
        OrgUnit(agency=world.agency, name=f"Unit {i:02d}") for i in range(55)
    )
    Position.objects.bulk_create(
        Position(agency=world.agency, name=f"Jabatan {i:02d}", position_type="pelaksana")
        for i in range(55)
    )
    headers = auth(world)
    for path, total in (("/api/v1/units", 57), ("/api/v1/positions", 57)):
        page2 = client.get(f"{path}?page=2", **headers).json()
        assert page2["count"] == total and len(page2["items"]) == total - 50, path


def test_employee_filter_by_unit_includes_sub_units(client, world):
    elsewhere = OrgUnit.objects.create(agency=world.agency, name="Kelurahan Lain", kind="kelurahan")
    outside = make_employee(
        world.agency, unit=elsewhere, position=world.staff_position, name="Di Luar Seksi"
    )
    headers = auth(world)
    root_ids = {
        e["id"]
        for e in client.get(f"/api/v1/employees?unit={world.unit.pk}", **headers).json()["items"]
    }
    sub_ids = {
        e["id"]
        for e in client.get(f"/api/v1/employees?unit={world.subunit.pk}", **headers).json()["items"]
    }
    other_ids = {
        e["id"]
        for e in client.get(f"/api/v1/employees?unit={elsewhere.pk}", **headers).json()["items"]
    }
    in_subunit = {world.supervisor_employee.pk, world.staff_employee.pk, world.peer_employee.pk}
    assert root_ids == sub_ids == in_subunit  # the subunit's people are found through its parent
    assert other_ids == {outside.pk}


def test_employee_filter_by_q_matches_name_or_nip_prefix(client, world):
    headers = auth(world)
    by_name = client.get("/api/v1/employees?q=sari", **headers).json()
    assert [e["id"] for e in by_name["items"]] == [world.staff_employee.pk] and by_name[
        "count"
    ] == 1
    by_nip = client.get(f"/api/v1/employees?q={world.peer_employee.nip[:16]}", **headers).json()
    assert [e["id"] for e in by_nip["items"]] == [world.peer_employee.pk]


# --- writes by the admin, each audited -----------------------------------------------------------


def actions_since(world, last_id: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(agency=world.agency, id__gt=last_id)
        .order_by("id")
        .values_list("action", flat=True)
    )


def last_audit_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_admin_creates_updates_and_deletes_a_unit_with_audit(client, world):
    headers, mark = auth(world), last_audit_id()
    created = send(
        client,
        "post",
        "/api/v1/units",
        headers,
        {"name": "Seksi Baru", "kind": "seksi", "parent_id": world.unit.pk},
    )
    assert created.status_code == 201
    unit_id = created.json()["id"]
    assert OrgUnit.objects.get(pk=unit_id, agency=world.agency).parent_id == world.unit.pk
    updated = send(
        client,
        "put",
        f"/api/v1/units/{unit_id}",
        headers,
        {"name": "Seksi Diubah", "kind": "seksi"},
    )
    assert updated.status_code == 200 and updated.json()["name"] == "Seksi Diubah"
    assert OrgUnit.objects.get(pk=unit_id).parent_id is None
    assert send(client, "delete", f"/api/v1/units/{unit_id}", headers).status_code == 204
    assert not OrgUnit.objects.filter(pk=unit_id).exists()
    assert actions_since(world, mark) == ["unit.create", "unit.update", "unit.delete"]


def test_admin_creates_updates_and_deletes_a_position_with_audit(client, world):
    headers, mark = auth(world), last_audit_id()
    body = {
        "name": "Analis Baru",
        "position_type": "ahli_pertama",
        "unit_id": world.subunit.pk,
        "min_grade": "III/a",
    }
    created = send(client, "post", "/api/v1/positions", headers, body)
    assert created.status_code == 201
    pk = created.json()["id"]
    updated = send(
        client, "put", f"/api/v1/positions/{pk}", headers, {**body, "name": "Analis Diubah"}
    )
    assert updated.status_code == 200 and Position.objects.get(pk=pk).name == "Analis Diubah"
    assert send(client, "delete", f"/api/v1/positions/{pk}", headers).status_code == 204
    assert not Position.objects.filter(pk=pk).exists()
    assert actions_since(world, mark) == ["position.create", "position.update", "position.delete"]


def test_admin_creates_updates_and_deletes_an_employee_with_audit(client, world):
    headers, mark = auth(world), last_audit_id()
    body = {
        "nip": make_nip(gender="P", year=1993, seq=5),
        "name": "Dewi Baru",
        "grade": "III/b",
        "position_id": world.staff_position.pk,
        "unit_id": world.subunit.pk,
        "supervisor_id": world.supervisor_employee.pk,
    }
    created = send(client, "post", "/api/v1/employees", headers, body)
    assert created.status_code == 201
    data = created.json()
    assert (
        data["gender"] == "P"
        and data["position_name"] == "Pengadministrasi"
        and data["supervisor_id"]
    )
    pk = data["id"]
    updated = send(client, "put", f"/api/v1/employees/{pk}", headers, {**body, "grade": "III/c"})
    assert updated.status_code == 200 and Employee.objects.get(pk=pk).grade == "III/c"
    assert send(client, "delete", f"/api/v1/employees/{pk}", headers).status_code == 204
    assert not Employee.objects.filter(pk=pk).exists()
    assert actions_since(world, mark) == ["employee.create", "employee.update", "employee.delete"]


def test_invalid_nip_is_400_invalid_and_creates_nothing(client, world):
    headers, before, mark = auth(world), Employee.objects.count(), last_audit_id()
    body = {
        "nip": "123",
        "name": "Salah NIP",
        "grade": "III/a",
        "position_id": world.staff_position.pk,
        "unit_id": world.subunit.pk,
    }
    error = assert_error(send(client, "post", "/api/v1/employees", headers, body), 400, "invalid")
    assert any(d.get("field") == "nip" for d in error["details"])
    assert Employee.objects.count() == before
    assert actions_since(world, mark) == []


def test_missing_required_field_is_422_invalid(client, world):
    headers, before = auth(world), OrgUnit.objects.count()
    assert_error(send(client, "post", "/api/v1/units", headers, {"kind": "seksi"}), 422, "invalid")
    assert OrgUnit.objects.count() == before


# --- what staff and supervisors may do -----------------------------------------------------------


def test_staff_token_is_403_on_admin_endpoints_and_changes_nothing(client, world):
    headers, before = auth(world, world.staff), OrgUnit.objects.count()
    assert_error(
        send(client, "post", "/api/v1/units", headers, {"name": "Unit Staf"}), 403, "forbidden"
    )
    assert_error(client.get("/api/v1/employees", **headers), 403, "forbidden")
    assert OrgUnit.objects.count() == before


def test_staff_token_reads_own_record_but_not_a_peer(client, world):
    headers = auth(world, world.staff)
    own = client.get(f"/api/v1/employees/{world.staff_employee.pk}", **headers)
    assert own.status_code == 200 and own.json()["nip"] == world.staff_employee.nip
    assert_error(
        client.get(f"/api/v1/employees/{world.peer_employee.pk}", **headers), 404, "not_found"
    )
    assert_error(
        client.get(f"/api/v1/employees/{world.supervisor_employee.pk}", **headers), 404, "not_found"
    )


def test_supervisor_token_reads_a_subordinate(client, world):
    headers = auth(world, world.supervisor)
    response = client.get(f"/api/v1/employees/{world.staff_employee.pk}", **headers)
    assert (
        response.status_code == 200
        and response.json()["supervisor_id"] == world.supervisor_employee.pk
    )


# --- import --------------------------------------------------------------------------------------

HEADER = (
    "nip,nama,jenis_kelamin,golongan,status_asn,jenis_jabatan,jabatan,"
    "unit_kerja,unit_induk,nip_atasan\n"
)


def csv_upload(rows: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "pegawai.csv", (HEADER + "".join(rows)).encode(), content_type="text/csv"
    )


def test_import_csv_creates_employees_and_reports_counts(client, world):
    head, staff = make_nip(year=1994, seq=1), make_nip(gender="P", year=1994, seq=2)
    upload = csv_upload(
        [
            f"{head},Kepala Impor,L,III/d,PNS,Pengawas,Kasi Impor,Seksi Impor,Kecamatan A,\n",
            f"{staff},Staf Impor,P,II/c,PNS,Pelaksana,Staf Seksi,Seksi Impor,Kecamatan A,{head}\n",
        ]
    )
    response = client.post("/api/v1/employees/import", {"file": upload}, **auth(world))
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["ok"] and report["applied"] and report["created"] == 2 and report["rows"] == 2
    assert report["units_created"] == ["Seksi Impor"]
    imported = Employee.objects.get(agency=world.agency, nip=staff)
    assert imported.supervisor.nip == head and imported.unit.parent_id == world.unit.pk


def test_import_bad_file_is_422_with_row_errors_and_writes_nothing(client, world):
    good, also_good = make_nip(year=1994, seq=3), make_nip(year=1994, seq=4)
    upload = csv_upload(
        [
            f"{good},Baris Baik,L,III/a,PNS,Pelaksana,Pengadministrasi,Seksi Baru,,\n",
            "12345,NIP Salah,L,III/a,PNS,Pelaksana,Pengadministrasi,Seksi Baru,,\n",
            f"{also_good},Golongan Salah,L,IX/z,PNS,Pelaksana,Pengadministrasi,Seksi Baru,,\n",
        ]
    )
    headers = auth(world)
    before = (
        Employee.objects.count(),
        OrgUnit.objects.count(),
        Position.objects.count(),
        AuditEvent.objects.count(),
    )
    response = client.post("/api/v1/employees/import", {"file": upload}, **headers)
    assert response.status_code == 422
    report = response.json()
    assert report["ok"] is False and report["applied"] is False
    assert {(e["row"], e["column"]) for e in report["errors"]} == {(3, "nip"), (4, "golongan")}
    assert all(e["message"] for e in report["errors"])
    after = (
        Employee.objects.count(),
        OrgUnit.objects.count(),
        Position.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_import_by_staff_is_403_and_writes_nothing(client, world):
    upload = csv_upload(
        [f"{make_nip(year=1994, seq=5)},Staf,L,III/a,PNS,Pelaksana,Pengadministrasi,Seksi Baru,,\n"]
    )
    before = Employee.objects.count()
    assert_error(
        client.post("/api/v1/employees/import", {"file": upload}, **auth(world, world.staff)),
        403,
        "forbidden",
    )
    assert Employee.objects.count() == before


# --- competencies --------------------------------------------------------------------------------


def test_put_position_standard_sets_levels_and_get_returns_them(client, world, framework):
    headers, mark = auth(world), last_audit_id()
    path = f"/api/v1/positions/{world.staff_position.pk}/standard"
    body = [
        {"competency": "M.01", "required_level": 3},
        {"competency": "SK.01", "required_level": 2},
    ]
    put = send(client, "put", path, headers, body)
    assert put.status_code == 200
    expected = {"M.01": 3, "SK.01": 2}
    assert {i["competency"]: i["required_level"] for i in put.json()["items"]} == expected
    got = client.get(path, **headers).json()
    assert got["position_id"] == world.staff_position.pk
    assert {i["competency"]: i["required_level"] for i in got["items"]} == expected
    assert (
        dict(
            PositionStandard.objects.filter(position=world.staff_position).values_list(
                "competency__code", "required_level"
            )
        )
        == expected
    )
    removed = send(client, "put", path, headers, [{"competency": "SK.01", "required_level": None}])
    assert {i["competency"] for i in removed.json()["items"]} == {"M.01"}
    assert actions_since(world, mark) == ["standard.set", "standard.set"]


def test_put_standard_with_unknown_competency_or_level_changes_nothing(client, world, framework):
    headers = auth(world)
    path = f"/api/v1/positions/{world.staff_position.pk}/standard"
    assert_error(
        send(client, "put", path, headers, [{"competency": "X.99", "required_level": 3}]),
        400,
        "unknown_competency",
    )
    assert_error(
        send(client, "put", path, headers, [{"competency": "M.01", "required_level": 6}]),
        400,
        "invalid_level",
    )
    assert not PositionStandard.objects.filter(position=world.staff_position).exists()


def test_framework_lists_nine_national_competencies_with_five_levels_and_seven_values(
    client, world, framework
):
    response = client.get("/api/v1/framework", **auth(world, world.staff))
    assert response.status_code == 200
    data = response.json()
    national = [c for c in data["competencies"] if c["national"]]
    assert len(national) == 9
    assert {c["code"] for c in national} == {f"M.0{i}" for i in range(1, 9)} | {"SK.01"}
    assert all([lv["level"] for lv in c["levels"]] == [1, 2, 3, 4, 5] for c in national)
    assert len(data["behaviour_values"]) == 7
    assert data["version"] == framework.version


def test_post_competencies_creates_a_teknis_competency(client, world, framework):
    headers, mark = auth(world), last_audit_id()
    body = {
        "code": "T.01",
        "name": "Pengelolaan Arsip",
        "definition": "Mengelola arsip dinamis.",
        "levels": [
            {"level": n, "title": f"Level {n}", "indicators": [f"indikator {n}"]}
            for n in range(1, 6)
        ],
    }
    response = send(client, "post", "/api/v1/competencies", headers, body)
    assert response.status_code == 201
    data = response.json()
    assert data["group"] == "teknis" and data["national"] is False and len(data["levels"]) == 5
    competency = Competency.objects.get(pk=data["id"])
    assert competency.agency_id == world.agency.pk and competency.levels.count() == 5
    assert actions_since(world, mark) == ["competency.create"]
    codes = {c["code"] for c in client.get("/api/v1/framework", **headers).json()["competencies"]}
    assert "T.01" in codes


def test_post_competencies_with_four_levels_is_refused(client, world, framework):
    headers = auth(world)
    body = {
        "code": "T.02",
        "name": "Kurang",
        "definition": "x",
        "levels": [{"level": n, "title": f"L{n}"} for n in range(1, 5)],
    }
    assert_error(send(client, "post", "/api/v1/competencies", headers, body), 400, "invalid_levels")
    assert not Competency.objects.filter(code="T.02").exists()


def test_post_competencies_by_staff_is_403(client, world, framework):
    body = {
        "code": "T.03",
        "name": "x",
        "definition": "x",
        "levels": [{"level": n, "title": "x"} for n in range(1, 6)],
    }
    assert_error(
        send(client, "post", "/api/v1/competencies", auth(world, world.staff), body),
        403,
        "forbidden",
    )
    assert not Competency.objects.filter(code="T.03").exists()


# --- documentation -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_docs_and_openapi_schema_are_served(client):
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/employees" in paths and "/api/v1/employees/import" in paths
    assert "get" in paths["/api/v1/employees"] and "post" in paths["/api/v1/employees"]
    assert {"get", "put", "delete"} <= set(paths["/api/v1/employees/{employee_id}"])


def test_tokens_are_stored_only_as_hashes(world):
    _token, secret = token_create(
        agency=world.agency, user=world.admin, name="rahasia", acting_user=world.admin
    )
    stored = ApiToken.objects.get(name="rahasia")
    assert secret not in (stored.key_hash, stored.prefix) and secret.startswith(stored.prefix)
