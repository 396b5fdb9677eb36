"""Dialog kinerja: the supervisor schedules and records a feedback conversation with each team
member once their result exists, links agreed actions to the development plan, the employee
confirms or comments; HR and leadership see counts per unit, the content only when the cycle
says so. Each rule through the web and the API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from kinerja.assessment.models import Cycle
from kinerja.core.errors import KinerjaError
from kinerja.core.models import AuditEvent
from kinerja.development import services as development
from kinerja.dialogue import selectors, services
from kinerja.dialogue.models import AgreedAction, Dialogue
from kinerja.organisation.models import Employee
from kinerja.results import services as results
from kinerja.results.models import EmployeeResult

from .conftest import make_employee, make_user
from .test_results_services import closed_cycle  # noqa: F401  (fixture)

TODAY = timezone.localdate()


@pytest.fixture
def computed(world, closed_cycle):  # noqa: F811
    """Sari (staff) and Rudi (peer) have computed results; Dewi, Budi's newcomer, has none."""
    results.results_compute(cycle=closed_cycle, acting_user=world.admin)
    make_employee(
        world.agency,
        unit=world.subunit,
        position=world.staff_position,
        supervisor=world.supervisor_employee,
        name="Dewi Baru",
    )
    return closed_cycle


@pytest.fixture
def staff_item(world):
    plan = development.plan_for(employee=world.staff_employee, year=TODAY.year)
    return development.plan_item_add(
        plan=plan, acting_user=world.staff, title="Coaching komunikasi", jp=8
    )


def schedule(world, cycle, employee=None, when=TODAY):
    return services.dialogue_schedule(
        cycle=cycle,
        employee=employee or world.staff_employee,
        scheduled_for=when,
        acting_user=world.supervisor,
    )


def record(world, dialogue, *, actions=(), user=None):
    return services.dialogue_record(
        dialogue=dialogue,
        held_on=TODAY,
        went_well="Laporan selalu tepat waktu.",
        to_develop="Komunikasi dengan warga.",
        actions=list(actions),
        acting_user=user or world.supervisor,
    )


def web(client, user, method, url, data=None):
    client.force_login(user)
    return getattr(client, method)(url, data or {})


def api(client, user, method, path, body=None):
    client.force_login(user)
    call = getattr(client, method)
    if body is None:
        return call("/api/v1/" + path)
    return call("/api/v1/" + path, json.dumps(body), content_type="application/json")


# --- the flow ----------------------------------------------------------------------------------


def test_supervisor_schedules_records_with_an_action_on_the_plan_and_employee_confirms(
    world, computed, staff_item
):
    dialogue = schedule(world, computed)
    assert dialogue.status == Dialogue.Status.SCHEDULED and dialogue.supervisor_id == (
        world.supervisor_employee.pk
    )
    action = services.ActionInput(
        description="Ikut coaching komunikasi",
        due_date=TODAY + dt.timedelta(days=60),
        plan_item_id=staff_item.pk,
    )
    record(world, dialogue, actions=[action])
    dialogue.refresh_from_db()
    assert dialogue.status == Dialogue.Status.RECORDED and dialogue.held_on == TODAY
    saved = AgreedAction.objects.get(dialogue=dialogue)
    assert saved.plan_item_id == staff_item.pk and saved.due_date == action.due_date

    services.dialogue_answer(dialogue=dialogue, comment="", acting_user=world.staff)
    dialogue.refresh_from_db()
    assert dialogue.status == Dialogue.Status.CONFIRMED
    actions = set(
        AuditEvent.objects.filter(object_type="dialogue.dialogue").values_list("action", flat=True)
    )
    assert actions == {"dialogue.schedule", "dialogue.record", "dialogue.answer"}


