"""The permission matrix: every URL of the project (web and /api/v1), every persona, one table.

A URL that is not in the table fails `test_every_url_has_a_row`, so no view or endpoint can be
added without saying who may use it. Each cell states what the persona gets: allowed (and, for a
write, agency A changed), allowed in their own scope only (agency A untouched), 403, 404, or the
sign-in page / 401. Every denied request is checked to have changed nothing, in either agency.
The world (two agencies, a draft, a running, a closed and a final cycle with results, plans, a
training, an API token per persona) is built once for the module; each test runs in a savepoint
that is rolled back, so an allowed write never leaks into the next cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from kinerja.assessment import services as assessment
from kinerja.assessment.models import Cycle, RaterAssignment, Relation
from kinerja.competencies.models import Competency, PositionStandard
from kinerja.competencies.services import framework_load, teknis_competency_save
from kinerja.core.models import Agency
from kinerja.core.services import token_create
from kinerja.development import services as development
from kinerja.jobs.files import output_save
from kinerja.jobs.models import Job
from kinerja.organisation.models import Employee, OrgUnit, Position
from kinerja.results import services as results

from .conftest import World, build_world, make_employee, make_nip, make_user
from .jobs_storage import point_private_storage, restore_private_storage
from .test_assessment_services import make_cycle
from .test_results_services import answer_all

PERSONAS = ["anon", "outsider", "staff", "peer", "supervisor", "leader", "admin", "superuser"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
YEAR = timezone.localdate().year
NEW_NIP = make_nip(gender="P", year=1993, seq=901)
IMPORT_NIP = make_nip(gender="L", year=1992, seq=902)

# URLs that need no row, each with the reason.
ALLOWED_WITHOUT_ROW = {
    "akun/login/": "the sign-in page is public by design",
    "akun/logout/": "signing out touches only the caller's own session",
    "akun/password_reset/": "Django's public password-reset flow: asks for an e-mail, shows no data",
    "akun/password_reset/done/": "Django's public password-reset flow: a static notice",
    "akun/reset/<uidb64>/<token>/": "Django's public password-reset flow: needs the mailed token",
    "akun/reset/done/": "Django's public password-reset flow: a static notice",
    "i18n/setlang/": "language switch: stores the caller's own preference only",
    "api/docs": "the API documentation page (static, no agency data)",
    "api/openapi.json": "the OpenAPI schema (no agency data)",
    "api/": "django-ninja's API root (no agency data)",
}
# Django's admin has its own permission system (superuser only); its index has a row below and
# test_permissions.py checks that a staff user who is not a superuser is sent to its sign-in.
ALLOWED_PREFIXES = {"django-admin/": "Django's own admin: superusers only, checked by Django"}


# --- the world -----------------------------------------------------------------------------------


@dataclass
class W:
    """The world of the matrix: conftest's personas plus what every URL needs an id of."""

    base: World
    draft: Cycle  # D: no assignments yet
    running: Cycle  # R: started, peer acknowledged and drafted the peer → staff form
    closed: Cycle  # C: closed with computed results, not final
    final: Cycle  # F: final, results released
    peer_form: RaterAssignment  # in R: Rudi (peer) rates Sari (staff)
    proposal: Any  # in R: Rudi proposes Dewi as a peer rater, pending with Budi
    teknis: Competency
    empty_unit: OrgUnit
    empty_position: Position
    loose_employee: Employee  # no account, no results: can be deleted or given a login
    training: Any
    staff_plan: Any  # submitted this year
    peer_plan: Any  # approved, with a realisation and its evidence
    peer_realisation: Any
    supervisor_plan: Any  # draft, one item
    supervisor_item: Any
    spare_token: Any
    tokens: dict[str, str] = field(default_factory=dict)  # persona → "Bearer …"
    sessions: dict[str, str] = field(default_factory=dict)  # persona → session key, signed in
    superuser: Any = None
    lockout: Any = None  # django-axes' record of Sari (staff) locked out after failed sign-ins
    job: Any = None  # a queued background job of agency A (about D: C computes unhindered)
    done_job: Any = None  # a finished export of agency A with its file, started by no one
    # keberatan: Sari's objection on F, assigned by HR to Rudi (peer: Budi has no supervisor), in
    # review, with an attachment and a request to each side (Budi's unanswered)
    objections: dict[str, Any] = field(default_factory=dict)
    # dialog kinerja and the survey: Budi's recorded dialogue with Sari on F (not yet answered),
    # and a closed survey on C (its figures published)
    acceptance: dict[str, Any] = field(default_factory=dict)

    def user(self, persona: str) -> Any:
        if persona == "anon":
            return None
        if persona == "superuser":
            return self.superuser
        return getattr(self.base, persona)

    # shorthands used by the rows
    @property
    def staff(self) -> Employee:
        return self.base.staff_employee

    @property
    def a(self) -> Agency:
        return self.base.agency


def _closed_cycle(w: World, name: str) -> Cycle:
    cycle = make_cycle(w.agency, w.admin)
    Cycle.objects.filter(pk=cycle.pk).update(name=name)
    staff, sup, peer = w.staff_employee, w.supervisor_employee, w.peer_employee
    answer_all(cycle, sup, staff, 4, M_01=2, strengths="Teliti dan cepat.")
    answer_all(cycle, staff, staff, 5)
    answer_all(cycle, peer, staff, 3)
    assessment.work_result_set(
        cycle=cycle,
        employee=staff,
        rating="sesuai_ekspektasi",
        justification="Target tercapai.",
        acting_user=w.supervisor,
    )
    return assessment.cycle_transition(cycle=cycle, action="close", acting_user=w.admin)


def _acceptance_world(base: World, final: Cycle, closed: Cycle) -> dict[str, Any]:
    """Budi's dialogue with Sari on F, recorded, waiting for her; C's survey closed (published)."""
    from kinerja.dialogue import services as dialogue
    from kinerja.survey.models import Survey
    from kinerja.survey.services import build_release

    today = timezone.localdate()
    staff_dialogue = dialogue.dialogue_schedule(
        cycle=final, employee=base.staff_employee, scheduled_for=today, acting_user=base.supervisor
    )
    dialogue.dialogue_record(
        dialogue=staff_dialogue,
        held_on=today,
        went_well="Rapi dan tepat waktu.",
        to_develop="Komunikasi.",
        actions=[],
        acting_user=base.supervisor,
    )
    survey = Survey.objects.create(agency=base.agency, cycle=closed, closed_at=timezone.now())
    survey.release = build_release(cycle=closed, questions=survey.questions)
    survey.save(update_fields=["release"])
    return {"dialogue": staff_dialogue, "closed_survey": survey}


def _objections_world(base: World, final: Cycle) -> dict[str, Any]:
    """Sari's objection on F: assigned to Rudi (peer) by HR, in review, one attachment, a request
    for explanation to Sari and one to Budi (both unanswered)."""
    from kinerja.objections import services as objections

    objection = objections.objection_file(
        cycle=Cycle.objects.get(pk=final.pk),
        employee=base.staff_employee,
        reasons="Rating perilaku tidak sesuai.",
        attachments=[SimpleUploadedFile("bukti.pdf", PDF)],
        acting_user=base.staff,
    )
    objections.objection_assign(
        objection=objection, official=base.peer_employee, note="", acting_user=base.admin
    )
    objections.objection_start_review(objection=objection, acting_user=base.peer)
    to_staff = objections.explanation_request(
        objection=objection, party="pegawai", question="Bukti?", acting_user=base.peer
    )
    to_supervisor = objections.explanation_request(
        objection=objection, party="atasan", question="Dasar rating?", acting_user=base.peer
    )
    return {
        "objection": objection,
        "attachment": objection.attachments.get(),
        "to_staff": to_staff,
        "to_supervisor": to_supervisor,
    }


