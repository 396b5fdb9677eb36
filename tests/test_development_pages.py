"""Competency development pages: the catalog (browse, manage, import), Pengembangan saya
(recommendations, plan, submit, realisations with evidence), the supervisor's decision, the
agency's training-needs analysis; who may do what, refusals that change nothing, audit events
and pinned query counts."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from kinerja.assessment import services as assessment
from kinerja.assessment.simulate import simulate_responses
from kinerja.core.models import AuditEvent
from kinerja.demo.synthetic import generate_agency
from kinerja.development import services
from kinerja.development.models import DevelopmentPlan, PlanItem, Realisation, Training
from kinerja.organisation.models import Employee
from kinerja.results import services as results

from .conftest import make_employee, make_user
from .test_assessment_services import make_cycle
from .test_results_services import answer_all, closed_cycle  # noqa: F401  (fixture)

ROLES = ("admin", "leader", "supervisor", "staff", "peer", "outsider")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
YEAR = timezone.localdate().year


def user_of(world, role: str):
    return getattr(world, role)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def dev_state(agency) -> dict:
    """Everything a development action could change, as plain values."""
    return {
        "trainings": sorted(
            Training.objects.filter(agency=agency).values_list(
                "id", "code", "name", "jp", "is_active", "competencies"
            )
        ),
        "plans": sorted(
            DevelopmentPlan.objects.filter(agency=agency).values_list(
                "id", "year", "status", "supervisor_comment"
            )
        ),
        "items": sorted(
            PlanItem.objects.filter(plan__agency=agency).values_list("id", "title", "jp_planned")
        ),
        "realisations": sorted(
            Realisation.objects.filter(plan__agency=agency).values_list("id", "title", "jp")
        ),
        "audit": AuditEvent.objects.filter(agency=agency).count(),
    }


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def training(world, code, competencies, *, method="pelatihan", mode="klasikal", jp=16, **extra):
    return services.training_save(
        agency=world.agency,
        acting_user=world.admin,
        code=code,
        name=extra.pop("name", f"Pelatihan {code}"),
        mode=mode,
        method=method,
        jp=jp,
        competencies=competencies,
        **extra,
    )


@pytest.fixture
def trainings(world, framework):
    """M.01 Integritas (level 1–3), an e-learning on M.02, and coaching for any competency."""
    return {
        "kom": training(world, "INT-1", ["M.01"], name="Pelatihan Integritas", level_max=3),
        "el": training(
            world,
            "EL-2",
            ["M.02"],
            method="e_learning",
            mode="non_klasikal",
            jp=8,
            name="E-learning",
        ),
        "coach": training(
            world, "COACH", [], method="coaching", mode="non_klasikal", jp=6, name="Coaching atasan"
        ),
    }


@pytest.fixture
def final(world, closed_cycle):  # noqa: F811
    """Sari's final result: M.01 Integritas 2,00 against standard 3 (a gap), M.02 meets."""
    results.results_compute(cycle=closed_cycle, acting_user=world.admin)
    return results.results_finalise(cycle=closed_cycle, acting_user=world.admin)


def plan_with(world, *, jp_items=(16, 8), status=None):
    plan = services.plan_for(employee=world.staff_employee, year=YEAR)
    for i, jp in enumerate(jp_items):
        services.plan_item_add(plan=plan, acting_user=world.staff, title=f"Kegiatan {i + 1}", jp=jp)
    if status in ("diajukan", "disetujui"):
        services.plan_submit(plan=plan, acting_user=world.staff)
    if status == "disetujui":
        services.plan_decide(plan=plan, approve=True, comment="", acting_user=world.supervisor)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def approved(world):
    """Sari's approved 24 JP plan with one realisation and its PDF evidence."""
    plan = plan_with(world, status="disetujui")
    realisation = services.realisation_record(
        plan=plan,
        acting_user=world.staff,
        title="Kegiatan 1",
        date=timezone.localdate(),
        jp=16,
        evidence=SimpleUploadedFile("sertifikat.pdf", PDF, content_type="application/pdf"),
    )
    return plan, realisation