def test_a_comment_makes_it_ditanggapi_and_locks_the_record(world, computed):
    dialogue = record(world, schedule(world, computed))
    services.dialogue_answer(
        dialogue=dialogue, comment="Saya perlu waktu pelatihan.", acting_user=world.staff
    )
    dialogue.refresh_from_db()
    assert dialogue.status == Dialogue.Status.RESPONDED
    assert dialogue.employee_comment == "Saya perlu waktu pelatihan."
    with pytest.raises(KinerjaError) as caught:
        record(world, dialogue)
    assert caught.value.code == "bad_state"
    with pytest.raises(KinerjaError):
        services.dialogue_answer(dialogue=dialogue, comment="", acting_user=world.staff)


def test_the_employee_cannot_answer_a_dialogue_that_is_only_scheduled(world, computed):
    dialogue = schedule(world, computed)
    with pytest.raises(KinerjaError) as caught:
        services.dialogue_answer(dialogue=dialogue, comment="", acting_user=world.staff)
    assert caught.value.code == "bad_state"


def test_rescheduling_moves_the_date_until_it_is_recorded(world, computed):
    first = schedule(world, computed)
    again = schedule(world, computed, when=TODAY + dt.timedelta(days=3))
    assert again.pk == first.pk and again.scheduled_for == TODAY + dt.timedelta(days=3)
    record(world, again)
    with pytest.raises(KinerjaError):
        schedule(world, computed)


# --- one table of rules, through the web and through the API -----------------------------------


def _web_schedule(client, world, cycle, employee, user):
    return web(
        client,
        user,
        "post",
        reverse("dialogue:schedule", args=[cycle.pk, employee.pk]),
        {"scheduled_for": TODAY.isoformat()},
    )


def _api_schedule(client, world, cycle, employee, user):
    body = {"cycle_id": cycle.pk, "employee_id": employee.pk, "scheduled_for": TODAY.isoformat()}
    return api(client, user, "post", "dialogues", body)


SCHEDULE = {"web": _web_schedule, "api": _api_schedule}


@pytest.mark.parametrize("face", ["web", "api"])
@pytest.mark.parametrize(
    ("rule", "who", "whom", "created"),
    [
        ("the direct supervisor schedules once the result exists", "supervisor", "staff", True),
        ("no dialogue before the employee's result exists", "supervisor", "new", False),
        ("a colleague may not schedule", "peer", "staff", False),
        ("the HR admin does not hold dialogues", "admin", "staff", False),
        ("the employee does not schedule their own", "staff", "staff", False),
    ],
)
def test_who_may_schedule(client, world, computed, face, rule, who, whom, created):
    user = getattr(world, who)
    employee = world.staff_employee if whom == "staff" else Employee.objects.get(name="Dewi Baru")
    response = SCHEDULE[face](client, world, computed, employee, user)
    exists = Dialogue.objects.filter(cycle=computed, employee=employee).exists()
    assert exists is created, rule
    if face == "api":
        assert response.status_code == (201 if created else 404 if who != "supervisor" else 400)
    elif not created and who != "supervisor":
        assert response.status_code == 404, rule


@pytest.mark.parametrize("face", ["web", "api"])
def test_another_employees_dialogue_is_not_found(client, world, computed, face):
    dialogue = record(world, schedule(world, computed))
    if face == "web":
        for name in ("dialogue:detail", "dialogue:record"):
            assert (
                web(client, world.peer, "get", reverse(name, args=[dialogue.pk])).status_code == 404
            )
        response = web(client, world.peer, "post", reverse("dialogue:answer", args=[dialogue.pk]))
    else:
        assert api(client, world.peer, "get", f"dialogues/{dialogue.pk}").status_code == 404
        response = api(client, world.peer, "post", f"dialogues/{dialogue.pk}/answer", {})
    assert response.status_code == 404
    dialogue.refresh_from_db()
    assert dialogue.status == Dialogue.Status.RECORDED


