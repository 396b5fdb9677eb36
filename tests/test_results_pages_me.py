"""Hasil saya, Hasil tim and a team member's page: who sees what (and when), nothing anonymous
leaks into the HTML, every number explains itself, the supervisor's rating perilaku decision,
and pinned query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinerja.core.models import AuditEvent
from kinerja.results import charts, explain, services
from kinerja.results.models import EmployeeResult, PerilakuDecision

from .conftest import make_employee
from .test_assessment_services import make_cycle
from .test_results_services import answer_all, closed_cycle  # noqa: F401  (fixture)

ROLES = ("admin", "leader", "supervisor", "staff", "peer", "outsider")
PEER_SECRET = "Rahasia rekan: jangan bocor."


# --- explain.py: the texts of a worked case -----------------------------------------------------

POLICY = {
    "weights": {"atasan": 0.5, "rekan": 0.3, "bawahan": 0.2, "diri": 0.0},
    "min_anonymous_raters": 3,
    "rater_correction": False,
    "jpm_categories": "penempatan",
    "perilaku_thresholds": {"di_atas": 3.5, "di_bawah": 2.5},
    "low_agreement_rwg": 0.7,
    "blind_spot_gap": 1.0,
}
POOLED_ITEM = {
    "score": 3.5,
    "required": 3,
    "gap": 0.5,
    "meets": True,
    "self": 5.0,
    "groups": {"atasan": {"mean": 4.0, "n": 1}, "rekan_bawahan": {"mean": 3.0, "n": 3}},
    "n_raters": 4,
    "sd": 0.71,
    "rwg": 0.75,
    "flags": ["anonim_digabung"],
}


def test_item_score_explains_weights_pooling_and_self():
    assert explain.item_score(POOLED_ITEM, POLICY) == [
        "Nilai = (0,5 × 4,00 + 0,5 × 3,00) ÷ (0,5 + 0,5) = 3,50.",
        "Bobot atasan 50 %, rekan & bawahan digabung (30 % + 20 %) karena salah satu kelompok "
        "kurang dari 3 penilai.",
        "Penilaian diri (5) tidak dihitung (bobot 0) tetapi ditampilkan.",
    ]
    assert explain.group_means(POOLED_ITEM) == "Atasan 4,00 (1) · Rekan & bawahan 3,00 (3)"
    assert explain.flag_labels(POOLED_ITEM, POLICY) == ["digabung untuk menjaga anonimitas"]


def test_item_score_says_when_rounded_means_do_not_add_up_and_groups_are_missing():
    # docs/scoring.md example A: 0,5 × 4 + 0,3 × 3,67 + 0,2 × 2,67 = 3,635 but the stored 3,63
    # comes from the unrounded means.
    item = {
        "score": 3.63,
        "self": 5.0,
        "groups": {
            "atasan": {"mean": 4.0, "n": 1},
            "rekan": {"mean": 3.67, "n": 3},
            "bawahan": {"mean": 2.67, "n": 3},
        },
        "flags": [],
    }
    lines = explain.item_score(item, POLICY)
    assert lines[0] == "Nilai = (0,5 × 4,00 + 0,3 × 3,67 + 0,2 × 2,67) ÷ (0,5 + 0,3 + 0,2) = 3,63."
    assert lines[1] == "Bobot atasan 50 %, rekan kerja 30 %, bawahan 20 %."
    assert "hanya hasil akhirnya yang dibulatkan" in lines[2]

    alone = {"score": 2.0, "groups": {"atasan": {"mean": 2.0, "n": 1}}, "flags": ["anonim_dihapus"]}
    lines = explain.item_score(alone, POLICY)
    assert lines[0] == "Nilai = (0,5 × 2,00) ÷ 0,5 = 2,00."
    assert any("bobot kelompok lain naik sebanding" in line for line in lines)
    assert any("kurang dari 3 penilai, sehingga dihapus" in line for line in lines)
    assert explain.flag_labels(alone, POLICY) == ["dihapus: kurang dari 3 penilai anonim"]
    nothing = {"score": None, "groups": {}, "flags": ["tidak_ada_data"]}
    assert explain.item_score(nothing, POLICY)[0].startswith("Belum ada nilai")
    assert explain.flag_labels(nothing, POLICY) == ["tidak ada data"]


def test_gap_and_agreement_texts():
    assert explain.gap(POOLED_ITEM) == [
        "Selisih = nilai − level standar = 3,50 − 3 = 0,50.",
        "Memenuhi standar karena 3,50 ≥ 3.",
    ]
    below = {**POOLED_ITEM, "score": 2.0, "gap": -1.0, "meets": False}
    assert explain.gap(below)[1] == "Belum memenuhi standar karena 2,00 < 3."
    # Agreement is between the 2 sources (atasan 4 and the pooled group 3), not the 4 raters.
    assert explain.agreement(POOLED_ITEM, POLICY)[0] == (
        "Kesepakatan antarsumber dihitung dari rata-rata 2 sumber yang masuk nilai "
        "(Atasan 4,00 (1) · Rekan & bawahan 3,00 (3)): simpangan baku (sd) = 0,71; "
        "r_wg = 1 − sd² ÷ 2 = 1 − 0,50 ÷ 2 = 0,75."
    )
    single = {
        "score": 4.0,
        "groups": {"atasan": {"mean": 4.0, "n": 2}},
        "n_raters": 2,
        "sd": None,
        "rwg": None,
    }
    assert (
        "kurang dari 2 sumber (kelompok penilai) yang masuk nilai (ada 1)"
        in (explain.agreement(single, POLICY)[0])
    )


def test_jpm_perilaku_predikat_and_nine_box_texts():
    items = {
        "M.01": {"score": 3.5, "required": 3},
        "M.02": {"score": 2.0, "required": 3},
        "M.03": {"score": None, "required": 2},
        "B.01": {"score": 4.0, "required": None},
        "B.02": {"score": 3.5, "required": None},
        "B.03": {"score": 3.0, "required": None},
    }
    lines = explain.jpm(
        items=items,
        jpm_value=83.33,
        jpm_category="cukup_optimal",
        jpm_missing=["M.03"],
        policy=POLICY,
        names={"M.03": "Komunikasi"},
    )
    assert lines[0] == (
        "JPM = 100 × (min(3,50; 3) + min(2,00; 3)) ÷ (3 + 3) = 100 × 5,00 ÷ 6 = 83,33."
    )
    assert lines[2] == "Tidak ikut dihitung karena belum ada nilai: Komunikasi."
    assert lines[3] == (
        "Kategori: Optimal bila ≥ 90, Cukup Optimal bila ≥ 78, selain itu Kurang Optimal. "
        "83,33 → Cukup Optimal."
    )
    lines = explain.perilaku(
        items=items,
        behaviour_codes=["B.01", "B.02", "B.03"],
        score=3.5,
        suggested="di_atas_ekspektasi",
        rating="sesuai_ekspektasi",
        policy=POLICY,
        decided=True,
    )
    assert lines[0] == (
        "Nilai perilaku = rata-rata nilai 3 butir BerAKHLAK yang ada nilainya = "
        "(4,00 + 3,50 + 3,00) ÷ 3 = 3,50."
    )
    assert lines[1].endswith("3,50 → Di atas ekspektasi.")
    assert "mengubah rating perilaku menjadi Sesuai ekspektasi" in lines[2]
    assert explain.predikat(
        hasil_kerja="sesuai_ekspektasi", rating="di_atas_ekspektasi", value="baik"
    ) == [
        "Predikat dari tabel PermenPANRB 6/2022, baris hasil kerja sesuai ekspektasi: perilaku "
        "di bawah ekspektasi → Kurang/Misconduct; perilaku sesuai ekspektasi → Baik; perilaku "
        "di atas ekspektasi → Baik.",
        "Rating perilaku di atas ekspektasi → predikat Baik.",
    ]
    assert explain.predikat(hasil_kerja="", rating="sesuai_ekspektasi", value="") == [
        "Predikat belum ada karena rating hasil kerja belum ada."
    ]
    lines = explain.nine_box(predikat_value="baik", jpm_category="cukup_optimal", box=5)
    assert lines[-1] == "Kotak = kinerja sesuai ekspektasi × potensial menengah = 5."
    assert "Cukup Optimal → menengah" in lines[1]


def test_radar_chart_is_scalable_accessible_svg():
    svg = charts.radar_svg(
        labels=["Integritas", "Kerjasama", "Komunikasi"],
        series=[
            charts.Series("score", "Nilai dari orang lain", [3.5, None, 2.0]),
            charts.Series("self", "Penilaian diri", [5, 4, 4]),
            charts.Series("required", "Level standar", [3, 3, 2]),
        ],
        title="Profil kompetensi <Sari>",
        desc="Grafik radar",
    )
    assert svg.startswith("<svg") and 'role="img"' in svg and "viewBox=" in svg
    head = svg[: svg.index(">")]
    assert " width=" not in head and " height=" not in head  # scales with its container
    assert '<title id="radar-title">Profil kompetensi &lt;Sari&gt;</title>' in svg
    assert '<desc id="radar-desc">Grafik radar</desc>' in svg
    assert "Integritas" in svg and "Penilaian diri" in svg  # text stays text
    assert charts.radar_svg(labels=["A", "B"], series=[], title="t", desc="d") == ""


# --- pages --------------------------------------------------------------------------------------


def user_of(world, role):
    return {
        "admin": world.admin,
        "leader": world.leader,
        "supervisor": world.supervisor,
        "staff": world.staff,
        "peer": world.peer,
        "outsider": world.outsider,
    }[role]


@pytest.fixture
def computed(world, closed_cycle):  # noqa: F811
    services.results_compute(cycle=closed_cycle, acting_user=world.admin)
    return closed_cycle


@pytest.fixture
def final(world, computed):
    services.results_finalise(cycle=computed, acting_user=world.admin)
    computed.refresh_from_db()
    return computed


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


MY_BEFORE = {
    "admin": 404,  # no employee record
    "leader": 404,
    "supervisor": 200,
    "staff": 200,
    "peer": 200,
    "outsider": 200,  # their own (empty) page in their own agency
}


@pytest.mark.parametrize("role", ROLES)
def test_my_results_before_final_shows_the_empty_state(client, world, computed, role):
    response = get(client, user_of(world, role), reverse("results:my_results"))
    assert response.status_code == MY_BEFORE[role]
    if response.status_code == 200:
        html = response.content.decode()
        assert "Hasil belum dapat ditampilkan" in html
        assert "Job Person Match" not in html
    chosen = get(client, user_of(world, role), reverse("results:my_results", args=[computed.pk]))
    assert chosen.status_code == (404 if role in ("admin", "leader", "outsider") else 200)
    if chosen.status_code == 200:
        assert "Hasil belum dapat ditampilkan" in chosen.content.decode()


def test_my_results_once_final_shows_the_results_with_their_explanations(client, world, final):
    html = get(client, world.staff, reverse("results:my_results")).content.decode()
    assert "Job Person Match" in html and "Hasil belum dapat ditampilkan" not in html
    # M.01: only the supervisor (2) counts, the lone peer was dropped, self 5 shown apart.
    assert "Nilai = (0,5 × 2,00) ÷ 0,5 = 2,00." in html
    assert "Penilaian diri (5) tidak dihitung (bobot 0) tetapi ditampilkan." in html
    assert "dihapus: kurang dari 3 penilai anonim" in html
    assert "JPM = 100 × (min(2,00; 3) + min(4,00; 2)) ÷ (3 + 2) = 100 × 4,00 ÷ 5 = 80,00." in html
    assert "Rating perilaku di atas ekspektasi → predikat Baik." in html
    assert "Kotak = kinerja sesuai ekspektasi × potensial menengah = 5." in html
    assert 'aria-current="true">5<' in html  # the 9-box highlights box 5
    assert "<svg" in html and "<title" in html  # the radar chart, with its accessible title
    assert "Atasan 2,00 (1)" in html
    assert html.count("Bagaimana nilai ini dihitung?") >= 10
    # The same page through the cycle's own URL.
    again = get(client, world.staff, reverse("results:my_results", args=[final.pk]))
    assert "Job Person Match" in again.content.decode()


def test_no_peer_identity_or_private_comment_reaches_any_page(client, world, computed):
    member = reverse("results:member", args=[computed.pk, world.staff_employee.pk])
    pages = [get(client, world.supervisor, member), get(client, world.admin, member)]
    services.results_finalise(cycle=computed, acting_user=world.admin)
    pages.append(get(client, world.staff, reverse("results:my_results")))
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert PEER_SECRET not in html  # one anonymous rater: below the threshold of 3
        assert world.peer_employee.name not in html
        assert "Teliti dan cepat." in html  # the supervisor's comment is shown


@pytest.fixture
def three_peers(world, framework):
    """Sari rated by her supervisor and three peers (the anonymous group reaches 3)."""
    sup = world.supervisor_employee
    extra = [
        make_employee(
            world.agency, unit=world.subunit, position=world.staff_position, supervisor=sup,
            name=name,
        )
        for name in ("Rini Rekan", "Dedi Rekan")
    ]  # fmt: skip
    cycle = make_cycle(world.agency, world.admin)
    staff = world.staff_employee
    answer_all(cycle, sup, staff, 4)
    for peer, level in zip([world.peer_employee, *extra], (3, 3, 2), strict=True):
        answer_all(cycle, peer, staff, level, strengths=f"Kekuatan menurut {peer.name.split()[0]}")
    from kinerja.assessment import services as assessment

    closed = assessment.cycle_transition(cycle=cycle, action="close", acting_user=world.admin)
    services.results_compute(cycle=closed, acting_user=world.admin)
    services.results_finalise(cycle=closed, acting_user=world.admin)
    return closed, extra


def test_anonymous_comments_show_without_names(client, world, three_peers):
    _cycle, extra = three_peers
    html = get(client, world.staff, reverse("results:my_results")).content.decode()
    assert "Rekan &amp; bawahan (anonim)" in html
    assert "Kekuatan menurut Rudi" in html  # the text itself is shown…
    for person in (world.peer_employee, *extra):  # …but never a rater's name with it
        assert person.name not in html
    assert "Rekan kerja 2,67 (3)" in html


MEMBER_BEFORE = {
    "admin": 200,
    "leader": 200,
    "supervisor": 200,
    "staff": 404,  # own results before final: not on this page either
    "peer": 404,
    "outsider": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_member_page_before_final(client, world, computed, role):
    url = reverse("results:member", args=[computed.pk, world.staff_employee.pk])
    response = get(client, user_of(world, role), url)
    assert response.status_code == MEMBER_BEFORE[role]
    if response.status_code == 200:
        html = response.content.decode()
        assert "Job Person Match" in html
        # Only the supervisor and the HR admin may decide the rating perilaku.
        assert ("Simpan rating perilaku" in html) == (role in ("admin", "supervisor"))


@pytest.mark.parametrize(
    "role,status", [("staff", 200), ("peer", 404), ("outsider", 404), ("supervisor", 200)]
)
def test_member_page_once_final(client, world, final, role, status):
    url = reverse("results:member", args=[final.pk, world.staff_employee.pk])
    response = get(client, user_of(world, role), url)
    assert response.status_code == status
    if role == "supervisor":
        html = response.content.decode()
        assert "sudah final; rating perilaku tidak dapat diubah" in html
        assert "Simpan rating perilaku" not in html


TEAM = {"admin": 404, "leader": 404, "supervisor": 200, "staff": 404, "peer": 404, "outsider": 404}


@pytest.mark.parametrize("role", ROLES)
def test_team_page_is_for_supervisors_of_direct_reports(client, world, computed, role):
    for url in (reverse("results:team"), reverse("results:team", args=[computed.pk])):
        response = get(client, user_of(world, role), url)
        assert response.status_code == TEAM[role], url
    if role == "supervisor":
        html = response.content.decode()
        assert world.staff_employee.name in html and world.peer_employee.name in html
        assert reverse("results:member", args=[computed.pk, world.staff_employee.pk]) in html
        assert "Peta selisih kompetensi tim" in html
        assert 'class="gap gap-low2">-1,00<' in html  # Sari's M.01: 2 − 3


def test_results_pages_link_to_the_team_for_supervisors_only(client, world, computed):
    team = reverse("results:team")
    assert team in get(client, world.supervisor, reverse("results:my_results")).content.decode()
    assert team not in get(client, world.staff, reverse("results:my_results")).content.decode()


def result_state(cycle):
    return (
        list(EmployeeResult.objects.filter(cycle=cycle).order_by("pk").values()),
        list(PerilakuDecision.objects.filter(cycle=cycle).values()),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("role", ["leader", "staff", "peer", "outsider"])
def test_perilaku_decision_refused_changes_nothing(client, world, computed, role):
    url = reverse("results:member", args=[computed.pk, world.staff_employee.pk])
    before = result_state(computed)
    client.force_login(user_of(world, role))
    response = client.post(url, {"rating": "di_bawah_ekspektasi", "reason": "Alasan."})
    assert response.status_code == 404
    assert result_state(computed) == before


def test_perilaku_decision_needs_a_reason_to_differ_and_updates_the_predikat(
    client, world, computed
):
    url = reverse("results:member", args=[computed.pk, world.staff_employee.pk])
    client.force_login(world.supervisor)
    before = result_state(computed)
    refused = client.post(url, {"rating": "di_bawah_ekspektasi", "reason": "  "})
    assert refused.status_code == 200
    assert "Tuliskan alasan bila rating perilaku berbeda" in refused.content.decode()
    assert result_state(computed) == before

    response = client.post(
        url, {"rating": "di_bawah_ekspektasi", "reason": "Sering terlambat melayani warga."}
    )
    assert response.status_code == 302 and response["Location"] == url
    row = EmployeeResult.objects.get(cycle=computed, employee=world.staff_employee)
    assert row.perilaku_rating == "di_bawah_ekspektasi" and row.predikat == "kurang"
    event = AuditEvent.objects.get(action="results.perilaku")
    assert event.after["reason"] == "Sering terlambat melayani warga."
    html = client.get(url).content.decode()
    assert "Predikat sekarang: Kurang/Misconduct." in html
    assert "Atasan mengubah rating perilaku menjadi Di bawah ekspektasi" in html

    # Confirming the suggestion needs no reason.
    response = client.post(url, {"rating": "di_atas_ekspektasi", "reason": ""})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.predikat == "baik"
    assert "Atasan mengonfirmasi saran ini." in client.get(url).content.decode()


def test_perilaku_decision_refused_with_a_message_once_final(client, world, final):
    url = reverse("results:member", args=[final.pk, world.staff_employee.pk])
    client.force_login(world.supervisor)
    before = result_state(final)
    response = client.post(url, {"rating": "di_atas_ekspektasi", "reason": ""}, follow=True)
    assert "sudah final dan tidak dapat diubah" in response.content.decode()
    assert result_state(final) == before


def team_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_team_page_query_count_does_not_grow_with_the_team(client, world, computed):
    client.force_login(world.supervisor)
    url = reverse("results:team", args=[computed.pk])
    small = team_queries(client, url)
    template = EmployeeResult.objects.get(cycle=computed, employee=world.staff_employee)
    for i in range(4):  # a team of 2 becomes a team of 6
        person = make_employee(
            world.agency, unit=world.subunit, position=world.staff_position,
            supervisor=world.supervisor_employee, name=f"Anggota {i}",
        )  # fmt: skip
        template.pk, template.employee = None, person
        template.save()
    services.perilaku_decide(
        cycle=computed,
        employee=world.staff_employee,
        rating="sesuai_ekspektasi",
        reason="Cukup.",
        acting_user=world.supervisor,
    )
    html = client.get(url).content.decode()
    assert html.count(f"/hasil/tim/{computed.pk}/") >= 6
    assert team_queries(client, url) == small


@pytest.mark.parametrize("role", ["staff", "peer", "outsider"])
def test_another_employees_member_page_is_not_found(client, world, final, role):
    other = world.peer_employee if role == "staff" else world.supervisor_employee
    url = reverse("results:member", args=[final.pk, other.pk])
    assert get(client, user_of(world, role), url).status_code == 404