def _session_of(user) -> str:
    """Signs `user` in once; each test sends the session cookie instead of signing in again."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def build() -> W:
    base = build_world()
    framework_load()
    for code, level in (("M.01", 3), ("M.02", 2)):
        PositionStandard.objects.create(
            agency=base.agency,
            position=base.staff_position,
            competency=Competency.objects.get(agency=None, code=code),
            required_level=level,
        )
    final = _closed_cycle(base, "Siklus Final Matriks")
    results.results_compute(cycle=final, acting_user=base.admin)
    results.results_finalise(cycle=final, acting_user=base.admin)
    closed = _closed_cycle(base, "Siklus Tertutup Matriks")
    results.results_compute(cycle=closed, acting_user=base.admin)
    running = make_cycle(base.agency, base.admin)
    Cycle.objects.filter(pk=running.pk).update(name="Siklus Berjalan Matriks")
    draft = make_cycle(base.agency, base.admin, generate=False, start=False)
    Cycle.objects.filter(pk=draft.pk).update(name="Siklus Draf Matriks")
    peer_form = RaterAssignment.objects.get(
        cycle=running, rater=base.peer_employee, ratee=base.staff_employee, relation=Relation.PEER
    )
    assessment.acknowledge(cycle=running, user=base.peer)
    answer_all(running, base.peer_employee, base.staff_employee, 3, submit=False)

    teknis = teknis_competency_save(
        agency=base.agency,
        acting_user=base.admin,
        code="T.01",
        name="Teknis Matriks",
        definition="-",
        levels=[{"level": n, "title": f"Level {n}", "indicators": []} for n in range(1, 6)],
    )
    empty_unit = OrgUnit.objects.create(
        agency=base.agency, name="Seksi Kosong A", kind="seksi", parent=base.unit
    )
    empty_position = Position.objects.create(
        agency=base.agency, name="Jabatan Kosong A", position_type="pelaksana", unit=base.subunit
    )
    loose = make_employee(
        base.agency, unit=base.subunit, position=base.staff_position, name="Dewi Tanpa Akun"
    )
    proposal = assessment.peer_propose(
        cycle=running, ratee=base.peer_employee, peer=loose, acting_user=base.peer
    )

    training = development.training_save(
        agency=base.agency,
        acting_user=base.admin,
        code="INT-1",
        name="Pelatihan Integritas",
        mode="klasikal",
        method="pelatihan",
        jp=16,
        competencies=["M.01"],
    )
    staff_plan = development.plan_for(employee=base.staff_employee, year=YEAR)
    for title, jp in (("Kegiatan Sari 1", 16), ("Kegiatan Sari 2", 8)):
        development.plan_item_add(plan=staff_plan, acting_user=base.staff, title=title, jp=jp)
    development.plan_submit(plan=staff_plan, acting_user=base.staff)
    peer_plan = development.plan_for(employee=base.peer_employee, year=YEAR)
    development.plan_item_add(plan=peer_plan, acting_user=base.peer, title="Kegiatan Rudi", jp=24)
    development.plan_submit(plan=peer_plan, acting_user=base.peer)
    development.plan_decide(plan=peer_plan, approve=True, comment="", acting_user=base.supervisor)
    peer_plan.refresh_from_db()
    peer_realisation = development.realisation_record(
        plan=peer_plan,
        acting_user=base.peer,
        title="Kegiatan Rudi",
        date=timezone.localdate(),
        jp=8,
        evidence=SimpleUploadedFile("sertifikat.pdf", PDF, content_type="application/pdf"),
    )
    supervisor_plan = development.plan_for(employee=base.supervisor_employee, year=YEAR)
    supervisor_item = development.plan_item_add(
        plan=supervisor_plan, acting_user=base.supervisor, title="Kegiatan Budi", jp=24
    )

    tokens = {}
    for persona in ("staff", "peer", "supervisor", "leader", "admin"):
        _t, secret = token_create(
            agency=base.agency,
            user=getattr(base, persona),
            name=f"Token {persona}",
            acting_user=base.admin,
        )
        tokens[persona] = f"Bearer {secret}"
    _t, secret = token_create(
        agency=base.other_agency, user=base.outsider, name="Token B", acting_user=base.outsider
    )
    tokens["outsider"] = f"Bearer {secret}"
    spare, _secret = token_create(
        agency=base.agency, user=base.staff, name="Token cadangan", acting_user=base.admin
    )
    superuser = make_user("root", is_superuser=True, is_staff=True)
    lockout = AccessAttempt.objects.create(
        username=base.staff.username,
        ip_address="10.9.9.9",
        user_agent="matriks",
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/akun/login/",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )

    job = Job.objects.create(
        agency=base.agency, kind=Job.Kind.RESULTS_COMPUTE, target_id=draft.pk, target_name="D"
    )
    done_job = Job.objects.create(
        agency=base.agency,
        kind=Job.Kind.RESULTS_EXPORT,
        target_id=closed.pk,
        target_name="C",
        state=Job.State.DONE,
        output_name="hasil.xlsx",
    )
    output_save(done_job, name="hasil.xlsx", content=b"matriks")

    objections_world = _objections_world(base, final)
    acceptance_world = _acceptance_world(base, final, closed)
    sessions = {}
    for persona in ("outsider", "staff", "peer", "supervisor", "leader", "admin"):
        sessions[persona] = _session_of(getattr(base, persona))
    sessions["superuser"] = _session_of(superuser)

    def fresh(obj):
        return type(obj).objects.get(pk=obj.pk)

    return W(
        base=base,
        draft=fresh(draft),
        running=fresh(running),
        closed=fresh(closed),
        final=fresh(final),
        peer_form=peer_form,
        proposal=proposal,
        teknis=teknis,
        empty_unit=empty_unit,
        empty_position=empty_position,
        loose_employee=loose,
        training=training,
        staff_plan=fresh(staff_plan),
        peer_plan=fresh(peer_plan),
        peer_realisation=peer_realisation,
        supervisor_plan=fresh(supervisor_plan),
        supervisor_item=supervisor_item,
        spare_token=spare,
        tokens=tokens,
        sessions=sessions,
        superuser=superuser,
        lockout=lockout,
        job=job,
        done_job=done_job,
        objections=objections_world,
        acceptance=acceptance_world,
    )


@pytest.fixture(scope="module")
def mclient() -> Client:
    """One test client for the module (a new one loads every middleware again, ~50 ms)."""
    return Client()


@pytest.fixture(scope="module")
def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture(scope="module")
def mw(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once in a transaction that is rolled back when the module ends."""
    media = tmp_path_factory.mktemp("media")
    private = point_private_storage(tmp_path_factory.mktemp("private"))
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=str(media),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            restore_private_storage(private)


# --- what a request may change -------------------------------------------------------------------

VOLATILE = {"last_used_at", "last_login"}


