"""Communication of purpose: the cycle's announcement e-mail (once per person), the in-app notice
until the purpose is acknowledged, the reminders' links, the FAQ reachable from every form page,
and the home page's "what is expected of you" with its due dates and a pinned query count."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kinerja.assessment import announcements, services
from kinerja.assessment.models import Announcement, Cycle, PeerProposal, RaterAssignment
from kinerja.assessment.reminders import base_url, deadline_text, send_reminders
from kinerja.core.errors import KinerjaError
from kinerja.core.models import AuditEvent
from kinerja.jobs.models import Job
from kinerja.jobs.services import job_run
from kinerja.results import services as results

from .conftest import make_employee, make_user
from .test_assessment_services import make_cycle
from .test_results_services import answer_all

FAQ = "/penilaian/faq/"  # reverse("assessment:faq"), checked below


def _addresses(world) -> None:
    """Sari and Rudi have their own address, Budi (the supervisor) only his account's."""
    for employee, email in (
        (world.staff_employee, "sari@a.example"),
        (world.peer_employee, "rudi@a.example"),
    ):
        employee.email = email
        employee.save(update_fields=["email"])
    world.supervisor.email = "budi@a.example"
    world.supervisor.save(update_fields=["email"])


def _started(world, django_capture_on_commit_callbacks, **options) -> Cycle:
    """A cycle started through the service, its after-commit announcement run as in production."""
    cycle = make_cycle(world.agency, world.admin, start=False, **options)
    with django_capture_on_commit_callbacks(execute=True):
        cycle = services.cycle_start(cycle=cycle, acting_user=world.admin)
    return cycle


def _mailed(to: str) -> list:
    return [m for m in mail.outbox if m.to == [to]]


# --- the announcement --------------------------------------------------------------------------


def test_start_mails_each_participant_once_with_the_purpose_texts_deadline_and_links(
    world, framework, django_capture_on_commit_callbacks
):
    _addresses(world)
    nobody = make_employee(
        world.agency,
        unit=world.subunit,
        position=world.staff_position,
        supervisor=world.supervisor_employee,
        name="Tanpa Email",
    )
    cycle = _started(world, django_capture_on_commit_callbacks)
    assert RaterAssignment.objects.filter(cycle=cycle, rater=nobody).exists()

    assert sorted(m.to[0] for m in mail.outbox) == [
        "budi@a.example",
        "rudi@a.example",
        "sari@a.example",
    ]
    sari = _mailed("sari@a.example")[0]
    assert cycle.name in sari.subject
    assert "Yth. Sari Staf" in sari.body
    for text in (cycle.purpose, cycle.use_of_results, cycle.visibility, cycle.objection):
        assert text in sari.body
    assert deadline_text(cycle.deadline) in sari.body
    owed = RaterAssignment.objects.filter(cycle=cycle, rater=world.staff_employee).count()
    assert f"mengisi {owed} formulir" in sari.body
    for path in (
        reverse("assessment:my_tasks"),
        reverse("assessment:cycle_purpose", args=[cycle.pk]),
        FAQ,
    ):
        assert base_url() + path in sari.body
    assert set(
        Announcement.objects.filter(cycle=cycle).values_list("employee__name", flat=True)
    ) == {"Sari Staf", "Rudi Rekan", "Budi Atasan"}
    assert AuditEvent.objects.filter(action="cycle.announce", object_id=str(cycle.pk)).exists()
    job = Job.objects.get(kind=Job.Kind.ANNOUNCEMENT, key=announcements.ANNOUNCE_KEY)
    assert job.state == Job.State.DONE and job.target_id == cycle.pk