# --- catalog ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_member_browses_the_catalog_of_their_own_agency(client, world, trainings, role):
    client.force_login(user_of(world, role))
    response = client.get(reverse("development:catalog"))
    assert response.status_code == 200
    html = response.content.decode()
    assert ("Pelatihan Integritas" in html) == (role != "outsider")
    assert ("Tambah kegiatan" in html) == (role in ("admin", "outsider"))
    assert (reverse("development:training_edit", args=[trainings["kom"].pk]) in html) == (
        role == "admin"
    )


def test_anonymous_visitor_is_sent_to_login(client, world, trainings):
    for url in (reverse("development:catalog"), reverse("development:my_plan")):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_catalog_searches_code_name_provider_and_filters_by_method(client, world, trainings):
    training(world, "PP-1", ["M.05"], name="Pelayanan Prima", provider="BPSDM Provinsi")
    client.force_login(world.staff)
    url = reverse("development:catalog")

    def codes(**params):
        page = client.get(url, params).context["page"]
        return [t.code for t in page]

    assert codes() == ["COACH", "EL-2", "INT-1", "PP-1"]
    assert codes(q="bpsdm") == ["PP-1"]
    assert codes(q="int-") == ["INT-1"]
    assert codes(q="prima") == ["PP-1"]
    assert codes(metode="e_learning") == ["EL-2"]
    assert codes(metode="coaching", q="pelatihan") == []
    assert codes(metode="tidak-ada") == ["COACH", "EL-2", "INT-1", "PP-1"]  # ignored


def test_catalog_paginates(client, world, framework):
    for n in range(30):
        training(world, f"T-{n:02d}", ["M.01"])
    client.force_login(world.staff)
    first = client.get(reverse("development:catalog"))
    assert len(first.context["page"].object_list) == 25
    assert "Halaman 1 dari 2" in first.content.decode()
    second = client.get(reverse("development:catalog"), {"page": 2})
    assert [t.code for t in second.context["page"]] == [f"T-{n}" for n in range(25, 30)]


ADMIN_PAGES = ["training_create", "catalog_import", "catalog_template"]
OBJECT_PAGES = ["training_edit", "training_delete"]


@pytest.mark.parametrize("role", ROLES)
def test_catalog_management_pages_are_for_the_admin_only(client, world, trainings, role):
    client.force_login(user_of(world, role))
    for name in ADMIN_PAGES:
        expected = 200 if role in ("admin", "outsider") else 404  # outsider: B's own admin
        assert client.get(reverse(f"development:{name}")).status_code == expected, name
    for name in OBJECT_PAGES:
        response = client.get(reverse(f"development:{name}", args=[trainings["kom"].pk]))
        assert response.status_code == (200 if role == "admin" else 404), name