def _tenant_models() -> list[tuple[type[models.Model], str]]:
    """Every model of the project with the lookup from it to its agency (None: global rows)."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("kinerja."):
            continue
        names = {f.name: f for f in model._meta.get_fields() if getattr(f, "concrete", False)}
        if "agency" in names:
            found.append((model, "agency"))
            continue
        via = next(
            (
                f.name
                for f in names.values()
                if f.is_relation
                and f.many_to_one
                and f.related_model is not None
                and any(g.name == "agency" for g in f.related_model._meta.get_fields())
            ),
            None,
        )
        found.append((model, f"{via}__agency" if via else ""))
    return found


def _rows(qs) -> list[dict]:
    return [
        {k: v for k, v in row.items() if k not in VOLATILE} for row in qs.order_by("pk").values()
    ]


def state(agency: Agency | None) -> dict:
    """Every row that belongs to `agency` (None: the global rows and the users), as values."""
    out: dict[str, Any] = {}
    for model, lookup in _tenant_models():
        key = model._meta.label
        if agency is None:
            if not lookup:
                out[key] = _rows(model._default_manager.all())
        elif lookup:
            out[key] = _rows(model._default_manager.filter(**{lookup: agency}))
    if agency is None:
        out["users"] = _rows(get_user_model().objects.all())
    return out


def snapshot(w: W) -> tuple[dict, dict, dict]:
    return state(w.a), state(w.base.other_agency), state(None)


# --- the table -----------------------------------------------------------------------------------
#
# ok    allowed: 2xx, or a redirect that is not the sign-in page; a write changes agency A
# own   allowed in the persona's own scope (agency B, their own empty team or plan): 2xx/302,
#       agency A unchanged
# no    allowed for the role but refused by a business rule (a locked plan, already done): a
#       message (2xx/302, API 400) and not a single row written
# 403   refused for the role (API);  404  not found (another agency's object, or no right to see
#       it: the web answers every refusal with 404);  login  sent to sign in;  401  API, no auth
# Denied cells (403, 404, login, 401) change nothing anywhere. Admin and leader personas have no
# Employee record: "my" pages are not found for them. The superuser has no agency.
#
#                     anon   outsider staff peer supervisor leader admin superuser


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    url: Callable[[W], str]
    expect: str
    data: Callable[[W], Any] | None = None
    api: bool = False
    multipart: bool = False
    shows: Callable[[W], str] | None = None  # must be in the body of an allowed read

    def outcomes(self) -> dict[str, str]:
        return dict(zip(PERSONAS, self.expect.split(), strict=True))


def r(name: str, *args: Any) -> Callable[[W], str]:
    """reverse(name, args) where each arg is a callable of the world or a constant."""
    return lambda w: reverse(name, args=[a(w) if callable(a) else a for a in args])


def csv_upload(name: str, header: list[str], rows: list[list[str]]) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


def employee_import(w: W) -> dict:
    header = ["nip", "nama", "jenis_kelamin", "golongan", "status_asn", "jenis_jabatan"]
    header += ["jabatan", "unit_kerja"]
    row = [IMPORT_NIP, "Impor Matriks", "L", "III/a", "PNS", "Pelaksana", "Jabatan Impor", "Unit X"]
    return {"file": csv_upload("pegawai.csv", header, [row])}


def cycle_post(name: str) -> dict:
    from kinerja.assessment import texts

    deadline = timezone.localtime() + dt.timedelta(days=30)
    return {
        "name": name,
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


def teknis_post(code: str) -> dict:
    data = {"code": code, "name": f"Teknis {code}", "definition": "Definisi."}
    data |= {f"title_{n}": f"Level {n}" for n in range(1, 6)}
    return data


def training_post(code: str) -> dict:
    return {
        "code": code,
        "name": "Komunikasi Efektif",
        "mode": "klasikal",
        "method": "pelatihan",
        "jp": "24",
        "competencies": ["M.01"],
        "level_min": "1",
        "level_max": "3",
        "provider": "BPSDM",
        "cost": "",
        "description": "",
        "is_active": "on",
    }


def employee_post(w: W, **extra) -> dict:
    b = w.base
    return {
        "nip": NEW_NIP,
        "name": "Pegawai Matriks",
        "gender": "P",
        "asn_status": "PNS",
        "grade": "III/a",
        "position": b.staff_position.pk,
        "unit": b.subunit.pk,
        "supervisor": b.supervisor_employee.pk,
        "email": "",
        "is_active": "on",
    } | extra


def realisation_post(w: W) -> dict:
    return {
        "item": w.peer_plan.items.first().pk,
        "item_id": w.peer_plan.items.first().pk,
        "title": "",
        "date": timezone.localdate().isoformat(),
        "jp": "8",
    }


WEB: list[Row] = [
    # --- home, account, core ---------------------------------------------------------------
    Row("home", "GET", r("home"), "login own ok ok ok ok ok own"),
    Row("password_change", "GET", r("password_change"), "login own ok ok ok ok ok own"),
    Row("password_change_done", "GET", r("password_change_done"), "login own ok ok ok ok ok own"),
    Row("tokens", "GET", r("core:tokens"), "login own 404 404 404 404 ok 404"),
    Row(
        "token_create",
        "POST",
        r("core:tokens"),
        "login own 404 404 404 404 ok 404",
        data=lambda w: {"user": w.base.peer.pk, "name": "Token Matriks"},
    ),
    Row(
        "token_create_for_another_agencys_user",
        "POST",
        r("core:tokens"),
        "login own 404 404 404 404 no 404",
        data=lambda w: {"user": w.base.outsider.pk, "name": "Token Lintas"},
    ),
    Row(
        "token_revoke",
        "POST",
        r("core:token_revoke", lambda w: w.spare_token.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row("jobs", "GET", r("jobs:list"), "login own 404 404 404 404 ok 404", shows=lambda w: "D"),
    Row("job", "GET", r("jobs:detail", lambda w: w.job.pk), "login 404 404 404 404 404 ok 404"),
    Row(
        "job_cancel",
        "POST",
        r("jobs:cancel", lambda w: w.job.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "job_download",
        "GET",
        r("jobs:download", lambda w: w.done_job.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "audit",
        "GET",
        r("core:audit"),
        "login own 404 404 404 404 ok 404",
        shows=lambda w: "Token staff",
    ),
    Row(
        "lockouts",
        "GET",
        r("core:lockouts"),
        "login own 404 404 404 404 ok 404",
        shows=lambda w: "10.9.9.9",
    ),
    Row(
        "lockout_unlock",
        "POST",
        r("core:lockout_unlock", lambda w: w.lockout.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    # --- organisation ------------------------------------------------------------------------
    Row("me", "GET", r("organisation:me"), "login own ok ok ok 404 404 404"),
    Row("team", "GET", r("organisation:team"), "login own ok ok ok 404 404 404"),
    Row(
        "employee_list",
        "GET",
        r("organisation:employee_list"),
        "login own 404 404 404 ok ok 404",
        shows=lambda w: w.staff.nip,
    ),
    Row(
        "employee_list_by_unit",
        "GET",
        lambda w: reverse("organisation:employee_list") + f"?unit={w.base.subunit.pk}",
        "login own 404 404 404 ok ok 404",
    ),
    Row(
        "employee_create_form",
        "GET",
        r("organisation:employee_create"),
        "login own 404 404 404 404 ok 404",
    ),
    Row(
        "employee_create",
        "POST",
        r("organisation:employee_create"),
        "login own 404 404 404 404 ok 404",
        data=employee_post,
    ),
    Row(
        "employee_detail",
        "GET",
        r("organisation:employee_detail", lambda w: w.staff.pk),
        "login 404 ok 404 ok ok ok 404",
        shows=lambda w: w.staff.nip_formatted,
    ),
    Row(
        "employee_edit_form",
        "GET",
        r("organisation:employee_edit", lambda w: w.staff.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "employee_edit",
        "POST",
        r("organisation:employee_edit", lambda w: w.staff.pk),
        "login 404 404 404 404 404 ok 404",
        data=lambda w: employee_post(w, nip=w.staff.nip, name="Sari Diubah", gender="P"),
    ),
    Row(
        "employee_delete_confirm",
        "GET",
        r("organisation:employee_delete", lambda w: w.loose_employee.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "employee_delete",
        "POST",
        r("organisation:employee_delete", lambda w: w.loose_employee.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "employee_login",
        "POST",
        r("organisation:employee_login", lambda w: w.loose_employee.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row("unit_list", "GET", r("organisation:unit_list"), "login own ok ok ok ok ok 404"),
    Row(
        "unit_create_form", "GET", r("organisation:unit_create"), "login own 404 404 404 404 ok 404"
    ),
    Row(
        "unit_create",
        "POST",
        r("organisation:unit_create"),
        "login own 404 404 404 404 ok 404",
        data=lambda w: {"name": "Unit Matriks", "kind": "seksi"},
    ),
    Row(
        "unit_edit_form",
        "GET",
        r("organisation:unit_edit", lambda w: w.empty_unit.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "unit_edit",
        "POST",
        r("organisation:unit_edit", lambda w: w.empty_unit.pk),
        "login 404 404 404 404 404 ok 404",
        data=lambda w: {"name": "Seksi Diubah", "kind": "seksi", "parent": w.base.unit.pk},
    ),
    Row(
        "unit_delete_confirm",
        "GET",
        r("organisation:unit_delete", lambda w: w.empty_unit.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "unit_delete",
        "POST",
        r("organisation:unit_delete", lambda w: w.empty_unit.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row("position_list", "GET", r("organisation:position_list"), "login own ok ok ok ok ok 404"),
    Row(
        "position_create_form",
        "GET",
        r("organisation:position_create"),
        "login own 404 404 404 404 ok 404",
    ),
    Row(
        "position_create",
        "POST",
        r("organisation:position_create"),
        "login own 404 404 404 404 ok 404",
        data=lambda w: {"name": "Jabatan Matriks", "position_type": "pelaksana", "min_grade": ""},
    ),
    Row(
        "position_detail",
        "GET",
        r("organisation:position_detail", lambda w: w.base.staff_position.pk),
        "login 404 ok ok ok ok ok 404",
    ),
    Row(
        "position_edit_form",
        "GET",
        r("organisation:position_edit", lambda w: w.empty_position.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "position_edit",
        "POST",
        r("organisation:position_edit", lambda w: w.empty_position.pk),
        "login 404 404 404 404 404 ok 404",
        data=lambda w: {"name": "Jabatan Diubah", "position_type": "pelaksana", "min_grade": ""},
    ),
    Row(
        "position_delete_confirm",
        "GET",
        r("organisation:position_delete", lambda w: w.empty_position.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "position_delete",
        "POST",
        r("organisation:position_delete", lambda w: w.empty_position.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "import_employees_form",
        "GET",
        r("organisation:import_employees"),
        "login own 404 404 404 404 ok 404",
    ),
    Row(
        "import_employees",
        "POST",
        r("organisation:import_employees"),
        "login own 404 404 404 404 ok 404",
        data=employee_import,
    ),
    Row(
        "import_template",
        "GET",
        r("organisation:import_template"),
        "login own 404 404 404 404 ok 404",
    ),
    # --- competencies --------------------------------------------------------------------------
    Row("framework", "GET", r("competencies:framework"), "login own ok ok ok ok ok 404"),
    Row(
        "teknis_create_form",
        "GET",
        r("competencies:teknis_create"),
        "login own 404 404 404 404 ok 404",
    ),
    Row(
        "teknis_create",
        "POST",
        r("competencies:teknis_create"),
        "login own 404 404 404 404 ok 404",
        data=lambda w: teknis_post("T.09"),
    ),
    Row(
        "teknis_edit_form",
        "GET",
        r("competencies:teknis_edit", lambda w: w.teknis.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "teknis_edit",
        "POST",
        r("competencies:teknis_edit", lambda w: w.teknis.pk),
        "login 404 404 404 404 404 ok 404",
        data=lambda w: teknis_post("T.01") | {"name": "Teknis Diubah"},
    ),
    Row(
        "teknis_delete_confirm",
        "GET",
        r("competencies:teknis_delete", lambda w: w.teknis.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "teknis_delete",
        "POST",
        r("competencies:teknis_delete", lambda w: w.teknis.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "standard_edit_form",
        "GET",
        r("competencies:standard_edit", lambda w: w.base.staff_position.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "standard_edit",
        "POST",
        r("competencies:standard_edit", lambda w: w.base.staff_position.pk),
        "login 404 404 404 404 404 ok 404",
        data=lambda w: {"level_M.01": "4"},
    ),
    Row(
        "import_standards_form",
        "GET",
        r("competencies:import_standards"),
        "login own 404 404 404 404 ok 404",
    ),
    Row(
        "import_standards",
        "POST",
        r("competencies:import_standards"),
        "login own 404 404 404 404 ok 404",
        data=lambda w: {
            "file": csv_upload(
                "standar.csv",
                ["jabatan", "kode_kompetensi", "level"],
                [["Pengadministrasi", "M.03", "2"]],
            )
        },
    ),
    Row(
        "standards_template",
        "GET",
        r("competencies:standards_template"),
        "login own 404 404 404 404 ok 404",
    ),
    # --- assessment: raters ----------------------------------------------------------------------
    Row(
        "team_progress",
        "GET",
        r("assessment:team_progress", lambda w: w.running.pk),
        "login 404 404 404 ok 404 404 404",
    ),
    Row("my_tasks", "GET", r("assessment:my_tasks"), "login own ok ok ok ok ok own"),
    Row("faq", "GET", r("assessment:faq"), "login own ok ok ok ok ok own"),
    Row(
        "cycle_purpose",
        "GET",
        r("assessment:cycle_purpose", lambda w: w.running.pk),
        "login 404 ok ok ok ok ok 404",
    ),
    Row(
        "cycle_acknowledge",
        "POST",
        r("assessment:cycle_purpose", lambda w: w.running.pk),
        "login 404 no no no ok ok 404",
    ),
    Row(
        "work_results",
        "GET",
        r("assessment:work_results", lambda w: w.running.pk),
        "login 404 404 404 ok 404 404 404",
    ),
    Row(
        "work_results_save",
        "POST",
        r("assessment:work_results", lambda w: w.running.pk),
        "login 404 404 404 ok 404 404 404",
        data=lambda w: {
            f"p{w.staff.pk}-rating": "di_atas_ekspektasi",
            f"p{w.staff.pk}-justification": "Melampaui target.",
        },
    ),
    Row(
        "peer_proposals",
        "GET",
        r("assessment:peer_proposals", lambda w: w.running.pk),
        "login 404 404 404 ok 404 404 404",
    ),
    Row(
        "peer_proposal_decide",
        "POST",
        r("assessment:peer_proposals", lambda w: w.running.pk),
        "login 404 404 404 ok 404 404 404",
        data=lambda w: {"proposal": w.proposal.pk, "decision": "setujui", "note": ""},
    ),
    Row(
        "peer_propose",
        "POST",
        r("assessment:peer_propose", lambda w: w.running.pk),
        "login 404 ok no no 404 404 404",
        data=lambda w: {"peer": w.loose_employee.pk},
    ),
    Row(
        "form",
        "GET",
        r("assessment:form", lambda w: w.peer_form.pk),
        "login 404 404 ok 404 404 404 404",
    ),
    Row(
        "form_save",
        "POST",
        r("assessment:form_save", lambda w: w.peer_form.pk),
        "login 404 404 ok 404 404 404 404",
        data=lambda w: {"level_M.01": "4", "strengths": "Rapi."},
    ),
    Row(
        "form_submit",
        "POST",
        r("assessment:form_submit", lambda w: w.peer_form.pk),
        "login 404 404 ok 404 404 404 404",
        data=lambda w: {"strengths": "Rapi."},
    ),
    # --- assessment: the admin's cycle pages -----------------------------------------------------
    Row("cycle_list", "GET", r("assessment:cycle_list"), "login own 404 404 404 404 ok 404"),
    Row(
        "send_reminders",
        "POST",
        r("assessment:send_reminders", lambda w: w.running.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "announcement",
        "GET",
        r("assessment:announcement", lambda w: w.running.pk),
        "login 404 404 404 404 404 ok 404",
        shows=lambda w: w.running.purpose[:40],
    ),
    Row(
        "announcement_draft",
        "GET",
        r("assessment:announcement", lambda w: w.draft.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "announcement_send",
        "POST",
        r("assessment:announcement_send", lambda w: w.running.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "cycle_create_form", "GET", r("assessment:cycle_create"), "login own 404 404 404 404 ok 404"
    ),
    Row(
        "cycle_create",
        "POST",
        r("assessment:cycle_create"),
        "login own 404 404 404 404 ok 404",
        data=lambda w: cycle_post("Siklus Baru Matriks"),
    ),
    Row(
        "cycle_detail",
        "GET",
        r("assessment:cycle_detail", lambda w: w.running.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "cycle_edit_form",
        "GET",
        r("assessment:cycle_edit", lambda w: w.draft.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "cycle_detail_draft",
        "GET",
        r("assessment:cycle_detail", lambda w: w.draft.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "cycle_edit",
        "POST",
        r("assessment:cycle_edit", lambda w: w.draft.pk),
        "login 404 404 404 404 404 ok 404",
        data=lambda w: cycle_post("Siklus Draf Diubah"),
    ),
    Row(
        "cycle_transition",
        "POST",
        r("assessment:cycle_transition", lambda w: w.running.pk, "close"),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "assignments_generate",
        "POST",
        r("assessment:assignments_generate", lambda w: w.draft.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "cycle_raters",
        "GET",
        r("assessment:cycle_raters", lambda w: w.running.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "ratee_raters_page",
        "GET",
        r("assessment:ratee_raters", lambda w: w.running.pk, lambda w: w.staff.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "ratee_raters",
        "POST",
        r("assessment:ratee_raters", lambda w: w.running.pk, lambda w: w.staff.pk),
        "login 404 404 404 404 404 ok 404",
        data=lambda w: {
            "rater": w.loose_employee.pk,
            "relation": "rekan",
            "reason": "Rekan satu seksi.",
        },
    ),
    Row(
        "assignment_remove",
        "POST",
        r("assessment:assignment_remove", lambda w: w.running.pk, lambda w: w.peer_form.pk),
        "login 404 404 404 404 404 ok 404",
        data=lambda w: {"reason": "Pindah tugas."},
    ),
    Row(
        "cycle_progress",
        "GET",
        r("assessment:cycle_progress", lambda w: w.running.pk),
        "login 404 404 404 404 ok ok 404",
    ),
    Row(
        "cycle_progress_xlsx",
        "GET",
        r("assessment:cycle_progress_xlsx", lambda w: w.running.pk),
        "login 404 404 404 404 ok ok 404",
    ),
    Row(
        "work_results_import_form",
        "GET",
        r("assessment:work_results_import", lambda w: w.running.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "work_results_import",
        "POST",
        r("assessment:work_results_import", lambda w: w.running.pk),
        "login 404 404 404 404 404 ok 404",
        data=lambda w: {
            "file": csv_upload(
                "hasil.csv", ["nip", "rating_hasil_kerja"], [[w.staff.nip, "sesuai_ekspektasi"]]
            )
        },
    ),
    Row(
        "work_results_template",
        "GET",
        r("assessment:work_results_template", lambda w: w.running.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    # --- results ---------------------------------------------------------------------------------
    Row("my_results", "GET", r("results:my_results"), "login own ok ok ok 404 404 404"),
    Row(
        "my_results_cycle",
        "GET",
        r("results:my_results", lambda w: w.final.pk),
        "login 404 ok ok ok 404 404 404",
    ),
    Row("team_results", "GET", r("results:team"), "login 404 404 404 ok 404 404 404"),
    Row(
        "team_results_cycle",
        "GET",
        r("results:team", lambda w: w.final.pk),
        "login 404 404 404 ok 404 404 404",
    ),
    Row(
        "member",
        "GET",
        r("results:member", lambda w: w.closed.pk, lambda w: w.staff.pk),
        "login 404 404 404 ok ok ok 404",
    ),
    Row(
        "member_perilaku",
        "POST",
        r("results:member", lambda w: w.closed.pk, lambda w: w.staff.pk),
        "login 404 404 404 ok 404 ok 404",
        data=lambda w: {"rating": "di_atas_ekspektasi", "reason": "Teladan di seksi."},
    ),
    Row(
        "agency_results",
        "GET",
        r("results:agency"),
        "login own 404 404 404 ok ok 404",
        shows=lambda w: "Siklus Final Matriks",
    ),
    Row(
        "cycle_results",
        "GET",
        r("results:cycle", lambda w: w.closed.pk),
        "login 404 404 404 404 ok ok 404",
    ),
    Row(
        "compute",
        "POST",
        r("results:compute", lambda w: w.closed.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "finalise_confirm",
        "GET",
        r("results:finalise", lambda w: w.closed.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "finalise",
        "POST",
        r("results:finalise", lambda w: w.closed.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "rater_model",
        "POST",
        r("results:rater_model", lambda w: w.running.pk),
        "login 404 404 404 404 404 ok 404",
        data=lambda w: {"rater_model": "ordinal"},
    ),
    Row(
        "unit_predikat",
        "POST",
        r("results:unit_predikat", lambda w: w.closed.pk),
        "login 404 404 404 404 404 ok 404",
        data=lambda w: {"unit_agency": "baik", f"unit_{w.base.unit.pk}": "istimewa"},
    ),
    Row(
        "calibration",
        "GET",
        r("results:calibration", lambda w: w.closed.pk),
        "login 404 404 404 404 ok ok 404",
    ),
    Row(
        "flagged",
        "GET",
        r("results:flagged", lambda w: w.closed.pk),
        "login 404 404 404 404 ok ok 404",
    ),
    Row(
        "export_xlsx",
        "GET",
        r("results:export_xlsx", lambda w: w.final.pk),
        "login 404 404 404 404 ok ok 404",
    ),
    Row(
        "export_csv",
        "GET",
        r("results:export_csv", lambda w: w.final.pk),
        "login 404 404 404 404 ok ok 404",
    ),
    # --- development -----------------------------------------------------------------------------
    Row("my_plan", "GET", r("development:my_plan"), "login own ok ok ok ok ok 404"),
    Row("my_plan_year", "GET", r("development:my_plan", YEAR), "login own ok ok ok ok ok 404"),
    Row(
        "plan_add",
        "POST",
        r("development:plan_add"),
        "login own no no ok 404 404 404",
        data=lambda w: {"kind": "manual", "title": "Kegiatan Matriks", "jp": "4"},
    ),
    Row(
        "plan_add_from_catalog",
        "POST",
        r("development:plan_add"),
        "login no no no ok 404 404 404",
        data=lambda w: {"kind": "katalog", "training": w.training.pk},
    ),
    Row(
        "plan_remove",
        "POST",
        r("development:plan_remove", lambda w: w.supervisor_item.pk),
        "login 404 404 404 ok 404 404 404",
    ),
    Row(
        "plan_submit",
        "POST",
        r("development:plan_submit"),
        "login no no no ok 404 404 404",
    ),
    Row(
        "realisation_add",
        "POST",
        r("development:realisation_add"),
        "login 404 no ok no 404 404 404",
        data=realisation_post,
    ),
    Row(
        "evidence",
        "GET",
        r("development:evidence", lambda w: w.peer_realisation.pk),
        "login 404 404 ok ok ok ok 404",
    ),
    Row("team_plans", "GET", r("development:team_plans"), "login 404 404 404 ok 404 404 404"),
    Row(
        "plan_detail",
        "GET",
        r("development:plan_detail", lambda w: w.staff_plan.pk),
        "login 404 ok 404 ok ok ok 404",
    ),
    Row(
        "plan_decide",
        "POST",
        r("development:plan_decide", lambda w: w.staff_plan.pk),
        "login 404 404 404 ok 404 ok 404",
        data=lambda w: {"decision": "setujui", "comment": ""},
    ),
    Row(
        "catalog",
        "GET",
        r("development:catalog"),
        "login own ok ok ok ok ok 404",
        shows=lambda w: "Pelatihan Integritas",
    ),
    Row("catalog_options", "GET", r("development:catalog_options"), "login own ok ok ok ok ok 404"),
    Row(
        "training_create_form",
        "GET",
        r("development:training_create"),
        "login own 404 404 404 404 ok 404",
    ),
    Row(
        "training_create",
        "POST",
        r("development:training_create"),
        "login own 404 404 404 404 ok 404",
        data=lambda w: training_post("KOM-9"),
    ),
    Row(
        "training_edit_form",
        "GET",
        r("development:training_edit", lambda w: w.training.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "training_edit",
        "POST",
        r("development:training_edit", lambda w: w.training.pk),
        "login 404 404 404 404 404 ok 404",
        data=lambda w: training_post("INT-1") | {"name": "Integritas Diubah"},
    ),
    Row(
        "training_delete_confirm",
        "GET",
        r("development:training_delete", lambda w: w.training.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "training_delete",
        "POST",
        r("development:training_delete", lambda w: w.training.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "catalog_import_form",
        "GET",
        r("development:catalog_import"),
        "login own 404 404 404 404 ok 404",
    ),
    Row(
        "catalog_import",
        "POST",
        r("development:catalog_import"),
        "login own 404 404 404 404 ok 404",
        data=lambda w: {
            "file": csv_upload(
                "katalog.csv",
                ["kode", "nama", "jalur", "metode", "jp", "kompetensi"],
                [["IMP-1", "Impor Matriks", "klasikal", "pelatihan", "8", ""]],
            )
        },
    ),
    Row(
        "catalog_template",
        "GET",
        r("development:catalog_template"),
        "login own 404 404 404 404 ok 404",
    ),
    Row("needs", "GET", r("development:needs"), "login own 404 404 404 ok ok 404"),
    Row("needs_export", "GET", r("development:needs_export"), "login own 404 404 404 ok ok 404"),
    # --- talent ----------------------------------------------------------------------------------
    Row("board", "GET", r("talent:board"), "login own 404 404 404 ok ok 404"),
    Row(
        "board_cycle",
        "GET",
        r("talent:board_cycle", lambda w: w.final.pk),
        "login 404 404 404 404 ok ok 404",
    ),
    Row("box", "GET", r("talent:box", lambda w: w.final.pk, 5), "login 404 404 404 404 ok ok 404"),
    Row(
        "box_xlsx",
        "GET",
        r("talent:box_xlsx", lambda w: w.final.pk, 5),
        "login 404 404 404 404 ok ok 404",
    ),
    Row("pool", "GET", r("talent:pool", lambda w: w.final.pk), "login 404 404 404 404 ok ok 404"),
    Row(
        "pool_xlsx",
        "GET",
        r("talent:pool_xlsx", lambda w: w.final.pk),
        "login 404 404 404 404 ok ok 404",
    ),
    Row("candidates", "GET", r("talent:candidates"), "login own 404 404 404 ok ok 404"),
    Row(
        "candidates_for_position",
        "GET",
        lambda w: reverse("talent:candidates") + f"?jabatan={w.base.head_position.pk}",
        "login 404 404 404 404 ok ok 404",
    ),
    Row(
        "candidates_xlsx",
        "GET",
        r("talent:candidates_xlsx", lambda w: w.base.staff_position.pk),
        "login 404 404 404 404 ok ok 404",
    ),
    Row(
        "candidates_rank",
        "POST",
        r("talent:candidates_rank", lambda w: w.base.staff_position.pk),
        "login 404 404 404 404 ok ok 404",
    ),
    # --- reports (PDF) ---------------------------------------------------------------------------
    Row(
        "result_pdf",
        "GET",
        r("reports:result_pdf", lambda w: w.final.pk, lambda w: w.staff.pk),
        "login 404 ok 404 ok ok ok 404",
    ),
    Row(
        "result_pdf_not_final",
        "GET",
        r("reports:result_pdf", lambda w: w.closed.pk, lambda w: w.staff.pk),
        "login 404 404 404 ok ok ok 404",
    ),
    Row(
        "team_zip",
        "POST",
        r("reports:team_zip", lambda w: w.final.pk),
        "login 404 404 404 ok 404 404 404",
    ),
    Row(
        "reports_batch",
        "GET",
        r("reports:batch", lambda w: w.final.pk),
        "login 404 404 404 404 ok ok 404",
    ),
    Row(
        "reports_batch_start",
        "POST",
        r("reports:batch", lambda w: w.final.pk),
        "login 404 404 404 404 ok ok 404",
        data=lambda w: {"unit": "", "background": "1"},
    ),
    Row(
        "board_pdf",
        "GET",
        r("reports:board_pdf", lambda w: w.final.pk),
        "login 404 404 404 404 ok ok 404",
    ),
    Row(
        "candidates_pdf",
        "GET",
        r("reports:candidates_pdf", lambda w: w.base.staff_position.pk),
        "login 404 404 404 404 ok ok 404",
    ),
    # --- dialog kinerja ------------------------------------------------------------------------
    Row("dialogue_team", "GET", r("dialogue:team"), "login 404 404 404 ok 404 404 404"),
    Row("dialogue_mine", "GET", r("dialogue:mine"), "login own ok ok ok 404 404 404"),
    Row(
        "dialogue_schedule",
        "POST",
        r("dialogue:schedule", lambda w: w.final.pk, lambda w: w.base.peer_employee.pk),
        "login 404 404 404 ok 404 404 404",
        data=lambda w: {"scheduled_for": timezone.localdate().isoformat()},
    ),
    Row(
        "dialogue_detail",
        "GET",
        r("dialogue:detail", lambda w: w.acceptance["dialogue"].pk),
        "login 404 ok 404 ok 404 404 404",
        shows=lambda w: "Rapi dan tepat waktu.",
    ),
    Row(
        "dialogue_record_form",
        "GET",
        r("dialogue:record", lambda w: w.acceptance["dialogue"].pk),
        "login 404 404 404 ok 404 404 404",
    ),
    Row(
        "dialogue_record",
        "POST",
        r("dialogue:record", lambda w: w.acceptance["dialogue"].pk),
        "login 404 404 404 ok 404 404 404",
        data=lambda w: {
            "held_on": timezone.localdate().isoformat(),
            "went_well": "Diubah.",
            "to_develop": "",
            "aksi-TOTAL_FORMS": "1",
            "aksi-INITIAL_FORMS": "0",
            "aksi-0-description": "Coaching",
            "aksi-0-due_date": timezone.localdate().isoformat(),
            "aksi-0-plan_item": str(w.staff_plan.items.first().pk),
        },
    ),
    Row(
        "dialogue_answer",
        "POST",
        r("dialogue:answer", lambda w: w.acceptance["dialogue"].pk),
        "login 404 ok 404 404 404 404 404",
        data=lambda w: {"comment": ""},
    ),
    Row(
        "dialogue_completion",
        "GET",
        r("dialogue:completion"),
        "login own 404 404 404 ok ok 404",
        shows=lambda w: "Seksi Pemerintahan A",
    ),
    Row(
        "dialogue_settings",
        "POST",
        r("dialogue:settings", lambda w: w.final.pk),
        "login 404 404 404 404 404 ok 404",
        data=lambda w: {"content_visible": "on"},
    ),
    # --- survei penerimaan -------------------------------------------------------------------
    Row(
        "survey_answer_form",
        "GET",
        r("survey:answer", lambda w: w.final.pk),
        "login 404 ok ok ok 404 404 404",
    ),
    Row(
        "survey_answer",
        "POST",
        r("survey:answer", lambda w: w.final.pk),
        "login 404 ok ok ok 404 404 404",
        data=lambda w: {
            **{f"q_{q['key']}": "4" for q in _default_questions()},
            "free_text": "Saran.",
        },
    ),
    Row("survey_manage", "GET", r("survey:manage"), "login own 404 404 404 ok ok 404"),
    Row(
        "survey_questions_form",
        "GET",
        r("survey:questions", lambda w: w.draft.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "survey_questions",
        "POST",
        r("survey:questions", lambda w: w.draft.pk),
        "login 404 404 404 404 404 ok 404",
        data=lambda w: {
            "questions": "\n".join(f"k{i} | Pertanyaan {i}" for i in range(5)),
            "free_text_prompt": "Saran?",
            "closes_on": "",
        },
    ),
    Row(
        "survey_close_confirm",
        "GET",
        r("survey:close", lambda w: w.final.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "survey_close",
        "POST",
        r("survey:close", lambda w: w.final.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "survey_results",
        "GET",
        r("survey:results", lambda w: w.closed.pk),
        "login 404 404 404 404 ok ok 404",
    ),
    # --- Django's admin: superusers only -------------------------------------------------------
    Row(
        "django_admin",
        "GET",
        lambda w: "/django-admin/",
        "login login login login login login login ok",
    ),
    # --- keberatan -------------------------------------------------------------------------------
    Row("objections_mine", "GET", r("objections:mine"), "login own ok ok ok 404 404 404"),
    Row(
        "objections_file_form",
        "GET",
        r("objections:file", lambda w: w.final.pk),
        "login 404 ok ok ok 404 404 404",
    ),
    Row(
        "objections_file",
        "POST",
        r("objections:file", lambda w: w.final.pk),
        "login 404 no ok ok 404 404 404",
        data=lambda w: {"reasons": "Rating perilaku tidak sesuai."},
    ),
    Row("objections_inbox", "GET", r("objections:inbox"), "login own ok ok ok 404 404 404"),
    Row(
        "objections_detail",
        "GET",
        r("objections:detail", lambda w: w.objections["objection"].pk),
        "login 404 ok ok ok 404 ok 404",
        shows=lambda w: "Dasar rating?",
    ),
    Row(
        "objections_attachment",
        "GET",
        r(
            "objections:attachment",
            lambda w: w.objections["objection"].pk,
            lambda w: w.objections["attachment"].pk,
        ),
        "login 404 ok ok 404 404 ok 404",
    ),
    Row(
        "objections_start_review",
        "POST",
        r("objections:start_review", lambda w: w.objections["objection"].pk),
        "login 404 404 no 404 404 404 404",
    ),
    Row(
        "objections_ask",
        "POST",
        r("objections:ask", lambda w: w.objections["objection"].pk),
        "login 404 404 ok 404 404 404 404",
        data=lambda w: {"party": "pegawai", "question": "Lampirkan daftar hadir."},
    ),
    Row(
        "objections_answer",
        "POST",
        r(
            "objections:answer",
            lambda w: w.objections["objection"].pk,
            lambda w: w.objections["to_supervisor"].pk,
        ),
        "login 404 404 404 ok 404 404 404",
        data=lambda w: {"answer": "Catatan absensi."},
    ),
    Row(
        "objections_decide_form",
        "GET",
        r("objections:decide", lambda w: w.objections["objection"].pk),
        "login 404 404 ok 404 404 404 404",
    ),
    Row(
        "objections_decide",
        "POST",
        r("objections:decide", lambda w: w.objections["objection"].pk),
        "login 404 404 ok 404 404 404 404",
        data=lambda w: {"outcome": "ditolak", "reason": "Rating tepat.", "confirm": "ya"},
    ),
    Row(
        "objections_assign",
        "POST",
        r("objections:assign", lambda w: w.objections["objection"].pk),
        "login 404 404 404 404 404 ok 404",
        data=lambda w: {"nip": w.base.peer_employee.nip, "note": "Tetap Rudi."},
    ),
    Row("objections_hr_list", "GET", r("objections:hr_list"), "login own 404 404 404 404 ok 404"),
    Row(
        "objections_hr_export", "GET", r("objections:hr_export"), "login own 404 404 404 404 ok 404"
    ),
    Row(
        "objections_settings_form",
        "GET",
        r("objections:settings", lambda w: w.final.pk),
        "login 404 404 404 404 404 ok 404",
    ),
    Row(
        "objections_settings",
        "POST",
        r("objections:settings", lambda w: w.final.pk),
        "login 404 404 404 404 404 ok 404",
        data=lambda w: {"window_days": 10, "decision_days": 10, "reminder_days": "2"},
    ),
]


def _default_questions() -> list[dict[str, str]]:
    from kinerja.survey.models import default_questions

    return default_questions()


def a(path: str) -> Callable[[W], str]:
    """An API path; {placeholders} are attributes of the world (dotted)."""

    def build(w: W) -> str:
        def value(dotted: str) -> Any:
            obj: Any = w
            for part in dotted.split("."):
                obj = getattr(obj, part)
            return obj

        return "/api/v1/" + re.sub(r"\{([\w.]+)\}", lambda m: str(value(m.group(1))), path)

    return build


API: list[Row] = [
    # --- organisation ----------------------------------------------------------------------------
    Row("api_me", "GET", a("me"), "401 own ok ok ok ok ok 401", api=True),
    Row(
        "api_units",
        "GET",
        a("units"),
        "401 own ok ok ok ok ok 401",
        api=True,
        shows=lambda w: "Seksi Pemerintahan A",
    ),
    Row("api_unit", "GET", a("units/{base.subunit.pk}"), "401 404 ok ok ok ok ok 401", api=True),
    Row(
        "api_unit_create",
        "POST",
        a("units"),
        "401 own 403 403 403 403 ok 401",
        data=lambda w: {"name": "Unit API", "kind": "seksi"},
        api=True,
    ),
    Row(
        "api_unit_update",
        "PUT",
        a("units/{empty_unit.pk}"),
        "401 404 403 403 403 403 ok 401",
        data=lambda w: {"name": "Unit API Diubah", "kind": "seksi", "parent_id": w.base.unit.pk},
        api=True,
    ),
    Row(
        "api_unit_delete",
        "DELETE",
        a("units/{empty_unit.pk}"),
        "401 404 403 403 403 403 ok 401",
        api=True,
    ),
    Row("api_positions", "GET", a("positions"), "401 own ok ok ok ok ok 401", api=True),
    Row(
        "api_position",
        "GET",
        a("positions/{base.staff_position.pk}"),
        "401 404 ok ok ok ok ok 401",
        api=True,
    ),
    Row(
        "api_position_create",
        "POST",
        a("positions"),
        "401 own 403 403 403 403 ok 401",
        data=lambda w: {"name": "Jabatan API", "position_type": "pelaksana"},
        api=True,
    ),
    Row(
        "api_position_update",
        "PUT",
        a("positions/{empty_position.pk}"),
        "401 404 403 403 403 403 ok 401",
        data=lambda w: {"name": "Jabatan API Diubah", "position_type": "pelaksana"},
        api=True,
    ),
    Row(
        "api_position_delete",
        "DELETE",
        a("positions/{empty_position.pk}"),
        "401 404 403 403 403 403 ok 401",
        api=True,
    ),
    Row(
        "api_employees",
        "GET",
        a("employees"),
        "401 own 403 403 403 ok ok 401",
        api=True,
        shows=lambda w: w.staff.nip,
    ),
    Row(
        "api_employees_by_unit",
        "GET",
        lambda w: f"/api/v1/employees?unit={w.base.subunit.pk}",
        "401 404 403 403 403 ok ok 401",
        api=True,
    ),
    Row(
        "api_employee",
        "GET",
        a("employees/{staff.pk}"),
        "401 404 ok 404 ok ok ok 401",
        api=True,
    ),
    Row(
        "api_employee_create",
        "POST",
        a("employees"),
        "401 404 403 403 403 403 ok 401",
        data=lambda w: {
            "nip": NEW_NIP,
            "name": "Pegawai API",
            "grade": "III/a",
            "position_id": w.base.staff_position.pk,
            "unit_id": w.base.subunit.pk,
        },
        api=True,
    ),
    Row(
        "api_employee_update",
        "PUT",
        a("employees/{staff.pk}"),
        "401 404 403 403 403 403 ok 401",
        data=lambda w: {
            "nip": w.staff.nip,
            "name": "Sari API",
            "gender": "P",
            "grade": "III/b",
            "position_id": w.base.staff_position.pk,
            "unit_id": w.base.subunit.pk,
            "supervisor_id": w.base.supervisor_employee.pk,
        },
        api=True,
    ),
    Row(
        "api_employee_delete",
        "DELETE",
        a("employees/{loose_employee.pk}"),
        "401 404 403 403 403 403 ok 401",
        api=True,
    ),
    Row(
        "api_employee_import",
        "POST",
        a("employees/import"),
        "401 own 403 403 403 403 ok 401",
        data=employee_import,
        api=True,
        multipart=True,
    ),
    Row("api_job", "GET", a("jobs/{job.pk}"), "401 404 404 404 404 404 ok 401", api=True),
    Row(
        "api_job_download",
        "GET",
        a("jobs/{done_job.pk}/download"),
        "401 404 404 404 404 404 ok 401",
        api=True,
    ),
    # --- competencies ----------------------------------------------------------------------------
    Row("api_framework", "GET", a("framework"), "401 own ok ok ok ok ok 401", api=True),
    Row(
        "api_teknis_create",
        "POST",
        a("competencies"),
        "401 own 403 403 403 403 ok 401",
        data=lambda w: {
            "code": "T.08",
            "name": "Teknis API",
            "definition": "-",
            "levels": [{"level": n, "title": f"Level {n}", "indicators": []} for n in range(1, 6)],
        },
        api=True,
    ),
    Row(
        "api_teknis_update",
        "PUT",
        a("competencies/{teknis.pk}"),
        "401 404 403 403 403 403 ok 401",
        data=lambda w: {
            "code": "T.01",
            "name": "Teknis API Diubah",
            "definition": "-",
            "levels": [{"level": n, "title": f"Level {n}", "indicators": []} for n in range(1, 6)],
        },
        api=True,
    ),
    Row(
        "api_standard",
        "GET",
        a("positions/{base.staff_position.pk}/standard"),
        "401 404 ok ok ok ok ok 401",
        api=True,
    ),
    Row(
        "api_standard_set",
        "PUT",
        a("positions/{base.staff_position.pk}/standard"),
        "401 404 403 403 403 403 ok 401",
        data=lambda w: [{"competency": "M.01", "required_level": 4}],
        api=True,
    ),
    Row(
        "api_standards_import",
        "POST",
        a("standards/import"),
        "401 own 403 403 403 403 ok 401",
        data=lambda w: {
            "file": csv_upload(
                "standar.csv",
                ["jabatan", "kode_kompetensi", "level"],
                [["Pengadministrasi", "M.03", "2"]],
            )
        },
        api=True,
        multipart=True,
    ),
    # --- assessment ------------------------------------------------------------------------------
    Row("api_my_assignments", "GET", a("my/assignments"), "401 own ok ok ok ok ok 401", api=True),
    Row(
        "api_form",
        "GET",
        a("assignments/{peer_form.pk}/form"),
        "401 404 404 ok 404 404 404 401",
        api=True,
    ),
    Row(
        "api_purpose",
        "GET",
        a("my/cycles/{running.pk}/purpose"),
        "401 404 ok ok ok ok ok 401",
        api=True,
    ),
    Row(
        "api_acknowledge",
        "POST",
        a("my/cycles/{running.pk}/acknowledge"),
        "401 404 no no no ok ok 401",
        api=True,
    ),
    Row(
        "api_draft",
        "PUT",
        a("assignments/{peer_form.pk}/draft"),
        "401 404 404 ok 404 404 404 401",
        data=lambda w: {"answers": {"M.01": {"level": 5}}, "strengths": "Rapi."},
        api=True,
    ),
    Row(
        "api_submit",
        "POST",
        a("assignments/{peer_form.pk}/submit"),
        "401 404 404 ok 404 404 404 401",
        api=True,
    ),
    Row("api_cycles", "GET", a("cycles"), "401 own 403 403 403 ok ok 401", api=True),
    Row(
        "api_cycle_create",
        "POST",
        a("cycles"),
        "401 own 403 403 403 403 ok 401",
        data=lambda w: {
            "name": "Siklus API",
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "deadline": (timezone.now() + dt.timedelta(days=30)).isoformat(),
        },
        api=True,
    ),
    Row("api_cycle", "GET", a("cycles/{running.pk}"), "401 404 403 403 403 ok ok 401", api=True),
    Row(
        "api_cycle_update",
        "PATCH",
        a("cycles/{running.pk}"),
        "401 404 403 403 403 403 ok 401",
        data=lambda w: {"rater_model": "ordinal"},
        api=True,
    ),
    Row(
        "api_transition",
        "POST",
        a("cycles/{running.pk}/transition"),
        "401 404 403 403 403 403 ok 401",
        data=lambda w: {"action": "close"},
        api=True,
    ),
    Row(
        "api_generate",
        "POST",
        a("cycles/{draft.pk}/assignments/generate"),
        "401 404 403 403 403 403 ok 401",
        api=True,
    ),
    Row(
        "api_assignments",
        "GET",
        a("cycles/{running.pk}/assignments"),
        "401 404 403 403 403 403 ok 401",
        api=True,
    ),
    Row(
        "api_progress",
        "GET",
        a("cycles/{running.pk}/progress"),
        "401 404 403 403 403 ok ok 401",
        api=True,
    ),
    Row(
        "api_my_expectations",
        "GET",
        a("my/expectations"),
        "401 own ok ok ok ok ok 401",
        api=True,
    ),
    Row(
        "api_announcement",
        "GET",
        a("cycles/{running.pk}/announcement"),
        "401 404 403 403 403 403 ok 401",
        api=True,
        shows=lambda w: "Siklus Berjalan Matriks",
    ),
    Row(
        "api_announcement_send",
        "POST",
        a("cycles/{running.pk}/announcement/send"),
        "401 404 403 403 403 403 ok 401",
        api=True,
    ),
    # --- results ---------------------------------------------------------------------------------
    Row(
        "api_results",
        "GET",
        a("cycles/{closed.pk}/results"),
        "401 404 403 403 403 ok ok 401",
        api=True,
    ),
    Row(
        "api_results_by_unit",
        "GET",
        lambda w: f"/api/v1/cycles/{w.closed.pk}/results?unit={w.base.subunit.pk}",
        "401 404 403 403 403 ok ok 401",
        api=True,
    ),
    Row(
        "api_result",
        "GET",
        a("cycles/{final.pk}/results/{staff.pk}"),
        "401 404 ok 404 ok ok ok 401",
        api=True,
    ),
    Row("api_my_results", "GET", a("me/results"), "401 own ok ok ok own own 401", api=True),
    Row(
        "api_compute",
        "POST",
        a("cycles/{closed.pk}/results/compute"),
        "401 404 403 403 403 403 ok 401",
        api=True,
    ),
    Row(
        "api_finalise",
        "POST",
        a("cycles/{closed.pk}/results/finalise"),
        "401 404 403 403 403 403 ok 401",
        api=True,
    ),
    Row(
        "api_perilaku",
        "POST",
        a("cycles/{closed.pk}/results/{staff.pk}/perilaku"),
        "401 404 404 404 ok 403 ok 401",
        data=lambda w: {"rating": "di_atas_ekspektasi", "reason": "Teladan di seksi."},
        api=True,
    ),
    # --- development -----------------------------------------------------------------------------
    Row("api_trainings", "GET", a("trainings"), "401 own ok ok ok ok ok 401", api=True),
    Row(
        "api_training",
        "GET",
        a("trainings/{training.pk}"),
        "401 404 ok ok ok ok ok 401",
        api=True,
    ),
    Row(
        "api_training_create",
        "POST",
        a("trainings"),
        "401 own 403 403 403 403 ok 401",
        data=lambda w: {
            "code": "API-1",
            "name": "Pelatihan API",
            "mode": "klasikal",
            "method": "pelatihan",
            "jp": 8,
        },
        api=True,
    ),
    Row(
        "api_training_update",
        "PATCH",
        a("trainings/{training.pk}"),
        "401 404 403 403 403 403 ok 401",
        data=lambda w: {"name": "Integritas API"},
        api=True,
    ),
    Row(
        "api_training_delete",
        "DELETE",
        a("trainings/{training.pk}"),
        "401 404 403 403 403 403 ok 401",
        api=True,
    ),
    Row(
        "api_trainings_import",
        "POST",
        a("trainings/import"),
        "401 own 403 403 403 403 ok 401",
        data=lambda w: {
            "file": csv_upload(
                "katalog.csv",
                ["kode", "nama", "jalur", "metode", "jp", "kompetensi"],
                [["IMP-2", "Impor Matriks API", "klasikal", "pelatihan", "8", ""]],
            )
        },
        api=True,
        multipart=True,
    ),
    Row(
        "api_recommendations",
        "GET",
        a("me/recommendations"),
        "401 own ok ok ok 404 404 401",
        api=True,
    ),
    Row("api_my_plan", "GET", a(f"me/plans/{YEAR}"), "401 own ok ok ok 404 404 401", api=True),
    Row(
        "api_plan_item_add",
        "POST",
        a(f"me/plans/{YEAR}/items"),
        "401 own no no ok 404 404 401",
        data=lambda w: {"title": "Kegiatan API", "jp": 4, "source": "manual"},
        api=True,
    ),
    Row(
        "api_plan_item_add_from_catalog",
        "POST",
        a(f"me/plans/{YEAR}/items"),
        "401 404 no no ok 404 404 401",
        data=lambda w: {"training_id": w.training.pk},
        api=True,
    ),
    Row(
        "api_plan_item_remove",
        "DELETE",
        a(f"me/plans/{YEAR}/items/{{supervisor_item.pk}}"),
        "401 404 404 404 ok 404 404 401",
        api=True,
    ),
    Row(
        "api_plan_submit",
        "POST",
        a(f"me/plans/{YEAR}/submit"),
        "401 404 no no ok 404 404 401",
        api=True,
    ),
    Row(
        "api_realisation",
        "POST",
        a(f"me/plans/{YEAR}/realisations"),
        "401 404 404 ok 404 404 404 401",
        data=realisation_post,
        api=True,
        multipart=True,
    ),
    Row("api_plans_to_decide", "GET", a("plans/to-decide"), "401 own ok ok ok ok ok 401", api=True),
    Row(
        "api_plan",
        "GET",
        a("plans/{staff_plan.pk}"),
        "401 404 ok 404 ok ok ok 401",
        api=True,
    ),
    Row(
        "api_plan_decide",
        "POST",
        a("plans/{staff_plan.pk}/decision"),
        "401 404 403 404 ok 403 ok 401",
        data=lambda w: {"approve": True},
        api=True,
    ),
    # --- talent ----------------------------------------------------------------------------------
    Row(
        "api_nine_box",
        "GET",
        a("talent/cycles/{final.pk}/nine-box"),
        "401 404 403 403 403 ok ok 401",
        api=True,
    ),
    Row(
        "api_box_members",
        "GET",
        a("talent/cycles/{final.pk}/nine-box/5"),
        "401 404 403 403 403 ok ok 401",
        api=True,
    ),
    Row(
        "api_succession_pool",
        "GET",
        a("talent/cycles/{final.pk}/succession-pool"),
        "401 404 403 403 403 ok ok 401",
        api=True,
    ),
    Row(
        "api_candidates",
        "GET",
        lambda w: f"/api/v1/talent/candidates?position={w.base.head_position.pk}",
        "401 404 403 403 403 ok ok 401",
        api=True,
    ),
    # --- reports (PDF) ---------------------------------------------------------------------------
    Row(
        "api_result_pdf",
        "GET",
        a("cycles/{final.pk}/results/{staff.pk}/pdf"),
        "401 404 ok 404 ok ok ok 401",
        api=True,
    ),
    Row(
        "api_board_pdf",
        "GET",
        a("talent/cycles/{final.pk}/nine-box/pdf"),
        "401 404 403 403 403 ok ok 401",
        api=True,
    ),
    Row(
        "api_candidates_pdf",
        "GET",
        lambda w: f"/api/v1/talent/candidates/pdf?position={w.base.staff_position.pk}",
        "401 404 403 403 403 ok ok 401",
        api=True,
    ),
    Row(
        "api_reports_zip",
        "POST",
        a("cycles/{final.pk}/reports/zip"),
        "401 404 403 403 403 ok ok 401",
        data=lambda w: {"background": True},
        api=True,
    ),
    # --- keberatan -------------------------------------------------------------------------------
    Row(
        "api_objection_file",
        "POST",
        a("cycles/{final.pk}/objections"),
        "401 404 no ok ok 404 404 401",
        data=lambda w: {"reasons": "Rating perilaku tidak sesuai."},
        api=True,
        multipart=True,
    ),
    Row("api_objections", "GET", a("objections"), "401 own ok ok ok own own 401", api=True),
    Row(
        "api_objections_agency",
        "GET",
        lambda w: "/api/v1/objections?scope=agency",
        "401 own 403 403 403 403 ok 401",
        api=True,
    ),
    Row(
        "api_objection",
        "GET",
        lambda w: f"/api/v1/objections/{w.objections['objection'].pk}",
        "401 404 ok ok ok 404 ok 401",
        api=True,
    ),
    Row(
        "api_objection_review",
        "POST",
        lambda w: f"/api/v1/objections/{w.objections['objection'].pk}/review",
        "401 404 403 no 403 404 403 401",
        api=True,
    ),
    Row(
        "api_objection_ask",
        "POST",
        lambda w: f"/api/v1/objections/{w.objections['objection'].pk}/explanations",
        "401 404 403 ok 403 404 403 401",
        data=lambda w: {"party": "atasan", "question": "Lampirkan catatan."},
        api=True,
    ),
    Row(
        "api_objection_answer",
        "POST",
        lambda w: (
            f"/api/v1/objections/{w.objections['objection'].pk}"
            f"/explanations/{w.objections['to_supervisor'].pk}/answer"
        ),
        "401 404 403 403 ok 404 403 401",
        data=lambda w: {"answer": "Catatan absensi."},
        api=True,
    ),
    Row(
        "api_objection_decide",
        "POST",
        lambda w: f"/api/v1/objections/{w.objections['objection'].pk}/decision",
        "401 404 403 ok 403 404 403 401",
        data=lambda w: {"outcome": "ditolak", "reason": "Rating tepat."},
        api=True,
    ),
    Row(
        "api_objection_assign",
        "POST",
        lambda w: f"/api/v1/objections/{w.objections['objection'].pk}/assign",
        "401 404 403 403 403 404 ok 401",
        data=lambda w: {"nip": w.base.peer_employee.nip, "note": "Tetap Rudi."},
        api=True,
    ),
    # --- dialog kinerja ------------------------------------------------------------------------
    Row(
        "api_dialogue_team",
        "GET",
        a("dialogues/team/{final.pk}"),
        "401 404 ok ok ok 404 404 401",
        api=True,
    ),
    Row("api_my_dialogues", "GET", a("dialogues/me"), "401 own ok ok ok 404 404 401", api=True),
    Row(
        "api_dialogue_schedule",
        "POST",
        a("dialogues"),
        "401 404 404 404 ok 404 404 401",
        data=lambda w: {
            "cycle_id": w.final.pk,
            "employee_id": w.base.peer_employee.pk,
            "scheduled_for": timezone.localdate().isoformat(),
        },
        api=True,
    ),
    Row(
        "api_dialogue",
        "GET",
        lambda w: f"/api/v1/dialogues/{w.acceptance['dialogue'].pk}",
        "401 404 ok 404 ok 404 404 401",
        api=True,
        shows=lambda w: "Rapi dan tepat waktu.",
    ),
    Row(
        "api_dialogue_record",
        "PUT",
        lambda w: f"/api/v1/dialogues/{w.acceptance['dialogue'].pk}/record",
        "401 404 404 404 ok 404 404 401",
        data=lambda w: {
            "held_on": timezone.localdate().isoformat(),
            "went_well": "Diubah.",
            "actions": [
                {
                    "description": "Coaching",
                    "due_date": timezone.localdate().isoformat(),
                    "plan_item_id": w.staff_plan.items.first().pk,
                }
            ],
        },
        api=True,
    ),
    Row(
        "api_dialogue_answer",
        "POST",
        lambda w: f"/api/v1/dialogues/{w.acceptance['dialogue'].pk}/answer",
        "401 404 ok 404 404 404 404 401",
        data=lambda w: {"comment": "Setuju."},
        api=True,
    ),
    Row(
        "api_dialogue_completion",
        "GET",
        a("cycles/{final.pk}/dialogue-completion"),
        "401 404 403 403 403 ok ok 401",
        api=True,
    ),
    Row(
        "api_dialogue_settings",
        "PUT",
        a("cycles/{final.pk}/dialogue-settings"),
        "401 404 403 403 403 403 ok 401",
        data=lambda w: {"content_visible": True},
        api=True,
    ),
    # --- survei penerimaan -------------------------------------------------------------------
    Row("api_open_surveys", "GET", a("surveys/open"), "401 own ok ok ok 404 404 401", api=True),
    Row(
        "api_survey_answer",
        "POST",
        a("surveys/{final.pk}/responses"),
        "401 404 ok ok ok 403 403 401",
        data=lambda w: {"answers": {q["key"]: 4 for q in _default_questions()}},
        api=True,
    ),
    Row("api_survey", "GET", a("surveys/{final.pk}"), "401 404 403 403 403 ok ok 401", api=True),
    Row(
        "api_survey_update",
        "PUT",
        a("surveys/{draft.pk}"),
        "401 404 403 403 403 403 ok 401",
        data=lambda w: {
            "questions": [{"key": f"k{i}", "text": f"Pertanyaan {i}"} for i in range(5)],
            "free_text_prompt": "Saran?",
        },
        api=True,
    ),
    Row(
        "api_survey_close",
        "POST",
        a("surveys/{final.pk}/close"),
        "401 404 403 403 403 403 ok 401",
        api=True,
    ),
    Row(
        "api_survey_results",
        "GET",
        a("surveys/{closed.pk}/results"),
        "401 404 403 403 403 ok ok 401",
        api=True,
    ),
]

ROWS = {row.name: row for row in WEB + API}
assert len(ROWS) == len(WEB) + len(API), "row names are unique"

# What must never show on a page or in an answer that is not allowed to show agency A's data.
A_PROBES = ("Sari Staf", "Seksi Pemerintahan A", "Pelatihan Integritas", "Siklus Final Matriks")


# --- sending ------------------------------------------------------------------------------------


def send(client: Client, w: W, row: Row, persona: str, *, session: bool = False):
    client.cookies = SimpleCookie()  # one client for the module: each request starts signed out
    url = row.url(w)
    method = row.method.lower()
    headers: dict[str, str] = {}
    user = w.user(persona)
    if row.api and not session:
        if persona in w.tokens:
            headers["HTTP_AUTHORIZATION"] = w.tokens[persona]
    elif user is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[persona]
    data = row.data(w) if row.data else None
    if row.api and not row.multipart:
        body = json.dumps(data) if data is not None else None
        if body is None:
            return getattr(client, method)(url, **headers)
        return getattr(client, method)(url, body, content_type="application/json", **headers)
    return getattr(client, method)(url, data or {}, **headers)


def check(w: W, row: Row, persona: str, response) -> None:
    outcome = row.outcomes()[persona]
    status = response.status_code
    where = f"{row.name} as {persona}: {status}"
    location = response.get("Location", "")
    to_login = status == 302 and location.startswith(reverse("login"))
    if outcome == "login":
        assert to_login or (status == 302 and "/login/" in location), where
    elif outcome == "401":
        assert status == 401, where
    elif outcome in ("403", "404"):
        assert status == int(outcome), where
    elif outcome == "ok":
        assert (200 <= status < 300 or status == 302) and not to_login, _why(where, response)
    else:  # own, no: judged in the persona's own scope (an input error there is that too)
        allowed = (200 <= status < 300) or (status == 302 and not to_login)
        assert allowed or (row.api and status in (400, 422)), _why(where, response)
    if outcome == "ok" and row.shows is not None:
        assert row.shows(w) in response.content.decode(), f"{where}: does not show the data"
    if outcome != "ok" and not getattr(response, "streaming", False):
        body = response.content.decode(errors="replace")
        for probe in A_PROBES:
            assert probe not in body, f"{where}: shows {probe!r}"


def _why(where: str, response) -> str:
    if getattr(response, "streaming", False):
        return where
    return f"{where}\n{response.content.decode(errors='replace')[:1500]}"


MATRIX = [(name, persona) for name in ROWS for persona in PERSONAS]
API_SESSION = [
    (name, persona)
    for name, row in ROWS.items()
    if row.api
    for persona in PERSONAS
    if persona not in ("anon",)
]


# Writes a request may make whatever it is: the session, the sign-in time, a token's last use.
HOUSEKEEPING = re.compile(
    r'^(INSERT INTO|UPDATE|DELETE FROM) "django_session"'
    r'|^UPDATE "auth_user" SET "last_login"'
    r'|^UPDATE "core_apitoken" SET "last_used_at"'
)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def writes_of(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if WRITE.match(q["sql"]) and not HOUSEKEEPING.match(q["sql"])
    ]


def run(client: Client, w: W, row: Row, persona: str, *, session: bool = False) -> None:
    """Sends the row's request as `persona` and checks the cell. A read or a denied request must
    not write a single row (seen in its SQL); an allowed write must change agency A, one allowed
    in the persona's own scope must leave agency A as it was (seen in a snapshot of both)."""
    outcome = row.outcomes()[persona]
    full = row.method != "GET" and outcome in ("ok", "own")  # "no" writes nothing at all
    before = snapshot(w) if full else None
    with CaptureQueriesContext(connection) as queries:
        response = send(client, w, row, persona, session=session)
    check(w, row, persona, response)
    where = f"{row.name} as {persona}"
    if full:
        after = snapshot(w)
        if outcome == "ok":
            assert after[0] != before[0], f"{where}: an allowed write changed nothing in agency A"
        else:
            assert after[0] == before[0], f"{where}: agency A changed"
    else:
        assert not writes_of(queries), f"{where}: wrote {writes_of(queries)}"


