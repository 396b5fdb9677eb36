"""The raters' pages: my tasks, purpose first, the form with autosave and submit, read-only after
close, nobody but the rater sees a form, hasil kerja by the supervisor, peer proposals."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kinerja.assessment import services
from kinerja.assessment.models import (
    Acknowledgement,
    Cycle,
    PeerProposal,
    RaterAssignment,
    Relation,
    Response,
    ResponseItem,
    WorkResult,
)
from kinerja.core.models import AuditEvent
from kinerja.organisation.models import Employee

from .conftest import make_employee, make_user

SECRET_COMMENT = "Catatan-rahasia-rekan-XYZ"
SECRET_STRENGTH = "Kekuatan-rahasia-rekan-QRS"


@pytest.fixture
def cycle(world, framework) -> Cycle:
    """A running cycle of agency A: Sari and Rudi rate each other as peers and Budi as
    subordinates; Budi rates both as their supervisor; everyone rates themselves."""
    draft = services.cycle_create(
        agency=world.agency,
        acting_user=world.admin,
        name="Penilaian 360° 2025",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        deadline=timezone.now() + dt.timedelta(days=14),
    )
    services.assignments_generate(cycle=draft, acting_user=world.admin)
    return services.cycle_start(cycle=draft, acting_user=world.admin)


def assignment(cycle, rater: Employee, ratee: Employee) -> RaterAssignment:
    return RaterAssignment.objects.get(cycle=cycle, rater=rater, ratee=ratee)


def form_url(a: RaterAssignment, name: str = "form") -> str:
    return reverse(f"assessment:{name}", args=[a.pk])


def full_answers(a: RaterAssignment, *, level: str = "3", comment: str = "") -> dict[str, str]:
    data = {"strengths": "", "to_develop": ""}
    for item in services.items_for_ratee(a.cycle, a.ratee):
        data[f"item-{item['code']}"] = level
        data[f"comment-{item['code']}"] = comment
    return data


def signed_in(client, user, cycle=None):
    client.force_login(user)
    if cycle is not None:
        services.acknowledge(cycle=cycle, user=user)
    return client


def response_state(a: RaterAssignment):
    response = Response.objects.filter(assignment=a).first()
    if response is None:
        return None
    items = sorted(response.items.values_list("item", "level", "cannot_rate", "comment"))
    return (response.submitted_at, response.version, response.strengths, items)


# --- my tasks ------------------------------------------------------------------------------------


def test_my_tasks_lists_exactly_the_raters_forms(client, world, cycle):
    signed_in(client, world.staff)
    html = client.get(reverse("assessment:my_tasks")).content.decode()
    mine = RaterAssignment.objects.filter(cycle=cycle, rater=world.staff_employee)
    others = RaterAssignment.objects.filter(cycle=cycle).exclude(rater=world.staff_employee)
    linked = set(re.findall(r'href="(/penilaian/formulir/\d+/)"', html))
    assert linked == {form_url(a) for a in mine}
    assert not linked & {form_url(a) for a in others}
    assert "Penilaian diri" in html
    assert "Rudi Rekan" in html and "Budi Atasan" in html
    assert "0 dari 3 formulir terkirim" in html
    assert "belum mulai" in html
    assert cycle.name in html


def test_my_tasks_shows_states_and_buttons(client, world, cycle):
    a_peer = assignment(cycle, world.staff_employee, world.peer_employee)
    a_self = assignment(cycle, world.staff_employee, world.staff_employee)
    services.acknowledge(cycle=cycle, user=world.staff)
    services.response_save(
        assignment=a_peer,
        answers={"M.01": services.Answer(level=3)},
        acting_user=world.staff,
    )
    services.response_save(
        assignment=a_self, answers={}, acting_user=world.staff, strengths="x", submit=False
    )
    Response.objects.filter(assignment=a_self).update(submitted_at=timezone.now())
    html = signed_in(client, world.staff).get(reverse("assessment:my_tasks")).content.decode()
    assert "1 dari 3 formulir terkirim" in html
    for label in ("terkirim", "draf", "belum mulai", ">Isi<", ">Lanjutkan<", ">Lihat<"):
        assert label in html, label


def test_my_tasks_without_employee_record_is_friendly(client, world, cycle):
    response = signed_in(client, world.admin).get(reverse("assessment:my_tasks"))
    assert response.status_code == 200
    assert "belum terhubung ke data pegawai" in response.content.decode()


def test_my_tasks_empty_state_when_nothing_is_owed(client, world, framework):
    response = signed_in(client, world.staff).get(reverse("assessment:my_tasks"))
    assert "Tidak ada formulir penilaian yang perlu Anda isi" in response.content.decode()


def test_my_tasks_query_count_does_not_grow_with_forms(
    client, world, cycle, django_assert_num_queries
):
    signed_in(client, world.staff, cycle)
    url = reverse("assessment:my_tasks")
    client.get(url)  # warm caches (content types, sessions)
    assert RaterAssignment.objects.filter(rater=world.staff_employee).count() == 3
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
    three_forms = len(three)  # read now: every request clears the connection's query log

    other_boss = make_employee(
        world.agency, unit=world.subunit, position=world.head_position, name="Atasan Lain"
    )
    ratees = [
        make_employee(
            world.agency, unit=world.subunit, position=world.staff_position, supervisor=other_boss
        )
        for _ in range(27)
    ]
    added = RaterAssignment.objects.bulk_create(
        RaterAssignment(
            agency=world.agency, cycle=cycle, rater=world.staff_employee, ratee=r, relation="rekan"
        )
        for r in ratees
    )
    Response.objects.bulk_create(
        Response(
            agency=world.agency,
            assignment=a,
            submitted_at=timezone.now() if i % 2 else None,
        )
        for i, a in enumerate(added[:10])
    )
    assert RaterAssignment.objects.filter(rater=world.staff_employee).count() == 30
    with django_assert_num_queries(three_forms):
        html = client.get(url).content.decode()
    assert len(re.findall(r'href="/penilaian/formulir/\d+/"', html)) == 30


# --- purpose first -------------------------------------------------------------------------------


def test_first_visit_goes_to_purpose_then_acknowledge_once_then_form(client, world, cycle):
    a = assignment(cycle, world.staff_employee, world.peer_employee)
    signed_in(client, world.staff)
    response = client.get(form_url(a))
    purpose = reverse("assessment:cycle_purpose", args=[cycle.pk])
    assert response.status_code == 302
    assert response.url.startswith(purpose)

    page = client.get(response.url).content.decode()
    assert cycle.purpose[:40] in page
    assert cycle.use_of_results[:40] in page
    assert cycle.visibility[:40] in page
    assert cycle.objection[:40] in page
    assert "Saya sudah membaca dan memahami" in page

    first = client.post(purpose, {"next": form_url(a)})
    assert first.status_code == 302 and first.url == form_url(a)
    client.post(purpose, {"next": form_url(a)})
    assert Acknowledgement.objects.filter(cycle=cycle, user=world.staff).count() == 1
    assert AuditEvent.objects.filter(action="cycle.acknowledge").count() == 1

    html = client.get(form_url(a)).content.decode()
    assert "Pilih level yang paling menggambarkan perilaku yang Anda amati" in html
    for item in services.items_for_ratee(cycle, world.peer_employee):
        assert f'name="item-{item["code"]}"' in html
    assert "Integritas" in html and "Berorientasi Pelayanan" in html
    assert html.count("Tidak dapat menilai</label>") == 16
    assert "Sesuai ekspektasi" in html and "Sangat di atas ekspektasi" in html


def test_purpose_page_ignores_an_outside_next_url(client, world, cycle):
    signed_in(client, world.staff)
    url = reverse("assessment:cycle_purpose", args=[cycle.pk])
    response = client.post(url, {"next": "https://jahat.example/"})
    assert response.url == reverse("assessment:my_tasks")


def test_purpose_page_of_another_agency_or_a_draft_is_not_found(client, world, cycle):
    signed_in(client, world.outsider)
    url = reverse("assessment:cycle_purpose", args=[cycle.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not Acknowledgement.objects.filter(user=world.outsider).exists()
    draft = services.cycle_create(
        agency=world.agency,
        acting_user=world.admin,
        name="Draf",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        deadline=timezone.now() + dt.timedelta(days=30),
    )
    signed_in(client, world.staff)
    assert client.get(reverse("assessment:cycle_purpose", args=[draft.pk])).status_code == 404


def test_faq_explains_anonymity_weights_and_objection(client, world):
    html = signed_in(client, world.staff).get(reverse("assessment:faq")).content.decode()
    for text in ("50%", "30%", "20%", "0%", "paling sedikit 3 orang", "digabung", "keberatan"):
        assert text in html, text
    assert "tidak pernah dihitung sebagai nol" in html
    assert "Penilaian atasan tidak anonim" in html


# --- the form ------------------------------------------------------------------------------------


def test_autosave_with_htmx_stores_a_draft(client, world, cycle):
    a = assignment(cycle, world.staff_employee, world.peer_employee)
    signed_in(client, world.staff, cycle)
    data = {"item-M.01": "4", "comment-M.01": "Jujur", "item-B1": "na", "strengths": "Teliti"}
    response = client.post(form_url(a, "form_save"), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tersimpan otomatis pukul" in body
    assert "2 dari 16 butir terisi" in body
    saved = Response.objects.get(assignment=a)
    assert saved.submitted_at is None and saved.strengths == "Teliti"
    items = {ri.item: (ri.level, ri.cannot_rate, ri.comment) for ri in saved.items.all()}
    assert items == {"M.01": (4, False, "Jujur"), "B1": (None, True, "")}
    html = client.get(form_url(a)).content.decode()
    assert re.search(r'id="butir-1-4" value="4"[^>]* checked', html)
    assert "Jujur" in html


def test_plain_post_of_simpan_draf_works_without_javascript(client, world, cycle):
    a = assignment(cycle, world.staff_employee, world.staff_employee)
    signed_in(client, world.staff, cycle)
    response = client.post(form_url(a, "form_save"), {"item-M.02": "2"})
    assert response.status_code == 302 and response.url == form_url(a)
    assert ResponseItem.objects.get(response__assignment=a, item="M.02").level == 2


def test_autosave_reports_an_invalid_value_and_stores_nothing(client, world, cycle):
    a = assignment(cycle, world.staff_employee, world.peer_employee)
    signed_in(client, world.staff, cycle)
    response = client.post(
        form_url(a, "form_save"), {"item-M.01": "7"}, headers={"HX-Request": "true"}
    )
    assert "Nilai harus 1 sampai 5" in response.content.decode()
    assert not Response.objects.filter(assignment=a).exists()


def test_submit_with_missing_items_shows_them_and_stays_a_draft(client, world, cycle):
    a = assignment(cycle, world.staff_employee, world.peer_employee)
    signed_in(client, world.staff, cycle)
    data = full_answers(a)
    del data["item-M.03"], data["item-B7"]
    response = client.post(form_url(a, "form_submit"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Masih ada 2 butir yang belum diisi" in html
    assert html.count("Butir ini belum diisi.") == 2
    missing_anchors = re.findall(r'<fieldset class="[^"]*border-danger[^"]*" id="([^"]+)"', html)
    assert len(missing_anchors) == 2
    saved = Response.objects.get(assignment=a)
    assert saved.submitted_at is None
    assert ResponseItem.objects.get(response=saved, item="M.01").level == 3  # the draft is kept


def test_full_submit_locks_the_form(client, world, cycle):
    a = assignment(cycle, world.staff_employee, world.peer_employee)
    signed_in(client, world.staff, cycle)
    response = client.post(form_url(a, "form_submit"), full_answers(a), follow=True)
    assert response.redirect_chain[-1][0] == reverse("assessment:my_tasks")
    assert "sudah terkirim" in response.content.decode()
    saved = Response.objects.get(assignment=a)
    assert saved.submitted_at is not None
    assert saved.items.filter(level=3).count() == 16

    html = client.get(form_url(a)).content.decode()
    assert "sudah dikirim dan terkunci" in html
    assert "hx-post" not in html
    assert ">Kirim</button>" not in html
    radios = re.findall(r'<input class="form-check-input[^>]*>', html)
    assert radios and all("disabled" in r for r in radios)

    before = response_state(a)
    changed = full_answers(a, level="5")
    client.post(form_url(a, "form_save"), changed)
    client.post(form_url(a, "form_save"), changed, headers={"HX-Request": "true"})
    assert response_state(a) == before


def test_second_submit_is_harmless(client, world, cycle):
    a = assignment(cycle, world.staff_employee, world.peer_employee)
    signed_in(client, world.staff, cycle)
    client.post(form_url(a, "form_submit"), full_answers(a))
    before = response_state(a)
    again = client.post(form_url(a, "form_submit"), full_answers(a, level="1"))
    assert again.status_code == 302 and again.url == reverse("assessment:my_tasks")
    assert response_state(a) == before
    assert Response.objects.filter(assignment=a).count() == 1
    assert AuditEvent.objects.filter(action="response.submit").count() == 1


@pytest.mark.parametrize("who", ["ratee", "other_rater", "admin", "leader", "outsider"])
def test_nobody_but_the_rater_opens_or_changes_a_form(client, world, cycle, who):
    a = assignment(cycle, world.staff_employee, world.peer_employee)
    services.acknowledge(cycle=cycle, user=world.staff)
    services.response_save(
        assignment=a, answers={"M.01": services.Answer(level=2)}, acting_user=world.staff
    )
    user = {
        "ratee": world.peer,
        "other_rater": world.supervisor,
        "admin": world.admin,
        "leader": world.leader,
        "outsider": world.outsider,
    }[who]
    signed_in(client, user)
    services.acknowledge(cycle=cycle, user=user) if who != "outsider" else None
    before = response_state(a)
    assert client.get(form_url(a)).status_code == 404
    assert client.post(form_url(a, "form_save"), full_answers(a)).status_code == 404
    headers = {"HX-Request": "true"}
    assert client.post(form_url(a, "form_save"), {}, headers=headers).status_code == 404
    assert client.post(form_url(a, "form_submit"), full_answers(a)).status_code == 404
    assert response_state(a) == before


def test_anonymous_visitor_is_sent_to_login(client, world, cycle):
    a = assignment(cycle, world.staff_employee, world.peer_employee)
    for url in (reverse("assessment:my_tasks"), form_url(a), reverse("assessment:faq")):
        response = client.get(url)
        assert response.status_code == 302 and "/akun/login/" in response.url


def test_after_close_the_form_is_read_only_and_posts_change_nothing(client, world, cycle):
    a = assignment(cycle, world.staff_employee, world.peer_employee)
    signed_in(client, world.staff, cycle)
    client.post(form_url(a, "form_save"), {"item-M.01": "2"})
    services.cycle_transition(cycle=cycle, action="close", acting_user=world.admin)
    before = response_state(a)

    html = client.get(form_url(a)).content.decode()
    assert "Siklus ini sudah ditutup" in html
    assert "hx-post" not in html and ">Kirim</button>" not in html
    assert re.search(r'id="butir-1-2" value="2"[^>]* checked disabled', html)

    refused = client.post(form_url(a, "form_submit"), full_answers(a), follow=True)
    assert "tidak dapat diubah" in refused.content.decode()
    htmx = client.post(form_url(a, "form_save"), full_answers(a), headers={"HX-Request": "true"})
    assert "tidak dapat diubah" in htmx.content.decode()
    assert response_state(a) == before


def test_after_the_deadline_the_form_is_read_only(client, world, cycle):
    a = assignment(cycle, world.staff_employee, world.staff_employee)
    signed_in(client, world.staff, cycle)
    Cycle.objects.filter(pk=cycle.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    html = client.get(form_url(a)).content.decode()
    assert "Batas pengisian sudah lewat" in html
    client.post(form_url(a, "form_submit"), full_answers(a))
    assert not Response.objects.filter(assignment=a).exists()


def test_form_page_query_count_does_not_grow_with_answers(
    client, world, cycle, django_assert_num_queries
):
    a = assignment(cycle, world.staff_employee, world.peer_employee)
    signed_in(client, world.staff, cycle)
    services.response_save(
        assignment=a, answers={"M.01": services.Answer(level=3)}, acting_user=world.staff
    )
    client.get(form_url(a))
    with CaptureQueriesContext(connection) as one:
        client.get(form_url(a))
    one_answer = len(one)  # read now: every request clears the connection's query log
    client.post(form_url(a, "form_save"), full_answers(a, comment="ok"))
    with django_assert_num_queries(one_answer):
        html = client.get(form_url(a)).content.decode()
    assert html.count(" checked") == 16


# The rater's hottest write (bench/load.py), statement by statement once the rater's audit chain
# exists: the session, its user and membership; the form (assignment, cycle, ratee in one); then
# in one transaction the lock, the response read, the response with its answers, the chain head
# and the event (in a test the transaction is a savepoint: two of the 11). SQLite writes the
# response, its answers, the event and the head apart. A change that adds a statement to every
# submit shows here.
SUBMIT_STATEMENTS = {"postgresql": 11, "sqlite": 13}


def test_a_submit_makes_a_pinned_number_of_statements(client, world, cycle):
    first = assignment(cycle, world.staff_employee, world.staff_employee)
    second = assignment(cycle, world.staff_employee, world.peer_employee)
    signed_in(client, world.staff, cycle)  # the acknowledgement starts the rater's audit chain
    client.post(form_url(first, "form_submit"), full_answers(first))
    url, data = form_url(second, "form_submit"), full_answers(second, comment="ok")
    with CaptureQueriesContext(connection) as ctx:
        done = client.post(url, data)
    assert done.status_code == 302 and done.url == reverse("assessment:my_tasks")
    assert len(ctx) == SUBMIT_STATEMENTS[connection.vendor], [q["sql"][:80] for q in ctx]
    stored = Response.objects.get(assignment=second)
    assert stored.is_submitted and stored.version == 1
    assert sorted(stored.items.values_list("item", "level", "comment")) == sorted(
        (item["code"], 3, "ok") for item in services.items_for_ratee(cycle, second.ratee)
    )
    assert (
        AuditEvent.objects.filter(action="response.submit", object_id=str(second.pk)).count() == 1
    )


def test_a_peers_answer_is_never_shown_to_ratee_supervisor_or_admin(client, world, cycle):
    a = assignment(cycle, world.staff_employee, world.peer_employee)
    signed_in(client, world.staff, cycle)
    data = full_answers(a, comment=SECRET_COMMENT)
    data["strengths"] = SECRET_STRENGTH
    client.post(form_url(a, "form_submit"), data)
    assert Response.objects.get(assignment=a).is_submitted
    own = client.get(form_url(a)).content.decode()
    assert SECRET_COMMENT in own and SECRET_STRENGTH in own  # the author still sees it

    for user in (world.peer, world.supervisor, world.admin, world.leader):
        client.force_login(user)
        services.acknowledge(cycle=cycle, user=user)
        pages = [
            reverse("assessment:my_tasks"),
            reverse("assessment:faq"),
            reverse("assessment:cycle_purpose", args=[cycle.pk]),
            reverse("assessment:work_results", args=[cycle.pk]),
            reverse("assessment:peer_proposals", args=[cycle.pk]),
        ]
        pages += [
            form_url(x)
            for x in RaterAssignment.objects.filter(cycle=cycle, rater__user=user)
            if x.pk != a.pk
        ]
        pages.append(form_url(a))
        for url in pages:
            body = client.get(url).content.decode()
            assert SECRET_COMMENT not in body, (user, url)
            assert SECRET_STRENGTH not in body, (user, url)


# --- rating hasil kerja -------------------------------------------------------------------------


def test_supervisor_rates_work_results_of_the_team(client, world, cycle):
    signed_in(client, world.supervisor)
    url = reverse("assessment:work_results", args=[cycle.pk])
    html = client.get(url).content.decode()
    assert "Sari Staf" in html and "Rudi Rekan" in html
    sari, rudi = f"p{world.staff_employee.pk}", f"p{world.peer_employee.pk}"
    response = client.post(
        url,
        {
            f"{sari}-rating": "di_atas_ekspektasi",
            f"{sari}-justification": "SKP tercapai 120%",
            f"{rudi}-rating": "",
            f"{rudi}-justification": "",
        },
    )
    assert response.status_code == 302
    result = WorkResult.objects.get(cycle=cycle, employee=world.staff_employee)
    assert (result.rating, result.justification, result.set_by) == (
        "di_atas_ekspektasi",
        "SKP tercapai 120%",
        world.supervisor,
    )
    assert not WorkResult.objects.filter(employee=world.peer_employee).exists()
    assert "SKP tercapai 120%" in client.get(url).content.decode()


def test_work_result_without_justification_is_refused_and_saves_nothing(client, world, cycle):
    signed_in(client, world.supervisor)
    url = reverse("assessment:work_results", args=[cycle.pk])
    sari, rudi = f"p{world.staff_employee.pk}", f"p{world.peer_employee.pk}"
    response = client.post(
        url,
        {
            f"{sari}-rating": "sesuai_ekspektasi",
            f"{sari}-justification": "Sesuai target",
            f"{rudi}-rating": "di_bawah_ekspektasi",
            f"{rudi}-justification": "  ",
        },
    )
    assert response.status_code == 200
    assert "Tuliskan alasan singkat" in response.content.decode()
    assert not WorkResult.objects.filter(cycle=cycle).exists()


@pytest.mark.parametrize("who", ["staff", "admin", "outsider"])
def test_non_supervisor_gets_404_on_work_results_and_nothing_changes(client, world, cycle, who):
    signed_in(client, getattr(world, who))
    url = reverse("assessment:work_results", args=[cycle.pk])
    sari = f"p{world.staff_employee.pk}"
    assert client.get(url).status_code == 404
    data = {f"{sari}-rating": "di_bawah_ekspektasi", f"{sari}-justification": "x"}
    assert client.post(url, data).status_code == 404
    assert not WorkResult.objects.exists()


# --- peer proposals ------------------------------------------------------------------------------


def colleague(world) -> Employee:
    """Someone in agency A outside Sari's team, with a login."""
    return make_employee(
        world.agency,
        unit=world.unit,
        position=world.staff_position,
        user=make_user("dewi_a", agency=world.agency),
        name="Dewi Kolega",
    )