@pytest.mark.parametrize("face", ["web", "api"])
def test_an_action_cannot_point_at_another_employees_plan_item(client, world, computed, face):
    dialogue = schedule(world, computed)
    plan = development.plan_for(employee=world.peer_employee, year=TODAY.year)
    foreign = development.plan_item_add(plan=plan, acting_user=world.peer, title="Milik Rudi", jp=8)
    due = (TODAY + dt.timedelta(days=30)).isoformat()
    if face == "web":
        web(
            client,
            world.supervisor,
            "post",
            reverse("dialogue:record", args=[dialogue.pk]),
            {
                "held_on": TODAY.isoformat(),
                "went_well": "Baik.",
                "to_develop": "",
                "aksi-TOTAL_FORMS": "1",
                "aksi-INITIAL_FORMS": "0",
                "aksi-0-description": "Coaching",
                "aksi-0-due_date": due,
                "aksi-0-plan_item": str(foreign.pk),
            },
        )
    else:
        response = api(
            client,
            world.supervisor,
            "put",
            f"dialogues/{dialogue.pk}/record",
            {
                "held_on": TODAY.isoformat(),
                "went_well": "Baik.",
                "actions": [
                    {"description": "Coaching", "due_date": due, "plan_item_id": foreign.pk}
                ],
            },
        )
        assert response.status_code == 400
    dialogue.refresh_from_db()
    assert dialogue.status == Dialogue.Status.SCHEDULED and not dialogue.actions.exists()


@pytest.mark.parametrize("face", ["web", "api"])
def test_employee_confirms_through_each_face(client, world, computed, face):
    dialogue = record(world, schedule(world, computed))
    if face == "web":
        web(
            client,
            world.staff,
            "post",
            reverse("dialogue:answer", args=[dialogue.pk]),
            {"comment": ""},
        )
    else:
        assert (
            api(client, world.staff, "post", f"dialogues/{dialogue.pk}/answer", {}).status_code
            == 200
        )
    dialogue.refresh_from_db()
    assert dialogue.status == Dialogue.Status.CONFIRMED


@pytest.mark.parametrize("face", ["web", "api"])
def test_hr_and_leadership_see_counts_but_content_only_when_the_cycle_says_so(
    client, world, computed, face
):
    dialogue = record(world, schedule(world, computed))
    for who in ("admin", "leader"):
        user = getattr(world, who)
        if face == "web":
            page = web(client, user, "get", reverse("dialogue:completion")).content.decode()
            assert "Seksi Pemerintahan A" in page and "Laporan selalu tepat waktu" not in page
            hidden = web(client, user, "get", reverse("dialogue:detail", args=[dialogue.pk]))
        else:
            counts = api(client, user, "get", f"cycles/{computed.pk}/dialogue-completion").json()
            assert counts == [
                {
                    "unit_id": world.subunit.pk,
                    "unit": "Seksi Pemerintahan A",
                    "employees": 3,  # Budi, Sari and Rudi have results
                    "not_scheduled": 2,
                    "scheduled": 0,
                    "recorded": 1,
                    "answered": 0,
                }
            ]
            hidden = api(client, user, "get", f"dialogues/{dialogue.pk}")
        assert hidden.status_code == 404
    services.dialogue_settings_save(cycle=computed, content_visible=True, acting_user=world.admin)
    for who in ("admin", "leader"):
        user = getattr(world, who)
        if face == "web":
            shown = web(client, user, "get", reverse("dialogue:detail", args=[dialogue.pk]))
            assert "Laporan selalu tepat waktu" in shown.content.decode()
        else:
            shown = api(client, user, "get", f"dialogues/{dialogue.pk}")
            assert shown.json()["went_well"] == "Laporan selalu tepat waktu."


def test_only_the_hr_admin_changes_the_content_setting(client, world, computed):
    url = reverse("dialogue:settings", args=[computed.pk])
    assert web(client, world.leader, "post", url, {"content_visible": "on"}).status_code == 404
    assert selectors.content_visible(computed) is False
    body = {"content_visible": True}
    path = f"cycles/{computed.pk}/dialogue-settings"
    assert api(client, world.leader, "put", path, body).status_code == 403
    assert selectors.content_visible(computed) is False
    assert api(client, world.admin, "put", path, body).json()["content_visible"] is True
    assert selectors.content_visible(computed) is True