MATRIX = [(name, persona) for name in ROWS for persona in PERSONAS]
API_SESSION = [(n, p) for n, row in ROWS.items() if row.api for p in PERSONAS if p != "anon"]


@pytest.mark.parametrize(("name", "persona"), MATRIX, ids=[f"{n}-{p}" for n, p in MATRIX])
def test_each_persona_gets_its_outcome_and_a_denied_request_changes_nothing(
    mw, db, mclient, name, persona
):
    run(mclient, mw, ROWS[name], persona)


@pytest.mark.parametrize(
    ("name", "persona"), API_SESSION, ids=[f"{n}-{p}-session" for n, p in API_SESSION]
)
def test_the_api_with_the_browser_session_follows_the_same_table(mw, db, mclient, name, persona):
    run(mclient, mw, ROWS[name], persona, session=True)


# --- coverage: every URL has a row ---------------------------------------------------------------


def _ninja_methods(callback) -> set[str] | None:
    """The HTTP methods of a django-ninja path, or None for a plain Django view."""
    for cell in getattr(callback, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if operations is not None:
            return {m for op in operations for m in op.methods}
    return None


def project_urls() -> dict[str, set[str] | None]:
    """Every URL pattern of the project: route → its API methods (None for a web view)."""
    found: dict[str, set[str] | None] = {}

    def walk(resolver: URLResolver, prefix: str) -> None:
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern, route)
            elif isinstance(pattern, URLPattern):
                methods = _ninja_methods(pattern.callback)
                if methods is None:
                    found[route] = None
                else:
                    found[route] = (found.get(route) or set()) | methods

    walk(get_resolver(), "")
    return found