def test_peer_proposal_then_approval_creates_a_proposed_peer_assignment(client, world, cycle):
    dewi = colleague(world)
    signed_in(client, world.staff, cycle)
    tasks = client.get(reverse("assessment:my_tasks")).content.decode()
    options = dict(re.findall(r'<option value="(\d+)">([^<]+)</option>', tasks))
    assert str(world.staff_employee.pk) not in options  # not oneself
    # Current raters stay in the list: leaving them out would reveal the anonymous ones.
    assert str(world.peer_employee.pk) in options
    assert str(world.outsider_employee.pk) not in options
    # Dewi works in another unit: a search finds her.
    found = client.get(reverse("assessment:my_tasks"), {"rekan": "Dewi"}).content.decode()
    assert str(dewi.pk) in dict(re.findall(r'<option value="(\d+)">([^<]+)</option>', found))

    propose = reverse("assessment:peer_propose", args=[cycle.pk])
    client.post(propose, {"peer": dewi.pk})
    proposal = PeerProposal.objects.get(cycle=cycle, ratee=world.staff_employee, peer=dewi)
    assert proposal.status == PeerProposal.Status.PENDING
    assert "Menunggu" in client.get(reverse("assessment:my_tasks")).content.decode()

    signed_in(client, world.supervisor)
    page = reverse("assessment:peer_proposals", args=[cycle.pk])
    assert "Dewi Kolega" in client.get(page).content.decode()
    assert "Usulan rekan dari tim" in client.get(reverse("assessment:my_tasks")).content.decode()
    client.post(page, {"proposal": proposal.pk, "decision": "setujui", "note": "Oke"})
    proposal.refresh_from_db()
    assert proposal.status == PeerProposal.Status.APPROVED
    created = RaterAssignment.objects.get(cycle=cycle, rater=dewi, ratee=world.staff_employee)
    assert (created.source, created.relation) == (RaterAssignment.Source.PROPOSED, Relation.PEER)

    signed_in(client, dewi.user)
    assert form_url(created) in client.get(reverse("assessment:my_tasks")).content.decode()


