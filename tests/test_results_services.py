"""Results: compute (fetch → score → bulk save), anonymity of what is stored, the supervisor's
rating perilaku, finalise, predikat organisasi and the distribution check."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinerja.assessment import services as assessment
from kinerja.assessment.models import Cycle, RaterAssignment, Response
from kinerja.assessment.services import Answer
from kinerja.assessment.simulate import simulate_responses
from kinerja.competencies.models import Competency, PositionStandard
from kinerja.core.errors import KinerjaError
from kinerja.core.models import AuditEvent
from kinerja.demo.synthetic import generate_agency
from kinerja.organisation.models import Employee
from kinerja.results import selectors, services
from kinerja.results.models import CycleResult, EmployeeResult, UnitPredikat

from .test_assessment_services import make_cycle


def answer_all(cycle, rater, ratee, level, *, strengths="", submit=True, **levels):
    items = [i["code"] for i in assessment.items_for_ratee(cycle, ratee)]
    answers = {code: Answer(level=levels.get(code.replace(".", "_"), level)) for code in items}
    a = RaterAssignment.objects.get(cycle=cycle, rater=rater, ratee=ratee)
    if rater.user is not None:
        assessment.acknowledge(cycle=cycle, user=rater.user)
    return assessment.response_save(
        assignment=a,
        answers=answers,
        strengths=strengths,
        to_develop="",
        submit=submit,
        acting_user=rater.user,
    )


@pytest.fixture
def closed_cycle(world, framework):
    """Staff (Sari) rated by the supervisor (4 everywhere, M.01 = 2) and herself (5); her one
    peer (Rudi) submits too, so the anonymous group has one rater: below the threshold of 3."""
    for code, level in (("M.01", 3), ("M.02", 2)):
        PositionStandard.objects.create(
            agency=world.agency,
            position=world.staff_position,
            competency=Competency.objects.get(agency=None, code=code),
            required_level=level,
        )
    cycle = make_cycle(world.agency, world.admin)
    staff, sup, peer = world.staff_employee, world.supervisor_employee, world.peer_employee
    answer_all(cycle, sup, staff, 4, M_01=2, strengths="Teliti dan cepat.")
    answer_all(cycle, staff, staff, 5)
    answer_all(cycle, peer, staff, 1, strengths="Rahasia rekan: jangan bocor.")
    assessment.work_result_set(
        cycle=cycle,
        employee=staff,
        rating="sesuai_ekspektasi",
        justification="Target tercapai.",
        acting_user=world.supervisor,
    )
    return assessment.cycle_transition(cycle=cycle, action="close", acting_user=world.admin)


def test_compute_stores_the_engine_numbers_for_each_ratee(world, closed_cycle):
    result = services.results_compute(cycle=closed_cycle, acting_user=world.admin)
    row = EmployeeResult.objects.get(cycle=closed_cycle, employee=world.staff_employee)

    m01 = row.items["M.01"]
    assert m01["score"] == 2.0 and m01["groups"] == {"atasan": {"mean": 2.0, "n": 1, "w": 0.5}}
    assert m01["self"] == 5.0 and "M.01" in row.blind_spots  # 5 − 2 ≥ 1
    # The lone peer (1 < 3 anonymous raters) is dropped from every output, never shown.
    assert all("rekan" not in item["groups"] for item in row.items.values())
    assert all("rekan_bawahan" not in item["groups"] for item in row.items.values())
    assert "anonim_dihapus" in m01["flags"] and row.flagged
    # JPM = 100 · (min(2, 3) + min(4, 2)) / (3 + 2) = 80.0 → Cukup Optimal
    assert row.items["M.02"]["gap"] == 2.0 and row.items["M.01"]["meets"] is False
    assert row.jpm == 80.0 and row.jpm_category == "cukup_optimal"
    # BerAKHLAK all 4 from the supervisor: perilaku 4.0 → di atas; hasil sesuai → Baik.
    assert row.perilaku_score == 4.0 and row.perilaku_suggested == "di_atas_ekspektasi"
    assert row.predikat == "baik" and row.hasil_kerja == "sesuai_ekspektasi"
    assert result.status == CycleResult.Status.COMPUTED and result.summary["employees"] >= 1
    assert AuditEvent.objects.filter(action="results.compute").count() == 1


def test_anonymous_comments_below_the_threshold_are_not_stored(world, closed_cycle):
    services.results_compute(cycle=closed_cycle, acting_user=world.admin)
    row = EmployeeResult.objects.get(cycle=closed_cycle, employee=world.staff_employee)
    texts = [c["text"] for c in row.comments]
    assert "Teliti dan cepat." in texts
    assert not any("Rahasia rekan" in t for t in texts)
    assert {c["source"] for c in row.comments} <= {"atasan", "diri", "anonim"}


def test_compute_is_idempotent_and_only_for_a_closed_cycle(world, framework, closed_cycle):
    services.results_compute(cycle=closed_cycle, acting_user=world.admin)
    first = list(EmployeeResult.objects.filter(cycle=closed_cycle).order_by("employee_id").values())
    services.results_compute(cycle=closed_cycle, acting_user=world.admin)
    again = list(EmployeeResult.objects.filter(cycle=closed_cycle).order_by("employee_id").values())
    strip = [{k: v for k, v in r.items() if k != "id"} for r in first]
    assert strip == [{k: v for k, v in r.items() if k != "id"} for r in again]

    running = make_cycle(world.agency, world.admin)
    with pytest.raises(KinerjaError) as refused:
        services.results_compute(cycle=running, acting_user=world.admin)
    assert refused.value.code == "cycle_not_closed"


def test_weights_saved_before_the_100_percent_rule_compute_as_their_proportions(
    world, closed_cycle
):
    services.results_compute(cycle=closed_cycle, acting_user=world.admin)
    expected = EmployeeResult.objects.get(cycle=closed_cycle, employee=world.staff_employee)
    # What the API once stored (220 %), written past the service as old data would be.
    w = closed_cycle.weights
    Cycle.objects.filter(pk=closed_cycle.pk).update(
        weight_supervisor=w["atasan"] * 2.2,
        weight_peer=w["rekan"] * 2.2,
        weight_subordinate=w["bawahan"] * 2.2,
        weight_self=w["diri"] * 2.2,
    )
    legacy = Cycle.objects.get(pk=closed_cycle.pk)
    assert round(sum(legacy.weights.values()), 2) == 2.2

    services.results_compute(cycle=legacy, acting_user=world.admin)
    again = EmployeeResult.objects.get(cycle=closed_cycle, employee=world.staff_employee)
    assert again.items == expected.items and again.jpm == expected.jpm
    assert again.perilaku_score == expected.perilaku_score


def test_perilaku_decision_needs_a_reason_to_differ_and_survives_recompute(world, closed_cycle):
    services.results_compute(cycle=closed_cycle, acting_user=world.admin)
    staff = world.staff_employee
    with pytest.raises(KinerjaError) as refused:
        services.perilaku_decide(
            cycle=closed_cycle,
            employee=staff,
            rating="di_bawah_ekspektasi",
            reason=" ",
            acting_user=world.supervisor,
        )
    assert refused.value.code == "reason_required"

    row = services.perilaku_decide(
        cycle=closed_cycle,
        employee=staff,
        rating="di_bawah_ekspektasi",
        reason="Sering terlambat melayani warga.",
        acting_user=world.supervisor,
    )
    # hasil sesuai × perilaku di bawah → Kurang/Misconduct (PermenPANRB 6/2022)
    # kinerja di bawah × potensial menengah (Cukup Optimal) → box 3
    assert row.predikat == "kurang" and row.nine_box == 3
    services.results_compute(cycle=closed_cycle, acting_user=world.admin)
    again = EmployeeResult.objects.get(cycle=closed_cycle, employee=staff)
    assert again.perilaku_rating == "di_bawah_ekspektasi" and again.predikat == "kurang"
    assert again.perilaku_suggested == "di_atas_ekspektasi"
    event = AuditEvent.objects.get(action="results.perilaku")
    assert event.after["reason"] == "Sering terlambat melayani warga."


def test_finalise_freezes_everything(world, closed_cycle):
    with pytest.raises(KinerjaError) as early:
        services.results_finalise(cycle=closed_cycle, acting_user=world.admin)
    assert early.value.code == "not_computed"
    services.results_compute(cycle=closed_cycle, acting_user=world.admin)
    result = services.results_finalise(cycle=closed_cycle, acting_user=world.admin)
    closed_cycle.refresh_from_db()
    assert result.is_final and closed_cycle.status == Cycle.Status.FINAL
    before = list(EmployeeResult.objects.filter(cycle=closed_cycle).values())
    for call in (
        lambda: services.results_compute(cycle=closed_cycle, acting_user=world.admin),
        lambda: services.perilaku_decide(
            cycle=closed_cycle,
            employee=world.staff_employee,
            rating="di_atas_ekspektasi",
            reason="",
            acting_user=world.supervisor,
        ),
        lambda: services.unit_predikat_set(
            cycle=closed_cycle, unit=None, predikat="baik", acting_user=world.admin
        ),
    ):
        with pytest.raises(KinerjaError) as refused:
            call()
        assert refused.value.code == "cycle_final"
    with pytest.raises(KinerjaError) as locked:
        assessment.cycle_update(cycle=closed_cycle, acting_user=world.admin, rater_model="ordinal")
    assert locked.value.code == "cycle_locked"
    assert list(EmployeeResult.objects.filter(cycle=closed_cycle).values()) == before


def test_release_digest_is_over_the_submitted_anonymous_forms_as_stored_by_earlier_versions(
    synthetic_cycle,
):
    """The digest a released cycle keeps must still match after an upgrade: sha256 over
    "id," of each submitted anonymous form in id order (what earlier versions wrote)."""
    import hashlib

    forms = Response.objects.filter(
        assignment__cycle=synthetic_cycle,
        assignment__relation__in=["rekan", "bawahan"],
        submitted_at__isnull=False,
    ).order_by("pk")
    ids = list(forms.values_list("pk", flat=True))
    assert len(ids) > 10
    expected = hashlib.sha256(b"".join(b"%d," % pk for pk in ids)).hexdigest()
    assert services.anonymous_release_digest(synthetic_cycle) == expected

    Response.objects.filter(pk=ids[3]).update(submitted_at=None)  # one form less: another digest
    assert services.anonymous_release_digest(synthetic_cycle) != expected
    Response.objects.filter(assignment__cycle=synthetic_cycle).update(submitted_at=None)
    assert services.anonymous_release_digest(synthetic_cycle) == hashlib.sha256(b"").hexdigest()


@pytest.fixture
def synthetic_cycle(db, framework):
    agency = generate_agency(code="sim", employees=40, seed=3)
    admin = None
    cycle = make_cycle(agency, admin)
    simulate_responses(cycle=cycle, seed=3)
    return assessment.cycle_transition(cycle=cycle, action="close", acting_user=admin)


def test_stored_results_never_hold_an_anonymous_group_below_the_threshold(synthetic_cycle):
    services.results_compute(cycle=synthetic_cycle, acting_user=None)
    k = synthetic_cycle.anonymity_threshold
    rows = EmployeeResult.objects.filter(cycle=synthetic_cycle)
    assert rows.count() == Employee.objects.filter(agency=synthetic_cycle.agency).count()
    seen_groups = set()
    for row in rows:
        for item in row.items.values():
            for name, group in item["groups"].items():
                seen_groups.add(name)
                if name in ("rekan", "bawahan", "rekan_bawahan"):
                    assert group["n"] >= k, (row.employee_id, item)
    assert "atasan" in seen_groups and seen_groups & {"rekan", "rekan_bawahan"}


def test_rater_correction_keeps_effects_of_named_raters_only_and_shows_bands(synthetic_cycle):
    assessment.cycle_update(cycle=synthetic_cycle, acting_user=None, rater_model="additive")
    result = services.results_compute(cycle=synthetic_cycle, acting_user=None)
    effects = result.summary["rater_effects"]
    supervisors = {
        str(pk)
        for pk in RaterAssignment.objects.filter(
            cycle=synthetic_cycle, relation="atasan"
        ).values_list("rater_id", flat=True)
    }
    assert effects and set(effects) <= supervisors  # never a rekan or bawahan
    assert abs(sum(effects.values())) < 0.05 * len(effects)  # centred over named raters
    calibration = result.summary["calibration"]
    assert calibration["used"] and sum(calibration["bands"]) == calibration["raters"] == len(
        effects
    )
    assert set(calibration["changed"]) == {"perilaku", "predikat", "nine_box"}
    assert result.policy["rater_correction"] is True and result.policy["rater_model"] == "additive"


def test_compute_query_count_does_not_grow_with_the_cycle(db, framework):
    counts = []
    for code, size in (("q1", 12), ("q2", 36)):
        agency = generate_agency(code=code, employees=size, seed=1)
        cycle = make_cycle(agency, None)
        simulate_responses(cycle=cycle, seed=1)
        cycle = assessment.cycle_transition(cycle=cycle, action="close", acting_user=None)
        with CaptureQueriesContext(connection) as ctx:
            services.results_compute(cycle=cycle, acting_user=None)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_distribution_check_reports_violations_without_changing_predikat(world, closed_cycle):
    services.results_compute(cycle=closed_cycle, acting_user=world.admin)
    before = dict(EmployeeResult.objects.filter(cycle=closed_cycle).values_list("id", "predikat"))
    services.unit_predikat_set(
        cycle=closed_cycle, unit=world.unit, predikat="butuh_perbaikan", acting_user=world.admin
    )
    [(setting, check)] = selectors.distribution_checks(cycle=closed_cycle)
    assert setting.unit == world.unit and setting.predikat == "butuh_perbaikan"
    assert check.counts["baik"] >= 1  # Sari, in a sub-unit of the unit, is counted
    assert any(
        v["rule"] == "at_least" and v["predikat"] == ["butuh_perbaikan"] for v in check.violations
    )
    assert (
        dict(EmployeeResult.objects.filter(cycle=closed_cycle).values_list("id", "predikat"))
        == before
    )
    services.unit_predikat_set(
        cycle=closed_cycle, unit=world.unit, predikat="", acting_user=world.admin
    )
    assert not UnitPredikat.objects.filter(cycle=closed_cycle).exists()
    with pytest.raises(KinerjaError):
        services.unit_predikat_set(
            cycle=closed_cycle, unit=world.other_unit, predikat="baik", acting_user=world.admin
        )
    assert Response.objects.exists()