def _route(w: W, row: Row) -> str:
    return resolve(row.url(w).split("?")[0]).route


def test_every_url_has_a_row(mw, db):
    covered: dict[str, set[str]] = {}
    for row in ROWS.values():
        covered.setdefault(_route(mw, row), set()).add(row.method)
    missing = []
    for route, methods in project_urls().items():
        if route in ALLOWED_WITHOUT_ROW or any(route.startswith(p) for p in ALLOWED_PREFIXES):
            continue
        if route not in covered:
            missing.append(route)
        elif methods is not None and methods - covered[route]:
            missing.append(f"{route} {sorted(methods - covered[route])}")
    assert not missing, "URLs without a row in the permission matrix: " + ", ".join(missing)


def test_every_row_is_a_url_of_the_project_with_its_method(mw, db):
    urls = project_urls()
    for row in ROWS.values():
        route = _route(mw, row)
        assert route in urls, row.name
        assert (urls[route] is not None) == row.api, row.name
        if urls[route] is not None:
            assert row.method in urls[route], row.name


def test_the_allow_list_names_only_urls_that_exist():
    urls = project_urls()
    assert set(ALLOWED_WITHOUT_ROW) <= set(urls)
    assert all(any(u.startswith(p) for u in urls) for p in ALLOWED_PREFIXES)


def test_the_table_uses_only_known_outcomes():
    known = {"ok", "own", "no", "403", "404", "login", "401"}
    for row in ROWS.values():
        assert set(row.outcomes().values()) <= known, row.name
        assert "403" not in row.expect or row.api, f"{row.name}: the web answers refusals with 404"


# --- the API with a session: a write needs the CSRF token ---------------------------------------


@pytest.mark.parametrize("name", [n for n, row in ROWS.items() if row.api and row.method != "GET"])
def test_a_session_write_to_the_api_without_the_csrf_token_is_refused(mw, db, csrf_client, name):
    row = ROWS[name]
    client = csrf_client
    with CaptureQueriesContext(connection) as queries:
        response = send(client, mw, row, "admin", session=True)
    assert response.status_code in (401, 403), f"{name}: {response.status_code}"
    assert not writes_of(queries), name
