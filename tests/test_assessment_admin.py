"""The HR admin's cycle pages: lifecycle, raters, progress (completion only), hasil kerja import."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kinerja.assessment import services, texts
from kinerja.assessment.models import Cycle, RaterAssignment, Relation, Response, WorkResult
from kinerja.assessment.services import Answer
from kinerja.core.models import AuditEvent
from kinerja.organisation.models import Employee

from .conftest import agency_state, make_employee, make_nip

SECRET = "RAHASIA-JAWABAN-7731"


# --- helpers -----------------------------------------------------------------------------------


def cycle_post(**overrides) -> dict:
    """A complete, valid POST for the cycle form (the defaults an admin would keep)."""
    deadline = timezone.localtime() + dt.timedelta(days=30)
    data = {
        "name": "Penilaian 360° 2025",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "include_teknis": "on",
        "weight_supervisor": 50,
        "weight_peer": 30,
        "weight_subordinate": 20,
        "weight_self": 0,
        "anonymity_threshold": 3,
        "jpm_categories": "penempatan",
        "rater_model": "none",
        "max_forms_per_rater": 10,
        "max_peers": 5,
        "max_subordinates": 5,
        "purpose": str(texts.DEFAULT_PURPOSE),
        "use_of_results": str(texts.DEFAULT_USE),
        "visibility": str(texts.DEFAULT_VISIBILITY),
        "objection": str(texts.DEFAULT_OBJECTION),
    }
    return data | overrides


def new_cycle(world, **options) -> Cycle:
    return services.cycle_create(
        agency=world.agency,
        acting_user=world.admin,
        name=options.pop("name", "Siklus Uji"),
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        deadline=timezone.now() + dt.timedelta(days=30),
        **options,
    )


def running_cycle(world) -> Cycle:
    cycle = new_cycle(world)
    services.assignments_generate(cycle=cycle, acting_user=world.admin)
    return services.cycle_start(cycle=cycle, acting_user=world.admin)


def submit(assignment: RaterAssignment, *, comment: str = "") -> Response:
    """A complete answer (level 3 everywhere), submitted, through the service."""
    assignment = RaterAssignment.objects.select_related("cycle", "ratee", "rater").get(
        pk=assignment.pk
    )
    items = services.items_for_ratee(assignment.cycle, assignment.ratee)
    answers = {item["code"]: Answer(level=3, comment=comment) for item in items}
    services.acknowledge(cycle=assignment.cycle, user=assignment.rater.user)
    return services.response_save(
        assignment=assignment,
        answers=answers,
        acting_user=assignment.rater.user,
        strengths=comment,
        to_develop=comment,
        submit=True,
    )


def add_team(world, n: int) -> list[Employee]:
    """More staff under the supervisor, so everyone has enough peers."""
    return [
        make_employee(
            world.agency,
            unit=world.subunit,
            position=world.staff_position,
            supervisor=world.supervisor_employee,
        )
        for _ in range(n)
    ]


def assessment_state(agency) -> dict:
    return {
        "cycles": sorted(
            Cycle.objects.filter(agency=agency).values_list(
                "id",
                "name",
                "status",
                "deadline",
                "weight_peer",
                "anonymity_threshold",
                "purpose",
            )
        ),
        "assignments": sorted(
            RaterAssignment.objects.filter(agency=agency).values_list(
                "id", "rater_id", "ratee_id", "relation", "source", "reason"
            )
        ),
        "responses": sorted(
            Response.objects.filter(agency=agency).values_list("id", "submitted_at", "version")
        ),
        "work_results": sorted(
            WorkResult.objects.filter(agency=agency).values_list("employee_id", "rating")
        ),
        "organisation": agency_state(agency),
    }


def actions(agency) -> list[str]:
    return list(
        AuditEvent.objects.filter(agency=agency).order_by("id").values_list("action", flat=True)
    )


def upload(rows: list[list[str]], name: str = "hasil.csv", header=("nip", "rating_hasil_kerja")):
    from django.core.files.uploadedfile import SimpleUploadedFile

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- lifecycle ---------------------------------------------------------------------------------


def test_create_form_is_prefilled_with_default_texts_and_weights(client, world):
    client.force_login(world.admin)
    html = client.get(reverse("assessment:cycle_create")).content.decode()
    assert str(texts.DEFAULT_OBJECTION)[:60] in html
    assert 'name="weight_supervisor" value="50"' in html
    assert 'name="weight_peer" value="30"' in html
    assert 'name="weight_subordinate" value="20"' in html
    assert 'name="weight_self" value="0"' in html
    assert 'type="datetime-local"' in html
    assert "tidak dihitung di dalamnya" in html  # self is shown beside the score


def test_admin_runs_a_cycle_from_draft_to_final_and_every_step_is_audited(client, world, framework):
    add_team(world, 3)
    client.force_login(world.admin)

    response = client.post(reverse("assessment:cycle_create"), cycle_post())
    cycle = Cycle.objects.get(agency=world.agency)
    assert response.status_code == 302
    assert response.url == reverse("assessment:cycle_detail", args=[cycle.pk])
    assert cycle.status == Cycle.Status.DRAFT
    assert cycle.weight_supervisor == Decimal("0.5") and cycle.weight_self == 0

    response = client.post(
        reverse("assessment:cycle_edit", args=[cycle.pk]),
        cycle_post(name="Penilaian 360° 2025 (ubah)", weight_peer=25, weight_subordinate=25),
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.name == "Penilaian 360° 2025 (ubah)"
    assert cycle.weight_peer == Decimal("0.25")

    response = client.post(reverse("assessment:assignments_generate", args=[cycle.pk]))
    assert response.status_code == 302
    assert RaterAssignment.objects.filter(cycle=cycle).count() > 0
    detail = client.get(response.url)
    assert any("baru" in m for m in messages_of(detail))

    start = reverse("assessment:cycle_transition", args=[cycle.pk, "start"])
    assert "dibekukan" in client.get(start).content.decode()  # the confirmation explains
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.DRAFT  # GET changes nothing
    client.post(start)
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.RUNNING
    assert cycle.items and cycle.framework_id == framework.pk

    for action, status in [
        ("close", Cycle.Status.CLOSED),
        ("reopen", Cycle.Status.RUNNING),
        ("close", Cycle.Status.CLOSED),
    ]:
        client.post(reverse("assessment:cycle_transition", args=[cycle.pk, action]))
        cycle.refresh_from_db()
        assert cycle.status == status

    # "Tetapkan final" is not a lifecycle button any more: the closed cycle links to its results,
    # where the results are computed and finalised together with the cycle.
    old_finalise = reverse("assessment:cycle_transition", args=[cycle.pk, "finalise"])
    assert client.post(old_finalise).status_code == 404
    detail = client.get(reverse("assessment:cycle_detail", args=[cycle.pk])).content.decode()
    results_page = reverse("results:cycle", args=[cycle.pk])
    assert "Hasil & finalisasi" in detail and results_page in detail
    assert "Tetapkan final" not in detail
    client.post(reverse("results:compute", args=[cycle.pk]))
    finalise = reverse("results:finalise", args=[cycle.pk])
    assert "permanen" in client.get(finalise).content.decode()
    client.post(finalise)
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.FINAL
    assert (
        "Hasil & finalisasi"
        in client.get(reverse("assessment:cycle_detail", args=[cycle.pk])).content.decode()
    )

    assert actions(world.agency) == [
        "cycle.create",
        "cycle.update",
        "assignment.generate",
        "cycle.start",
        "cycle.close",
        "cycle.reopen",
        "cycle.close",
        "job.start",  # the compute is a job (kinerja/jobs), run here and now for a small cycle
        "results.compute",
        "job.selesai",
        "cycle.finalise",
        "results.finalise",
    ]


def test_service_refusal_is_shown_on_the_form_and_nothing_is_saved(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("assessment:cycle_create"),
        cycle_post(period_start="2025-12-31", period_end="2025-01-01"),
    )
    assert response.status_code == 200
    assert "Akhir periode tidak boleh sebelum awal periode" in response.content.decode()
    assert not Cycle.objects.exists()


def test_weights_must_add_up_to_one_hundred_percent(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("assessment:cycle_create"), cycle_post(weight_self=10))
    assert response.status_code == 200
    assert "harus 100" in response.content.decode()
    assert not Cycle.objects.exists()


def test_running_cycle_only_changes_name_and_deadline(client, world, framework):
    add_team(world, 3)
    cycle = running_cycle(world)
    client.force_login(world.admin)
    later = timezone.localtime() + dt.timedelta(days=60)
    response = client.post(
        reverse("assessment:cycle_edit", args=[cycle.pk]),
        cycle_post(
            name="Nama baru",
            deadline=later.strftime("%Y-%m-%dT%H:%M"),
            weight_peer=10,  # disabled field: ignored, the frozen value stays
            weight_supervisor=70,
        ),
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.name == "Nama baru"
    assert timezone.localtime(cycle.deadline).date() == later.date()
    assert cycle.weight_peer == Decimal("0.30")


def test_frozen_weights_that_do_not_sum_to_100_do_not_block_a_deadline_change(
    client, world, framework
):
    add_team(world, 3)
    cycle = new_cycle(world)
    services.assignments_generate(cycle=cycle, acting_user=world.admin)
    services.cycle_start(cycle=cycle, acting_user=world.admin)
    # 110 %: saved before the service refused such weights (tests/test_rules_every_face.py)
    Cycle.objects.filter(pk=cycle.pk).update(weight_supervisor=Decimal("0.6"))
    client.force_login(world.admin)
    response = client.post(
        reverse("assessment:cycle_edit", args=[cycle.pk]), cycle_post(name="Tetap bisa diubah")
    )
    assert response.status_code == 302
    assert Cycle.objects.get(pk=cycle.pk).name == "Tetap bisa diubah"


def test_closed_cycle_can_extend_its_deadline_before_reopening(client, world, framework):
    add_team(world, 3)
    cycle = running_cycle(world)
    services.cycle_transition(cycle=cycle, action="close", acting_user=world.admin)
    Cycle.objects.filter(pk=cycle.pk).update(deadline=timezone.now() - dt.timedelta(days=1))
    client.force_login(world.admin)
    reopen = reverse("assessment:cycle_transition", args=[cycle.pk, "reopen"])
    detail = client.post(reopen, follow=True)
    assert any("Perpanjang" in m for m in messages_of(detail))
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.CLOSED

    later = timezone.localtime() + dt.timedelta(days=7)
    client.post(
        reverse("assessment:cycle_edit", args=[cycle.pk]),
        cycle_post(deadline=later.strftime("%Y-%m-%dT%H:%M")),
    )
    client.post(reopen)
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.RUNNING


def test_final_cycle_refuses_every_change_and_nothing_changes(client, world, framework):
    add_team(world, 3)
    cycle = running_cycle(world)
    done = RaterAssignment.objects.filter(cycle=cycle, relation=Relation.PEER).first()
    submit(done)
    services.cycle_transition(cycle=cycle, action="close", acting_user=world.admin)
    services.cycle_transition(cycle=cycle, action="finalise", acting_user=world.admin)
    open_one = RaterAssignment.objects.filter(cycle=cycle, response__isnull=True).first()
    before = assessment_state(world.agency)
    client.force_login(world.admin)

    response = client.post(reverse("assessment:cycle_edit", args=[cycle.pk]), cycle_post())
    assert response.status_code == 200
    assert "final" in response.content.decode()
    assert (
        client.post(reverse("assessment:cycle_transition", args=[cycle.pk, "finalise"])).status_code
        == 404
    )
    for action in ["start", "close", "reopen"]:
        page = client.post(
            reverse("assessment:cycle_transition", args=[cycle.pk, action]), follow=True
        )
        assert any("tidak dapat" in m or "Hanya" in m for m in messages_of(page)), action
    page = client.post(reverse("assessment:assignments_generate", args=[cycle.pk]), follow=True)
    assert any("tidak dapat diubah" in m for m in messages_of(page))
    response = client.post(
        reverse("assessment:ratee_raters", args=[cycle.pk, world.staff_employee.pk]),
        {"rater": world.peer_employee.pk, "relation": "rekan", "reason": "coba"},
    )
    assert "tidak dapat diubah" in response.content.decode()
    for assignment in (open_one, done):
        page = client.post(
            reverse("assessment:assignment_remove", args=[cycle.pk, assignment.pk]),
            {"reason": "coba"},
            follow=True,
        )
        assert any("tidak dapat diubah" in m for m in messages_of(page))
    response = client.post(
        reverse("assessment:work_results_import", args=[cycle.pk]),
        {"file": upload([[world.staff_employee.nip, "sesuai_ekspektasi"]])},
    )
    assert "final" in response.content.decode()

    assert assessment_state(world.agency) == before


# --- who may do what ---------------------------------------------------------------------------


def _write_actions(world, cycle, assignment):
    staff = world.staff_employee
    return {
        "create": (reverse("assessment:cycle_create"), cycle_post(name="Siklus gelap")),
        "edit": (reverse("assessment:cycle_edit", args=[cycle.pk]), cycle_post(name="Diubah")),
        "start": (reverse("assessment:cycle_transition", args=[cycle.pk, "start"]), {}),
        "generate": (reverse("assessment:assignments_generate", args=[cycle.pk]), {}),
        "add_rater": (
            reverse("assessment:ratee_raters", args=[cycle.pk, staff.pk]),
            {"rater": world.supervisor_employee.pk, "relation": "rekan", "reason": "x"},
        ),
        "remove_rater": (
            reverse("assessment:assignment_remove", args=[cycle.pk, assignment.pk]),
            {"reason": "x"},
        ),
        "import": (
            reverse("assessment:work_results_import", args=[cycle.pk]),
            {"file": upload([[staff.nip, "sesuai_ekspektasi"]])},
        ),
    }


WRITE_ACTIONS = ["create", "edit", "start", "generate", "add_rater", "remove_rater", "import"]


@pytest.mark.parametrize("role", ["staff", "supervisor", "leader", "outsider"])
@pytest.mark.parametrize("action", WRITE_ACTIONS)
def test_only_the_agency_admin_may_change_a_cycle(client, world, framework, role, action):
    add_team(world, 3)
    cycle = new_cycle(world)
    services.assignments_generate(cycle=cycle, acting_user=world.admin)
    assignment = RaterAssignment.objects.filter(cycle=cycle, relation=Relation.PEER).first()
    url, data = _write_actions(world, cycle, assignment)[action]
    before = (assessment_state(world.agency), assessment_state(world.other_agency))
    client.force_login(getattr(world, role))

    response = client.post(url, data)

    if role == "outsider" and action == "create":
        # Agency B's admin may create a cycle — in agency B only; agency A is untouched.
        assert response.status_code == 302
        assert assessment_state(world.agency) == before[0]
        assert Cycle.objects.get(name="Siklus gelap").agency == world.other_agency
        return
    assert response.status_code == 404
    assert (assessment_state(world.agency), assessment_state(world.other_agency)) == before


@pytest.mark.parametrize(
    ("role", "manage_pages", "progress"),
    [
        ("admin", 200, 200),
        ("leader", 404, 200),
        ("supervisor", 404, 404),
        ("staff", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_pages_answer_by_role_and_agency(client, world, framework, role, manage_pages, progress):
    add_team(world, 3)
    cycle = new_cycle(world)
    services.assignments_generate(cycle=cycle, acting_user=world.admin)
    assignment = RaterAssignment.objects.filter(cycle=cycle).first()
    client.force_login(getattr(world, role))
    manage = [
        reverse("assessment:cycle_detail", args=[cycle.pk]),
        reverse("assessment:cycle_edit", args=[cycle.pk]),
        reverse("assessment:cycle_raters", args=[cycle.pk]),
        reverse("assessment:ratee_raters", args=[cycle.pk, world.staff_employee.pk]),
        reverse("assessment:assignment_remove", args=[cycle.pk, assignment.pk]),
        reverse("assessment:cycle_transition", args=[cycle.pk, "start"]),
        reverse("assessment:assignments_generate", args=[cycle.pk]),
        reverse("assessment:work_results_import", args=[cycle.pk]),
        reverse("assessment:work_results_template", args=[cycle.pk]),
    ]
    for url in manage:
        assert client.get(url).status_code == manage_pages, url
    for url in [
        reverse("assessment:cycle_progress", args=[cycle.pk]),
        reverse("assessment:cycle_progress_xlsx", args=[cycle.pk]),
    ]:
        assert client.get(url).status_code == progress, url
    list_status = 200 if role in ("admin", "outsider") else 404  # B's admin sees B's (empty) list
    response = client.get(reverse("assessment:cycle_list"))
    assert response.status_code == list_status
    if role == "outsider":
        assert cycle.name not in response.content.decode()


def test_another_agencys_employee_is_not_found_in_this_cycle(client, world, framework):
    cycle = new_cycle(world)
    client.force_login(world.admin)
    url = reverse("assessment:ratee_raters", args=[cycle.pk, world.outsider_employee.pk])
    assert client.get(url).status_code == 404


def test_another_agencys_employee_cannot_be_added_as_rater(client, world, framework):
    cycle = new_cycle(world)
    services.assignments_generate(cycle=cycle, acting_user=world.admin)
    before = assessment_state(world.agency)
    client.force_login(world.admin)
    response = client.post(
        reverse("assessment:ratee_raters", args=[cycle.pk, world.staff_employee.pk]),
        {"rater": world.outsider_employee.pk, "relation": "rekan", "reason": "lintas instansi"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["rater"]
    assert assessment_state(world.agency) == before


def test_unknown_lifecycle_action_is_not_found(client, world):
    cycle = new_cycle(world)
    client.force_login(world.admin)
    url = reverse("assessment:cycle_transition", args=[cycle.pk, "delete"])
    assert client.post(url).status_code == 404


# --- raters ------------------------------------------------------------------------------------


def test_admin_adds_a_rater_with_a_reason_and_removes_one_with_a_reason(client, world, framework):
    cycle = new_cycle(world)
    services.assignments_generate(cycle=cycle, acting_user=world.admin)
    extra = make_employee(
        world.agency, unit=world.unit, position=world.head_position, name="Tono Tambahan"
    )
    client.force_login(world.admin)
    page = reverse("assessment:ratee_raters", args=[cycle.pk, world.staff_employee.pk])

    response = client.post(
        page, {"rater": extra.pk, "relation": "rekan", "reason": "Rekan satu tim proyek"}
    )
    assert response.status_code == 302
    added = RaterAssignment.objects.get(cycle=cycle, rater=extra, ratee=world.staff_employee)
    assert (added.relation, added.source, added.reason) == (
        Relation.PEER,
        RaterAssignment.Source.MANUAL,
        "Rekan satu tim proyek",
    )
    html = client.get(page).content.decode()
    assert "Tono Tambahan" in html and "Rekan satu tim proyek" in html

    remove = reverse("assessment:assignment_remove", args=[cycle.pk, added.pk])
    assert "Ya, hapus penilai" in client.get(remove).content.decode()
    response = client.post(remove, {"reason": "Salah pilih"})
    assert response.status_code == 302
    assert not RaterAssignment.objects.filter(pk=added.pk).exists()
    event = AuditEvent.objects.filter(agency=world.agency, action="assignment.remove").get()
    assert event.after == {"reason": "Salah pilih"}
    assert actions(world.agency)[-2:] == ["assignment.add", "assignment.remove"]


def test_removing_a_rater_without_a_reason_is_refused(client, world, framework):
    cycle = new_cycle(world)
    services.assignments_generate(cycle=cycle, acting_user=world.admin)
    assignment = RaterAssignment.objects.filter(cycle=cycle, relation=Relation.PEER).first()
    before = assessment_state(world.agency)
    client.force_login(world.admin)
    response = client.post(
        reverse("assessment:assignment_remove", args=[cycle.pk, assignment.pk]), {"reason": "  "}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert assessment_state(world.agency) == before


def test_adding_a_rater_without_a_reason_is_refused(client, world, framework):
    cycle = new_cycle(world)
    before = assessment_state(world.agency)
    client.force_login(world.admin)
    response = client.post(
        reverse("assessment:ratee_raters", args=[cycle.pk, world.staff_employee.pk]),
        {"rater": world.peer_employee.pk, "relation": "rekan", "reason": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert assessment_state(world.agency) == before


def test_a_rater_who_submitted_cannot_be_removed(client, world, framework):
    add_team(world, 3)
    cycle = running_cycle(world)
    assignment = RaterAssignment.objects.filter(cycle=cycle, relation=Relation.PEER).first()
    submit(assignment)
    client.force_login(world.admin)
    page = client.post(
        reverse("assessment:assignment_remove", args=[cycle.pk, assignment.pk]),
        {"reason": "tidak relevan"},
        follow=True,
    )
    assert any("sudah mengirim" in m for m in messages_of(page))
    assert RaterAssignment.objects.filter(pk=assignment.pk).exists()


def test_ratees_below_the_anonymity_threshold_are_listed(client, world, framework):
    # Sari has one peer (Rudi); Budi has two subordinates: both below the threshold of 3.
    cycle = new_cycle(world)
    report = services.assignments_generate(cycle=cycle, acting_user=world.admin)
    assert set(report.below_threshold) >= {world.staff_employee.pk, world.supervisor_employee.pk}
    client.force_login(world.admin)

    detail = client.get(reverse("assessment:cycle_detail", args=[cycle.pk])).content.decode()
    assert "di bawah ambang anonimitas" in detail
    assert "Sari Staf" in detail and "Budi Atasan" in detail

    below = client.get(reverse("assessment:cycle_raters", args=[cycle.pk]) + "?below=1")
    names = [e.name for e in below.context["page"]]
    assert "Sari Staf" in names and "Budi Atasan" in names
    assert "di bawah ambang" in below.content.decode()

    enough = add_team(world, 3)
    services.assignments_generate(cycle=cycle, acting_user=world.admin)
    below = client.get(reverse("assessment:cycle_raters", args=[cycle.pk]) + "?below=1")
    names = [e.name for e in below.context["page"]]
    assert "Sari Staf" not in names and enough[0].name not in names


def test_raters_list_counts_each_relation_and_searches(client, world, framework):
    add_team(world, 3)
    cycle = new_cycle(world)
    services.assignments_generate(cycle=cycle, acting_user=world.admin)
    client.force_login(world.admin)
    response = client.get(reverse("assessment:cycle_raters", args=[cycle.pk]) + "?q=Sari")
    [sari] = list(response.context["page"])
    assert (sari.n_self, sari.n_supervisor, sari.n_peer, sari.n_subordinate) == (1, 1, 4, 0)
    assert "Budi Atasan" not in response.content.decode()


# --- progress ----------------------------------------------------------------------------------


def test_progress_moves_after_a_submission_and_never_shows_an_answer(client, world, framework):
    add_team(world, 3)
    cycle = running_cycle(world)
    total = RaterAssignment.objects.filter(cycle=cycle).count()
    client.force_login(world.admin)
    url = reverse("assessment:cycle_progress", args=[cycle.pk])

    response = client.get(url)
    assert response.context["progress"].overall.submitted == 0
    assert f"0 dari {total} formulir terkirim" in response.content.decode()

    peer = RaterAssignment.objects.get(
        cycle=cycle, rater=world.peer_employee, ratee=world.staff_employee
    )
    submit(peer, comment=SECRET)
    assert Response.objects.get(assignment=peer).items.filter(comment=SECRET).exists()
    response = client.get(url)
    html = response.content.decode()
    assert response.context["progress"].overall.submitted == 1
    assert f"1 dari {total} formulir terkirim" in html
    by_relation = {r.label: r for r in response.context["progress"].by_relation}
    assert by_relation["Rekan kerja"].submitted == 1
    assert SECRET not in html

    rudi = next(r for r in response.context["raters"] if r.pk == world.peer_employee.pk)
    assert rudi.submitted == 1 and rudi.not_started == rudi.owed - 1

    xlsx = client.get(reverse("assessment:cycle_progress_xlsx", args=[cycle.pk]))
    assert SECRET.encode() not in xlsx.content
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row]
    assert not any(SECRET in c for c in cells)


def test_progress_xlsx_has_a_header_and_one_row_per_rater(client, world, framework):
    add_team(world, 3)
    cycle = running_cycle(world)
    submit(RaterAssignment.objects.filter(cycle=cycle, rater=world.peer_employee).first())
    client.force_login(world.leader)  # leaders follow progress too
    response = client.get(reverse("assessment:cycle_progress_xlsx", args=[cycle.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert rows[0] == ("NIP", "Nama", "Unit kerja", "Wajib", "Terkirim", "Draf", "Belum mulai")
    raters = set(RaterAssignment.objects.filter(cycle=cycle).values_list("rater_id", flat=True))
    assert len(rows) - 1 == len(raters)
    by_nip = {r[0]: r for r in rows[1:]}
    rudi = by_nip[world.peer_employee.nip]
    owed = RaterAssignment.objects.filter(cycle=cycle, rater=world.peer_employee).count()
    assert rudi[3:] == (owed, 1, 0, owed - 1)


def test_progress_filters_by_unit_with_sub_units_and_by_raters_not_started(
    client, world, framework
):
    add_team(world, 3)
    cycle = running_cycle(world)
    submit(RaterAssignment.objects.filter(cycle=cycle, rater=world.peer_employee).first())
    client.force_login(world.admin)
    url = reverse("assessment:cycle_progress", args=[cycle.pk])

    whole = client.get(url + f"?unit={world.unit.pk}").context["progress"].overall
    assert whole.total == RaterAssignment.objects.filter(cycle=cycle).count()  # sub-units too
    only_top = client.get(url + f"?unit={world.subunit.pk}").context["progress"].overall
    assert only_top.total == whole.total  # everyone sits in the sub-unit

    response = client.get(url + "?penilai=belum_mulai")
    names = {r.name for r in response.context["raters"]}
    assert world.peer_employee.name not in names
    assert world.staff_employee.name in names


def test_ratees_at_risk_show_submitted_and_possible_counts(client, world, framework):
    cycle = running_cycle(world)  # Sari: one peer; threshold 3 can never be reached
    client.force_login(world.admin)
    response = client.get(reverse("assessment:cycle_progress", args=[cycle.pk]))
    at_risk = {e.pk: e for e in response.context["at_risk"]}
    sari = at_risk[world.staff_employee.pk]
    assert (sari.anonymous_submitted, sari.anonymous_possible) == (0, 1)
    assert "tidak akan tercapai" in response.content.decode()


# --- hasil kerja import ------------------------------------------------------------------------


def test_hasil_kerja_import_sets_ratings_from_the_usual_spellings(client, world, framework):
    cycle = new_cycle(world)
    client.force_login(world.admin)
    rows = [
        [world.staff_employee.nip, "di_atas_ekspektasi"],
        [world.peer_employee.nip, "Di Atas"],
        [world.supervisor_employee.nip, "sesuai"],
    ]
    response = client.post(
        reverse("assessment:work_results_import", args=[cycle.pk]), {"file": upload(rows)}
    )
    assert response.status_code == 200
    assert "Impor berhasil" in response.content.decode()
    results = dict(WorkResult.objects.filter(cycle=cycle).values_list("employee__nip", "rating"))
    assert results == {
        world.staff_employee.nip: "di_atas_ekspektasi",
        world.peer_employee.nip: "di_atas_ekspektasi",
        world.supervisor_employee.nip: "sesuai_ekspektasi",
    }
    assert actions(world.agency).count("work_result.set") == 3


def test_hasil_kerja_import_with_one_bad_row_writes_nothing_and_lists_each_error(
    client, world, framework
):
    cycle = new_cycle(world)
    client.force_login(world.admin)
    rows = [
        [world.staff_employee.nip, "sesuai_ekspektasi"],  # row 2: fine
        [world.outsider_employee.nip, "sesuai_ekspektasi"],  # row 3: another agency's NIP
        [world.peer_employee.nip, "luar biasa"],  # row 4: bad value
        [world.staff_employee.nip, "di bawah"],  # row 5: duplicate NIP
    ]
    before = assessment_state(world.agency)
    response = client.post(
        reverse("assessment:work_results_import", args=[cycle.pk]), {"file": upload(rows)}
    )
    assert response.status_code == 200
    errors = {(e.row, e.column) for e in response.context["report"].errors}
    assert errors == {(3, "nip"), (4, "rating_hasil_kerja"), (5, "nip")}
    html = response.content.decode()
    assert "Impor dibatalkan" in html and "baris 2" in html
    assert assessment_state(world.agency) == before


def test_hasil_kerja_import_accepts_xlsx_and_the_template_downloads(client, world, framework):
    from openpyxl import Workbook

    cycle = new_cycle(world)
    client.force_login(world.admin)
    template = client.get(reverse("assessment:work_results_template", args=[cycle.pk]))
    header = next(load_workbook(io.BytesIO(template.content)).worksheets[0].values)
    assert header[:2] == ("nip", "rating_hasil_kerja")

    from django.core.files.uploadedfile import SimpleUploadedFile

    book = Workbook()
    book.active.append(["nip", "rating_hasil_kerja", "alasan"])
    book.active.append([world.staff_employee.nip, "di bawah ekspektasi", "Target tidak tercapai"])
    buffer = io.BytesIO()
    book.save(buffer)
    client.post(
        reverse("assessment:work_results_import", args=[cycle.pk]),
        {"file": SimpleUploadedFile("hasil.xlsx", buffer.getvalue())},
    )
    result = WorkResult.objects.get(cycle=cycle, employee=world.staff_employee)
    assert (result.rating, result.justification) == ("di_bawah_ekspektasi", "Target tidak tercapai")


def test_hasil_kerja_import_without_the_columns_explains_the_problem(client, world):
    cycle = new_cycle(world)
    client.force_login(world.admin)
    response = client.post(
        reverse("assessment:work_results_import", args=[cycle.pk]),
        {"file": upload([["x"]], header=("nomor",))},
    )
    assert "Kolom wajib tidak ada" in response.content.decode()
    assert not WorkResult.objects.exists()


# --- query counts ------------------------------------------------------------------------------


def _grow(world, total: int, done: int) -> None:
    Employee.objects.bulk_create(
        Employee(
            agency=world.agency,
            nip=make_nip(year=1990, seq=5000 + i),
            name=f"Tumbuh {i:03d}",
            gender="L",
            grade="II/b",
            position=world.staff_position,
            unit=world.subunit if i % 2 else world.unit,
            supervisor=world.supervisor_employee,
        )
        for i in range(done, total)
    )


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


QUERY_PAGES = {
    # Session, user and membership with the employee record (3) + the cycle + the page's own reads.
    "cycle_list": (lambda c: reverse("assessment:cycle_list"), 5),
    "cycle_raters": (lambda c: reverse("assessment:cycle_raters", args=[c.pk]), 7),
    "cycle_raters_by_unit": (
        lambda c: reverse("assessment:cycle_raters", args=[c.pk]) + "?unit=1&below=1",
        7,
    ),
    "cycle_progress": (lambda c: reverse("assessment:cycle_progress", args=[c.pk]), 11),
    "cycle_progress_by_unit": (
        lambda c: reverse("assessment:cycle_progress", args=[c.pk]) + "?unit=1&penilai=belum_mulai",
        12,
    ),
}


@pytest.mark.parametrize("name", list(QUERY_PAGES))
def test_query_count_is_pinned_and_equal_with_5_and_50_employees(
    client, world, framework, django_assert_num_queries, name
):
    url_of, pinned = QUERY_PAGES[name]
    cycle = new_cycle(world)
    new_cycle(world, name="Siklus lain")
    client.force_login(world.admin)

    _grow(world, 2, 0)  # 5 employees in agency A
    services.assignments_generate(cycle=cycle, acting_user=world.admin)
    url = url_of(cycle).replace("unit=1", f"unit={world.unit.pk}")
    small = _count(client, url)

    _grow(world, 47, 2)  # 50
    services.assignments_generate(cycle=cycle, acting_user=world.admin)
    large = _count(client, url)

    assert small == large, f"{name}: {small} queries with 5 employees, {large} with 50"
    with django_assert_num_queries(pinned):
        client.get(url)


def test_progress_percent_rounds_half_up():
    from kinerja.assessment.selectors import ProgressRow

    assert ProgressRow("x", total=8, submitted=1).percent == 13  # 12.5 → 13, not 12
    assert ProgressRow("x", total=200, submitted=1).percent == 1  # 0.5 → 1
    assert ProgressRow("x", total=3, submitted=1).percent == 33
    assert ProgressRow("x", total=0).percent == 0


def test_reminder_button_sends_once_a_day_and_only_for_admins(client, world, framework, settings):
    import datetime as dt

    from django.core import mail
    from django.utils import timezone

    from kinerja.assessment import services as assessment_services

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for employee in (world.staff_employee, world.peer_employee, world.supervisor_employee):
        employee.email = f"{employee.pk}@contoh.go.id"
        employee.save(update_fields=["email"])
    cycle = assessment_services.cycle_create(
        agency=world.agency,
        acting_user=world.admin,
        name="Pengingat",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        deadline=timezone.now() + dt.timedelta(days=5),
    )
    assessment_services.assignments_generate(cycle=cycle, acting_user=world.admin)
    assessment_services.cycle_start(cycle=cycle, acting_user=world.admin)
    url = reverse("assessment:send_reminders", args=[cycle.pk])

    client.force_login(world.staff)
    assert client.post(url).status_code == 404
    assert len(mail.outbox) == 0

    client.force_login(world.admin)
    client.post(url)
    assert len(mail.outbox) == 3
    assert "formulir penilaian" in mail.outbox[0].body
    client.post(url)
    assert len(mail.outbox) == 3  # once a day