def training_post(**overrides):
    data = {
        "code": "KOM-9",
        "name": "Komunikasi Efektif",
        "mode": "klasikal",
        "method": "pelatihan",
        "jp": "24",
        "competencies": ["M.01", "M.02"],
        "level_min": "2",
        "level_max": "3",
        "provider": "BPSDM",
        "cost": "1500000",
        "description": "Tiga hari",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def catalog_csv(rows: list[str]) -> SimpleUploadedFile:
    text = "\n".join(["kode,nama,jalur,metode,jp,kompetensi", *rows]) + "\n"
    return SimpleUploadedFile("katalog.csv", text.encode(), content_type="text/csv")


@pytest.mark.parametrize("role", ["leader", "supervisor", "staff", "peer", "outsider"])
def test_denied_catalog_writes_answer_404_and_change_nothing(client, world, trainings, role):
    client.force_login(user_of(world, role))
    before = dev_state(world.agency)
    pk = trainings["kom"].pk
    posts = [
        (reverse("development:training_edit", args=[pk]), training_post(code="INT-1")),
        (reverse("development:training_delete", args=[pk]), {}),
    ]
    if role != "outsider":  # the outsider is agency B's admin: B's own catalog is theirs
        posts += [
            (reverse("development:training_create"), training_post()),
            (
                reverse("development:catalog_import"),
                {"file": catalog_csv(["X,X,klasikal,pelatihan,8,"])},
            ),
        ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert dev_state(world.agency) == before


def test_admin_creates_edits_and_deletes_a_training_with_audit_events(client, world, framework):
    client.force_login(world.admin)
    response = client.post(reverse("development:training_create"), training_post())
    assert response.status_code == 302
    saved = Training.objects.get(agency=world.agency, code="KOM-9")
    assert (saved.jp, saved.competencies, saved.level_min, saved.level_max) == (
        24,
        ["M.01", "M.02"],
        2,
        3,
    )
    assert saved.cost == 1500000 and saved.is_active

    edit = reverse("development:training_edit", args=[saved.pk])
    page = client.get(edit).content.decode()
    assert 'value="Komunikasi Efektif"' in page
    client.post(edit, training_post(jp="32", is_active=""))
    saved.refresh_from_db()
    assert saved.jp == 32 and not saved.is_active

    delete = reverse("development:training_delete", args=[saved.pk])
    assert "Ya, hapus" in client.get(delete).content.decode()
    client.post(delete)
    assert not Training.objects.filter(pk=saved.pk).exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="training.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["training.create", "training.update", "training.delete"]


def test_training_form_shows_why_a_save_is_refused(client, world, trainings):
    client.force_login(world.admin)
    before = dev_state(world.agency)
    duplicate = client.post(reverse("development:training_create"), training_post(code="int-1"))
    assert duplicate.status_code == 200
    assert "Kode INT-1 sudah dipakai." in duplicate.content.decode()
    bad_range = client.post(
        reverse("development:training_create"), training_post(level_min="4", level_max="2")
    )
    assert "Rentang level harus 1–5" in bad_range.content.decode()
    assert dev_state(world.agency) == before


# --- import ------------------------------------------------------------------------------------


def test_import_with_a_bad_row_changes_nothing_and_reports_row_and_column(client, world, trainings):
    client.force_login(world.admin)
    before = dev_state(world.agency)
    upload = catalog_csv(
        [
            "PP-1,Pelayanan Prima,klasikal,pelatihan,24,M.05",
            "INT-1,Integritas baru,klasikal,pelatihan,20,M.01",  # a valid update
            "BAD-1,Salah,tatap_muka,pelatihan,nol,M.99",
        ]
    )
    response = client.post(reverse("development:catalog_import"), {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Impor dibatalkan: 3 kesalahan. Tidak ada data yang diubah." in html
    errors = {(e.row, e.column) for e in response.context["report"].errors}
    assert errors == {(4, "jalur"), (4, "jp"), (4, "kompetensi")}
    assert "Kode kompetensi tidak dikenal: M.99." in html
    assert "<td>4</td><td><code>jp</code></td>" in html
    assert dev_state(world.agency) == before


def test_import_dry_run_previews_then_the_import_saves(client, world, trainings):
    client.force_login(world.admin)
    rows = [
        'PP-1,Pelayanan Prima,klasikal,pelatihan,24,"M.05, M.01"',
        "INT-1,Pelatihan Integritas,klasikal,pelatihan,20,M.01",
    ]
    before = dev_state(world.agency)
    preview = client.post(
        reverse("development:catalog_import"), {"file": catalog_csv(rows), "dry_run": "on"}
    )
    html = preview.content.decode()
    assert "Uji coba berhasil — belum ada yang disimpan." in html
    assert "1 kegiatan baru, 1 diperbarui, 0 tidak berubah." in html
    assert dev_state(world.agency) == before
    done = client.post(reverse("development:catalog_import"), {"file": catalog_csv(rows)})
    assert "Impor berhasil." in done.content.decode()
    assert Training.objects.get(agency=world.agency, code="PP-1").competencies == ["M.01", "M.05"]
    assert Training.objects.get(agency=world.agency, code="INT-1").jp == 20


def test_import_template_lists_the_columns_and_its_example_imports(client, world, framework):
    client.force_login(world.admin)
    response = client.get(reverse("development:catalog_template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == services.IMPORT_COLUMNS + services.IMPORT_OPTIONAL
    assert len(rows) == 2
    upload = SimpleUploadedFile("templat.xlsx", response.content)
    done = client.post(reverse("development:catalog_import"), {"file": upload})
    assert "Impor berhasil." in done.content.decode()
    assert Training.objects.filter(agency=world.agency, code=rows[1][0]).exists()


def test_import_of_an_unreadable_file_says_why(client, world, framework):
    client.force_login(world.admin)
    upload = SimpleUploadedFile("katalog.txt", b"hello")
    html = client.post(reverse("development:catalog_import"), {"file": upload}).content.decode()
    assert "Berkas tidak dapat diproses." in html and ".xlsx atau .csv" in html


# --- Pengembangan saya -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_pengembangan_saya_opens_for_every_member(client, world, trainings, role):
    client.force_login(user_of(world, role))
    response = client.get(reverse("development:my_plan"))
    assert response.status_code == 200
    html = response.content.decode()
    if role in ("admin", "leader"):  # the world's admin and leader have no employee record
        assert "belum terhubung ke data pegawai" in html
    else:
        assert "Ajukan ke atasan" in html
        assert 'href="/pengembangan/saya/"' in html  # the nav entry


def test_recommendations_say_why_and_offer_courses_and_coaching(client, world, trainings, final):
    client.force_login(world.staff)
    response = client.get(reverse("development:my_plan"))
    html = response.content.decode()
    assert "Integritas 2,00 dari standar 3" in html
    (row,) = response.context["recommendations"]
    assert [o.option.code for o in row.options] == ["INT-1", "COACH"]
    assert row.fallback == ["Mentoring: Integritas"]  # the catalog has no mentoring
    assert "E-learning" not in html.split('id="rekomendasi"')[1].split('id="tambah"')[0]
    assert html.count("Tambahkan ke rencana") == 3


def test_without_a_final_result_recommendations_are_unavailable_but_the_catalog_works(
    client, world, trainings
):
    client.force_login(world.staff)
    html = client.get(reverse("development:my_plan")).content.decode()
    assert "Belum ada hasil penilaian final untuk Anda" in html
    client.post(
        reverse("development:plan_add"), {"kind": "katalog", "training": trainings["el"].pk}
    )
    item = PlanItem.objects.get(plan__employee=world.staff_employee)
    assert (item.training, item.source, item.jp_planned) == (trainings["el"], "katalog", 8)


def test_building_a_plan_from_recommendations_catalog_and_by_hand(client, world, trainings, final):
    client.force_login(world.staff)
    add = reverse("development:plan_add")
    client.post(add, {"kind": "rekomendasi", "training": trainings["kom"].pk, "competency": "M.01"})
    client.post(add, {"kind": "katalog", "training": trainings["el"].pk})
    client.post(
        add,
        {
            "kind": "manual",
            "source": "rekomendasi",
            "competency": "M.01",
            "title": "Mentoring: Integritas",
            "jp": "4",
        },
    )
    response = client.post(add, {"kind": "manual", "title": "Membaca buku", "jp": "2"}, follow=True)
    assert "Membaca buku (2 JP) ditambahkan ke rencana." in messages_of(response)
    plan = DevelopmentPlan.objects.get(employee=world.staff_employee, year=YEAR)
    rows = list(plan.items.values_list("title", "source", "competency", "jp_planned"))
    assert rows == [
        ("Pelatihan Integritas", "rekomendasi", "M.01", 16),
        ("E-learning", "katalog", "", 8),
        ("Mentoring: Integritas", "rekomendasi", "M.01", 4),
        ("Membaca buku", "manual", "", 2),
    ]
    again = client.post(
        add,
        {"kind": "rekomendasi", "training": trainings["kom"].pk, "competency": "M.01"},
        follow=True,
    )
    assert "Kegiatan ini sudah ada di rencana." in messages_of(again)
    page = client.get(reverse("development:my_plan"))
    assert "Sudah di rencana" in page.content.decode()
    assert page.context["bar"].progress.planned == 30

    manual = plan.items.get(title="Membaca buku")
    client.post(reverse("development:plan_remove", args=[manual.pk]))
    assert not plan.items.filter(pk=manual.pk).exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="plan.item")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["plan.item_add"] * 4 + ["plan.item_remove"]


def test_bad_plan_item_input_is_refused_with_a_message(client, world, trainings):
    client.force_login(world.staff)
    add = reverse("development:plan_add")
    before = dev_state(world.agency)
    response = client.post(add, {"kind": "manual", "title": "", "jp": "0"}, follow=True)
    assert any("Nama kegiatan" in m for m in messages_of(response))
    response = client.post(add, {"kind": "katalog", "training": "999999"}, follow=True)
    assert messages_of(response)
    assert client.post(add, {"kind": "lain"}).status_code == 404
    state = dev_state(world.agency)
    assert state["items"] == before["items"]


def test_submit_below_20_jp_is_refused_with_the_message(client, world, trainings):
    client.force_login(world.staff)
    empty = client.post(reverse("development:plan_submit"), follow=True)
    assert (
        "Rencana baru 0 JP; setiap ASN berhak dan wajib paling sedikit 20 JP setahun."
        in messages_of(empty)
    )
    plan = plan_with(world, jp_items=(8, 4))
    response = client.post(reverse("development:plan_submit"), follow=True)
    assert (
        "Rencana baru 12 JP; setiap ASN berhak dan wajib paling sedikit 20 JP setahun."
        in messages_of(response)
    )
    assert "kurang 8 JP dari minimum 20 JP" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == "draf" and not AuditEvent.objects.filter(action="plan.submit").exists()


def test_a_submitted_plan_is_locked_for_the_employee(client, world, trainings):
    plan = plan_with(world)
    client.force_login(world.staff)
    response = client.post(reverse("development:plan_submit"), follow=True)
    assert "Rencana diajukan ke atasan untuk disetujui." in messages_of(response)
    html = response.content.decode()
    assert "menunggu keputusan atasan" in html and "Ajukan ke atasan</button>" not in html
    before = dev_state(world.agency)
    refused = client.post(
        reverse("development:plan_add"), {"kind": "manual", "title": "X", "jp": "2"}, follow=True
    )
    assert "Rencana berstatus Diajukan ke atasan tidak dapat diubah." in messages_of(refused)
    client.post(reverse("development:plan_remove", args=[plan.items.first().pk]))
    assert dev_state(world.agency) == before


def test_another_employees_item_cannot_be_removed(client, world, trainings):
    plan = plan_with(world)
    before = dev_state(world.agency)
    for user in (world.peer, world.supervisor, world.outsider):
        client.force_login(user)
        response = client.post(reverse("development:plan_remove", args=[plan.items.first().pk]))
        assert response.status_code == 404
    assert dev_state(world.agency) == before


def test_previous_years_are_read_only(client, world, trainings):
    old = DevelopmentPlan.objects.create(
        agency=world.agency, employee=world.staff_employee, year=YEAR - 1
    )
    item = PlanItem.objects.create(plan=old, title="Kegiatan lama", jp_planned=20)
    client.force_login(world.staff)
    html = client.get(reverse("development:my_plan", args=[YEAR - 1])).content.decode()
    assert "Kegiatan lama" in html
    assert "Ajukan ke atasan" not in html and "Tambahkan" not in html
    assert reverse("development:plan_remove", args=[item.pk]) not in html
    assert client.post(reverse("development:plan_remove", args=[item.pk])).status_code == 404
    assert PlanItem.objects.filter(pk=item.pk).exists()
    # the supervisor reads it too
    client.force_login(world.supervisor)
    team = client.get(reverse("development:team_plans"), {"tahun": YEAR - 1}).content.decode()
    assert reverse("development:plan_detail", args=[old.pk]) in team
    assert (
        "Kegiatan lama"
        in client.get(reverse("development:plan_detail", args=[old.pk])).content.decode()
    )


# --- supervisor --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_team_plans_are_for_supervisors(client, world, trainings, role):
    plan_with(world, status="diajukan")
    client.force_login(user_of(world, role))
    response = client.get(reverse("development:team_plans"))
    if role != "supervisor":
        assert response.status_code == 404
        return
    html = response.content.decode()
    assert "Sari Staf" in html and "Rudi Rekan" in html
    assert "Menunggu keputusan Anda" in html and "24 JP, diajukan" in html
    assert "Diajukan ke atasan" in html and "Belum dibuat" in html


@pytest.mark.parametrize("role", ROLES)
def test_a_plan_is_seen_by_the_employee_the_supervisor_chain_admin_and_leader(
    client, world, trainings, role
):
    plan = plan_with(world, status="diajukan")
    client.force_login(user_of(world, role))
    response = client.get(reverse("development:plan_detail", args=[plan.pk]))
    if role in ("peer", "outsider"):
        assert response.status_code == 404
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert ("Setujui</button>" in html) == (role in ("admin", "supervisor"))


@pytest.mark.parametrize("role", ["leader", "staff", "peer", "outsider"])
def test_denied_decisions_answer_404_and_change_nothing(client, world, trainings, role):
    plan = plan_with(world, status="diajukan")
    client.force_login(user_of(world, role))
    before = dev_state(world.agency)
    for decision in ("setujui", "kembalikan"):
        response = client.post(
            reverse("development:plan_decide", args=[plan.pk]),
            {"decision": decision, "comment": "x"},
        )
        assert response.status_code == 404
    assert dev_state(world.agency) == before


def test_supervisor_approves_and_the_audit_records_it(client, world, trainings):
    plan = plan_with(world, status="diajukan")
    client.force_login(world.supervisor)
    response = client.post(
        reverse("development:plan_decide", args=[plan.pk]),
        {"decision": "setujui", "comment": "Bagus."},
        follow=True,
    )
    assert "Rencana Sari Staf disetujui." in messages_of(response)
    plan.refresh_from_db()
    assert plan.status == "disetujui" and plan.decided_by == world.supervisor
    event = AuditEvent.objects.get(action="plan.approve")
    assert event.actor == world.supervisor and event.after["status"] == "disetujui"
    client.force_login(world.staff)
    html = client.get(reverse("development:my_plan")).content.decode()
    assert "Disetujui oleh" in html and "Catat kegiatan yang sudah selesai" in html


def test_returning_needs_a_comment_and_the_employee_sees_it(client, world, trainings):
    plan = plan_with(world, status="diajukan")
    client.force_login(world.supervisor)
    url = reverse("development:plan_decide", args=[plan.pk])
    refused = client.post(url, {"decision": "kembalikan", "comment": " "}, follow=True)
    assert "Tuliskan apa yang perlu diperbaiki sebelum mengembalikan." in messages_of(refused)
    plan.refresh_from_db()
    assert plan.status == "diajukan"
    client.post(url, {"decision": "kembalikan", "comment": "Tambahkan pelatihan pelayanan."})
    plan.refresh_from_db()
    assert plan.status == "dikembalikan"
    assert AuditEvent.objects.get(action="plan.return").after["comment"] == (
        "Tambahkan pelatihan pelayanan."
    )
    client.force_login(world.staff)
    html = client.get(reverse("development:my_plan")).content.decode()
    assert "Dikembalikan atasan:" in html and "Tambahkan pelatihan pelayanan." in html
    assert "Ajukan ke atasan</button>" in html  # editable again


def test_admin_may_decide_but_nobody_decides_their_own_plan(client, world, trainings):
    boss_user = world.supervisor
    plan = services.plan_for(employee=world.supervisor_employee, year=YEAR)
    services.plan_item_add(plan=plan, acting_user=boss_user, title="Kepemimpinan", jp=24)
    services.plan_submit(plan=plan, acting_user=boss_user)
    client.force_login(boss_user)
    url = reverse("development:plan_decide", args=[plan.pk])
    assert client.post(url, {"decision": "setujui"}).status_code == 404
    client.force_login(world.admin)
    client.post(url, {"decision": "setujui"})
    plan.refresh_from_db()
    assert plan.status == "disetujui"


# --- realisations and evidence -----------------------------------------------------------------


def realisation_post(plan, upload=None, **overrides):
    data = {
        "item": plan.items.first().pk,
        "title": "",
        "date": timezone.localdate().isoformat(),
        "jp": "16",
    }
    if upload is not None:
        data["evidence"] = upload
    data.update(overrides)
    return data


def test_a_realisation_waits_for_approval(client, world, trainings):
    plan = plan_with(world, status="diajukan")
    client.force_login(world.staff)
    response = client.post(
        reverse("development:realisation_add"), realisation_post(plan), follow=True
    )
    assert "Realisasi dicatat setelah rencana disetujui atasan." in messages_of(response)
    assert not Realisation.objects.exists()


def test_recording_a_realisation_with_pdf_evidence_moves_the_jp_bar(client, world, trainings):
    plan = plan_with(world, status="disetujui")
    client.force_login(world.staff)
    upload = SimpleUploadedFile("Sertifikat Sari.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("development:realisation_add"), realisation_post(plan, upload), follow=True
    )
    assert "Realisasi Kegiatan 1 (16 JP) dicatat." in messages_of(response)
    saved = Realisation.objects.get(plan=plan)
    assert (saved.item, saved.jp, saved.evidence_name) == (
        plan.items.first(),
        16,
        "Sertifikat Sari.pdf",
    )
    # Stored under MEDIA_ROOT with a random name, never the uploader's.
    assert saved.evidence.name.startswith(f"bukti/{world.agency.pk}/")
    assert "Sertifikat" not in saved.evidence.name and Path(saved.evidence.path).exists()
    bar = response.context["bar"]
    assert (bar.progress.completed, bar.progress.planned, bar.completed_pct) == (16, 24, 67)
    assert reverse("development:evidence", args=[saved.pk]) in response.content.decode()
    assert AuditEvent.objects.get(action="plan.realisation").after["jp"] == 16


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("sertifikat.pdf", b"MZ\x90\x00 this is a windows program", "Isi berkas tidak sesuai"),
        ("program.exe", b"MZ\x90\x00", "Bukti harus berkas PDF, JPG atau PNG."),
        ("besar.pdf", PDF + b"0" * (5 * 1024 * 1024), "Bukti terlalu besar (maksimal 5 MB)."),
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_recorded(
    client, world, trainings, settings, name, content, message
):
    plan = plan_with(world, status="disetujui")
    client.force_login(world.staff)
    before = dev_state(world.agency)
    upload = SimpleUploadedFile(name, content)
    response = client.post(
        reverse("development:realisation_add"), realisation_post(plan, upload), follow=True
    )
    assert any(message in m for m in messages_of(response)), messages_of(response)
    assert dev_state(world.agency) == before
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_realisation_in_the_future_is_refused(client, world, trainings):
    plan = plan_with(world, status="disetujui")
    client.force_login(world.staff)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("development:realisation_add"), realisation_post(plan, date=tomorrow), follow=True
    )
    assert any("tidak di masa depan" in m for m in messages_of(response))
    assert not Realisation.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_evidence_is_downloaded_only_by_those_who_may_see_the_plan(
    client, world, trainings, approved, role
):
    _plan, realisation = approved
    client.force_login(user_of(world, role))
    response = client.get(reverse("development:evidence", args=[realisation.pk]))
    if role in ("peer", "outsider"):
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_evidence_of_another_employee_is_not_found_and_anonymous_must_log_in(
    client, world, trainings, approved
):
    _plan, realisation = approved
    url = reverse("development:evidence", args=[realisation.pk])
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(world.peer)
    assert client.get(url).status_code == 404
    assert client.get(reverse("development:evidence", args=[999999])).status_code == 404


# --- analisis kebutuhan ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_needs_analysis_is_for_admin_and_leadership(client, world, trainings, final, role):
    client.force_login(user_of(world, role))
    for name in ("needs", "needs_export"):
        response = client.get(reverse(f"development:{name}"))
        expected = 200 if role in ("admin", "leader", "outsider") else 404
        assert response.status_code == expected, name
    if role == "outsider":  # agency B's admin sees B's (empty) analysis, never A's
        html = client.get(reverse("development:needs")).content.decode()
        assert "Pelatihan Integritas" not in html and "Seksi Pemerintahan A" not in html


def test_needs_analysis_counts_gaps_by_unit_trainings_and_the_20_jp_share(
    client, world, trainings, final
):
    plan_with(world, status="disetujui")  # Sari: 24 JP planned
    client.force_login(world.leader)
    response = client.get(reverse("development:needs"))
    analysis = response.context["analysis"]
    assert analysis.units == ["Seksi Pemerintahan A"]
    assert [(r["competency"], r["employees"]) for r in analysis.by_competency] == [("M.01", 1)]
    # Items aimed at the gap; coaching for any competency is offered to everyone, not counted.
    assert [(r["training"].code, r["employees"]) for r in analysis.by_training] == [("INT-1", 1)]
    assert (analysis.plans_on_track, analysis.employees_total) == (1, 3)
    html = response.content.decode()
    assert "33,33 %" in html and "Integritas" in html

    export = client.get(reverse("development:needs_export"), {"tahun": YEAR})
    assert f"analisis-kebutuhan-pengembangan-{YEAR}.xlsx" in export["Content-Disposition"]
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["kompetensi × unit", "pelatihan", "ringkasan"]
    units = list(book["kompetensi × unit"].iter_rows(values_only=True))
    assert units[0][3:] == ("Seksi Pemerintahan A",) and units[1][:4] == (
        "M.01",
        "Integritas",
        1,
        1,
    )
    courses = list(book["pelatihan"].iter_rows(values_only=True))
    assert [row[:2] for row in courses[1:]] == [("INT-1", "Pelatihan Integritas")]
    summary = dict(book["ringkasan"].iter_rows(values_only=True))
    assert summary["Tahun rencana"] == YEAR
    assert summary["Persentase pegawai ≥ 20 JP direncanakan"] == 33.33


# --- query counts ------------------------------------------------------------------------------


def _count(client, url: str, params: dict | None = None) -> int:
    client.get(url, params or {})  # warm
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


CATALOG_QUERIES = 9
TEAM_PLANS_QUERIES = 9
NEEDS_QUERIES = 11


def test_catalog_list_query_count_does_not_grow_with_items(client, world, framework):
    counts = []
    for size in (3, 40):
        for n in range(Training.objects.count(), size):
            training(world, f"Q-{n:03d}", ["M.01", "M.02"])
        client.force_login(world.staff)
        counts.append(_count(client, reverse("development:catalog")))
    assert counts == [CATALOG_QUERIES] * 2, counts


def test_team_plans_query_count_does_not_grow_with_reports(client, world, trainings):
    counts = []
    for size in (2, 9):
        while Employee.objects.filter(supervisor=world.supervisor_employee).count() < size:
            employee = make_employee(
                world.agency,
                unit=world.subunit,
                position=world.staff_position,
                supervisor=world.supervisor_employee,
            )
            plan = services.plan_for(employee=employee, year=YEAR)
            for jp in (12, 10):
                PlanItem.objects.create(plan=plan, title="x", jp_planned=jp)
            plan.status = "disetujui"
            plan.save()
            Realisation.objects.create(plan=plan, title="x", date=timezone.localdate(), jp=4)
        client.force_login(world.supervisor)
        counts.append(_count(client, reverse("development:team_plans")))
    assert counts == [TEAM_PLANS_QUERIES] * 2, counts
    rows = client.get(reverse("development:team_plans")).context["rows"]
    progress = [bar.progress for _row, bar in rows if _row.plan]
    assert {(p.completed, p.planned) for p in progress} == {(4, 22)}


def _final_agency(code: str, size: int):
    agency = generate_agency(code=code, employees=size, seed=1)
    admin = make_user(f"admin_{code}", agency=agency, role="admin")
    cycle = make_cycle(agency, None)
    simulate_responses(cycle=cycle, seed=1)
    cycle = assessment.cycle_transition(cycle=cycle, action="close", acting_user=None)
    results.results_compute(cycle=cycle, acting_user=None)
    results.results_finalise(cycle=cycle, acting_user=None)
    for i, competencies in enumerate((["M.01"], ["M.02", "M.03"], [])):
        services.training_save(
            agency=agency,
            acting_user=None,
            code=f"K-{i}",
            name=f"Kegiatan {i}",
            mode="klasikal" if competencies else "non_klasikal",
            method="pelatihan" if competencies else "coaching",
            jp=10,
            competencies=competencies,
        )
    return admin


def test_needs_analysis_query_count_does_not_grow_with_employees(client, db, framework):
    counts = []
    for code, size in (("na", 12), ("nb", 50)):
        admin = _final_agency(code, size)
        client.force_login(admin)
        counts.append(_count(client, reverse("development:needs")))
    assert counts == [NEEDS_QUERIES] * 2, counts


def test_import_xlsx_file_is_read_like_csv(client, world, framework):
    book = Workbook()
    sheet = book.active
    sheet.append(services.IMPORT_COLUMNS + ["level_min", "level_max"])
    sheet.append(["ML-1", "Mentoring", "non_klasikal", "mentoring", 6, "M.01;M.02", 1, 4])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(world.admin)
    upload = SimpleUploadedFile("katalog.xlsx", buffer.getvalue())
    assert (
        "Impor berhasil."
        in client.post(reverse("development:catalog_import"), {"file": upload}).content.decode()
    )
    saved = Training.objects.get(agency=world.agency, code="ML-1")
    assert (saved.competencies, saved.level_max) == (["M.01", "M.02"], 4)
