"""Every rule the web enforces, the API (and `kinerja score` where it applies) enforces too, with
the same refusal and nothing changed: the rules live in the services, the faces only translate."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from kinerja.assessment.models import Cycle, RaterAssignment, Response
from kinerja.results import services as results

from .test_api_assessment import call, token
from .test_assessment_admin import cycle_post
from .test_assessment_services import make_cycle
from .test_results_services import closed_cycle  # noqa: F401  (a fixture)

API_BASE = {
    "name": "Penilaian 360° 2025",
    "period_start": "2025-01-01",
    "period_end": "2025-12-31",
    "deadline": "2099-01-31T23:59:00+07:00",
}

# (rule, web form values, the same as API fields, the same as a `kinerja score` policy or None,
#  words of the one message both faces show)
CYCLE_RULES = [
    (
        "weights_total_100",
        {"weight_supervisor": 120, "weight_peer": 80, "weight_subordinate": 20},
        {"weight_supervisor": "1.2", "weight_peer": "0.8", "weight_subordinate": "0.2"},
        {"weights": {"atasan": 1.2, "rekan": 0.8, "bawahan": 0.2, "diri": 0}},
        "harus 100 %",
    ),
    (
        "anonymity_k_at_least_2",
        {"anonymity_threshold": 1},
        {"anonymity_threshold": 1},
        {"min_anonymous_raters": 1},
        "antara 2 dan 20",
    ),
    (
        "negative_weight",
        {"weight_supervisor": 110, "weight_peer": -10, "weight_subordinate": 0},
        {"weight_supervisor": "1.1", "weight_peer": "-0.1", "weight_subordinate": "0"},
        {"weights": {"atasan": 1.1, "rekan": -0.1, "bawahan": 0, "diri": 0}},
        "negatif",
    ),
    (
        "anonymity_k_at_most_20",
        {"anonymity_threshold": 21},
        {"anonymity_threshold": 21},
        None,
        "20",
    ),
    ("max_forms_per_rater", {"max_forms_per_rater": 0}, {"max_forms_per_rater": 0}, None, "100"),
    ("max_peers", {"max_peers": 21}, {"max_peers": 21}, None, "20"),
    ("max_subordinates", {"max_subordinates": 51}, {"max_subordinates": 51}, None, "50"),
    (
        "period_end_not_before_start",
        {"period_end": "2024-12-31"},
        {"period_end": "2024-12-31"},
        None,
        "Akhir periode",
    ),
]


@pytest.mark.parametrize(
    "rule, web, api, policy, words", CYCLE_RULES, ids=[r[0] for r in CYCLE_RULES]
)
def test_a_cycle_rule_refuses_alike_on_web_api_and_score(
    client, world, framework, tmp_path, rule, web, api, policy, words
):
    client.force_login(world.admin)
    page = client.post(reverse("assessment:cycle_create"), cycle_post(**web))
    assert page.status_code == 200  # the form again, with the service's message
    assert words in page.content.decode(), rule

    response = call(client, "post", "/v1/cycles", token(world.admin, world.agency), API_BASE | api)
    assert response.status_code == 400, (rule, response.content)
    error = response.json()["error"]
    assert error["code"] == "invalid" and words in error["message"], (rule, error)
    assert not Cycle.objects.exists()

    if policy is not None:  # `kinerja score` reads the same policy through Policy.from_dict
        path = tmp_path / "doc.json"
        path.write_text(json.dumps({"policy": policy, "employees": [], "ratings": []}))
        with pytest.raises(CommandError, match=r"\[policy_"):
            call_command("score", str(path), stdout=io.StringIO())


def test_changing_weights_of_a_draft_cycle_refuses_alike(client, world, framework):
    cycle = make_cycle(world.agency, world.admin, generate=False, start=False)
    client.force_login(world.admin)
    client.post(reverse("assessment:cycle_edit", args=[cycle.pk]), cycle_post(weight_peer=90))
    cycle.refresh_from_db()
    assert cycle.weight_peer == Decimal("0.30")


@pytest.mark.parametrize("action", ["draft", "submit"])
def test_no_form_is_saved_before_the_purpose_is_acknowledged_on_either_face(
    client, world, framework, action
):
    cycle = make_cycle(world.agency, world.admin, acknowledged=False)
    form = RaterAssignment.objects.get(
        cycle=cycle, rater=world.peer_employee, ratee=world.staff_employee
    )
    client.force_login(world.peer)
    web_url = reverse(
        "assessment:form_save" if action == "draft" else "assessment:form_submit", args=[form.pk]
    )
    page = client.post(web_url, {"item-M.01": "3"})
    assert page.status_code == 302
    assert page.url.startswith(reverse("assessment:cycle_purpose", args=[cycle.pk]))
    client.logout()

    headers = token(world.peer, world.agency)
    if action == "draft":
        response = call(
            client,
            "put",
            f"/v1/assignments/{form.pk}/draft",
            headers,
            {"answers": {"M.01": {"level": 3}}},
        )
    else:
        response = call(client, "post", f"/v1/assignments/{form.pk}/submit", headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_acknowledged"
    assert not Response.objects.filter(assignment=form).exists()


def test_the_rater_model_is_chosen_refused_and_locked_alike_on_every_face(
    client,
    world,
    framework,
    tmp_path,
    closed_cycle,  # noqa: F811  (the fixture imported below)
):
    client.force_login(world.admin)
    headers = token(world.admin, world.agency)
    # Chosen: the cycle form, the API and the `kinerja score` document take the same three names.
    client.post(reverse("assessment:cycle_create"), cycle_post(rater_model="ordinal"))
    assert Cycle.objects.get(name="Penilaian 360° 2025").rater_model == "ordinal"
    made = call(client, "post", "/v1/cycles", headers, API_BASE | {"rater_model": "additive"})
    assert made.status_code == 201 and made.json()["rater_model"] == "additive"
    path = tmp_path / "doc.json"
    path.write_text(
        json.dumps({"policy": {"rater_model": "ordinal"}, "employees": [], "ratings": []})
    )
    call_command("score", str(path), "--out", str(tmp_path / "out.json"), stdout=io.StringIO())
    assert json.loads((tmp_path / "out.json").read_text())["policy"]["rater_model"] == "ordinal"

    # Refused: an unknown model, with the one message on web and API.
    message = "Model penilai harus none, additive atau ordinal."
    page = client.post(
        reverse("results:rater_model", args=[closed_cycle.pk]),
        {"rater_model": "rasch"},
        follow=True,
    )
    assert message in page.content.decode()
    response = call(
        client, "patch", f"/v1/cycles/{closed_cycle.pk}", headers, {"rater_model": "rasch"}
    )
    assert response.status_code == 400 and response.json()["error"]["message"] == message
    path.write_text(json.dumps({"policy": {"rater_model": "rasch"}, "employees": []}))
    with pytest.raises(CommandError, match=r"\[policy_bad_rater_model\]"):
        call_command("score", str(path), stdout=io.StringIO())

    # Changed until the first release, on either face; locked after it, on either face.
    response = call(
        client, "patch", f"/v1/cycles/{closed_cycle.pk}", headers, {"rater_model": "ordinal"}
    )
    assert response.status_code == 200 and response.json()["rater_model"] == "ordinal"
    results.results_compute(cycle=closed_cycle, acting_user=world.admin)
    response = call(
        client, "patch", f"/v1/cycles/{closed_cycle.pk}", headers, {"rater_model": "none"}
    )
    assert response.json()["error"]["code"] == "results_released"
    page = client.post(
        reverse("results:rater_model", args=[closed_cycle.pk]), {"rater_model": "none"}, follow=True
    )
    assert "model penilai tidak dapat diubah lagi" in page.content.decode()
    assert Cycle.objects.get(pk=closed_cycle.pk).rater_model == "ordinal"