def _peer_options(html: str) -> dict[str, str]:
    return dict(re.findall(r'<option value="(\d+)">([^<]+)</option>', html))


def test_peer_choices_are_the_own_unit_and_a_search_finds_the_rest(client, world, cycle):
    far = make_employee(
        world.agency, unit=world.unit, position=world.staff_position, name="Wulan Seberang"
    )
    signed_in(client, world.staff, cycle)
    url = reverse("assessment:my_tasks")
    own_unit = _peer_options(client.get(url).content.decode())
    assert str(far.pk) not in own_unit  # another unit: not listed until searched
    assert all(
        Employee.objects.get(pk=int(pk)).unit_id == world.staff_employee.unit_id for pk in own_unit
    )

    by_name = _peer_options(client.get(url, {"rekan": "wulan"}).content.decode())
    assert by_name == {str(far.pk): f"Wulan Seberang — {world.staff_position.name}"}
    by_nip = _peer_options(client.get(url, {"rekan": far.nip[:14]}).content.decode())
    assert str(far.pk) in by_nip
    assert str(world.outsider_employee.pk) not in _peer_options(
        client.get(url, {"rekan": "Orang Luar"}).content.decode()
    )  # another agency's people are never offered
    nothing = client.get(url, {"rekan": "tidak-ada-yang-bernama-begini"}).content.decode()
    assert _peer_options(nothing) == {} and "tidak ada yang cocok" in nothing


