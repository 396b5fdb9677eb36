"""The assessment API: a rater's forms, the admin's cycles, and that nobody but the rater ever
reads an answer."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinerja.assessment import services
from kinerja.assessment.models import Cycle, RaterAssignment, Response
from kinerja.core.services import token_create

from .conftest import make_employee
from .test_assessment_services import add_teknis, codes, make_cycle

SECRET = "RAHASIA-RUDI"


def token(user, agency) -> dict:
    _token, secret = token_create(agency=agency, user=user, name="uji", acting_user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def call(client, method: str, path: str, headers: dict, body=None):
    kwargs = {"content_type": "application/json", **headers}
    if body is not None:
        return getattr(client, method)(f"/api{path}", json.dumps(body), **kwargs)
    return getattr(client, method)(f"/api{path}", **kwargs)


@pytest.fixture
def cycle(world, framework) -> Cycle:
    add_teknis(world, "T.01", position=world.staff_position, level=2)
    return make_cycle(world.agency, world.admin)


@pytest.fixture
def unacknowledged(world, framework) -> Cycle:
    add_teknis(world, "T.01", position=world.staff_position, level=2)
    return make_cycle(world.agency, world.admin, acknowledged=False)


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


def peer_form(cycle, world) -> RaterAssignment:
    """Rudi (peer) rates Sari (staff) as rekan."""
    return RaterAssignment.objects.get(
        cycle=cycle, rater=world.peer_employee, ratee=world.staff_employee
    )


def all_answers(cycle, ratee, level: int = 4) -> dict:
    return {code: {"level": level} for code in codes(cycle, ratee)}


# --- the rater ---------------------------------------------------------------------------------


def test_a_rater_lists_reads_drafts_and_submits_a_form(client, world, unacknowledged, tokens):
    cycle = unacknowledged
    me = tokens["peer"]
    listed = call(client, "get", "/v1/my/assignments", me)
    assert listed.status_code == 200, listed.content
    rows = listed.json()
    assert sorted((r["relation"], r["ratee_name"]) for r in rows) == [
        ("bawahan", "Budi Atasan"),
        ("diri", "Rudi Rekan"),
        ("rekan", "Sari Staf"),
    ]
    assert {r["state"] for r in rows} == {"belum_mulai"}
    assert all(r["cycle_name"] == "Siklus Uji 2026" and r["deadline"] for r in rows)

    form_id = peer_form(cycle, world).pk
    form = call(client, "get", f"/v1/assignments/{form_id}/form", me).json()
    assert form["ratee_name"] == "Sari Staf" and form["relation"] == "rekan"
    assert form["editable"] is True and form["state"] == "belum_mulai" and form["answers"] == {}
    item_codes = [item["code"] for item in form["items"]]
    assert len(item_codes) == 9 + 1 + 7 and "T.01" in item_codes
    m01 = next(item for item in form["items"] if item["code"] == "M.01")
    assert [lv["level"] for lv in m01["levels"]] == [1, 2, 3, 4, 5] and m01["levels"][0]["title"]
    b1 = next(item for item in form["items"] if item["code"] == "B1")
    assert b1["kind"] == "behaviour" and len(b1["guides"]) == 3

    answers = all_answers(cycle, world.staff_employee)
    last = answers.pop("B7")
    answers["M.02"] = {"level": None, "cannot_rate": True, "comment": "jarang bekerja sama"}
    # Nothing is saved before the purpose is acknowledged (as on the web).
    assert form["acknowledged"] is False
    refused = call(client, "put", f"/v1/assignments/{form_id}/draft", me, {"answers": answers})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_acknowledged"
    assert not Response.objects.filter(assignment_id=form_id).exists()
    purpose = call(client, "get", f"/v1/my/cycles/{cycle.pk}/purpose", me).json()
    assert purpose["purpose"] == cycle.purpose and purpose["acknowledged_at"] is None
    acknowledged = call(client, "post", f"/v1/my/cycles/{cycle.pk}/acknowledge", me).json()
    assert acknowledged["acknowledged_at"]
    again = call(client, "post", f"/v1/my/cycles/{cycle.pk}/acknowledge", me).json()
    assert again["acknowledged_at"] == acknowledged["acknowledged_at"]
    assert call(client, "get", f"/v1/assignments/{form_id}/form", me).json()["acknowledged"]
    saved = call(
        client,
        "put",
        f"/v1/assignments/{form_id}/draft",
        me,
        {"answers": answers, "strengths": "teliti"},
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["state"] == "draf" and saved.json()["version"] == 1

    form = call(client, "get", f"/v1/assignments/{form_id}/form", me).json()
    assert form["state"] == "draf" and form["strengths"] == "teliti"
    assert form["answers"]["M.02"] == {
        "level": None,
        "cannot_rate": True,
        "comment": "jarang bekerja sama",
    }
    assert form["answers"]["M.01"]["level"] == 4 and "B7" not in form["answers"]

    incomplete = call(client, "post", f"/v1/assignments/{form_id}/submit", me)
    assert incomplete.status_code == 400
    assert incomplete.json()["error"]["code"] == "incomplete"
    assert incomplete.json()["error"]["details"] == [{"item": "B7"}]

    call(client, "put", f"/v1/assignments/{form_id}/draft", me, {"answers": {"B7": last}})
    submitted = call(client, "post", f"/v1/assignments/{form_id}/submit", me)
    assert submitted.status_code == 200 and submitted.json()["state"] == "terkirim"
    again = call(client, "post", f"/v1/assignments/{form_id}/submit", me)
    assert again.status_code == 200 and again.json() == submitted.json()  # idempotent
    assert Response.objects.filter(assignment_id=form_id).count() == 1

    locked = call(
        client, "put", f"/v1/assignments/{form_id}/draft", me, {"answers": {"M.01": {"level": 1}}}
    )
    assert locked.status_code == 400 and locked.json()["error"]["code"] == "submitted"
    form = call(client, "get", f"/v1/assignments/{form_id}/form", me).json()
    assert form["editable"] is False and form["answers"]["M.01"]["level"] == 4
    states = {r["id"]: r["state"] for r in call(client, "get", "/v1/my/assignments", me).json()}
    assert states[form_id] == "terkirim"


def test_invalid_levels_and_unknown_items_are_refused(client, world, cycle, tokens):
    form_id = peer_form(cycle, world).pk
    for answers in ({"M.01": {"level": 6}}, {"M.01": {"level": 0}}, {"X.99": {"level": 3}}):
        response = call(
            client, "put", f"/v1/assignments/{form_id}/draft", tokens["peer"], {"answers": answers}
        )
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"
    assert not Response.objects.filter(assignment_id=form_id).exists()


def test_a_user_without_an_employee_record_has_no_forms(client, world, cycle, tokens):
    response = call(client, "get", "/v1/my/assignments", tokens["leader"])
    assert response.status_code == 200 and response.json() == []


# --- nobody else reads an answer ----------------------------------------------------------------


def test_a_peers_answers_are_never_readable_by_ratee_supervisor_admin_or_anyone(
    client, world, cycle, tokens
):
    form = peer_form(cycle, world)
    answers = all_answers(cycle, world.staff_employee, level=2)
    answers["M.01"]["comment"] = SECRET
    headers = tokens["peer"]
    body = {"answers": answers, "strengths": SECRET, "to_develop": SECRET}
    assert call(client, "put", f"/v1/assignments/{form.pk}/draft", headers, body).status_code == 200
    assert call(client, "post", f"/v1/assignments/{form.pk}/submit", headers).status_code == 200
    stored = Response.objects.get(assignment=form)

    staff_pk = world.staff_employee.pk
    readable = [
        "/v1/my/assignments",
        f"/v1/assignments/{form.pk}/form",
        "/v1/cycles",
        f"/v1/cycles/{cycle.pk}",
        f"/v1/cycles/{cycle.pk}/assignments",
        f"/v1/cycles/{cycle.pk}/assignments?ratee={staff_pk}",
        f"/v1/cycles/{cycle.pk}/assignments?rater={world.peer_employee.pk}",
        f"/v1/cycles/{cycle.pk}/progress",
    ]
    for who in ("staff", "supervisor", "admin", "leader", "outsider"):
        for path in readable:
            response = call(client, "get", path, tokens[who])
            assert SECRET.encode() not in response.content, (who, path)
            assert b'"level"' not in response.content or path == "/v1/my/assignments", (who, path)
        assert (
            call(client, "get", f"/v1/assignments/{form.pk}/form", tokens[who]).status_code == 404
        )
        for method, path, payload in [
            ("put", f"/v1/assignments/{form.pk}/draft", {"answers": {"M.01": {"level": 5}}}),
            ("post", f"/v1/assignments/{form.pk}/submit", None),
        ]:
            assert call(client, method, path, tokens[who], payload).status_code == 404, who
    after = Response.objects.get(assignment=form)
    assert (after.version, after.submitted_at, after.strengths) == (
        stored.version,
        stored.submitted_at,
        SECRET,
    )
    # The admin's list shows that the form is done, never what it says.
    rows = call(
        client, "get", f"/v1/cycles/{cycle.pk}/assignments?ratee={staff_pk}", tokens["admin"]
    ).json()["items"]
    row = next(r for r in rows if r["id"] == form.pk)
    assert row["state"] == "terkirim"
    assert set(row) == {
        "id",
        "rater_id",
        "rater_name",
        "ratee_id",
        "ratee_name",
        "relation",
        "source",
        "reason",
        "state",
    }


def test_another_agency_gets_404_on_every_cycle_endpoint(client, world, cycle, tokens):
    outsider = tokens["outsider"]
    for method, path, body in [
        ("get", f"/v1/cycles/{cycle.pk}", None),
        ("get", f"/v1/cycles/{cycle.pk}/assignments", None),
        ("get", f"/v1/cycles/{cycle.pk}/progress", None),
        ("post", f"/v1/cycles/{cycle.pk}/transition", {"action": "close"}),
        ("post", f"/v1/cycles/{cycle.pk}/assignments/generate", None),
        ("get", f"/v1/assignments/{peer_form(cycle, world).pk}/form", None),
    ]:
        response = call(client, method, path, outsider, body)
        assert response.status_code == 404, (path, response.content)
        assert response.json()["error"]["code"] == "not_found"
    assert call(client, "get", "/v1/cycles", outsider).json()["items"] == []
    cycle.refresh_from_db()
    assert cycle.status == "berjalan"
    # An employee of another agency as a filter is "not found", too.
    response = call(
        client,
        "get",
        f"/v1/cycles/{cycle.pk}/assignments?ratee={world.outsider_employee.pk}",
        tokens["admin"],
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "who,method,path,body,status",
    [
        ("staff", "get", "/v1/cycles", None, 403),
        ("supervisor", "get", "/v1/cycles/{c}/progress", None, 403),
        ("leader", "get", "/v1/cycles", None, 200),
        ("leader", "get", "/v1/cycles/{c}", None, 200),
        ("leader", "get", "/v1/cycles/{c}/progress", None, 200),
        ("leader", "get", "/v1/cycles/{c}/assignments", None, 403),
        ("leader", "post", "/v1/cycles/{c}/transition", {"action": "close"}, 403),
        ("leader", "post", "/v1/cycles/{c}/assignments/generate", None, 403),
        ("staff", "post", "/v1/cycles/{c}/transition", {"action": "close"}, 403),
        ("admin", "get", "/v1/cycles/{c}/assignments", None, 200),
    ],
)
def test_cycle_endpoints_follow_the_permissions(
    client, world, cycle, tokens, who, method, path, body, status
):
    response = call(client, method, path.format(c=cycle.pk), tokens[who], body)
    assert response.status_code == status, response.content
    cycle.refresh_from_db()
    assert cycle.status == "berjalan"


# --- the admin ---------------------------------------------------------------------------------


def test_admin_creates_generates_starts_and_follows_progress(client, world, framework, tokens):
    admin = tokens["admin"]
    created = call(
        client,
        "post",
        "/v1/cycles",
        admin,
        {
            "name": "Penilaian 360° 2026",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "deadline": "2099-01-31T23:59:00+07:00",
            "anonymity_threshold": 4,
        },
    )
    assert created.status_code == 201, created.content
    cycle = created.json()
    assert cycle["status"] == "draf" and cycle["anonymity_threshold"] == 4
    assert cycle["purpose"] and cycle["items"] == 0
    path = f"/v1/cycles/{cycle['id']}"

    generated = call(client, "post", f"{path}/assignments/generate", admin)
    assert generated.status_code == 200
    assert generated.json()["created"] == 9 and generated.json()["removed"] == 0
    assert len(generated.json()["below_threshold"]) == 3  # nobody has 4 anonymous raters

    started = call(client, "post", f"{path}/transition", admin, {"action": "start"})
    assert started.status_code == 200 and started.json()["status"] == "berjalan"
    assert started.json()["items"] == 9 + 7 and started.json()["framework_id"]

    progress = call(client, "get", f"{path}/progress", admin).json()
    assert progress["by_state"] == {"belum_mulai": 9, "draf": 0, "terkirim": 0}
    assert progress["by_relation"]["rekan"]["total"] == 2
    assert progress["by_unit"] == [
        {"unit": "Seksi Pemerintahan A", "total": 9, "belum_mulai": 9, "draf": 0, "terkirim": 0}
    ]

    own = RaterAssignment.objects.get(
        cycle_id=cycle["id"], rater=world.staff_employee, ratee=world.staff_employee
    )
    services.acknowledge(cycle=own.cycle, user=world.staff)
    services.response_save(
        assignment=own, answers={"M.01": services.Answer(level=3)}, acting_user=world.staff
    )
    progress = call(client, "get", f"{path}/progress", admin).json()
    assert progress["by_state"] == {"belum_mulai": 8, "draf": 1, "terkirim": 0}

    listed = call(client, "get", f"{path}/assignments?ratee={world.supervisor_employee.pk}", admin)
    assert listed.json()["count"] == 3  # self + two subordinates
    assert {r["relation"] for r in listed.json()["items"]} == {"diri", "bawahan"}

    bad = call(client, "post", f"{path}/transition", admin, {"action": "hapus"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_transition"
    closed = call(client, "post", f"{path}/transition", admin, {"action": "close"})
    assert closed.json()["status"] == "ditutup"
    assert call(client, "get", "/v1/cycles", admin).json()["count"] == 1


def test_creating_a_cycle_with_bad_settings_is_refused(client, world, framework, tokens):
    for body in [
        {"name": "X", "period_start": "2026-12-31", "period_end": "2026-01-01"},
        {
            "name": "X",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "anonymity_threshold": 1,
        },
        {
            "name": "X",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "jpm_categories": "z",
        },
    ]:
        body["deadline"] = "2099-01-31T23:59:00+07:00"
        response = call(client, "post", "/v1/cycles", tokens["admin"], body)
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"
    assert not Cycle.objects.exists()


# --- query counts ------------------------------------------------------------------------------


def grow(world, cycle, n: int) -> None:
    """n more staff under the supervisor; the assignments are generated again."""
    for _i in range(n):
        make_employee(
            world.agency,
            unit=world.subunit,
            position=world.staff_position,
            supervisor=world.supervisor_employee,
        )
    services.assignments_generate(cycle=cycle, acting_user=world.admin)


def count_queries(client, path: str, headers: dict) -> tuple[int, int]:
    call(client, "get", path, headers)  # warm: the token's last-used time is written once
    with CaptureQueriesContext(connection) as queries:
        response = call(client, "get", path, headers)
    assert response.status_code == 200
    body = response.json()
    return len(queries), len(body if isinstance(body, list) else body["items"])


@pytest.mark.parametrize(
    "who,path,pinned",
    [
        ("supervisor", "/v1/my/assignments", 4),
        ("admin", "/v1/cycles/{c}/assignments", 5),
    ],
)
def test_query_counts_are_pinned_and_do_not_grow(client, world, cycle, tokens, who, path, pinned):
    path = path.format(c=cycle.pk)
    small, small_rows = count_queries(client, path, tokens[who])
    grow(world, cycle, 30)
    services.acknowledge(cycle=cycle, user=world.supervisor)
    for a in RaterAssignment.objects.filter(cycle=cycle, rater=world.supervisor_employee)[:5]:
        services.response_save(
            assignment=a, answers={"M.01": services.Answer(level=3)}, acting_user=world.supervisor
        )
    large, large_rows = count_queries(client, path, tokens[who])
    assert large_rows > small_rows
    assert (small, large) == (pinned, pinned)
