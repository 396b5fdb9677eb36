"""Anonymity as a property against an attacker (ARCHITECTURE rule 6, docs/scoring.md "Anonimitas
terhadap penyerang"). The attacker is every role but the rater: the HR admin, the leadership, the
supervisor, through pages, exports and the API, and through every action the product allows
(compute, recompute, reopen, switching the correction). The rule under test: what reaches any of
them about an anonymous group is a function of each released group's per-item count and sum
only. So two worlds that differ in individual anonymous answers but agree on those counts and
sums (or differ only inside a group too small to be released) must look identical to them."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from kinerja.assessment import services as assessment
from kinerja.assessment.models import Cycle, RaterAssignment, Response, ResponseItem
from kinerja.core.errors import KinerjaError
from kinerja.results import services
from kinerja.results.models import CycleResult, EmployeeResult

from .conftest import make_employee, make_user
from .test_assessment_services import make_cycle

ANONYMOUS = ("rekan", "bawahan")


@dataclass
class Cast:
    cycle: Cycle
    ratee: object  # the employee whose anonymous groups are attacked
    other: object  # a second ratee of the same supervisor and peers (correction links them)
    boss_user: object


def build(world, *, peers: int, subordinates: int, k: int, correction: bool, levels) -> Cast:
    """A running cycle: supervisor S rates ratee R and a second ratee O; `peers` rekan and
    `subordinates` bawahan rate R (the rekan also rate O); everyone submits `levels(rater, item)`
    (None = tidak dapat menilai); then the cycle is closed."""
    cycle = make_cycle(
        world.agency,
        world.admin,
        generate=False,
        start=False,
        anonymity_threshold=k,
    )
    if correction:
        assessment.cycle_update(cycle=cycle, acting_user=world.admin, rater_model="additive")
        cycle.refresh_from_db()
    boss_user = make_user(f"boss{cycle.pk}", agency=world.agency)
    boss = make_employee(
        world.agency,
        unit=world.unit,
        position=world.head_position,
        user=boss_user,
        name="Atasan Penyerang",
    )
    ratee = make_employee(
        world.agency, unit=world.subunit, position=world.staff_position, supervisor=boss
    )
    other = make_employee(
        world.agency, unit=world.subunit, position=world.staff_position, supervisor=boss
    )
    raters = [("atasan", boss, ratee), ("atasan", boss, other)]
    for i in range(peers):
        peer = make_employee(
            world.agency, unit=world.subunit, position=world.staff_position, name=f"Rekan {i}"
        )
        raters += [("rekan", peer, ratee), ("rekan", peer, other)]
    for i in range(subordinates):
        sub = make_employee(
            world.agency,
            unit=world.subunit,
            position=world.staff_position,
            supervisor=ratee,
            name=f"Bawahan {i}",
        )
        raters.append(("bawahan", sub, ratee))
    assignments = [
        RaterAssignment.objects.create(
            agency=world.agency, cycle=cycle, rater=rater, ratee=about, relation=relation
        )
        for relation, rater, about in raters
    ]
    cycle = assessment.cycle_start(cycle=cycle, acting_user=world.admin)
    codes = [item["code"] for item in assessment.items_for_ratee(cycle, ratee)]
    for n, assignment in enumerate(assignments):
        response = Response.objects.create(
            agency=world.agency, assignment=assignment, submitted_at=timezone.now()
        )
        ResponseItem.objects.bulk_create(
            ResponseItem(
                response=response,
                item=code,
                level=levels(n, code),
                cannot_rate=levels(n, code) is None,
            )
            for code in codes
        )
    cycle = assessment.cycle_transition(cycle=cycle, action="close", acting_user=world.admin)
    return Cast(cycle, ratee, other, boss_user)


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"')
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}(:\d{2})?\b")


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return _TIME.sub("", _CSRF.sub("", response.content.decode()))


def attacker_view(client, world, cast: Cast) -> dict:
    """Everything the admin, the leadership and the supervisor can see of the cycle's results."""
    cycle = cast.cycle
    out: dict = {
        "stored": sorted(
            EmployeeResult.objects.filter(cycle=cycle).values_list(
                "employee_id", "items", "jpm", "perilaku_score", "predikat", "nine_box", "comments"
            ),
            key=lambda row: row[0],
        ),
        "summary": CycleResult.objects.get(cycle=cycle).summary,
    }
    for user in (world.admin, world.leader):
        client.force_login(user)
        for name in ("cycle", "calibration", "flagged"):
            out[(user.username, name)] = _page(client, reverse(f"results:{name}", args=[cycle.pk]))
        out[(user.username, "csv")] = list(
            csv.reader(
                io.StringIO(
                    b"".join(
                        client.get(reverse("results:export_csv", args=[cycle.pk])).streaming_content
                    ).decode("utf-8-sig")
                )
            )
        )
        book = load_workbook(
            io.BytesIO(client.get(reverse("results:export_xlsx", args=[cycle.pk])).content)
        )
        out[(user.username, "xlsx")] = [
            [cell for cell in row]
            for ws in book.worksheets
            for row in ws.iter_rows(values_only=True)
        ]
        for person in (cast.ratee, cast.other):
            out[(user.username, "api", person.pk)] = client.get(
                f"/api/v1/cycles/{cycle.pk}/results/{person.pk}"
            ).json()
        out[(user.username, "api-list")] = client.get(f"/api/v1/cycles/{cycle.pk}/results").json()
    client.force_login(cast.boss_user)
    for person in (cast.ratee, cast.other):
        out[("boss", person.pk)] = _page(
            client, reverse("results:member", args=[cycle.pk, person.pk])
        )
    client.logout()
    return out


