"""The results API: who reads which stored result, compute and finalise, the rating perilaku
decision, errors as {"error": {code, message}}, another agency's objects 404, pinned queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinerja.assessment import services as assessment
from kinerja.assessment.models import Cycle
from kinerja.core.models import AuditEvent
from kinerja.results import services
from kinerja.results.models import CycleResult, EmployeeResult, PerilakuDecision

from .conftest import make_employee
from .test_api_assessment import call, token
from .test_results_pages_admin import results_state
from .test_results_services import answer_all, closed_cycle  # noqa: F401  (fixture)


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


@pytest.fixture
def computed(world, closed_cycle):  # noqa: F811
    services.results_compute(cycle=closed_cycle, acting_user=world.admin)
    return Cycle.objects.get(pk=closed_cycle.pk)


def error_code(response) -> str:
    return response.json()["error"]["code"]


# --- reading -----------------------------------------------------------------------------------


def test_admin_lists_the_cycles_results_and_filters_by_unit(client, world, computed, tokens):
    response = call(client, "get", f"/v1/cycles/{computed.pk}/results", tokens["admin"])
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    sari = next(r for r in body["items"] if r["name"] == "Sari Staf")
    assert sari["jpm"] == 80.0 and sari["jpm_category"] == "cukup_optimal"
    assert sari["predikat"] == "baik" and sari["flagged"] is True
    assert "items" not in sari  # the list is the summary; one employee's detail has the items
    by_unit = call(
        client, "get", f"/v1/cycles/{computed.pk}/results?unit={world.unit.pk}", tokens["leader"]
    ).json()
    assert by_unit["count"] == 3  # sub-units included
    search = call(client, "get", f"/v1/cycles/{computed.pk}/results?q=sari", tokens["admin"])
    assert [r["name"] for r in search.json()["items"]] == ["Sari Staf"]
    other = call(
        client,
        "get",
        f"/v1/cycles/{computed.pk}/results?unit={world.other_unit.pk}",
        tokens["admin"],
    )
    assert other.status_code == 404 and error_code(other) == "not_found"


@pytest.mark.parametrize(
    "who,status", [("supervisor", 403), ("staff", 403), ("peer", 403), ("outsider", 404)]
)
def test_only_admin_and_leadership_list_results(client, computed, tokens, who, status):
    response = call(client, "get", f"/v1/cycles/{computed.pk}/results", tokens[who])
    assert response.status_code == status
    assert error_code(response) == ("forbidden" if status == 403 else "not_found")


@pytest.mark.parametrize(
    "who,target,before_final,after_final",
    [
        ("admin", "staff", 200, 200),
        ("leader", "staff", 200, 200),
        ("supervisor", "staff", 200, 200),  # her supervisor, from computation on
        ("supervisor", "supervisor", 404, 200),  # his own: only once final
        ("staff", "staff", 404, 200),  # her own: only once final
        ("staff", "peer", 404, 404),  # a peer never
        ("peer", "staff", 404, 404),
        ("outsider", "staff", 404, 404),
    ],
)
def test_one_employees_result_follows_can_view_result(
    client, world, computed, tokens, who, target, before_final, after_final
):
    employee = getattr(world, f"{target}_employee")
    path = f"/v1/cycles/{computed.pk}/results/{employee.pk}"
    response = call(client, "get", path, tokens[who])
    assert response.status_code == before_final, response.content
    if before_final == 404:
        assert error_code(response) == "not_found"
    services.results_finalise(cycle=computed, acting_user=world.admin)
    response = call(client, "get", path, tokens[who])
    assert response.status_code == after_final
    if after_final == 200:
        body = response.json()
        assert body["employee_id"] == employee.pk and body["final"] is True


def test_detail_holds_no_anonymous_group_below_the_threshold_nor_rater(
    client, world, computed, tokens
):
    path = f"/v1/cycles/{computed.pk}/results/{world.staff_employee.pk}"
    body = call(client, "get", path, tokens["admin"]).json()
    m01 = body["items"]["M.01"]
    assert m01["groups"] == {"atasan": {"mean": 2.0, "n": 1, "w": 0.5}}
    assert "anonim_dihapus" in m01["flags"]
    text = str(body)
    assert "Rahasia rekan" not in text and "Rudi Rekan" not in text


def test_an_employee_of_another_agency_is_not_found(client, world, computed, tokens):
    path = f"/v1/cycles/{computed.pk}/results/{world.outsider_employee.pk}"
    response = call(client, "get", path, tokens["admin"])
    assert response.status_code == 404 and error_code(response) == "not_found"


def test_me_results_lists_only_final_cycles(client, world, computed, tokens):
    assert call(client, "get", "/v1/me/results", tokens["staff"]).json() == []
    services.results_finalise(cycle=computed, acting_user=world.admin)
    mine = call(client, "get", "/v1/me/results", tokens["staff"]).json()
    assert [(r["cycle_id"], r["employee_id"]) for r in mine] == [
        (computed.pk, world.staff_employee.pk)
    ]
    assert call(client, "get", "/v1/me/results", tokens["outsider"]).json() == []


# --- writing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["leader", "supervisor", "staff", "peer", "outsider"])
def test_compute_and_finalise_are_for_the_admin_only(client, world, computed, tokens, who):
    before = results_state(computed)
    for action in ("compute", "finalise"):
        response = call(client, "post", f"/v1/cycles/{computed.pk}/results/{action}", tokens[who])
        assert response.status_code == (404 if who == "outsider" else 403), action
    assert results_state(computed) == before


def test_admin_computes_then_finalises(client, world, closed_cycle, tokens):  # noqa: F811
    admin = tokens["admin"]
    early = call(client, "post", f"/v1/cycles/{closed_cycle.pk}/results/finalise", admin)
    assert early.status_code == 400 and error_code(early) == "not_computed"
    done = call(client, "post", f"/v1/cycles/{closed_cycle.pk}/results/compute", admin)
    assert done.status_code == 200
    body = done.json()
    assert body["status"] == "dihitung" and body["employees"] == 3
    assert body["policy"]["min_anonymous_raters"] == 3
    final = call(client, "post", f"/v1/cycles/{closed_cycle.pk}/results/finalise", admin).json()
    assert final["status"] == "final" and final["cycle_status"] == "final"
    again = call(client, "post", f"/v1/cycles/{closed_cycle.pk}/results/compute", admin)
    assert again.status_code == 400 and error_code(again) == "cycle_final"


def test_compute_of_a_running_cycle_is_refused(client, world, framework, tokens):
    from .test_assessment_services import make_cycle

    cycle = make_cycle(world.agency, world.admin)
    response = call(client, "post", f"/v1/cycles/{cycle.pk}/results/compute", tokens["admin"])
    assert response.status_code == 400 and error_code(response) == "cycle_not_closed"
    assert "Tutup pengisian" in response.json()["error"]["message"]
    assert not CycleResult.objects.filter(cycle=cycle).exists()


def test_transition_finalise_goes_through_the_results(client, world, closed_cycle, tokens):  # noqa: F811
    path = f"/v1/cycles/{closed_cycle.pk}/transition"
    refused = call(client, "post", path, tokens["admin"], {"action": "finalise"})
    assert refused.status_code == 400 and error_code(refused) == "not_computed"
    assert Cycle.objects.get(pk=closed_cycle.pk).status == Cycle.Status.CLOSED
    services.results_compute(cycle=closed_cycle, acting_user=world.admin)
    done = call(client, "post", path, tokens["admin"], {"action": "finalise"})
    assert done.status_code == 200 and done.json()["status"] == "final"
    assert CycleResult.objects.get(cycle=closed_cycle).is_final
    assert AuditEvent.objects.filter(action="results.finalise").count() == 1


def test_supervisor_decides_perilaku_with_a_reason(client, world, computed, tokens):
    path = f"/v1/cycles/{computed.pk}/results/{world.staff_employee.pk}/perilaku"
    missing = call(client, "post", path, tokens["supervisor"], {"rating": "di_bawah_ekspektasi"})
    assert missing.status_code == 400 and error_code(missing) == "reason_required"
    done = call(
        client,
        "post",
        path,
        tokens["supervisor"],
        {"rating": "di_bawah_ekspektasi", "reason": "Sering terlambat."},
    )
    assert done.status_code == 200
    body = done.json()
    assert body["perilaku_rating"] == "di_bawah_ekspektasi" and body["predikat"] == "kurang"
    bad = call(client, "post", path, tokens["admin"], {"rating": "luar_biasa", "reason": "x"})
    assert bad.status_code == 400 and error_code(bad) == "bad_rating"


@pytest.mark.parametrize(
    "who,status", [("leader", 403), ("staff", 404), ("peer", 404), ("outsider", 404)]
)
def test_perilaku_decision_is_for_the_direct_supervisor_or_admin(
    client, world, computed, tokens, who, status
):
    path = f"/v1/cycles/{computed.pk}/results/{world.staff_employee.pk}/perilaku"
    before = results_state(computed)
    response = call(
        client, "post", path, tokens[who], {"rating": "di_bawah_ekspektasi", "reason": "x"}
    )
    assert response.status_code == status
    assert results_state(computed) == before
    assert not PerilakuDecision.objects.exists()


# --- query counts ------------------------------------------------------------------------------


def grow_and_compute(world, n: int) -> Cycle:
    """A fresh closed cycle with n more staff under the supervisor, every one rated by him."""
    from .test_assessment_services import make_cycle

    for _i in range(n):
        make_employee(
            world.agency,
            unit=world.subunit,
            position=world.staff_position,
            supervisor=world.supervisor_employee,
        )
    cycle = make_cycle(world.agency, world.admin)
    cycle = assessment.cycle_transition(cycle=cycle, action="close", acting_user=world.admin)
    services.results_compute(cycle=cycle, acting_user=world.admin)
    return cycle


def count(client, path: str, headers: dict) -> tuple[int, int]:
    call(client, "get", path, headers)  # warm: the token's last-used time is written once
    with CaptureQueriesContext(connection) as queries:
        response = call(client, "get", path, headers)
    assert response.status_code == 200
    return len(queries), response.json()["count"]


LIST_QUERIES = 5


def test_results_list_query_count_is_pinned_and_does_not_grow(client, world, framework, tokens):
    small_cycle = grow_and_compute(world, 0)
    small, small_rows = count(client, f"/v1/cycles/{small_cycle.pk}/results", tokens["admin"])
    EmployeeResult.objects.all().delete()
    large_cycle = grow_and_compute(world, 30)
    large, large_rows = count(client, f"/v1/cycles/{large_cycle.pk}/results", tokens["admin"])
    assert large_rows > small_rows
    assert (small, large) == (LIST_QUERIES, LIST_QUERIES)
