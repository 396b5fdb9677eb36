"""Keberatan: the state machine, the filing window (just inside, just outside), the routing to the
supervisor's supervisor and HR's reassignment, a decision changing the current result while the
original stays readable (and the board, distribution and export following it, and a recompute
not undoing it), attachments checked by content and size, the reminder e-mail sent once, the
audit trail, anonymity, and one table of rules through the web and the API."""

from __future__ import annotations

import datetime as dt
import io
import json
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kinerja.assessment.models import Cycle
from kinerja.core import permissions
from kinerja.core.errors import KinerjaError
from kinerja.core.models import AuditEvent
from kinerja.objections import selectors, services
from kinerja.objections.models import (
    Attachment,
    Objection,
    ObjectionMessage,
    ObjectionReminder,
    ObjectionSettings,
    ResultVersion,
)
from kinerja.objections.reminders import send_objection_reminders
from kinerja.organisation.models import Employee
from kinerja.results import exports as result_exports
from kinerja.results import selectors as result_selectors
from kinerja.results import services as results
from kinerja.results.models import EmployeeResult, PerilakuDecision
from kinerja.talent import selectors as talent

from .conftest import make_employee, make_user
from .test_api_assessment import token
from .test_results_services import answer_all, closed_cycle  # noqa: F401  (fixture)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
PEER_SECRET = "Rahasia rekan: jangan bocor."  # the one peer's comment (below the threshold of 3)


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def private(settings, tmp_path):
    """The private storage in a temporary folder (tests never write into var/)."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return location


@pytest.fixture
def head(world):
    """Kepala above Budi (Sari's supervisor): the atasan pejabat penilai of Sari and Rudi."""
    user = make_user("kepala_a", agency=world.agency, email="kepala@example.id")
    employee = make_employee(
        world.agency, unit=world.unit, position=world.head_position, user=user, name="Kepala Dinas"
    )
    Employee.objects.filter(pk=world.supervisor_employee.pk).update(supervisor=employee)
    Employee.objects.filter(pk=world.staff_employee.pk).update(email="sari@example.id")
    for person in (world.supervisor_employee, world.staff_employee):
        person.refresh_from_db()
    return SimpleNamespace(user=user, employee=employee)


def _finalise(world, cycle):
    # Budi rates Sari's behaviour below expectation: hasil sesuai × perilaku di bawah = Kurang
    # (PermenPANRB 6/2022), 9-box 3 (kinerja di bawah × potensial menengah).
    results.results_compute(cycle=cycle, acting_user=world.admin)
    results.perilaku_decide(
        cycle=cycle,
        employee=world.staff_employee,
        rating="di_bawah_ekspektasi",
        reason="Sering terlambat melayani warga.",
        acting_user=world.supervisor,
    )
    results.results_finalise(cycle=cycle, acting_user=world.admin)
    return Cycle.objects.get(pk=cycle.pk)


@pytest.fixture
def final(world, closed_cycle, head, private):  # noqa: F811
    return _finalise(world, closed_cycle)


def file_(world, cycle, *, now=None, attachments=(), reasons="Rating perilaku tidak sesuai."):
    return services.objection_file(
        cycle=cycle,
        employee=world.staff_employee,
        reasons=reasons,
        attachments=list(attachments),
        acting_user=world.staff,
        now=now,
    )


def in_review(world, head, cycle) -> Objection:
    objection = file_(world, cycle)
    return services.objection_start_review(objection=objection, acting_user=head.user)


def accept(head, objection, rating="sesuai_ekspektasi"):
    return services.objection_decide(
        objection=objection,
        outcome="diterima",
        rating=rating,
        reason="Bukti ketepatan waktu pelayanan cukup.",
        acting_user=head.user,
    )


def current(world, cycle) -> EmployeeResult:
    return EmployeeResult.objects.get(cycle=cycle, employee=world.staff_employee)


# --- routing ------------------------------------------------------------------------------------


def test_objection_goes_to_the_supervisors_supervisor_with_the_result_as_filed(world, head, final):
    objection = file_(world, final)
    assert objection.official_id == head.employee.pk
    assert objection.supervisor_id == world.supervisor_employee.pk
    assert objection.status == "diajukan" and objection.outcome == ""
    assert (objection.perilaku_rating, objection.predikat, objection.nine_box) == (
        "di_bawah_ekspektasi",
        "kurang",
        3,
    )
    assert objection.supervisor_reason == "Sering terlambat melayani warga."
    assert permissions.can_review_objection(head.user, objection)
    assert not permissions.can_review_objection(world.supervisor, objection)


def test_an_empty_chain_waits_for_hr_who_assigns_but_never_the_employee_or_the_supervisor(
    world,
    closed_cycle,  # noqa: F811
    private,
):
    final = _finalise(world, closed_cycle)  # Budi has no supervisor: nobody to decide
    objection = file_(world, final)
    assert objection.official_id is None
    for wrong in (world.staff_employee, world.supervisor_employee):
        with pytest.raises(KinerjaError) as refused:
            services.objection_assign(
                objection=objection, official=wrong, note="", acting_user=world.admin
            )
        assert refused.value.code == "conflict"
    services.objection_assign(
        objection=objection,
        official=world.peer_employee,
        note="Atasan kosong",
        acting_user=world.admin,
    )
    objection.refresh_from_db()
    assert objection.official_id == world.peer_employee.pk
    assert permissions.can_review_objection(world.peer, objection)
    # The same through the web: HR assigns by NIP.
    other = make_employee(
        world.agency,
        unit=world.unit,
        position=world.head_position,
        user=make_user("sekcam_a", agency=world.agency),
        name="Sekretaris Camat",
    )
    from django.test import Client

    client = Client()
    client.force_login(world.admin)
    client.post(
        reverse("objections:assign", args=[objection.pk]), {"nip": other.nip, "note": "ganti"}
    )
    objection.refresh_from_db()
    assert objection.official_id == other.pk


# --- the window ---------------------------------------------------------------------------------


def test_the_window_closes_at_the_end_of_its_last_calendar_day(world, head, final):
    window = selectors.filing_window(cycle=final)
    released = timezone.localtime(window.released)
    assert timezone.localtime(window.closes).date() == released.date() + dt.timedelta(days=14)
    assert timezone.localtime(window.closes).time() == dt.time(23, 59, 59)
    with pytest.raises(KinerjaError) as refused:
        file_(world, final, now=window.closes + dt.timedelta(seconds=1))
    assert refused.value.code == "window_closed"
    assert "14 hari" in refused.value.message
    assert not Objection.objects.exists()
    assert file_(world, final, now=window.closes).status == "diajukan"


def test_the_window_is_a_cycle_setting(world, head, final):
    services.settings_save(
        cycle=final, window_days=1, decision_days=5, reminder_days="2", acting_user=world.admin
    )
    window = selectors.filing_window(cycle=final)
    assert timezone.localtime(window.closes).date() == (
        timezone.localtime(window.released).date() + dt.timedelta(days=1)
    )
    with pytest.raises(KinerjaError):
        file_(world, final, now=window.released + dt.timedelta(days=2, hours=1))
    objection = file_(world, final, now=window.released)
    due = timezone.localtime(objection.decision_due)
    assert due.date() == timezone.localtime(window.released).date() + dt.timedelta(days=5)
    with pytest.raises(KinerjaError):
        services.settings_save(
            cycle=final, window_days=0, decision_days=5, reminder_days="", acting_user=world.admin
        )


def test_no_objection_before_the_result_reached_the_employee(world, closed_cycle, head):  # noqa: F811
    results.results_compute(cycle=closed_cycle, acting_user=world.admin)
    with pytest.raises(KinerjaError) as refused:
        file_(world, closed_cycle)
    assert refused.value.code == "not_released"
    window = selectors.filing_window(cycle=closed_cycle)
    assert not permissions.can_file_objection(
        world.staff, world.staff_employee, released=window.released is not None, window_open=False
    )


def test_past_the_window_the_button_is_gone_and_the_page_says_why(client, world, head, final):
    client.force_login(world.staff)
    page = client.get(reverse("results:my_results", args=[final.pk])).content.decode()
    assert "Ajukan keberatan" in page
    Cycle.objects.filter(pk=final.pk).update(finalised_at=timezone.now() - dt.timedelta(days=20))
    from kinerja.results.models import CycleResult

    CycleResult.objects.filter(cycle=final).update(
        finalised_at=timezone.now() - dt.timedelta(days=20)
    )
    page = client.get(reverse("results:my_results", args=[final.pk])).content.decode()
    assert "Ajukan keberatan" not in page
    assert "Batas waktu pengajuan keberatan sudah lewat" in page
    form = client.get(reverse("objections:file", args=[final.pk])).content.decode()
    assert "Kirim keberatan" not in form and "sudah lewat" in form


# --- the state machine --------------------------------------------------------------------------


def test_states_run_filed_review_decided_and_a_decision_is_final(world, head, final):
    objection = file_(world, final)
    with pytest.raises(KinerjaError) as early:
        accept(head, objection)
    assert early.value.code == "bad_state"
    with pytest.raises(KinerjaError):
        services.explanation_request(
            objection=objection, party="pegawai", question="Jelaskan.", acting_user=head.user
        )
    services.objection_start_review(objection=objection, acting_user=head.user)
    with pytest.raises(KinerjaError):
        services.objection_start_review(objection=objection, acting_user=head.user)
    decided = services.objection_decide(
        objection=objection, outcome="ditolak", reason="Rating sudah tepat.", acting_user=head.user
    )
    assert decided.status == "diputus" and decided.outcome == "ditolak"
    assert current(world, final).predikat == "kurang"  # ditolak: the result stands
    assert not ResultVersion.objects.exists()
    for step in (
        lambda: accept(head, objection),
        lambda: services.explanation_request(
            objection=objection, party="pegawai", question="?", acting_user=head.user
        ),
        lambda: services.objection_assign(
            objection=objection, official=world.peer_employee, note="", acting_user=world.admin
        ),
    ):
        with pytest.raises(KinerjaError) as refused:
            step()
        assert refused.value.code == "objection_decided"
    with pytest.raises(KinerjaError) as again:
        file_(world, final)
    assert again.value.code == "already_filed"


def test_accepting_needs_another_rating_and_rejecting_takes_none(world, head, final):
    objection = in_review(world, head, final)
    with pytest.raises(KinerjaError) as same:
        accept(head, objection, rating="di_bawah_ekspektasi")
    assert same.value.code == "rating_unchanged"
    with pytest.raises(KinerjaError) as extra:
        services.objection_decide(
            objection=objection,
            outcome="ditolak",
            rating="di_atas_ekspektasi",
            reason="x",
            acting_user=head.user,
        )
    assert extra.value.code == "rating_not_allowed"
    with pytest.raises(KinerjaError) as bare:
        services.objection_decide(
            objection=objection, outcome="ditolak", reason=" ", acting_user=head.user
        )
    assert bare.value.code == "reason_required"
    assert Objection.objects.get(pk=objection.pk).status == "dalam_telaah"


def test_explanations_are_asked_of_both_sides_and_answered_once(world, head, final):
    objection = in_review(world, head, final)
    to_staff = services.explanation_request(
        objection=objection, party="pegawai", question="Bukti apa?", acting_user=head.user
    )
    to_sup = services.explanation_request(
        objection=objection, party="atasan", question="Dasar rating?", acting_user=head.user
    )
    assert to_staff.recipient_id == world.staff_employee.pk
    assert to_sup.recipient_id == world.supervisor_employee.pk
    services.explanation_answer(
        message=to_sup, answer="Catatan absensi.", acting_user=world.supervisor
    )
    with pytest.raises(KinerjaError) as twice:
        services.explanation_answer(message=to_sup, answer="Lagi.", acting_user=world.supervisor)
    assert twice.value.code == "already_answered"


# --- the decision: a new version of the result --------------------------------------------------


def test_an_accepted_objection_changes_the_current_result_and_keeps_the_original(
    client, world, head, final
):
    objection = in_review(world, head, final)
    accept(head, objection)
    now = current(world, final)
    # hasil sesuai × perilaku sesuai → Baik; kinerja sesuai × potensial menengah → box 5
    assert (now.perilaku_rating, now.predikat, now.nine_box) == ("sesuai_ekspektasi", "baik", 5)
    version = ResultVersion.objects.get(objection=objection)
    assert version.version == 2
    assert (version.before_perilaku, version.before_predikat, version.before_nine_box) == (
        "di_bawah_ekspektasi",
        "kurang",
        3,
    )
    assert version.before_reason == "Sering terlambat melayani warga."
    # The employee sees the new predikat and the original.
    client.force_login(world.staff)
    page = client.get(reverse("objections:detail", args=[objection.pk])).content.decode()
    assert "1 (semula)" in page and "Kurang/Misconduct" in page and "Baik" in page
    assert "Diterima" in page
    mine = client.get(reverse("results:my_results", args=[final.pk])).content.decode()
    assert "versi setelah keberatan" in mine


def test_the_board_the_distribution_and_the_export_follow_the_new_version(world, head, final):
    staff = world.staff_employee
    box_before = {r.employee_id: r.nine_box for r in talent.board_results(cycle=final)}
    assert box_before[staff.pk] == 3
    accept(head, in_review(world, head, final))
    assert {r.employee_id: r.nine_box for r in talent.board_results(cycle=final)}[staff.pk] == 5
    counts = result_selectors.predikat_counts_by_unit(cycle=final)[staff.unit_id]
    assert counts["baik"] >= 1 and counts["kurang"] == 0
    assert result_selectors.results_status(cycle=final)["predikat"].get("kurang", 0) == 0
    rows = [row for row in result_exports.result_rows(cycle=final) if row[0] == staff.nip]
    assert rows and all(row[-2] == "baik" and row[-1] == 5 for row in rows)


def test_a_recompute_cannot_undo_an_accepted_objection(world, closed_cycle, head):  # noqa: F811
    """Release before final (not how this instance runs, but what a recompute must survive)."""
    results.results_compute(cycle=closed_cycle, acting_user=world.admin)
    result = current(world, closed_cycle)
    objection = Objection.objects.create(
        agency=world.agency,
        cycle=closed_cycle,
        employee=world.staff_employee,
        reasons="Tidak sesuai.",
        filed_at=timezone.now(),
        perilaku_rating=result.perilaku_rating,
        predikat=result.predikat,
        supervisor=world.supervisor_employee,
        official=head.employee,
        status="dalam_telaah",
        decision_due=timezone.now() + dt.timedelta(days=14),
    )
    assert result.perilaku_rating == "di_atas_ekspektasi"
    accept(head, objection, rating="sesuai_ekspektasi")
    results.results_compute(cycle=closed_cycle, acting_user=world.admin)
    again = current(world, closed_cycle)
    assert again.perilaku_suggested == "di_atas_ekspektasi"  # the engine still suggests it
    assert again.perilaku_rating == "sesuai_ekspektasi"  # and the decision is re-applied
    assert again.predikat == "baik"
    assert PerilakuDecision.objects.get(
        cycle=closed_cycle, employee=world.staff_employee
    ).rating == ("sesuai_ekspektasi")


# --- attachments --------------------------------------------------------------------------------


def test_attachments_are_checked_by_content_and_kept_privately(client, world, head, final, private):
    with pytest.raises(KinerjaError) as fake:
        file_(world, final, attachments=[SimpleUploadedFile("bukti.pdf", EXE)])
    assert fake.value.code == "bad_file_content"
    with pytest.raises(KinerjaError) as named:
        file_(world, final, attachments=[SimpleUploadedFile("bukti.exe", EXE)])
    assert named.value.code == "bad_file_type"
    big = SimpleUploadedFile("besar.pdf", PDF + b"0" * services.ATTACHMENT_MAX_BYTES)
    with pytest.raises(KinerjaError) as large:
        file_(world, final, attachments=[big])
    assert large.value.code == "file_too_large"
    assert not Objection.objects.exists() and not Attachment.objects.exists()
    assert not private.exists() or not any(p.is_file() for p in private.rglob("*"))

    objection = file_(
        world,
        final,
        attachments=[SimpleUploadedFile("surat.pdf", PDF), SimpleUploadedFile("foto.png", PNG)],
    )
    stored = list(objection.attachments.all())
    assert [a.content_type for a in stored] == ["application/pdf", "image/png"]
    assert all((private / a.path).read_bytes() in (PDF, PNG) for a in stored)
    assert all("surat" not in a.path for a in stored)  # a random name, never the uploader's
    url = reverse("objections:attachment", args=[objection.pk, stored[0].pk])
    for user, status in ((world.staff, 200), (head.user, 200), (world.admin, 200)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status
        assert b"".join(response.streaming_content) == PDF
    for user in (world.supervisor, world.peer, world.leader, world.outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404


# --- e-mails ------------------------------------------------------------------------------------


def test_filing_mails_the_official_and_deciding_mails_the_employee(
    world, head, final, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        objection = file_(world, final)
    assert [m.to for m in mail.outbox] == [["kepala@example.id"]]
    assert (
        "keberatan" in mail.outbox[0].body and f"/keberatan/{objection.pk}/" in mail.outbox[0].body
    )
    services.objection_start_review(objection=objection, acting_user=head.user)
    with django_capture_on_commit_callbacks(execute=True):
        accept(head, objection)
    assert mail.outbox[-1].to == ["sari@example.id"]
    assert "Diterima" in mail.outbox[-1].body and "final" in mail.outbox[-1].body


def test_the_reminder_is_sent_once_per_threshold(world, head, final):
    objection = file_(world, final)
    due = objection.decision_due
    assert send_objection_reminders(now=due - dt.timedelta(days=4)) == 0
    assert send_objection_reminders(now=due - dt.timedelta(days=3)) == 1
    assert send_objection_reminders(now=due - dt.timedelta(days=3, hours=-2)) == 0
    assert send_objection_reminders(now=due - dt.timedelta(days=2)) == 0
    assert send_objection_reminders(now=due - dt.timedelta(hours=20)) == 1
    assert send_objection_reminders(now=due - dt.timedelta(hours=1)) == 0
    assert [m.to for m in mail.outbox] == [["kepala@example.id"], ["kepala@example.id"]]
    assert "Pengingat" in mail.outbox[0].subject
    assert sorted(ObjectionReminder.objects.values_list("threshold", flat=True)) == [1, 3]
    # Decided: no more reminders, whatever the day.
    services.objection_start_review(objection=objection, acting_user=head.user)
    services.objection_decide(
        objection=objection, outcome="ditolak", reason="Tepat.", acting_user=head.user
    )
    ObjectionReminder.objects.all().delete()
    assert send_objection_reminders(now=due) == 0


def test_a_missed_day_sends_one_reminder_for_the_nearest_threshold(world, head, final):
    objection = file_(world, final)
    call_command("objections", "remind")  # today: days before the deadline, nothing yet
    assert not mail.outbox
    assert send_objection_reminders(now=objection.decision_due - dt.timedelta(hours=2)) == 1
    assert len(mail.outbox) == 1
    assert dict(ObjectionReminder.objects.values_list("threshold", "sent")) == {3: False, 1: True}


# --- the audit trail ----------------------------------------------------------------------------


def test_every_step_is_in_the_audit_log(world, head, final):
    objection = in_review(world, head, final)
    message = services.explanation_request(
        objection=objection, party="atasan", question="Dasar?", acting_user=head.user
    )
    services.explanation_answer(message=message, answer="Absensi.", acting_user=world.supervisor)
    accept(head, objection)
    send_objection_reminders(now=objection.decision_due)  # decided: nothing to remind
    services.settings_save(
        cycle=final, window_days=10, decision_days=10, reminder_days="1", acting_user=world.admin
    )
    events = AuditEvent.objects.filter(
        object_id=str(objection.pk), object_type="objections.objection"
    ).order_by("id")
    assert [e.action for e in events] == [
        "objection.file",
        "objection.review",
        "objection.ask",
        "objection.answer",
        "objection.decide",
    ]
    decide = events.last()
    assert decide.before["predikat"] == "kurang" and decide.after["predikat"] == "baik"
    assert decide.after["version"] == 2
    assert AuditEvent.objects.filter(action="objection.settings").exists()


# --- who sees what ------------------------------------------------------------------------------


def test_the_supervisor_sees_only_what_is_addressed_to_them(client, world, head, final):
    objection = in_review(world, head, final)
    url = reverse("objections:detail", args=[objection.pk])
    client.force_login(world.supervisor)
    assert client.get(url).status_code == 404
    services.explanation_request(
        objection=objection,
        party="pegawai",
        question="Pertanyaan untuk Sari.",
        acting_user=head.user,
    )
    services.explanation_request(
        objection=objection,
        party="atasan",
        question="Pertanyaan untuk Budi.",
        acting_user=head.user,
    )
    page = client.get(url).content.decode()
    assert "Pertanyaan untuk Budi." in page
    assert "Pertanyaan untuk Sari." not in page
    assert objection.reasons not in page
    api = client.get(f"/api/v1/objections/{objection.pk}").json()
    assert api["scope"] == "addressed" and api["reasons"] is None and api["result"] is None
    assert [m["question"] for m in api["messages"]] == ["Pertanyaan untuk Budi."]
    for user in (world.peer, world.leader, world.outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(f"/api/v1/objections/{objection.pk}").status_code == 404


def test_a_single_peers_answer_never_reaches_an_objection_page_or_answer(
    client, world, head, final
):
    """One peer (Rudi) rated Sari with a distinctive comment and level 1 everywhere: below the
    threshold, so neither the words nor a peer group may appear anywhere in the objection."""
    objection = in_review(world, head, final)
    message = services.explanation_request(
        objection=objection, party="atasan", question="Dasar?", acting_user=head.user
    )
    pages = []
    for user in (world.staff, head.user, world.admin, world.supervisor):
        client.force_login(user)
        pages.append(client.get(reverse("objections:detail", args=[objection.pk])))
        pages.append(client.get(f"/api/v1/objections/{objection.pk}"))
        pages.append(client.get("/api/v1/objections?scope=to-decide"))
    client.force_login(world.admin)
    pages.append(client.get(reverse("objections:hr_list")))
    pages.append(client.get("/api/v1/objections?scope=agency"))
    client.force_login(head.user)
    pages.append(client.get(reverse("objections:inbox")))
    pages.append(client.get(reverse("objections:decide", args=[objection.pk])))
    client.force_login(world.staff)
    pages.append(client.get(reverse("objections:mine")))
    assert message.pk
    full = client.get(f"/api/v1/objections/{objection.pk}").json()
    assert full["result"]["items"], "the full view does carry the pooled result"
    for item in full["result"]["items"].values():
        assert "rekan" not in (item.get("groups") or {})
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        assert PEER_SECRET not in body
        assert "Rudi Rekan" not in body


# --- one table of rules, web and API ------------------------------------------------------------


def _web_file(client, world, cycle, reasons, files):
    client.force_login(world.staff)
    response = client.post(
        reverse("objections:file", args=[cycle.pk]),
        {"reasons": reasons, "attachments": files},
        follow=True,
    )
    return response.content.decode()


def _api_file(client, world, cycle, reasons, files):
    headers = token(world.staff, world.agency)
    response = client.post(
        f"/api/v1/cycles/{cycle.pk}/objections",
        {"reasons": reasons, "attachments": files},
        **headers,
    )
    return response


RULES = [
    # (name, prepare(world, cycle), reasons, files, code, words in the message)
    ("window_closed", "late", "Alasan.", [], "window_closed", "Batas waktu pengajuan keberatan"),
    ("already_filed", "filed", "Alasan.", [], "already_filed", "sudah mengajukan keberatan"),
    ("fake_pdf", None, "Alasan.", [("bukti.pdf", EXE)], "bad_file_content", "bukan PDF"),
    ("wrong_type", None, "Alasan.", [("bukti.exe", EXE)], "bad_file_type", "PDF, PNG atau JPG"),
]


@pytest.mark.parametrize(("name", "prepare", "reasons", "files", "code", "words"), RULES)
@pytest.mark.parametrize("face", ["web", "api"])
def test_the_same_rule_refuses_on_every_face(
    client, world, head, final, face, name, prepare, reasons, files, code, words
):
    if prepare == "late":
        past = timezone.now() - dt.timedelta(days=30)
        Cycle.objects.filter(pk=final.pk).update(finalised_at=past)
        from kinerja.results.models import CycleResult

        CycleResult.objects.filter(cycle=final).update(finalised_at=past)
    elif prepare == "filed":
        file_(world, final)
    before = Objection.objects.count()
    uploads = [SimpleUploadedFile(n, content) for n, content in files]
    if face == "web":
        body = _web_file(client, world, final, reasons, uploads)
        assert words in body
    else:
        response = _api_file(client, world, final, reasons, uploads)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == code and words in error["message"]
    assert Objection.objects.count() == before


def test_the_whole_flow_through_the_api(client, world, head, final):
    staff, official, hr = (token(u, world.agency) for u in (world.staff, head.user, world.admin))
    sup = token(world.supervisor, world.agency)
    filed = client.post(
        f"/api/v1/cycles/{final.pk}/objections",
        {"reasons": "Tidak sesuai.", "attachments": [SimpleUploadedFile("a.pdf", PDF)]},
        **staff,
    )
    assert filed.status_code == 201, filed.content
    pk = filed.json()["id"]
    assert filed.json()["attachments"][0]["content_type"] == "application/pdf"

    def post(path, body, headers):
        return client.post(
            f"/api/v1/objections/{pk}{path}",
            json.dumps(body),
            content_type="application/json",
            **headers,
        )

    assert post("/review", {}, staff).status_code == 403
    assert post("/review", {}, official).json()["status"] == "dalam_telaah"
    asked = post("/explanations", {"party": "atasan", "question": "Dasar?"}, official)
    assert asked.status_code == 201
    mid = asked.json()["id"]
    assert post(f"/explanations/{mid}/answer", {"answer": "x"}, staff).status_code == 403
    assert post(f"/explanations/{mid}/answer", {"answer": "Absensi."}, sup).status_code == 200
    decided = post(
        "/decision",
        {"outcome": "diterima", "rating": "sesuai_ekspektasi", "reason": "Ok."},
        official,
    )
    body = decided.json()
    assert body["status"] == "diputus" and body["result"]["predikat"] == "baik"
    assert body["versions"][0]["before_predikat"] == "kurang"
    listed = client.get("/api/v1/objections?scope=agency&status=diputus", **hr).json()
    assert [o["id"] for o in listed["items"]] == [pk]
    assert client.get("/api/v1/objections?scope=agency", **staff).status_code == 403
    assert client.get("/api/v1/objections?scope=mine", **staff).json()["count"] == 1


# --- the web flow and HR's list -----------------------------------------------------------------


def test_the_official_decides_after_a_confirmation(client, world, head, final):
    objection = in_review(world, head, final)
    client.force_login(head.user)
    url = reverse("objections:decide", args=[objection.pk])
    data = {"outcome": "diterima", "rating": "sesuai_ekspektasi", "reason": "Terbukti."}
    confirm = client.post(url, data)
    assert "Keputusan ini final" in confirm.content.decode()
    assert Objection.objects.get(pk=objection.pk).status == "dalam_telaah"
    client.post(url, data | {"confirm": "ya"})
    assert Objection.objects.get(pk=objection.pk).outcome == "diterima"
    assert current(world, final).predikat == "baik"


def test_hr_lists_filters_searches_and_exports(client, world, head, final):
    objection = in_review(world, head, final)
    accept(head, objection)
    client.force_login(world.admin)
    url = reverse("objections:hr_list")
    assert "Sari Staf" in client.get(url).content.decode()
    assert "Sari Staf" in client.get(url, {"q": world.staff_employee.nip[:10]}).content.decode()
    assert "Sari Staf" not in client.get(url, {"q": "tidak ada"}).content.decode()
    assert "Sari Staf" not in client.get(url, {"status": "diajukan"}).content.decode()
    assert "Sari Staf" in client.get(url, {"keputusan": "diterima"}).content.decode()
    export = client.get(reverse("objections:hr_export"), {"siklus": final.pk})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("siklus", "nip", "nama")
    assert rows[1][2] == "Sari Staf" and rows[1][4] == "Diputus"
    assert objection.reasons not in str(rows)  # the reasons stay on the page


def test_the_hr_list_and_the_inbox_pin_their_query_counts(
    client, world, head, final, django_assert_max_num_queries
):
    file_(world, final)
    client.force_login(world.admin)
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("objections:hr_list"))
    first = len(one.captured_queries)
    for n in range(8):
        employee = make_employee(
            world.agency,
            unit=world.subunit,
            position=world.staff_position,
            supervisor=world.supervisor_employee,
            name=f"Pegawai Tambahan {n}",
        )
        Objection.objects.create(
            agency=world.agency,
            cycle=final,
            employee=employee,
            reasons="x",
            filed_at=timezone.now(),
            official=head.employee,
            decision_due=timezone.now() + dt.timedelta(days=14),
        )
    with django_assert_max_num_queries(first) as many:
        client.get(reverse("objections:hr_list"))
    assert len(many.captured_queries) == first
    client.force_login(head.user)
    counts = []
    for _ in range(2):
        with django_assert_max_num_queries(12) as inbox:
            assert "Pegawai Tambahan" in client.get(reverse("objections:inbox")).content.decode()
        counts.append(len(inbox.captured_queries))
    assert counts[0] == counts[1]


def test_settings_default_when_absent_and_hr_edits_them_on_a_page(client, world, head, final):
    assert not ObjectionSettings.objects.exists()
    assert selectors.settings_for(cycle=final).window_days == 14
    client.force_login(world.admin)
    url = reverse("objections:settings", args=[final.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"window_days": 7, "decision_days": 10, "reminder_days": "5, 2"})
    saved = ObjectionSettings.objects.get(cycle=final)
    assert (saved.window_days, saved.decision_days, saved.reminder_thresholds) == (7, 10, [5, 2])
    detail = client.get(reverse("assessment:cycle_detail", args=[final.pk])).content.decode()
    assert url in detail
    for user in (world.staff, head.user, world.leader, world.outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_answering_on_the_page_only_for_the_one_asked(client, world, head, final):
    objection = in_review(world, head, final)
    message = services.explanation_request(
        objection=objection, party="pegawai", question="Bukti?", acting_user=head.user
    )
    url = reverse("objections:answer", args=[objection.pk, message.pk])
    client.force_login(head.user)
    assert client.post(url, {"answer": "bukan saya"}).status_code == 404
    client.force_login(world.staff)
    client.post(url, {"answer": "Daftar hadir terlampir."})
    message.refresh_from_db()
    assert message.answer == "Daftar hadir terlampir." and message.is_answered
    assert ObjectionMessage.objects.count() == 1


def test_my_page_and_the_api_lists_pin_their_query_counts(
    client, world, head, final, django_assert_max_num_queries
):
    def extra(n: int) -> None:
        for i in range(n):
            employee = make_employee(
                world.agency,
                unit=world.subunit,
                position=world.staff_position,
                name=f"Pegawai Daftar {i}",
            )
            Objection.objects.create(
                agency=world.agency,
                cycle=final,
                employee=employee,
                reasons="x",
                filed_at=timezone.now(),
                official=head.employee,
                decision_due=timezone.now() + dt.timedelta(days=14),
            )

    objection = in_review(world, head, final)
    services.explanation_request(
        objection=objection, party="pegawai", question="Bukti?", acting_user=head.user
    )
    pages = [
        (world.staff, reverse("objections:mine")),
        (head.user, "/api/v1/objections?scope=to-decide"),
        (world.admin, "/api/v1/objections?scope=agency"),
        (world.staff, "/api/v1/objections?scope=mine"),
    ]
    counts = []
    for user, url in pages:
        client.force_login(user)
        with django_assert_max_num_queries(15) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries.captured_queries))
    extra(6)
    for (user, url), first in zip(pages, counts, strict=True):
        client.force_login(user)
        with django_assert_max_num_queries(first):
            assert client.get(url).status_code == 200