def attack_sequence(client, world, cast: Cast) -> list[dict]:
    """What the attacker can try after the first release: every refusal must change nothing."""
    views = [attacker_view(client, world, cast)]
    for refused in (
        lambda: assessment.cycle_transition(
            cycle=cast.cycle, action="reopen", acting_user=world.admin
        ),
        lambda: assessment.cycle_update(
            cycle=cast.cycle,
            acting_user=world.admin,
            rater_model="none" if cast.cycle.rater_correction else "ordinal",
        ),
    ):
        with pytest.raises(KinerjaError) as error:
            refused()
        assert error.value.code == "results_released"
    services.results_compute(cycle=cast.cycle, acting_user=world.admin)
    views.append(attacker_view(client, world, cast))
    return views


def _answers(cast: Cast, relation: str, code: str) -> list[ResponseItem]:
    return list(
        ResponseItem.objects.filter(
            response__assignment__cycle=cast.cycle,
            response__assignment__ratee=cast.ratee,
            response__assignment__relation=relation,
            item=code,
            level__isnull=False,
        ).order_by("pk")
    )


# --- the three attacks of the issue, as regression tests ---------------------------------------


def test_one_more_rater_after_release_cannot_be_subtracted_reopen_is_refused(
    client, world, framework
):
    """Attack 1: compute with 3 anonymous raters, reopen, let a fourth submit, recompute, and
    n_after·mean_after − n_before·mean_before is the fourth rater's answer. Reopening is refused
    on every face once results were computed; nothing changes."""
    cast = build(world, peers=0, subordinates=3, k=3, correction=False, levels=lambda n, c: 3)
    services.results_compute(cycle=cast.cycle, acting_user=world.admin)
    before = attacker_view(client, world, cast)
    with pytest.raises(KinerjaError) as error:
        assessment.cycle_transition(cycle=cast.cycle, action="reopen", acting_user=world.admin)
    assert error.value.code == "results_released"
    client.force_login(world.admin)
    web = client.post(
        reverse("assessment:cycle_transition", args=[cast.cycle.pk, "reopen"]), follow=True
    )
    assert "tidak dapat dibuka kembali" in web.content.decode()
    api = client.post(
        f"/api/v1/cycles/{cast.cycle.pk}/transition",
        {"action": "reopen"},
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["error"]["code"] == "results_released"
    assert Cycle.objects.get(pk=cast.cycle.pk).status == Cycle.Status.CLOSED
    assert attacker_view(client, world, cast) == before


def test_the_spread_inside_a_group_is_not_shown_mean_and_sd_no_longer_give_the_multiset(
    client, world, framework
):
    """Attack 2: mean 3.33 and sd 0.58 over three integer answers reveal {3, 3, 4}. Answers
    {3, 3, 4} and {2, 4, 4} (same count, same sum) must give the attacker identical views."""
    cast = build(world, peers=0, subordinates=3, k=3, correction=False, levels=lambda n, c: 3)
    code = "M.01"
    first, second, third = _answers(cast, "bawahan", code)
    third.level = 4
    third.save(update_fields=["level"])
    services.results_compute(cycle=cast.cycle, acting_user=world.admin)
    a = attacker_view(client, world, cast)
    first.level, second.level = 2, 4  # {2, 4, 4}
    first.save(update_fields=["level"])
    second.save(update_fields=["level"])
    services.results_compute(cycle=cast.cycle, acting_user=world.admin)
    b = attacker_view(client, world, cast)
    item = dict((row[0], row[1]) for row in a["stored"])[cast.ratee.pk][code]
    bawahan = item["groups"]["bawahan"]
    assert (bawahan["mean"], bawahan["n"]) == (3.33, 3)
    assert a == b


def test_calibration_names_no_rater_and_a_subordinate_rating_only_the_boss_has_no_effect(
    client, world, framework
):
    """Attack 3: the calibration page listed every rater by name and NIP with their leniency b;
    for a subordinate whose only rating is of their boss, b is their mean deviation on the boss.
    Now only named raters (atasan) get a b at all, the page shows bands and counts, and each
    rater sees their own tendency alone."""
    cast = build(
        world,
        peers=3,
        subordinates=3,
        k=3,
        correction=True,
        levels=lambda n, c: 1 + (n * 7 + len(c)) % 5,
    )
    services.results_compute(cycle=cast.cycle, acting_user=world.admin)
    summary = CycleResult.objects.get(cycle=cast.cycle).summary
    anonymous_raters = {
        str(pk)
        for pk in RaterAssignment.objects.filter(
            cycle=cast.cycle, relation__in=ANONYMOUS
        ).values_list("rater_id", flat=True)
    }
    assert set(summary["rater_effects"]) == {str(cast.boss_user.employee.pk)}
    assert not set(summary["rater_effects"]) & anonymous_raters
    assert summary["calibration"]["raters"] == 1
    for user in (world.admin, world.leader):
        client.force_login(user)
        html = client.get(reverse("results:calibration", args=[cast.cycle.pk])).content.decode()
        for assignment in RaterAssignment.objects.filter(cycle=cast.cycle).select_related("rater"):
            assert assignment.rater.name not in html and assignment.rater.nip not in html
    # Once final, the boss sees their own b on their own page; nobody else's page carries it.
    services.results_finalise(cycle=cast.cycle, acting_user=world.admin)
    b = summary["rater_effects"][str(cast.boss_user.employee.pk)]
    client.force_login(cast.boss_user)
    [(cycle, tendency)] = client.get(reverse("results:my_results")).context["tendencies"]
    assert cycle == cast.cycle and tendency["b"] == b and tendency["n"] > 0
    client.force_login(world.staff)
    assert client.get(reverse("results:my_results")).context["tendencies"] == []


def test_a_released_form_that_vanishes_blocks_the_recompute(client, world, framework):
    """Deleting an anonymous rater (the employee, and so their form) and recomputing would give
    the difference of one rater. The recompute is refused and the released results stay."""
    cast = build(world, peers=0, subordinates=4, k=3, correction=False, levels=lambda n, c: 4)
    services.results_compute(cycle=cast.cycle, acting_user=world.admin)
    before = attacker_view(client, world, cast)
    RaterAssignment.objects.filter(cycle=cast.cycle, relation="bawahan").first().rater.delete()
    with pytest.raises(KinerjaError) as error:
        services.results_compute(cycle=cast.cycle, acting_user=world.admin)
    assert error.value.code == "release_changed"
    assert attacker_view(client, world, cast)["stored"] == before["stored"]


# --- the property -----------------------------------------------------------------------------


@st.composite
def worlds(draw):
    peers = draw(st.integers(min_value=0, max_value=4))
    subordinates = draw(st.integers(min_value=0, max_value=4))
    assume(peers + subordinates >= 1)
    table = draw(
        st.lists(
            st.one_of(st.none(), st.integers(min_value=1, max_value=5)),
            min_size=256,
            max_size=256,
        )
    )
    return {
        "peers": peers,
        "subordinates": subordinates,
        "k": draw(st.integers(min_value=2, max_value=4)),
        "correction": draw(st.booleans()),
        "table": table,
        "pick": draw(st.integers(min_value=0, max_value=10_000)),
    }


@pytest.mark.django_db(transaction=False)
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=worlds())
def test_no_sequence_of_actions_reveals_more_than_released_group_counts_and_sums(
    client, world, framework, spec
):
    """For generated cycles (k 2–4, peers and subordinates 0–4, nulls, correction on or off):
    compute, try to reopen and to switch the correction, recompute — then change the world in
    a way that keeps every released group's count and sum (two raters of one relation trade one
    level) or that touches only a group too small to be released. The attacker's views in both
    worlds are identical: no individual anonymous answer can be told apart."""
    table = spec["table"]

    def levels(n: int, code: str):
        return table[(n * 31 + sum(map(ord, code))) % len(table)]

    with transaction.atomic():
        cast = build(
            world,
            peers=spec["peers"],
            subordinates=spec["subordinates"],
            k=spec["k"],
            correction=spec["correction"],
            levels=levels,
        )
        services.results_compute(cycle=cast.cycle, acting_user=world.admin)
        seen = attack_sequence(client, world, cast)
        assert seen[0] == seen[1]

        codes = sorted(
            {a.item for a in ResponseItem.objects.filter(response__assignment__cycle=cast.cycle)}
        )
        code = codes[spec["pick"] % len(codes)]
        by_relation = {relation: _answers(cast, relation, code) for relation in ANONYMOUS}
        total = sum(len(answers) for answers in by_relation.values())
        k = spec["k"]
        alone = all(len(a) == 0 or len(a) >= k for a in by_relation.values())
        if not alone and total < k:
            # A dropped group: any change to it must be invisible.
            target = next(a for a in by_relation.values() if a)[0]
            target.level = 1 + target.level % 5
            target.save(update_fields=["level"])
        else:
            pairs = [
                (a[i], a[j])
                for a in by_relation.values()
                for i in range(len(a))
                for j in range(len(a))
                if i != j and a[i].level < 5 and a[j].level > 1
            ]
            assume(pairs)
            up, down = pairs[spec["pick"] % len(pairs)]
            up.level += 1
            down.level -= 1
            up.save(update_fields=["level"])
            down.save(update_fields=["level"])
        services.results_compute(cycle=cast.cycle, acting_user=world.admin)
        assert attacker_view(client, world, cast) == seen[0]
        transaction.set_rollback(True)
