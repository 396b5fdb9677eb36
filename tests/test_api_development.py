"""The development and talent API: the catalog (members read, the admin writes), my
recommendations and plan (items, submit, realisations with evidence), the supervisor's decision,
the 9-box and the promotion candidates; every endpoint × role, errors as {"error": {code,
message}}, another agency's objects 404, denied writes change nothing, pinned list queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kinerja.core.models import AuditEvent
from kinerja.development import services
from kinerja.development.models import DevelopmentPlan, PlanItem, Realisation, Training
from kinerja.results.explain import NINE_BOX_FOLLOW_UP
from kinerja.results.models import EmployeeResult

from .conftest import make_employee
from .test_api_assessment import call, token
from .test_assessment_services import make_cycle
from .test_talent_pages import final_cycle, standard_for, store

ROLES = ("admin", "leader", "supervisor", "staff", "peer", "outsider")
YEAR = 2026


@pytest.fixture
def tokens(world) -> dict[str, dict]:
    people = {
        "admin": (world.admin, world.agency),
        "leader": (world.leader, world.agency),
        "supervisor": (world.supervisor, world.agency),
        "staff": (world.staff, world.agency),
        "peer": (world.peer, world.agency),
        "outsider": (world.outsider, world.other_agency),
    }
    return {name: token(user, agency) for name, (user, agency) in people.items()}


def error_code(response) -> str:
    return response.json()["error"]["code"]


def training(world, code: str, **values) -> Training:
    defaults = {
        "name": f"Pelatihan {code}",
        "mode": "klasikal",
        "method": "pelatihan",
        "jp": 16,
        "competencies": ["M.01"],
    }
    return services.training_save(
        agency=world.agency, acting_user=world.admin, code=code, **(defaults | values)
    )


@pytest.fixture
def catalog(world, framework) -> dict[str, Training]:
    return {
        "int": training(world, "INT-1", name="Pelatihan Integritas"),
        "coach": training(
            world,
            "COACH",
            name="Coaching oleh atasan",
            mode="non_klasikal",
            method="coaching",
            jp=4,
            competencies=[],
        ),
    }


def catalog_state(world) -> dict:
    return {
        "trainings": sorted(
            Training.objects.filter(agency=world.agency).values_list("id", "code", "name", "jp")
        ),
        "audit": AuditEvent.objects.count(),
    }


def plan_state() -> dict:
    return {
        "plans": sorted(
            DevelopmentPlan.objects.values_list("id", "status", "supervisor_comment", "decided_at")
        ),
        "items": sorted(PlanItem.objects.values_list("id", "plan_id", "jp_planned")),
        "realisations": Realisation.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


# --- catalog -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_the_catalog_of_their_own_agency(client, catalog, tokens, role):
    response = call(client, "get", "/v1/trainings", tokens[role])
    assert response.status_code == 200
    codes = [t["code"] for t in response.json()["items"]]
    assert codes == ([] if role == "outsider" else ["COACH", "INT-1"])
    one = call(client, "get", f"/v1/trainings/{catalog['int'].pk}", tokens[role])
    assert one.status_code == (404 if role == "outsider" else 200)
    if role == "outsider":
        assert error_code(one) == "not_found"


def test_catalog_search_and_method(client, catalog, tokens):
    found = call(client, "get", "/v1/trainings?q=integritas", tokens["staff"]).json()
    assert [t["code"] for t in found["items"]] == ["INT-1"]
    coaching = call(client, "get", "/v1/trainings?method=coaching", tokens["staff"]).json()
    assert [t["code"] for t in coaching["items"]] == ["COACH"]


def test_admin_creates_changes_and_deletes_a_catalog_item(client, world, catalog, tokens):
    body = {
        "code": "kom-1",
        "name": "Komunikasi Efektif",
        "mode": "klasikal",
        "method": "pelatihan",
        "jp": 24,
        "competencies": ["m.03"],
        "level_min": 2,
        "level_max": 3,
        "cost": 1500000,
    }
    created = call(client, "post", "/v1/trainings", tokens["admin"], body)
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["code"] == "KOM-1" and item["competencies"] == ["M.03"] and item["cost"] == 1500000
    duplicate = call(client, "post", "/v1/trainings", tokens["admin"], body)
    assert duplicate.status_code == 400 and error_code(duplicate) == "duplicate"
    bad = call(client, "post", "/v1/trainings", tokens["admin"], body | {"code": "X", "jp": 0})
    assert bad.status_code == 400 and error_code(bad) == "invalid"
    path = f"/v1/trainings/{item['id']}"
    changed = call(client, "patch", path, tokens["admin"], {"jp": 32})
    assert changed.status_code == 200 and changed.json()["jp"] == 32
    assert changed.json()["name"] == "Komunikasi Efektif"
    assert call(client, "delete", path, tokens["admin"]).status_code == 204
    assert not Training.objects.filter(pk=item["id"]).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"training.create", "training.update", "training.delete"} <= actions


@pytest.mark.parametrize(
    "role,status",
    [("leader", 403), ("supervisor", 403), ("staff", 403), ("peer", 403), ("outsider", 404)],
)
def test_catalog_writes_are_for_the_admin_of_the_agency(
    client, world, catalog, tokens, role, status
):
    before = catalog_state(world)
    path = f"/v1/trainings/{catalog['int'].pk}"
    changed = call(client, "patch", path, tokens[role], {"jp": 99})
    deleted = call(client, "delete", path, tokens[role])
    assert changed.status_code == deleted.status_code == status
    assert error_code(changed) == ("forbidden" if status == 403 else "not_found")
    if role != "outsider":  # agency B's admin creates in B, never in A
        body = {"code": "NEW", "name": "Baru", "mode": "klasikal", "method": "pelatihan", "jp": 8}
        assert call(client, "post", "/v1/trainings", tokens[role], body).status_code == 403
    assert catalog_state(world) == before


# --- my recommendations ------------------------------------------------------------------------


@pytest.fixture
def staff_result(world, framework):
    cycle = final_cycle(world)
    return EmployeeResult.objects.create(
        agency=world.agency,
        cycle=cycle,
        employee=world.staff_employee,
        unit=world.staff_employee.unit,
        position=world.staff_employee.position,
        predikat="baik",
        items={
            "M.01": {"score": 2.0, "required": 3, "meets": False},
            "M.02": {"score": 2.6, "required": 3, "meets": False},
            "M.03": {"score": 3.4, "required": 3, "meets": True},
        },
    )


def test_my_recommendations_say_why_and_always_offer_coaching(
    client, world, catalog, staff_result, tokens
):
    body = call(client, "get", "/v1/me/recommendations", tokens["staff"]).json()
    assert body["cycle_id"] == staff_result.cycle_id
    recs = body["recommendations"]
    assert [r["competency"] for r in recs] == ["M.01", "M.02"]  # largest gap first; M.03 meets
    assert recs[0]["reason"] == "Integritas 2,00 dari standar 3" and recs[0]["gap"] == 1.0
    assert [t["code"] for t in recs[0]["trainings"]] == ["INT-1"]
    assert [t["code"] for t in recs[1]["non_classical"]] == ["COACH"]
    assert all("COACH" in [t["code"] for t in r["trainings"] + r["non_classical"]] for r in recs)
    peer = call(client, "get", "/v1/me/recommendations", tokens["peer"]).json()
    assert peer["cycle_id"] is None and peer["recommendations"] == []


def test_my_endpoints_need_an_employee_record(client, world, tokens):
    for path in ("/v1/me/recommendations", f"/v1/me/plans/{YEAR}"):
        response = call(client, "get", path, tokens["leader"])  # the leader has no employee
        assert response.status_code == 404 and error_code(response) == "not_found"


# --- my plan and the decision ------------------------------------------------------------------


def plan_path(suffix: str = "") -> str:
    return f"/v1/me/plans/{YEAR}{suffix}"


def submitted_plan(client, catalog, tokens) -> int:
    staff = tokens["staff"]
    call(client, "post", plan_path("/items"), staff, {"training_id": catalog["int"].pk})
    call(client, "post", plan_path("/items"), staff, {"title": "Membaca regulasi", "jp": 4})
    response = call(client, "post", plan_path("/submit"), staff)
    assert response.status_code == 200, response.content
    return response.json()["id"]


def test_employee_builds_and_submits_a_plan(client, world, catalog, tokens):
    staff = tokens["staff"]
    empty = call(client, "get", plan_path(), staff).json()
    assert empty["id"] is None and empty["items"] == [] and empty["jp_minimum"] == 20
    assert not DevelopmentPlan.objects.exists()  # reading never creates a plan
    first = call(
        client,
        "post",
        plan_path("/items"),
        staff,
        {"training_id": catalog["int"].pk, "source": "rekomendasi", "competency": "m.01"},
    )
    assert first.status_code == 201 and first.json()["jp_planned"] == 16
    assert first.json()["competency"] == "M.01"
    again = call(client, "post", plan_path("/items"), staff, {"training_id": catalog["int"].pk})
    assert again.status_code == 400 and error_code(again) == "duplicate"
    early = call(client, "post", plan_path("/submit"), staff)
    assert early.status_code == 400 and error_code(early) == "too_few_jp"
    call(client, "post", plan_path("/items"), staff, {"title": "Membaca regulasi", "jp": 4})
    plan = call(client, "get", plan_path(), staff).json()
    assert plan["jp_planned"] == 20 and plan["on_track"] is True and len(plan["items"]) == 2
    done = call(client, "post", plan_path("/submit"), staff)
    assert done.status_code == 200 and done.json()["status"] == "diajukan"
    locked = call(client, "delete", plan_path(f"/items/{plan['items'][0]['id']}"), staff)
    assert locked.status_code == 400 and error_code(locked) == "plan_locked"
    assert AuditEvent.objects.filter(action="plan.submit").count() == 1


def test_items_of_another_agency_or_plan_are_not_found(client, world, catalog, tokens):
    other = Training.objects.create(
        agency=world.other_agency, code="B-1", name="B", mode="klasikal", method="pelatihan", jp=8
    )
    response = call(client, "post", plan_path("/items"), tokens["staff"], {"training_id": other.pk})
    assert response.status_code == 404
    item = call(client, "post", plan_path("/items"), tokens["peer"], {"title": "X", "jp": 2}).json()
    denied = call(client, "delete", plan_path(f"/items/{item['id']}"), tokens["staff"])
    assert denied.status_code == 404
    assert PlanItem.objects.filter(pk=item["id"]).exists()
    removed = call(client, "delete", plan_path(f"/items/{item['id']}"), tokens["peer"])
    assert removed.status_code == 204 and not PlanItem.objects.filter(pk=item["id"]).exists()


@pytest.mark.parametrize(
    "role,status",
    [
        ("admin", 200),
        ("leader", 200),
        ("supervisor", 200),
        ("staff", 200),
        ("peer", 404),
        ("outsider", 404),
    ],
)
def test_a_plan_is_read_by_self_supervisor_chain_admin_and_leadership(
    client, catalog, tokens, role, status
):
    plan_id = submitted_plan(client, catalog, tokens)
    response = call(client, "get", f"/v1/plans/{plan_id}", tokens[role])
    assert response.status_code == status
    if status == 200:
        assert response.json()["jp_planned"] == 20


@pytest.mark.parametrize(
    "role,status",
    [("leader", 403), ("staff", 403), ("peer", 404), ("outsider", 404)],
)
def test_only_the_direct_supervisor_or_admin_decides(client, catalog, tokens, role, status):
    plan_id = submitted_plan(client, catalog, tokens)
    before = plan_state()
    response = call(
        client, "post", f"/v1/plans/{plan_id}/decision", tokens[role], {"approve": True}
    )
    assert response.status_code == status
    assert plan_state() == before


@pytest.mark.parametrize("who", ["supervisor", "admin"])
def test_supervisor_or_admin_returns_with_a_comment_then_approves(client, catalog, tokens, who):
    plan_id = submitted_plan(client, catalog, tokens)
    path = f"/v1/plans/{plan_id}/decision"
    bare = call(client, "post", path, tokens[who], {"approve": False})
    assert bare.status_code == 400 and error_code(bare) == "comment_required"
    back = call(client, "post", path, tokens[who], {"approve": False, "comment": "Tambah JP."})
    assert back.status_code == 200 and back.json()["status"] == "dikembalikan"
    assert back.json()["supervisor_comment"] == "Tambah JP."
    resubmit = call(client, "post", plan_path("/submit"), tokens["staff"])
    assert resubmit.json()["status"] == "diajukan"
    approved = call(client, "post", path, tokens[who], {"approve": True})
    assert approved.status_code == 200 and approved.json()["status"] == "disetujui"
    again = call(client, "post", path, tokens[who], {"approve": True})
    assert again.status_code == 400 and error_code(again) == "bad_state"
    assert AuditEvent.objects.filter(action="plan.approve").count() == 1
    assert AuditEvent.objects.filter(action="plan.return").count() == 1


def test_plans_to_decide_lists_the_direct_subordinates_submitted_plans(client, catalog, tokens):
    plan_id = submitted_plan(client, catalog, tokens)
    mine = call(client, "get", "/v1/plans/to-decide", tokens["supervisor"]).json()
    assert [p["id"] for p in mine["items"]] == [plan_id]
    assert mine["items"][0]["employee"] == "Sari Staf"
    for role in ("admin", "leader", "staff", "peer", "outsider"):
        assert call(client, "get", "/v1/plans/to-decide", tokens[role]).json()["count"] == 0


# --- realisations ------------------------------------------------------------------------------


def upload(client, headers: dict, data: dict, files: dict | None = None):
    return client.post(f"/api{plan_path('/realisations')}", {**data, **(files or {})}, **headers)


def test_realisation_with_evidence_on_an_approved_plan_only(
    client, world, catalog, tokens, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    plan_id = submitted_plan(client, catalog, tokens)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    form = {"title": "Pelatihan Integritas", "date": yesterday, "jp": "16"}
    early = upload(client, tokens["staff"], form)
    assert early.status_code == 400 and error_code(early) == "plan_not_approved"
    call(client, "post", f"/v1/plans/{plan_id}/decision", tokens["supervisor"], {"approve": True})

    pdf = SimpleUploadedFile("sertifikat.pdf", b"%PDF-1.4 bukti", content_type="application/pdf")
    item_id = PlanItem.objects.filter(plan_id=plan_id, training=catalog["int"]).get().pk
    done = upload(client, tokens["staff"], form | {"item_id": str(item_id)}, {"evidence": pdf})
    assert done.status_code == 201, done.content
    body = done.json()
    assert body["has_evidence"] is True and body["evidence_name"] == "sertifikat.pdf"
    assert body["item_id"] == item_id
    stored = Realisation.objects.get(pk=body["id"])
    assert "sertifikat" not in stored.evidence.name  # stored under a random name
    assert AuditEvent.objects.filter(action="plan.realisation").count() == 1

    before = plan_state()
    exe = SimpleUploadedFile("virus.exe", b"MZ....", content_type="application/octet-stream")
    assert error_code(upload(client, tokens["staff"], form, {"evidence": exe})) == "bad_file_type"
    fake = SimpleUploadedFile("foto.png", b"not a png", content_type="image/png")
    assert error_code(upload(client, tokens["staff"], form, {"evidence": fake})) == "bad_file_type"
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    assert upload(client, tokens["staff"], form | {"date": future}).status_code == 400
    no_plan = upload(client, tokens["peer"], form)
    assert no_plan.status_code == 404
    assert plan_state() == before
    progress = call(client, "get", plan_path(), tokens["staff"]).json()
    assert progress["jp_completed"] == 16 and progress["jp_planned"] == 20


# --- talent ------------------------------------------------------------------------------------


@pytest.fixture
def board(world, framework):
    cycle = final_cycle(world)
    for person, box in (
        (world.supervisor_employee, 9),
        (world.staff_employee, 5),
        (world.peer_employee, None),
    ):
        store(cycle, person, box=box, jpm=80.0, scores={"M.01": 3.0, "M.02": 2.0})
    return cycle


@pytest.mark.parametrize(
    "role,status",
    [
        ("admin", 200),
        ("leader", 200),
        ("supervisor", 403),
        ("staff", 403),
        ("peer", 403),
        ("outsider", 404),
    ],
)
def test_talent_endpoints_are_for_admin_and_leadership(client, world, board, tokens, role, status):
    target = world.head_position
    standard_for(target, {"M.01": 3, "M.02": 3})
    paths = [
        f"/v1/talent/cycles/{board.pk}/nine-box",
        f"/v1/talent/cycles/{board.pk}/nine-box/9",
        f"/v1/talent/cycles/{board.pk}/succession-pool",
        f"/v1/talent/candidates?position={target.pk}",
    ]
    for path in paths:
        response = call(client, "get", path, tokens[role])
        assert response.status_code == status, path
        if status != 200:
            assert error_code(response) == ("forbidden" if status == 403 else "not_found")


def test_nine_box_counts_and_members_with_follow_up(client, world, board, tokens):
    body = call(client, "get", f"/v1/talent/cycles/{board.pk}/nine-box", tokens["leader"]).json()
    counts = {b["box"]: b["count"] for b in body["boxes"]}
    assert counts == {
        b: EmployeeResult.objects.filter(cycle=board, nine_box=b).count() for b in range(1, 10)
    }
    assert (body["total"], body["without_box"], body["succession_pool"]) == (3, 1, 1)
    nine = next(b for b in body["boxes"] if b["box"] == 9)
    assert (nine["kinerja"], nine["potensial"], nine["follow_up_code"]) == (
        "di_atas",
        "tinggi",
        "promote_retain",
    )
    members = call(
        client, "get", f"/v1/talent/cycles/{board.pk}/nine-box/9", tokens["admin"]
    ).json()
    assert [m["name"] for m in members["items"]] == ["Budi Atasan"]
    assert members["items"][0]["follow_up"] == str(NINE_BOX_FOLLOW_UP[9])
    heads = call(
        client,
        "get",
        f"/v1/talent/cycles/{board.pk}/nine-box?position_type=pelaksana",
        tokens["admin"],
    ).json()
    assert heads["total"] == 2
    other_unit = call(
        client,
        "get",
        f"/v1/talent/cycles/{board.pk}/nine-box?unit={world.other_unit.pk}",
        tokens["admin"],
    )
    assert other_unit.status_code == 404
    bad_box = call(client, "get", f"/v1/talent/cycles/{board.pk}/nine-box/10", tokens["admin"])
    assert bad_box.status_code == 404


def test_a_running_cycle_has_no_nine_box(client, world, framework, tokens):
    running = make_cycle(world.agency, world.admin)
    response = call(client, "get", f"/v1/talent/cycles/{running.pk}/nine-box", tokens["admin"])
    assert response.status_code == 404


def test_candidates_ranked_with_readiness_gaps_and_eligibility(
    client, world, board, catalog, tokens
):
    target = world.head_position  # pengawas; Budi holds it and is not his own candidate
    target.min_grade = "III/a"
    target.save()
    standard_for(target, {"M.01": 3, "M.02": 3})
    path = f"/v1/talent/candidates?position={target.pk}"
    everyone = call(client, "get", path + "&eligible_only=false", tokens["admin"]).json()
    assert everyone["count"] == 2
    first = everyone["items"][0]
    assert first["rank"] == 1 and first["jpm"] == 83.33
    assert first["readiness"] == "siap_dengan_pengembangan"
    assert first["gaps"] == [
        {"competency": "M.02", "name": "Kerjasama", "score": 2.0, "required": 3}
    ]
    assert first["trainings"] == [{"name": "Kerjasama", "trainings": ["Coaching oleh atasan"]}]
    eligible = call(client, "get", path, tokens["admin"]).json()
    assert eligible["count"] == 2  # both pelaksana, golongan III/a, predikat baik
    other = call(
        client, "get", f"/v1/talent/candidates?position={world.other_position.pk}", tokens["admin"]
    )
    assert other.status_code == 404


# --- query counts ------------------------------------------------------------------------------


def count(client, path: str, headers: dict) -> tuple[int, int]:
    call(client, "get", path, headers)  # warm: the token's last-used time is written once
    with CaptureQueriesContext(connection) as queries:
        response = call(client, "get", path, headers)
    assert response.status_code == 200, response.content
    return len(queries), response.json()["count"]


LIST_QUERIES = {
    "trainings": 4,
    "to_decide": 5,
    "box": 5,
    "pool": 5,
    "candidates": 10,
}


def grow(world, board, n: int) -> None:
    for i in range(n):
        person = make_employee(
            world.agency,
            unit=world.subunit,
            position=world.staff_position,
            supervisor=world.supervisor_employee,
        )
        store(board, person, box=9, jpm=80.0, scores={"M.01": 2.0 + i % 10 / 10, "M.02": 2.0})
        training(world, f"T-{Training.objects.count()}")
        plan = services.plan_for(employee=person, year=YEAR)
        PlanItem.objects.create(plan=plan, title="x", jp_planned=20)
        DevelopmentPlan.objects.filter(pk=plan.pk).update(
            status=DevelopmentPlan.Status.SUBMITTED, submitted_at=timezone.now()
        )


def test_list_query_counts_are_pinned_and_do_not_grow(client, world, board, catalog, tokens):
    standard_for(world.head_position, {"M.01": 3, "M.02": 3})
    paths = {
        "trainings": ("/v1/trainings", "staff"),
        "to_decide": ("/v1/plans/to-decide", "supervisor"),
        "box": (f"/v1/talent/cycles/{board.pk}/nine-box/9", "admin"),
        "pool": (f"/v1/talent/cycles/{board.pk}/succession-pool", "admin"),
        "candidates": (
            f"/v1/talent/candidates?position={world.head_position.pk}&eligible_only=false",
            "admin",
        ),
    }
    grow(world, board, 1)
    small = {name: count(client, path, tokens[who]) for name, (path, who) in paths.items()}
    grow(world, board, 30)
    large = {name: count(client, path, tokens[who]) for name, (path, who) in paths.items()}
    for name in paths:
        assert large[name][1] > small[name][1], name
    assert {name: q for name, (q, _n) in small.items()} == LIST_QUERIES
    assert {name: q for name, (q, _n) in large.items()} == LIST_QUERIES
