"""Assessment services: the cycle lifecycle, generated assignments, answers (drafts, submit,
locks, concurrency), reminders and simulated responses."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from statistics import mean

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kinerja.assessment import services
from kinerja.assessment.models import (
    Cycle,
    RaterAssignment,
    ReminderLog,
    Response,
    ResponseItem,
)
from kinerja.assessment.reminders import send_reminders
from kinerja.assessment.services import Answer
from kinerja.assessment.simulate import simulate_responses
from kinerja.competencies.models import Competency, PositionStandard
from kinerja.core.errors import KinerjaError
from kinerja.core.models import AuditEvent
from kinerja.demo.synthetic import NATIONAL_CODES, generate_agency
from kinerja.organisation.models import Employee

from .conftest import make_employee

BERAKHLAK = 7


def make_cycle(
    agency,
    acting_user,
    *,
    generate: bool = True,
    start: bool = True,
    acknowledged: bool = True,
    deadline=None,
    **options,
) -> Cycle:
    """A cycle; started, every rater has also acknowledged its purpose (no form is saved before
    that: test_rules_every_face.py) unless `acknowledged=False`."""
    cycle = services.cycle_create(
        agency=agency,
        acting_user=acting_user,
        name="Siklus Uji 2026",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        deadline=deadline or timezone.now() + dt.timedelta(days=30),
        **options,
    )
    if generate:
        services.assignments_generate(cycle=cycle, acting_user=acting_user)
    if start:
        cycle = services.cycle_start(cycle=cycle, acting_user=acting_user)
        if acknowledged:
            acknowledge_all(cycle)
    return cycle


def acknowledge_all(cycle: Cycle) -> None:
    """Every rater with a login acknowledges the cycle's purpose."""
    raters = Employee.objects.filter(assignments_as_rater__cycle=cycle, user__isnull=False)
    for rater in raters.distinct().select_related("user"):
        services.acknowledge(cycle=cycle, user=rater.user)


def add_teknis(world, code: str = "T.01", *, position=None, level: int = 3) -> Competency:
    competency = Competency.objects.create(
        agency=world.agency, code=code, name=f"Teknis {code}", group="teknis", definition="-"
    )
    if position is not None:
        PositionStandard.objects.create(
            agency=world.agency, position=position, competency=competency, required_level=level
        )
    return competency


def assignment(cycle, rater, ratee) -> RaterAssignment:
    return RaterAssignment.objects.get(cycle=cycle, rater=rater, ratee=ratee)


def codes(cycle, ratee) -> list[str]:
    return [item["code"] for item in services.items_for_ratee(cycle, ratee)]


def full_answers(cycle, ratee, level: int = 3) -> dict[str, Answer]:
    return {code: Answer(level=level) for code in codes(cycle, ratee)}


def triples(cycle) -> set[tuple[int, int, str]]:
    return set(
        RaterAssignment.objects.filter(cycle=cycle).values_list("rater_id", "ratee_id", "relation")
    )


def answers_of(response: Response) -> dict[str, tuple]:
    return {
        r.item: (r.level, r.cannot_rate, r.comment)
        for r in ResponseItem.objects.filter(response=response)
    }


@pytest.fixture
def cycle(world, framework) -> Cycle:
    add_teknis(world, "T.01", position=world.staff_position, level=2)
    add_teknis(world, "T.99")  # in no standard: not assessed
    return make_cycle(world.agency, world.admin)


# --- lifecycle ---------------------------------------------------------------------------------