def test_peer_search_answers_htmx_with_the_list_only(client, world, cycle):
    far = make_employee(
        world.agency, unit=world.unit, position=world.staff_position, name="Wulan Seberang"
    )
    signed_in(client, world.staff, cycle)
    url = reverse("assessment:my_tasks")
    response = client.get(url, {"rekan": "Wulan", "siklus": cycle.pk}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith(
        f'<div class="flex-grow-1" style="min-width: 0" id="peer-choice-{cycle.pk}"'
    )
    assert "<html" not in html and _peer_options(html) == {
        str(far.pk): f"Wulan Seberang — {world.staff_position.name}"
    }
    other = client.get(url, {"rekan": "Wulan", "siklus": 999999}, HTTP_HX_REQUEST="true")
    assert other.status_code == 404


def test_peer_choices_are_capped_and_say_there_are_more(client, world, cycle):
    from kinerja.assessment.selectors import PEER_CHOICES

    for i in range(PEER_CHOICES + 5):
        make_employee(
            world.agency, unit=world.subunit, position=world.staff_position, name=f"Teman {i:03d}"
        )
    signed_in(client, world.staff, cycle)
    html = client.get(reverse("assessment:my_tasks"), {"rekan": "Teman"}).content.decode()
    assert len(_peer_options(html)) == PEER_CHOICES
    assert "persempit pencarian" in html
    exact = client.get(reverse("assessment:my_tasks"), {"rekan": "Teman 007"}).content.decode()
    assert list(_peer_options(exact).values()) == [f"Teman 007 — {world.staff_position.name}"]
    assert "persempit pencarian" not in exact


def test_my_tasks_query_count_does_not_grow_with_the_agency(
    client, world, cycle, django_assert_num_queries
):
    signed_in(client, world.staff, cycle)
    url = reverse("assessment:my_tasks")
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        small = client.get(url).content.decode()
    Employee.objects.bulk_create(
        Employee(
            agency=world.agency,
            nip=f"19900101201501{i:04d}",
            name=f"Banyak {i}",
            unit=world.unit if i % 2 else world.subunit,
            position=world.staff_position,
        )
        for i in range(400)
    )
    with django_assert_num_queries(len(before)):
        big = client.get(url).content.decode()
    assert len(big) < len(small) + 30 * 200  # at most a capped list more, not 400 people


def test_peer_proposal_can_be_rejected_with_a_note(client, world, cycle):
    dewi = colleague(world)
    proposal = services.peer_propose(
        cycle=cycle, ratee=world.staff_employee, peer=dewi, acting_user=world.staff
    )
    signed_in(client, world.supervisor)
    page = reverse("assessment:peer_proposals", args=[cycle.pk])
    client.post(page, {"proposal": proposal.pk, "decision": "tolak", "note": "Beda bidang"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.note) == (PeerProposal.Status.REJECTED, "Beda bidang")
    assert not RaterAssignment.objects.filter(cycle=cycle, rater=dewi).exists()


def test_proposing_a_current_rater_reveals_nothing_and_adds_no_second_assignment(
    client, world, cycle
):
    signed_in(client, world.staff, cycle)
    response = client.post(
        reverse("assessment:peer_propose", args=[cycle.pk]),
        {"peer": world.peer_employee.pk},
        follow=True,
    )
    assert "sudah menjadi penilai" not in response.content.decode()
    proposal = PeerProposal.objects.get(ratee=world.staff_employee, peer=world.peer_employee)
    before = RaterAssignment.objects.filter(cycle=cycle).count()
    services.peer_decide(
        proposal=proposal,
        approve=True,
        decided_by=world.supervisor_employee,
        note="",
        acting_user=world.supervisor,
    )
    assert RaterAssignment.objects.filter(cycle=cycle).count() == before
    assert (
        RaterAssignment.objects.get(
            cycle=cycle, rater=world.peer_employee, ratee=world.staff_employee
        ).relation
        == Relation.PEER
    )


@pytest.mark.parametrize("who", ["staff", "peer", "admin", "outsider"])
def test_only_the_ratees_supervisor_decides_a_proposal(client, world, cycle, who):
    dewi = colleague(world)
    proposal = services.peer_propose(
        cycle=cycle, ratee=world.staff_employee, peer=dewi, acting_user=world.staff
    )
    signed_in(client, getattr(world, who))
    page = reverse("assessment:peer_proposals", args=[cycle.pk])
    assert client.get(page).status_code == 404
    response = client.post(page, {"proposal": proposal.pk, "decision": "setujui"})
    assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == PeerProposal.Status.PENDING
    assert not RaterAssignment.objects.filter(cycle=cycle, rater=dewi).exists()


def test_proposal_from_another_agency_cannot_be_made(client, world, cycle):
    signed_in(client, world.staff, cycle)
    client.post(
        reverse("assessment:peer_propose", args=[cycle.pk]), {"peer": world.outsider_employee.pk}
    )
    assert not PeerProposal.objects.exists()


def test_supervisor_sees_team_completion_but_never_answers(client, world, cycle):
    peer_form = RaterAssignment.objects.get(
        cycle=cycle, rater=world.peer_employee, ratee=world.staff_employee
    )
    answers = {
        i["code"]: services.Answer(level=4, comment="RAHASIA-REKAN")
        for i in services.items_for_ratee(cycle, world.staff_employee)
    }
    services.acknowledge(cycle=cycle, user=world.peer)
    services.response_save(
        assignment=peer_form, answers=answers, acting_user=world.peer, submit=True
    )
    url = reverse("assessment:team_progress", args=[cycle.pk])

    signed_in(client, world.supervisor, cycle)
    page = client.get(url).content.decode()
    assert "Progres penilaian tim saya" in page
    assert "RAHASIA-REKAN" not in page
    assert "Rekan kerja" in page

    for who in (world.staff, world.peer, world.outsider):
        signed_in(client, who)
        assert client.get(url).status_code == 404