# --- the pages ----------------------------------------------------------------------------------


def test_the_result_page_says_when_it_took_place_and_what_was_agreed(
    client, world, computed, staff_item
):
    results.results_finalise(cycle=computed, acting_user=world.admin)
    dialogue = schedule(world, computed)
    action = services.ActionInput(
        description="Ikut coaching komunikasi",
        due_date=TODAY + dt.timedelta(days=60),
        plan_item_id=staff_item.pk,
    )
    record(world, dialogue, actions=[action])
    page = web(client, world.staff, "get", reverse("results:my_results")).content.decode()
    assert "Dialog kinerja" in page and "Ikut coaching komunikasi" in page
    assert TODAY.strftime("%Y") in page and "Coaching komunikasi" in page  # the plan item
    # Another employee's result page (the peer has none) never shows Sari's dialogue.
    other = web(client, world.peer, "get", reverse("results:my_results")).content.decode()
    assert "Ikut coaching komunikasi" not in other


def test_the_team_page_lists_each_member_with_their_state(client, world, computed):
    schedule(world, computed)
    page = web(client, world.supervisor, "get", reverse("dialogue:team")).content.decode()
    assert "Sari Staf" in page and "Dijadwalkan" in page
    assert "Dewi Baru" in page and "Hasil belum ada" in page
    assert web(client, world.staff, "get", reverse("dialogue:team")).status_code == 404


def _grow_team(world, n):
    for i in range(n):
        make_employee(
            world.agency,
            unit=world.subunit,
            position=world.staff_position,
            supervisor=world.supervisor_employee,
            user=make_user(f"tim{i}_{n}", agency=world.agency),
        )


def test_the_team_page_query_count_does_not_grow_with_the_team(
    client, world, computed, django_assert_num_queries
):
    client.force_login(world.supervisor)
    url = reverse("dialogue:team")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow_team(world, 6)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_completion_page_query_count_is_pinned(
    client, world, computed, django_assert_num_queries
):
    client.force_login(world.admin)
    url = reverse("dialogue:completion")
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
    schedule(world, computed)
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200


def test_my_dialogues_page_and_the_api_lists_do_not_grow_with_the_data(
    client, world, computed, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    record(world, schedule(world, computed))
    urls = [
        (world.staff, reverse("dialogue:mine")),
        (world.staff, "/api/v1/dialogues/me"),
        (world.supervisor, f"/api/v1/dialogues/team/{computed.pk}"),
    ]
    counts = []
    for user, url in urls:
        client.force_login(user)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries.captured_queries))
    # A second cycle's dialogue for Sari and three more team members.
    second = Cycle.objects.get(pk=computed.pk)
    second.pk = None
    second.name = "Siklus Kedua"
    second.save()
    for row in EmployeeResult.objects.filter(cycle=computed):
        row.pk = None
        row.cycle = second
        row.save()
    record(world, schedule(world, second))
    _grow_team(world, 3)
    for (user, url), count in zip(urls, counts, strict=True):
        client.force_login(user)
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200


def test_home_reminds_the_supervisor_and_the_employee(client, world, computed):
    home = web(client, world.supervisor, "get", reverse("home")).content.decode()
    assert "3 anggota tim siap diajak dialog kinerja." not in home  # Budi is not his own member
    assert "2 anggota tim siap diajak dialog kinerja." in home  # Sari, Rudi (Dewi has no result)
    record(world, schedule(world, computed))
    home = web(client, world.supervisor, "get", reverse("home")).content.decode()
    assert "1 anggota tim siap diajak dialog kinerja." in home
    mine = web(client, world.staff, "get", reverse("home")).content.decode()
    assert "1 catatan dialog menunggu konfirmasi Anda." in mine