def test_lifecycle_runs_draft_running_closed_running_closed_final(world, framework):
    cycle = make_cycle(world.agency, world.admin, start=False)
    assert cycle.status == Cycle.Status.DRAFT
    cycle = services.cycle_transition(cycle=cycle, action="start", acting_user=world.admin)
    assert cycle.status == Cycle.Status.RUNNING and cycle.started_at
    for action, status in [
        ("close", Cycle.Status.CLOSED),
        ("reopen", Cycle.Status.RUNNING),
        ("close", Cycle.Status.CLOSED),
        ("finalise", Cycle.Status.FINAL),
    ]:
        cycle = services.cycle_transition(cycle=cycle, action=action, acting_user=world.admin)
        assert cycle.status == status
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.FINAL and cycle.closed_at and cycle.finalised_at
    actions = list(
        AuditEvent.objects.filter(agency=world.agency, action__startswith="cycle.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "cycle.create",
        "cycle.start",
        "cycle.close",
        "cycle.reopen",
        "cycle.close",
        "cycle.finalise",
    ]


@pytest.mark.parametrize(
    "status,action",
    [
        ("draf", "close"),
        ("draf", "reopen"),
        ("draf", "finalise"),
        ("berjalan", "start"),
        ("berjalan", "reopen"),
        ("berjalan", "finalise"),
        ("ditutup", "start"),
        ("ditutup", "close"),
        ("final", "start"),
        ("final", "close"),
        ("final", "reopen"),
        ("final", "finalise"),
        ("berjalan", "hapus"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(world, framework, status, action):
    cycle = make_cycle(world.agency, world.admin, start=status != "draf")
    Cycle.objects.filter(pk=cycle.pk).update(status=status)
    cycle.refresh_from_db()
    events = AuditEvent.objects.count()
    with pytest.raises(KinerjaError) as error:
        services.cycle_transition(cycle=cycle, action=action, acting_user=world.admin)
    assert error.value.code == "bad_transition"
    cycle.refresh_from_db()
    assert cycle.status == status and AuditEvent.objects.count() == events


def test_start_needs_assignments(world, framework):
    cycle = make_cycle(world.agency, world.admin, generate=False, start=False)
    with pytest.raises(KinerjaError) as error:
        services.cycle_start(cycle=cycle, acting_user=world.admin)
    assert error.value.code == "no_assignments"


def test_start_freezes_framework_items_and_standards(world, framework, cycle):
    assert cycle.framework_id == framework.pk
    kinds = Counter(item["kind"] for item in cycle.items)
    assert kinds == {"competency": 9 + 1, "behaviour": BERAKHLAK}
    item_codes = [item["code"] for item in cycle.items]
    assert item_codes[:9] == list(NATIONAL_CODES) and "T.01" in item_codes
    assert "T.99" not in item_codes  # a teknis competency in no standard is not assessed
    assert all(
        len(i["levels"]) == 5
        for i in cycle.items
        if i["kind"] == "competency" and i["group"] != "teknis"
    )
    assert cycle.standards == {str(world.staff_position.pk): {"T.01": 2}}
    # The staff member is assessed on T.01 (their standard); the supervisor is not.
    assert "T.01" in codes(cycle, world.staff_employee)
    assert "T.01" not in codes(cycle, world.supervisor_employee)
    assert len(codes(cycle, world.staff_employee)) == 9 + 1 + BERAKHLAK

    # Later changes to the dictionary or the standards do not reach the running cycle.
    PositionStandard.objects.filter(agency=world.agency).update(required_level=5)
    add_teknis(world, "T.02", position=world.head_position)
    cycle.refresh_from_db()
    assert cycle.standards == {str(world.staff_position.pk): {"T.01": 2}}
    assert "T.02" not in [item["code"] for item in cycle.items]


def test_final_cycle_is_immutable(world, framework, cycle):
    for action in ("close", "finalise"):
        cycle = services.cycle_transition(cycle=cycle, action=action, acting_user=world.admin)
    a = assignment(cycle, world.staff_employee, world.staff_employee)
    before = (triples(cycle), Response.objects.count(), cycle.name, cycle.deadline)
    attempts = [
        lambda: services.cycle_update(cycle=cycle, acting_user=world.admin, name="Baru"),
        lambda: services.cycle_transition(cycle=cycle, action="reopen", acting_user=world.admin),
        lambda: services.assignments_generate(cycle=cycle, acting_user=world.admin),
        lambda: services.assignment_remove(assignment=a, reason="x", acting_user=world.admin),
        lambda: services.response_save(
            assignment=a, answers={"M.01": Answer(level=3)}, acting_user=world.staff
        ),
        lambda: services.work_result_set(
            cycle=cycle,
            employee=world.staff_employee,
            rating="sesuai_ekspektasi",
            justification="",
            acting_user=world.admin,
        ),
    ]
    for attempt in attempts:
        with pytest.raises(KinerjaError):
            attempt()
    cycle.refresh_from_db()
    assert (triples(cycle), Response.objects.count(), cycle.name, cycle.deadline) == before
    assert cycle.status == Cycle.Status.FINAL


# --- assignments -------------------------------------------------------------------------------


def test_generated_assignments_follow_the_org_chart(world, framework, cycle):
    sup, staff, peer = world.supervisor_employee, world.staff_employee, world.peer_employee
    assert triples(cycle) == {
        (sup.pk, sup.pk, "diri"),
        (staff.pk, staff.pk, "diri"),
        (peer.pk, peer.pk, "diri"),
        (sup.pk, staff.pk, "atasan"),
        (sup.pk, peer.pk, "atasan"),
        (staff.pk, peer.pk, "rekan"),
        (peer.pk, staff.pk, "rekan"),
        (staff.pk, sup.pk, "bawahan"),
        (peer.pk, sup.pk, "bawahan"),
    }
    assert not RaterAssignment.objects.filter(rater=world.outsider_employee).exists()


def test_generate_twice_gives_the_same_set_and_keeps_manual_and_answered(world, framework, cycle):
    dewi = make_employee(world.agency, unit=world.unit, position=world.head_position, name="Dewi")
    manual = services.assignment_add(
        cycle=cycle,
        rater=dewi,
        ratee=world.staff_employee,
        relation="rekan",
        reason="bekerja sama dalam tim PATEN",
        acting_user=world.admin,
    )
    answered = assignment(cycle, world.peer_employee, world.staff_employee)
    services.response_save(
        assignment=answered, answers={"M.01": Answer(level=4)}, acting_user=world.peer
    )
    first = triples(cycle)

    report = services.assignments_generate(cycle=cycle, acting_user=world.admin)
    second = triples(cycle)
    report_again = services.assignments_generate(cycle=cycle, acting_user=world.admin)
    assert triples(cycle) == second
    # Dewi is new in the org chart, so the second plan includes her own forms; the rest stays.
    assert first <= second
    assert second - first == {(dewi.pk, dewi.pk, "diri")}
    assert RaterAssignment.objects.filter(pk=manual.pk, source="manual").exists()
    assert RaterAssignment.objects.filter(pk=answered.pk).exists()
    assert answers_of(answered.response) == {"M.01": (4, False, "")}
    assert report.kept == report_again.kept == 2
    assert report_again.created == report_again.removed


def test_generate_on_a_closed_cycle_is_refused(world, framework, cycle):
    services.cycle_transition(cycle=cycle, action="close", acting_user=world.admin)
    before = triples(cycle)
    with pytest.raises(KinerjaError) as error:
        services.assignments_generate(cycle=cycle, acting_user=world.admin)
    assert error.value.code == "cycle_locked" and triples(cycle) == before


# --- answers -----------------------------------------------------------------------------------


def test_draft_answers_merge(world, framework, cycle):
    a = assignment(cycle, world.staff_employee, world.peer_employee)
    services.response_save(
        assignment=a,
        answers={"M.01": Answer(level=3, comment="teliti")},
        strengths="rapi",
        acting_user=world.staff,
    )
    response = services.response_save(
        assignment=a,
        answers={"M.02": Answer(cannot_rate=True), "B1": Answer(level=5)},
        to_develop="presentasi",
        acting_user=world.staff,
    )
    services.response_save(assignment=a, answers={"M.01": Answer(level=2)}, acting_user=world.staff)
    response.refresh_from_db()
    assert answers_of(response) == {
        "M.01": (2, False, ""),
        "M.02": (None, True, ""),
        "B1": (5, False, ""),
    }
    assert (response.strengths, response.to_develop) == ("rapi", "presentasi")
    assert response.version == 3 and not response.is_submitted
    assert Response.objects.filter(assignment=a).count() == 1


@pytest.mark.parametrize("level", [0, 6, -1])
def test_level_outside_1_to_5_is_refused_by_the_service(world, framework, cycle, level):
    a = assignment(cycle, world.staff_employee, world.peer_employee)
    with pytest.raises(KinerjaError) as error:
        services.response_save(
            assignment=a, answers={"M.01": Answer(level=level)}, acting_user=world.staff
        )
    assert error.value.code == "invalid"
    assert not Response.objects.filter(assignment=a).exists()


def test_level_6_is_refused_by_the_database(world, framework, cycle):
    a = assignment(cycle, world.staff_employee, world.peer_employee)
    response = services.response_save(
        assignment=a, answers={"M.01": Answer(level=3)}, acting_user=world.staff
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ResponseItem.objects.create(response=response, item="M.02", level=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResponseItem.objects.filter(response=response).update(level=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(agency=world.agency, assignment=a)  # one response per form
    assert answers_of(response) == {"M.01": (3, False, "")}


def test_an_item_not_on_the_form_is_refused(world, framework, cycle):
    a = assignment(cycle, world.staff_employee, world.supervisor_employee)
    with pytest.raises(KinerjaError) as error:
        services.response_save(
            assignment=a, answers={"T.01": Answer(level=3)}, acting_user=world.staff
        )
    assert error.value.code == "invalid"


def test_incomplete_submit_names_the_missing_items(world, framework, cycle):
    a = assignment(cycle, world.staff_employee, world.peer_employee)
    answers = full_answers(cycle, world.peer_employee)
    for code in ("M.03", "B7"):
        del answers[code]
    answers["T.01"] = Answer(level=None)  # a blank answer is not an answer
    services.response_save(assignment=a, answers=answers, acting_user=world.staff)
    with pytest.raises(KinerjaError) as error:
        services.response_save(assignment=a, answers={}, acting_user=world.staff, submit=True)
    assert error.value.code == "incomplete"
    assert sorted(d["item"] for d in error.value.details) == ["B7", "M.03", "T.01"]
    assert not Response.objects.get(assignment=a).is_submitted


def test_submit_locks_and_a_repeated_submit_returns_the_first(world, framework, cycle):
    a = assignment(cycle, world.staff_employee, world.peer_employee)
    answers = full_answers(cycle, world.peer_employee, level=4)
    answers["M.05"] = Answer(cannot_rate=True)
    first = services.response_save(
        assignment=a, answers=answers, acting_user=world.staff, submit=True
    )
    assert first.is_submitted
    again = services.response_save(assignment=a, answers={}, acting_user=world.staff, submit=True)
    assert again.pk == first.pk and again.submitted_at == first.submitted_at
    assert again.version == first.version
    assert Response.objects.filter(assignment=a).count() == 1
    with pytest.raises(KinerjaError) as error:
        services.response_save(
            assignment=a, answers={"M.01": Answer(level=1)}, acting_user=world.staff
        )
    assert error.value.code == "submitted"
    assert answers_of(first)["M.01"] == (4, False, "")
    assert AuditEvent.objects.filter(action="response.submit", object_id=str(a.pk)).count() == 1


@pytest.mark.parametrize("how", ["deadline", "closed"])
def test_nothing_changes_after_the_deadline_or_close(world, framework, cycle, how):
    a = assignment(cycle, world.staff_employee, world.peer_employee)
    response = services.response_save(
        assignment=a, answers={"M.01": Answer(level=3)}, acting_user=world.staff
    )
    untouched = assignment(cycle, world.staff_employee, world.staff_employee)
    if how == "deadline":
        Cycle.objects.filter(pk=cycle.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
        code = "deadline_passed"
    else:
        services.cycle_transition(cycle=cycle, action="close", acting_user=world.admin)
        code = "cycle_closed"
    for target, answers, submit in [
        (a, {"M.01": Answer(level=5)}, False),
        (a, full_answers(cycle, world.peer_employee), True),
        (untouched, {"M.01": Answer(level=5)}, False),
    ]:
        with pytest.raises(KinerjaError) as error:
            services.response_save(
                assignment=target, answers=answers, acting_user=world.staff, submit=submit
            )
        assert error.value.code == code
    response.refresh_from_db()
    assert answers_of(response) == {"M.01": (3, False, "")} and not response.is_submitted
    assert not Response.objects.filter(assignment=untouched).exists()


def _in_threads(*calls) -> list:
    """Runs each call in its own thread (own database connection), started together."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001  (reported to the test)
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_one_form_never_create_two_responses(world, framework):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write; the race needs PostgreSQL")
    add_teknis(world, "T.01", position=world.staff_position)
    cycle = make_cycle(world.agency, world.admin)
    a = assignment(cycle, world.staff_employee, world.peer_employee)
    all_codes = codes(cycle, world.peer_employee)
    half = len(all_codes) // 2

    def save(part):
        return lambda: services.response_save(
            assignment=a, answers={c: Answer(level=3) for c in part}, acting_user=world.staff
        )

    for _round in range(3):
        results = _in_threads(save(all_codes[:half]), save(all_codes[half:]))
        assert all(isinstance(r, Response) for r in results), results
    assert Response.objects.filter(assignment=a).count() == 1
    response = Response.objects.get(assignment=a)
    assert set(answers_of(response)) == set(all_codes)
    assert response.version == 6  # six saves, none lost

    submit = lambda: services.response_save(  # noqa: E731
        assignment=a, answers={}, acting_user=world.staff, submit=True
    )
    results = _in_threads(submit, submit, submit)
    assert all(isinstance(r, Response) for r in results), results
    assert {r.pk for r in results} == {response.pk}
    assert len({r.submitted_at for r in results}) == 1
    assert Response.objects.filter(assignment=a).count() == 1
    assert AuditEvent.objects.filter(action="response.submit").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_raters_save_forms_of_one_cycle_without_waiting_for_each_other(world, framework):
    """While one rater's save is still in its transaction, another rater's save of the same
    cycle goes through: neither the cycle row nor the agency row is locked for update."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time whatever is locked")
    cycle = make_cycle(world.agency, world.admin)
    mine = assignment(cycle, world.staff_employee, world.peer_employee)
    theirs = assignment(cycle, world.peer_employee, world.staff_employee)
    holding, released = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            services.response_save(
                assignment=mine, answers={"M.01": Answer(level=3)}, acting_user=world.staff
            )
            holding.set()
            released.wait(10)
        return True

    def second():
        holding.wait(10)
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                return services.response_save(
                    assignment=theirs, answers={"M.01": Answer(level=4)}, acting_user=world.peer
                )
        finally:
            released.set()

    results = _in_threads(first, second)
    assert results[0] is True and isinstance(results[1], Response), results


# --- reminders ---------------------------------------------------------------------------------

DEADLINE = dt.datetime(2099, 1, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture
def email_world(world, framework, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.KINERJA_BASE_URL = "https://kinerja.example.go.id/"
    Employee.objects.filter(pk=world.supervisor_employee.pk).update(email="budi@example.go.id")
    world.staff.email = "sari@example.go.id"  # no employee e-mail: the account's is used
    world.staff.save()
    cycle = make_cycle(world.agency, world.admin, deadline=DEADLINE)
    # Sari finishes her self-assessment: she still owes the peer and the subordinate forms.
    services.response_save(
        assignment=assignment(cycle, world.staff_employee, world.staff_employee),
        answers=full_answers(cycle, world.staff_employee),
        acting_user=world.staff,
        submit=True,
    )
    return world, cycle


def test_reminders_go_to_raters_with_open_forms_once_a_day(email_world):
    world, cycle = email_world
    today = dt.date(2099, 1, 10)
    assert send_reminders(cycle=cycle, acting_user=world.admin, today=today) == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"budi@example.go.id", "sari@example.go.id"}  # Rudi has no e-mail
    body = by_address["budi@example.go.id"].body
    assert body == (
        "Anda memiliki 3 formulir penilaian yang belum selesai pada siklus Siklus Uji 2026. "
        "Batas pengisian: 31 Januari 2099 pukul 23.59 WIB. "
        "Buka https://kinerja.example.go.id/penilaian/tugas/\n\n"
        "Untuk apa penilaian ini, siapa melihat apa, dan cara mengajukan keberatan: "
        f"https://kinerja.example.go.id/penilaian/siklus/{cycle.pk}/tujuan/\n"
        "Pertanyaan umum (FAQ): https://kinerja.example.go.id/penilaian/faq/"
    )
    assert "Anda memiliki 2 formulir" in by_address["sari@example.go.id"].body
    assert "Siklus Uji 2026" in by_address["sari@example.go.id"].subject

    assert send_reminders(cycle=cycle, acting_user=world.admin, today=today) == 0
    assert len(mail.outbox) == 2
    assert send_reminders(cycle=cycle, acting_user=None, today=today + dt.timedelta(days=1)) == 2
    assert len(mail.outbox) == 4
    assert ReminderLog.objects.filter(cycle=cycle).count() == 4
    runs = AuditEvent.objects.filter(action="cycle.remind").order_by("id")
    assert [e.after["sent"] for e in runs] == [2, 0, 2]


def test_a_rater_with_every_form_done_gets_no_reminder(email_world):
    world, cycle = email_world
    for a in RaterAssignment.objects.filter(cycle=cycle, rater=world.staff_employee):
        if not Response.objects.filter(assignment=a, submitted_at__isnull=False).exists():
            services.response_save(
                assignment=a,
                answers=full_answers(cycle, a.ratee),
                acting_user=world.staff,
                submit=True,
            )
    assert send_reminders(cycle=cycle, acting_user=world.admin) == 1
    assert [m.to for m in mail.outbox] == [["budi@example.go.id"]]


def test_reminders_only_for_running_cycles(email_world):
    world, cycle = email_world
    services.cycle_transition(cycle=cycle, action="close", acting_user=world.admin)
    with pytest.raises(KinerjaError) as error:
        send_reminders(cycle=cycle, acting_user=world.admin)
    assert error.value.code == "cycle_not_running" and mail.outbox == []


# --- simulation --------------------------------------------------------------------------------


def simulated_answers(cycle) -> dict[tuple[int, int, str], int | None]:
    return {
        (rater, ratee, item): level
        for rater, ratee, item, level in ResponseItem.objects.filter(
            response__assignment__cycle=cycle
        ).values_list(
            "response__assignment__rater_id",
            "response__assignment__ratee_id",
            "item",
            "level",
        )
    }


@pytest.fixture
def big_cycle(framework):
    agency = generate_agency(code="sim", employees=120, seed=5)
    return make_cycle(agency, None)


def test_simulation_fills_every_open_form_completely(big_cycle):
    cycle = big_cycle
    n = simulate_responses(cycle=cycle, seed=1)
    total = RaterAssignment.objects.filter(cycle=cycle).count()
    assert n == total == Response.objects.filter(submitted_at__isnull=False).count()
    for a in RaterAssignment.objects.filter(cycle=cycle).select_related("ratee", "response")[:50]:
        rows = ResponseItem.objects.filter(response=a.response)
        assert sorted(r.item for r in rows) == sorted(codes(cycle, a.ratee))
        for r in rows:
            assert (r.level is None) == r.cannot_rate
            assert r.level is None or 1 <= r.level <= 5
    event = AuditEvent.objects.get(action="cycle.simulate")
    assert event.after["forms"] == n and event.after["seed"] == 1
    assert simulate_responses(cycle=cycle, seed=1) == 0  # nothing left to fill


def test_simulated_levels_are_plausible(big_cycle):
    cycle = big_cycle
    simulate_responses(cycle=cycle, seed=3)
    rows = list(
        ResponseItem.objects.filter(response__assignment__cycle=cycle).values_list(
            "level",
            "response__assignment__relation",
            "item",
            "response__assignment__ratee__position_id",
        )
    )
    others = [r for r in rows if r[1] != "diri"]
    self_rows = [r for r in rows if r[1] == "diri"]
    share_cannot = sum(r[0] is None for r in others) / len(others)
    assert 0.02 <= share_cannot <= 0.09
    assert all(r[0] is not None for r in self_rows)
    self_mean = mean(r[0] for r in self_rows)
    others_mean = mean(r[0] for r in others if r[0] is not None)
    assert self_mean > others_mean
    # Competency answers sit near the required level of the ratee's position.
    gaps = [
        level - cycle.standards[str(position)][item]
        for level, _rel, item, position in rows
        if level is not None and item in cycle.standards.get(str(position), {})
    ]
    assert abs(mean(gaps)) < 0.6
    assert len(set(r[0] for r in rows)) >= 5  # uses the whole scale


def test_simulation_is_deterministic_for_a_seed(big_cycle):
    cycle = big_cycle
    simulate_responses(cycle=cycle, seed=11)
    first = simulated_answers(cycle)
    Response.objects.filter(assignment__cycle=cycle).delete()
    simulate_responses(cycle=cycle, seed=11)
    assert simulated_answers(cycle) == first
    Response.objects.filter(assignment__cycle=cycle).delete()
    simulate_responses(cycle=cycle, seed=12)
    assert simulated_answers(cycle) != first


def test_simulation_is_refused_once_real_people_answer_unless_forced(world, framework, cycle):
    a = assignment(cycle, world.staff_employee, world.peer_employee)
    subset = set(
        RaterAssignment.objects.filter(cycle=cycle)
        .exclude(pk=a.pk)
        .values_list("pk", flat=True)[:3]
    )
    assert simulate_responses(cycle=cycle, seed=1, assignment_ids=subset) == 3
    # Simulated answers are not "real": simulating the rest is still allowed later.
    services.response_save(
        assignment=a, answers={"M.01": Answer(level=1, comment="asli")}, acting_user=world.staff
    )
    before = Response.objects.filter(submitted_at__isnull=False).count()
    with pytest.raises(KinerjaError) as error:
        simulate_responses(cycle=cycle, seed=1)
    assert error.value.code == "real_people"
    assert Response.objects.filter(submitted_at__isnull=False).count() == before

    n = simulate_responses(cycle=cycle, seed=1, force=True)
    assert n == RaterAssignment.objects.filter(cycle=cycle).count() - 3
    response = Response.objects.get(assignment=a)
    assert response.is_submitted
    assert answers_of(response)["M.01"] == (1, False, "asli")  # the real answer was kept
    assert sorted(answers_of(response)) == sorted(codes(cycle, world.peer_employee))


def test_simulation_needs_a_running_cycle(world, framework):
    cycle = make_cycle(world.agency, world.admin, start=False)
    with pytest.raises(KinerjaError) as error:
        simulate_responses(cycle=cycle, seed=1)
    assert error.value.code == "cycle_not_running"
    assert not Response.objects.exists()