def test_a_second_run_or_a_resend_mails_nobody_twice_and_reaches_only_the_new(
    world, framework, client, django_capture_on_commit_callbacks
):
    _addresses(world)
    cycle = _started(world, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3

    assert announcements.announcements_send(cycle=cycle, acting_user=world.admin) == 0
    client.force_login(world.admin)
    response = client.post(reverse("assessment:announcement_send", args=[cycle.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 3

    newcomer = make_employee(
        world.agency,
        unit=world.subunit,
        position=world.staff_position,
        supervisor=world.supervisor_employee,
        name="Pegawai Baru",
    )
    newcomer.email = "baru@a.example"
    newcomer.save(update_fields=["email"])
    services.assignment_add(
        cycle=cycle,
        rater=newcomer,
        ratee=world.staff_employee,
        relation="rekan",
        reason="Ditambahkan setelah siklus berjalan",
        acting_user=world.admin,
    )
    page = client.get(reverse("assessment:announcement", args=[cycle.pk]))
    assert re.search(r'data-count="pending">1<', page.content.decode())
    client.post(reverse("assessment:announcement_send", args=[cycle.pk]))
    assert [m.to for m in mail.outbox[3:]] == [["baru@a.example"]]
    client.post(reverse("assessment:announcement_send", args=[cycle.pk]))
    assert len(mail.outbox) == 4


def test_a_large_cycle_announces_through_a_queued_job_once(
    world, framework, settings, django_capture_on_commit_callbacks
):
    settings.KINERJA_JOBS_INLINE_MAX = 0  # every job goes to the worker
    _addresses(world)
    cycle = make_cycle(world.agency, world.admin, start=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.cycle_start(cycle=cycle, acting_user=world.admin)
    for callback in callbacks:
        callback()  # the start's commit: the job is queued, nothing is mailed yet
    job = Job.objects.get(key=announcements.ANNOUNCE_KEY, target_id=cycle.pk)
    assert job.state == Job.State.QUEUED and mail.outbox == []

    job_run(job.pk)  # the worker
    job_run(job.pk)  # a duplicate delivery of the task: the finished job is left alone
    assert len(mail.outbox) == 3
    job.refresh_from_db()
    assert job.state == Job.State.DONE and "3 peserta" in job.message


def test_a_start_that_is_not_committed_mails_nobody(world, framework):
    _addresses(world)
    cycle = make_cycle(world.agency, world.admin)  # inside the test's transaction, never committed
    assert cycle.status == Cycle.Status.RUNNING
    assert mail.outbox == [] and not Announcement.objects.exists()


def test_the_announcement_is_only_sent_in_a_running_cycle(world, framework, client):
    _addresses(world)
    draft = make_cycle(world.agency, world.admin, start=False)
    with pytest.raises(KinerjaError) as refused:
        announcements.announcements_send(cycle=draft, acting_user=world.admin)
    assert refused.value.code == "cycle_not_running"
    client.force_login(world.admin)
    client.post(reverse("assessment:announcement_send", args=[draft.pk]))
    assert mail.outbox == [] and not Announcement.objects.exists()


def test_hr_previews_the_announcement_before_the_start(world, framework, client):
    _addresses(world)
    draft = make_cycle(world.agency, world.admin, start=False)
    client.force_login(world.admin)
    detail = client.get(reverse("assessment:cycle_detail", args=[draft.pk])).content.decode()
    assert reverse("assessment:announcement", args=[draft.pk]) in detail
    page = client.get(reverse("assessment:announcement", args=[draft.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Pratinjau pengumuman" in body
    assert draft.purpose[:60] in body and draft.objection[:60] in body
    assert re.search(r'data-count="participants">3<', body)
    assert re.search(r'data-count="pending">3<', body)
    assert "otomatis saat siklus dimulai" in body
    assert mail.outbox == []  # a preview sends nothing
    client.force_login(world.staff)
    assert client.get(reverse("assessment:announcement", args=[draft.pk])).status_code == 404


# --- reminders ---------------------------------------------------------------------------------


def test_reminders_link_the_purpose_texts_and_the_faq(world, framework):
    _addresses(world)
    cycle = make_cycle(world.agency, world.admin)
    assert send_reminders(cycle=cycle, acting_user=world.admin) == 3
    body = _mailed("sari@a.example")[0].body
    assert base_url() + reverse("assessment:cycle_purpose", args=[cycle.pk]) in body
    assert base_url() + FAQ in body
    assert base_url() + reverse("assessment:my_tasks") in body


# --- the in-app notice -------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["home", "assessment:my_tasks"])
def test_the_notice_shows_until_the_purpose_is_acknowledged(world, framework, client, page):
    cycle = make_cycle(world.agency, world.admin, acknowledged=False)
    url = reverse(page)
    client.force_login(world.staff)
    body = client.get(url).content.decode()
    assert 'data-notice="purpose"' in body
    assert cycle.name in body and "Baca selengkapnya" in body
    assert reverse("assessment:cycle_purpose", args=[cycle.pk]) in body

    response = client.post(
        reverse("assessment:cycle_purpose", args=[cycle.pk]), {"next": url}, follow=True
    )
    assert response.redirect_chain[-1][0] == url
    assert 'data-notice="purpose"' not in client.get(url).content.decode()
    # Another participant who has not acknowledged still sees it.
    client.force_login(world.peer)
    assert 'data-notice="purpose"' in client.get(url).content.decode()


def test_no_notice_for_someone_outside_the_cycle(world, framework, client):
    make_cycle(world.agency, world.admin, acknowledged=False)
    outsider_of_cycle = make_user("tamu_a", agency=world.agency)
    make_employee(
        world.agency,
        unit=world.subunit,
        position=world.staff_position,
        user=outsider_of_cycle,
        name="Baru Masuk",
    )
    client.force_login(outsider_of_cycle)
    body = client.get(reverse("home")).content.decode()
    assert 'data-notice="purpose"' not in body
    assert "tidak ada yang perlu Anda kerjakan" in body


# --- the FAQ -----------------------------------------------------------------------------------


@pytest.fixture
def final_cycle(world, framework):
    from kinerja.competencies.models import Competency, PositionStandard

    PositionStandard.objects.create(
        agency=world.agency,
        position=world.staff_position,
        competency=Competency.objects.get(agency=None, code="M.01"),
        required_level=3,
    )
    cycle = make_cycle(world.agency, world.admin)
    staff, sup, peer = world.staff_employee, world.supervisor_employee, world.peer_employee
    answer_all(cycle, sup, staff, 4)
    answer_all(cycle, staff, staff, 4)
    answer_all(cycle, peer, staff, 3)
    services.work_result_set(
        cycle=cycle,
        employee=staff,
        rating="sesuai_ekspektasi",
        justification="Target tercapai.",
        acting_user=world.supervisor,
    )
    cycle = services.cycle_transition(cycle=cycle, action="close", acting_user=world.admin)
    results.results_compute(cycle=cycle, acting_user=world.admin)
    results.results_finalise(cycle=cycle, acting_user=world.admin)
    return Cycle.objects.get(pk=cycle.pk)


def _links_faq(client, url: str) -> bool:
    response = client.get(url)
    assert response.status_code == 200, url
    return f'href="{FAQ}"' in response.content.decode()


def test_every_form_page_links_the_faq(world, framework, client, final_cycle):
    cycle = make_cycle(world.agency, world.admin)
    peer_form = RaterAssignment.objects.get(
        cycle=cycle, rater=world.peer_employee, ratee=world.staff_employee
    )
    self_form = RaterAssignment.objects.get(
        cycle=cycle, rater=world.staff_employee, relation="diri"
    )
    pages = {
        world.peer: [
            reverse("assessment:form", args=[peer_form.pk]),
            reverse("assessment:cycle_purpose", args=[cycle.pk]),
            reverse("assessment:my_tasks"),
            reverse("home"),
        ],
        world.staff: [
            reverse("assessment:form", args=[self_form.pk]),
            reverse("results:my_results", args=[final_cycle.pk]),
        ],
        world.supervisor: [
            reverse("assessment:work_results", args=[cycle.pk]),
            reverse("assessment:peer_proposals", args=[cycle.pk]),
        ],
        world.admin: [reverse("assessment:cycle_list")],  # the nav's "Bantuan"
    }
    for user, urls in pages.items():
        client.force_login(user)
        missing = [url for url in urls if not _links_faq(client, url)]
        assert missing == [], f"{user}: no FAQ link on {missing}"


def test_the_faq_answers_the_questions_and_names_the_agency_hr(world, client):
    world.admin.first_name, world.admin.email = "Admin Kepegawaian", "sdm@a.example"
    world.admin.save(update_fields=["first_name", "email"])
    client.force_login(world.staff)
    body = client.get(FAQ).content.decode()
    for question in (
        "Mengapa penilaian ini dilakukan?",
        "Siapa yang menilai saya?",
        "Apakah jawaban saya anonim?",
        "Bagaimana nilai dihitung?",
        "Untuk apa hasilnya dipakai?",
        "Bagaimana bila saya tidak setuju dengan hasilnya?",
        "Kepada siapa saya bertanya?",
    ):
        assert question in body
    assert "20 JP" in body and "9-box" in body
    assert "mailto:sdm@a.example" in body
    assert reverse("results:my_results") in body
    # Agency B's HR is never named to agency A's staff.
    world.outsider.email = "sdm@b.example"
    world.outsider.save(update_fields=["email"])
    assert "sdm@b.example" not in client.get(FAQ).content.decode()


# --- the home page: what is expected of you ----------------------------------------------------


def _tasks(body: str) -> dict[str, str]:
    """data-task kind → the text of its row on the home page."""
    rows = re.findall(r'data-task="(\w+)">(.*?)</li>', body, flags=re.S)
    return {kind: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip() for kind, text in rows}


def test_home_shows_a_ratee_their_forms_purpose_and_proposals_with_the_deadline(
    world, framework, client
):
    deadline = timezone.make_aware(dt.datetime(2099, 3, 15, 16, 0))
    cycle = make_cycle(world.agency, world.admin, acknowledged=False, deadline=deadline)
    client.force_login(world.staff)
    tasks = _tasks(client.get(reverse("home")).content.decode())

    owed = RaterAssignment.objects.filter(cycle=cycle, rater=world.staff_employee).count()
    assert set(tasks) == {"acknowledge", "forms", "peer_propose"}
    assert f"Isi {owed} formulir penilaian (0 dari {owed} terkirim)" in tasks["forms"]
    local = timezone.localtime(deadline)
    due = f"Paling lambat {local.day} Maret 2099 pukul {local:%H:%M}"
    assert all(due in text for text in tasks.values())
    assert "Baca tujuan siklus" in tasks["acknowledge"]

    answer_all(cycle, world.staff_employee, world.staff_employee, 3)  # acknowledges, submits
    tasks = _tasks(client.get(reverse("home")).content.decode())
    assert "selesai" in tasks["acknowledge"]
    assert f"Isi {owed - 1} formulir" in tasks["forms"] or owed == 1


def test_home_shows_a_supervisor_the_team_work_results_and_proposals_to_decide(
    world, framework, client
):
    cycle = make_cycle(world.agency, world.admin)
    PeerProposal.objects.create(
        agency=world.agency,
        cycle=cycle,
        ratee=world.staff_employee,
        peer=make_employee(world.agency, unit=world.subunit, position=world.staff_position),
    )
    client.force_login(world.supervisor)
    tasks = _tasks(client.get(reverse("home")).content.decode())
    assert "Beri rating hasil kerja untuk 2 anggota tim" in tasks["work_results"]
    assert (
        reverse("assessment:work_results", args=[cycle.pk])
        in client.get(reverse("home")).content.decode()
    )
    assert "Putuskan 1 usulan rekan penilai" in tasks["peer_approve"]
    assert "acknowledge" in tasks and "selesai" in tasks["acknowledge"]

    services.work_result_set(
        cycle=cycle,
        employee=world.staff_employee,
        rating="sesuai_ekspektasi",
        justification="",
        acting_user=world.supervisor,
    )
    tasks = _tasks(client.get(reverse("home")).content.decode())
    assert "untuk 1 anggota tim" in tasks["work_results"]
    # A staff member has no team: neither task appears for them.
    client.force_login(world.staff)
    assert {"work_results", "peer_approve"}.isdisjoint(
        _tasks(client.get(reverse("home")).content.decode())
    )


def test_home_shows_final_results_to_read_with_the_objection_deadline(world, client, final_cycle):
    client.force_login(world.staff)
    body = client.get(reverse("home")).content.decode()
    tasks = _tasks(body)
    assert "Baca hasil penilaian Anda" in tasks["results"]
    due = timezone.localtime(final_cycle.finalised_at + dt.timedelta(days=14))
    assert f"Paling lambat {due.day}" in tasks["results"] and str(due.year) in tasks["results"]
    assert reverse("results:my_results", args=[final_cycle.pk]) in body
    # After the objection window the task is gone.
    Cycle.objects.filter(pk=final_cycle.pk).update(
        finalised_at=timezone.now() - dt.timedelta(days=15)
    )
    assert "results" not in _tasks(client.get(reverse("home")).content.decode())


def test_home_says_when_everything_of_a_cycle_is_done(world, framework, client):
    cycle = make_cycle(world.agency, world.admin)
    for assignment in RaterAssignment.objects.filter(cycle=cycle, rater=world.peer_employee):
        answer_all(cycle, world.peer_employee, assignment.ratee, 3)
    PeerProposal.objects.create(
        agency=world.agency, cycle=cycle, ratee=world.peer_employee, peer=world.staff_employee
    )
    client.force_login(world.peer)
    body = client.get(reverse("home")).content.decode()
    assert all("selesai" in text for text in _tasks(body).values())
    assert "sudah selesai. Terima kasih" in body


def test_home_says_so_when_nothing_is_due(world, client):
    client.force_login(world.staff)
    body = client.get(reverse("home")).content.decode()
    assert "Yang perlu Anda lakukan" in body
    assert "tidak ada yang perlu Anda kerjakan" in body and _tasks(body) == {}


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


# The home page's "what is expected of you" for a supervisor in a running cycle: the cycles, the
# forms, the acknowledgements, the team's proposals, the team's hasil kerja, the released results
# (Budi has no supervisor, so no proposals of his own). The rest of the home page belongs to
# other sections and pins its own; the difference with the section left out is pinned here.
EXPECTATION_QUERIES = 6


def test_home_query_count_is_pinned_and_does_not_grow_with_forms_or_colleagues(
    world, framework, client, monkeypatch
):
    from kinerja.assessment import expectations

    cycle = make_cycle(world.agency, world.admin, acknowledged=False)
    PeerProposal.objects.create(
        agency=world.agency,
        cycle=cycle,
        ratee=world.staff_employee,
        peer=world.peer_employee,
    )
    client.force_login(world.supervisor)
    client.get(reverse("home"))  # warm the per-process caches (content types, translations)
    small = _home_queries(client)
    with CaptureQueriesContext(connection) as own:
        expectations.expectations_of(
            employee=world.supervisor_employee, user=world.supervisor, has_team=True
        )
    assert len(own) == EXPECTATION_QUERIES
    with monkeypatch.context() as patched:
        patched.setattr(expectations, "expectations_of", lambda **kwargs: [])
        assert small - _home_queries(client) == EXPECTATION_QUERIES

    for n in range(12):  # more team members: more forms for the supervisor, more proposals
        member = make_employee(
            world.agency,
            unit=world.subunit,
            position=world.staff_position,
            supervisor=world.supervisor_employee,
            name=f"Anggota {n}",
        )
        RaterAssignment.objects.create(
            agency=world.agency, cycle=cycle, rater=member, ratee=member, relation="diri"
        )
        RaterAssignment.objects.create(
            agency=world.agency,
            cycle=cycle,
            rater=world.supervisor_employee,
            ratee=member,
            relation="atasan",
        )
        PeerProposal.objects.create(
            agency=world.agency, cycle=cycle, ratee=member, peer=world.peer_employee
        )
    second = make_cycle(world.agency, world.admin, acknowledged=False)
    assert second.status == Cycle.Status.RUNNING
    body = client.get(reverse("home")).content.decode()
    assert "untuk 14 anggota tim" in body  # Sari, Rudi and the twelve
    assert _home_queries(client) == small


# --- the API -----------------------------------------------------------------------------------


def test_the_api_lists_the_callers_tasks_with_due_dates(world, framework, client):
    cycle = make_cycle(world.agency, world.admin, acknowledged=False)
    client.force_login(world.staff)
    found = client.get("/api/v1/my/expectations").json()
    assert [e["cycle_id"] for e in found] == [cycle.pk]
    tasks = {t["kind"]: t for t in found[0]["tasks"]}
    assert found[0]["acknowledged"] is False
    assert {"acknowledge", "forms", "peer_propose"} <= set(tasks)
    assert tasks["acknowledge"]["done"] is False
    due = dt.datetime.fromisoformat(tasks["forms"]["due"])
    assert abs(due - cycle.deadline) < dt.timedelta(milliseconds=1)  # JSON keeps milliseconds
    client.force_login(world.leader)  # no employee record: nothing to do
    assert client.get("/api/v1/my/expectations").json() == []


def test_the_api_previews_and_sends_the_announcement_once(world, framework, client):
    _addresses(world)
    cycle = make_cycle(world.agency, world.admin)  # not committed: nothing sent yet
    client.force_login(world.admin)
    preview = client.get(f"/api/v1/cycles/{cycle.pk}/announcement").json()
    assert cycle.purpose in preview["body"] and preview["pending"] == 3
    sent = client.post(f"/api/v1/cycles/{cycle.pk}/announcement/send").json()
    assert sent["state"] == "selesai" and len(mail.outbox) == 3
    client.post(f"/api/v1/cycles/{cycle.pk}/announcement/send")
    assert len(mail.outbox) == 3
    after = client.get(f"/api/v1/cycles/{cycle.pk}/announcement").json()
    assert (after["announced"], after["pending"]) == (3, 0)


def test_a_job_resumed_after_its_worker_died_mails_only_those_not_reached(
    world, framework, settings, django_capture_on_commit_callbacks
):
    settings.KINERJA_JOBS_INLINE_MAX = 0
    _addresses(world)
    cycle = make_cycle(world.agency, world.admin, start=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.cycle_start(cycle=cycle, acting_user=world.admin)
    for callback in callbacks:
        callback()
    job = Job.objects.get(key=announcements.ANNOUNCE_KEY, target_id=cycle.pk)
    # The first worker reached Sari, then died with the job "berjalan".
    Announcement.objects.create(
        agency=world.agency, cycle=cycle, employee=world.staff_employee, email="sari@a.example"
    )
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)
    job_run(job.pk)
    assert sorted(m.to[0] for m in mail.outbox) == ["budi@a.example", "rudi@a.example"]


def test_the_cli_sends_the_announcement_to_those_not_reached(world, framework):
    from io import StringIO

    from django.core.management import call_command

    _addresses(world)
    cycle = make_cycle(world.agency, world.admin)
    out = StringIO()
    call_command("cycle", "announce", str(cycle.pk), stdout=out)
    assert out.getvalue().strip() == "3 pengumuman dikirim." and len(mail.outbox) == 3
    call_command("cycle", "announce", str(cycle.pk), stdout=out)
    assert len(mail.outbox) == 3
