"""PDF reports (kinerja/reports): the individual result report opens, has the pages its own
footer counts, holds the name, NIP, predikat, the JPM's uncertainty band and "RAHASIA", and
never an individual rater's answer; who may download it; the team/unit ZIP job with its
progress and output; the talent PDFs; the API and CLI faces; and the URL fetcher that never
touches the network."""

from __future__ import annotations

import io
import json
import re
import socket
import zipfile

import pypdf
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinerja.assessment import services as assessment
from kinerja.assessment.models import Cycle
from kinerja.competencies.models import Competency, PositionStandard
from kinerja.core.errors import KinerjaError
from kinerja.development import services as development
from kinerja.jobs import services as jobs
from kinerja.jobs.models import Job
from kinerja.reports import documents, pdf, selectors
from kinerja.reports import services as reports
from kinerja.results import services as results

from .test_api_assessment import token
from .test_assessment_services import make_cycle
from .test_results_services import answer_all

LONE_PEER_COMMENT = "Catatan rekan tunggal: sangat lambat sekali XYZZY."
SUPERVISOR_COMMENT = "Teliti dan cepat."


# --- the world --------------------------------------------------------------------------------


def _standards(world) -> None:
    for code, level in (("M.01", 3), ("M.02", 2)):
        PositionStandard.objects.get_or_create(
            agency=world.agency,
            position=world.staff_position,
            competency=Competency.objects.get(agency=None, code=code),
            defaults={"required_level": level},
        )


def _closed(world) -> Cycle:
    """Sari rated by her supervisor (4, M.01 = 2, with a comment), herself (5) and ONE peer
    (Rudi: 1 everywhere, a distinctive comment): the anonymous group is below the threshold 3."""
    _standards(world)
    cycle = make_cycle(world.agency, world.admin)
    staff, sup, peer = world.staff_employee, world.supervisor_employee, world.peer_employee
    answer_all(cycle, sup, staff, 4, M_01=2, strengths=SUPERVISOR_COMMENT)
    answer_all(cycle, staff, staff, 5)
    answer_all(cycle, peer, staff, 1, strengths=LONE_PEER_COMMENT)
    answer_all(cycle, sup, peer, 3)
    assessment.work_result_set(
        cycle=cycle,
        employee=staff,
        rating="sesuai_ekspektasi",
        justification="Target tercapai.",
        acting_user=world.supervisor,
    )
    cycle = assessment.cycle_transition(cycle=cycle, action="close", acting_user=world.admin)
    results.results_compute(cycle=cycle, acting_user=world.admin)
    return Cycle.objects.get(pk=cycle.pk)


@pytest.fixture
def computed(world, framework) -> Cycle:
    """Computed, not final: the employee cannot see it yet, the supervisor and HR can."""
    return _closed(world)


@pytest.fixture
def final(world, framework) -> Cycle:
    cycle = _closed(world)
    results.results_finalise(cycle=cycle, acting_user=world.admin)
    return Cycle.objects.get(pk=cycle.pk)


@pytest.fixture
def private_files(tmp_path, monkeypatch):
    """The jobs' private storage in a temporary folder (its storage object is made once, when
    the model loads, so the setting alone would not move it)."""
    storage = Job._meta.get_field("output_file").storage
    monkeypatch.setattr(storage, "_location", str(tmp_path))
    storage.__dict__.pop("base_location", None)
    storage.__dict__.pop("location", None)
    yield tmp_path
    storage.__dict__.pop("base_location", None)
    storage.__dict__.pop("location", None)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf_text(content: bytes) -> tuple[pypdf.PdfReader, list[str]]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return reader, [page.extract_text() for page in reader.pages]


def result_url(cycle: Cycle, employee) -> str:
    return reverse("reports:result_pdf", args=[cycle.pk, employee.pk])


# --- the individual report --------------------------------------------------------------------


def test_own_report_opens_with_name_nip_predikat_band_and_rahasia_on_every_page(world, final):
    response = client_of(world.staff).get(result_url(final, world.staff_employee))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    reader, pages = pdf_text(response.content)
    text = "\n".join(pages)
    staff = world.staff_employee
    stored = final.employee_results.get(employee=staff)
    page = selectors.result_report(cycle=final, employee=staff).page
    assert staff.name in text and staff.nip in text
    assert stored.get_predikat_display() in text and stored.predikat
    assert stored.get_perilaku_rating_display() in text
    # Issue 13: the JPM and each competency carry the 95 % band the page shows.
    assert page.jpm_band and f"rentang 95 %: {page.jpm_band}" in text
    assert all(row.band in text for row in page.competencies if row.band)
    # A4, and every page: the agency, RAHASIA and "Halaman i dari N" with N the real count.
    n = len(reader.pages)
    assert n >= 2
    for i, page_text in enumerate(pages, start=1):
        assert "RAHASIA" in page_text and world.agency.name in page_text
        assert f"Halaman {i} dari {n}" in page_text
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (210, 297)


def test_report_page_count_is_stable_and_grows_with_what_it_prints(world, final):
    staff = world.staff_employee
    report = selectors.result_report(cycle=final, employee=staff)
    first = len(pdf_text(documents.result_pdf(report))[0].pages)
    assert len(pdf_text(documents.result_pdf(report))[0].pages) == first
    # Ten more plan items print a longer plan table: never fewer pages.
    plan = development.plan_for(employee=staff, year=report.plan_year)
    for k in range(40):
        development.plan_item_add(plan=plan, acting_user=world.staff, title=f"Kegiatan {k}", jp=2)
    longer = selectors.result_report(cycle=final, employee=staff)
    assert len(pdf_text(documents.result_pdf(longer))[0].pages) > first


def _rightmost(html: str) -> tuple[float, float]:
    """(right edge of the page's content area, right edge of the widest laid-out box), in CSS
    px, from WeasyPrint's own layout (its page boxes: an internal but stable attribute)."""
    from weasyprint import HTML

    document = HTML(string=html, url_fetcher=pdf.LocalFetcher()).render()
    widest = 0.0
    limit = 0.0
    for page in document.pages:
        root = page._page_box
        limit = root.margin_width() - root.margin_right
        stack = [c for c in root.children if type(c).__name__ != "MarginBox"]
        while stack:
            box = stack.pop()
            widest = max(widest, box.position_x + box.margin_width())
            stack.extend(getattr(box, "children", None) or [])
    return limit, widest


def test_nothing_in_the_report_runs_past_the_right_margin(world, final, monkeypatch):
    captured: list[str] = []
    real = pdf.html_to_pdf
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: captured.append(html) or real(html))
    documents.result_pdf(selectors.result_report(cycle=final, employee=world.staff_employee))
    client_of(world.admin).get(reverse("reports:candidates_pdf", args=[world.staff_position.pk]))
    assert len(captured) == 2
    for html in captured:
        limit, widest = _rightmost(html)
        assert 0 < widest <= limit + 0.5, (limit, widest)


def test_report_never_holds_a_lone_peers_answer_or_comment(world, final):
    content = client_of(world.supervisor).get(result_url(final, world.staff_employee)).content
    text = " ".join(pdf_text(content)[1])
    flat = re.sub(r"\s+", " ", text)

    assert SUPERVISOR_COMMENT in flat  # the named supervisor's comment is shown, as on the page
    assert "XYZZY" not in flat and "Catatan rekan tunggal" not in flat
    assert world.peer_employee.name not in flat
    # The lone peer's 1s never appear as a group mean: no "Rekan …" group with its mean.
    assert not re.search(r"Rekan(?: kerja| & bawahan)? 1,00", flat)
    assert "dihapus: kurang dari 3" in flat  # the page's own note that the group was dropped


def test_report_lists_the_recommended_training_and_the_20_jp_plan(world, final):
    development.training_save(
        agency=world.agency,
        acting_user=world.admin,
        code="KOM-9",
        name="Pelatihan Integritas Khusus",
        mode="klasikal",
        method="pelatihan",
        jp=16,
        competencies=["M.01"],
    )
    year = selectors.result_report(cycle=final, employee=world.staff_employee).plan_year
    plan = development.plan_for(employee=world.staff_employee, year=year)
    development.plan_item_add(plan=plan, acting_user=world.staff, title="Magang Arsip", jp=12)
    report = selectors.result_report(cycle=final, employee=world.staff_employee)

    flat = re.sub(r"\s+", " ", " ".join(pdf_text(documents.result_pdf(report))[1]))
    assert "KOM-9 Pelatihan Integritas Khusus · 16 JP" in flat
    assert f"Rencana pengembangan tahun {report.plan_year} (minimal 20 JP)" in flat
    assert "Magang Arsip" in flat and "Direncanakan 12 JP" in flat
    assert "Rencana belum mencapai 20 JP." in flat


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("staff", 200),
        ("peer", 404),
        ("supervisor", 200),
        ("leader", 200),
        ("admin", 200),
        ("outsider", 404),
    ],
)
def test_who_may_download_a_final_report(world, final, persona, status):
    response = client_of(getattr(world, persona)).get(result_url(final, world.staff_employee))
    assert response.status_code == status
    if status == 200:
        assert response.content.startswith(b"%PDF")


def test_before_final_the_employee_gets_404_and_the_supervisor_the_report(world, computed):
    url = result_url(computed, world.staff_employee)
    assert client_of(world.staff).get(url).status_code == 404
    assert client_of(world.supervisor).get(url).status_code == 200


def test_another_agencys_employee_or_cycle_is_404(world, final):
    admin = client_of(world.admin)
    assert admin.get(result_url(final, world.outsider_employee)).status_code == 404
    other_cycle = make_cycle(world.other_agency, world.outsider, generate=False, start=False)
    assert admin.get(result_url(other_cycle, world.staff_employee)).status_code == 404
    assert client_of(world.outsider).get(result_url(final, world.staff_employee)).status_code == 404


def test_the_result_pages_link_to_the_pdf(world, final):
    own = client_of(world.staff).get(reverse("results:my_results", args=[final.pk]))
    assert result_url(final, world.staff_employee) in own.content.decode()
    member = client_of(world.supervisor).get(
        reverse("results:member", args=[final.pk, world.staff_employee.pk])
    )
    assert result_url(final, world.staff_employee) in member.content.decode()
    team = client_of(world.supervisor).get(reverse("results:team", args=[final.pk]))
    assert reverse("reports:team_zip", args=[final.pk]) in team.content.decode()


# --- ZIPs: a team, a unit, the agency -----------------------------------------------------------


def zip_members(job: Job) -> dict[str, bytes]:
    with job.output_file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_supervisor_downloads_a_zip_of_their_direct_reports(world, final, private_files):
    client = client_of(world.supervisor)
    response = client.post(reverse("reports:team_zip", args=[final.pk]))

    job = Job.objects.get(kind=Job.Kind.PDF_BATCH)
    assert response.status_code == 302 and response["Location"] == reverse(
        "jobs:detail", args=[job.pk]
    )
    assert job.state == Job.State.DONE and job.started_by == world.supervisor
    team = set(
        final.employee_results.filter(employee__supervisor=world.supervisor_employee).values_list(
            "employee__nip", flat=True
        )
    )
    members = zip_members(job)
    assert len(members) == len(team) == 2  # Sari and Rudi report to Budi
    assert {name.split("-")[0] for name in members} == team
    for name, content in members.items():
        reader, pages = pdf_text(content)
        assert name.split("-")[0] in "".join(pages) and "RAHASIA" in pages[0]
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    # Not the peer's: they are not the starter, nor HR.
    assert client_of(world.peer).get(reverse("jobs:download", args=[job.pk])).status_code == 404
    assert (
        client_of(world.staff).post(reverse("reports:team_zip", args=[final.pk])).status_code == 404
    )


def test_hr_unit_zip_runs_as_a_job_with_progress_per_employee(
    world, final, settings, private_files
):
    settings.KINERJA_PDF_INLINE_MAX = 0  # every batch goes to the worker
    client = client_of(world.admin)
    assert client.get(reverse("reports:batch", args=[final.pk])).status_code == 200
    response = client.post(reverse("reports:batch", args=[final.pk]), {"unit": world.subunit.pk})
    job = Job.objects.get(kind=Job.Kind.PDF_BATCH)
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.state == Job.State.QUEUED and job.target_id == world.subunit.pk

    heard: list[tuple[str, int]] = []
    job = jobs.job_run(job.pk, echo=lambda stage, percent: heard.append((str(stage), percent)))

    expected = final.employee_results.filter(unit=world.subunit).count()
    assert job.state == Job.State.DONE, job.error
    assert len(zip_members(job)) == expected >= 3
    per_employee = [p for s, p in heard if s.startswith("Laporan ")]
    assert len(per_employee) == expected and per_employee == sorted(per_employee)
    assert f"Laporan {expected} dari {expected}" in heard[-1][0]
    assert Job.objects.get(pk=job.pk).percent == 100 and job.output_name.endswith(".zip")
    assert list(private_files.rglob("*.zip"))  # kept in the private storage, not the web root
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 200


def test_a_unit_of_another_agency_or_nothing_to_print_is_refused(world, final, computed):
    client = client_of(world.admin)
    response = client.post(reverse("reports:batch", args=[final.pk]), {"unit": world.other_unit.pk})
    assert response.status_code == 404
    with pytest.raises(KinerjaError):
        reports.pdf_batch_start(
            cycle=final, scope="unit", unit=world.other_unit, acting_user=world.admin
        )
    assert not Job.objects.filter(kind=Job.Kind.PDF_BATCH).exists()
    for persona in ("staff", "supervisor", "outsider"):
        url = reverse("reports:batch", args=[final.pk])
        assert client_of(getattr(world, persona)).get(url).status_code == 404


def test_each_more_report_in_a_zip_costs_the_same_few_queries(world, final):
    rows = list(selectors.batch_results(cycle=final, scope="unit", unit_id=world.subunit.pk))
    assert len(rows) >= 3

    def queries(k: int) -> int:
        with CaptureQueriesContext(connection) as seen:
            documents.results_zip(cycle=final, rows=rows[:k], total=k, out=io.BytesIO())
        return len(seen)

    one, two, three = queries(1), queries(2), queries(3)
    assert two - one == three - two <= 4  # the decision and the plan per employee, no more


# --- talent PDFs ----------------------------------------------------------------------------


def test_the_nine_box_board_and_the_candidates_print_for_hr_and_leadership(world, final):
    board_url = reverse("reports:board_pdf", args=[final.pk])
    candidates_url = reverse("reports:candidates_pdf", args=[world.staff_position.pk])
    for persona in ("admin", "leader"):
        client = client_of(getattr(world, persona))
        board = client.get(board_url)
        assert board.status_code == 200 and board["Content-Type"] == "application/pdf"
        flat = " ".join(pdf_text(board.content)[1])
        stored = final.employee_results.get(employee=world.staff_employee)
        assert "Papan 9-box" in flat and "RAHASIA" in flat
        assert world.staff_employee.name in flat and f"Kotak {stored.nine_box}" in flat
        candidates = client.get(candidates_url)
        assert candidates.status_code == 200
        text = " ".join(pdf_text(candidates.content)[1])
        assert world.staff_position.name in text and "Peringkat" in text
    for persona in ("staff", "supervisor", "outsider"):
        client = client_of(getattr(world, persona))
        assert client.get(board_url).status_code == 404
        assert client.get(candidates_url).status_code == 404


def test_the_talent_pages_link_to_their_pdfs(world, final):
    client = client_of(world.admin)
    board = client.get(reverse("talent:board_cycle", args=[final.pk])).content.decode()
    assert reverse("reports:board_pdf", args=[final.pk]) in board
    page = client.get(reverse("talent:candidates") + f"?jabatan={world.staff_position.pk}")
    assert (
        reverse("reports:candidates_pdf", args=[world.staff_position.pk]) in page.content.decode()
    )


# --- the API and the CLI ---------------------------------------------------------------------


def test_api_answers_the_report_as_application_pdf_with_the_results_permission(world, final):
    path = f"/api/v1/cycles/{final.pk}/results/{world.staff_employee.pk}/pdf"
    own = Client().get(path, **token(world.staff, world.agency))
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert world.staff_employee.nip in " ".join(pdf_text(own.content)[1])
    assert Client().get(path, **token(world.peer, world.agency)).status_code == 404
    assert Client().get(path, **token(world.outsider, world.other_agency)).status_code == 404
    assert Client().get(path).status_code == 401


def test_api_starts_a_unit_zip_job_and_serves_its_file(world, final, private_files):
    path = f"/api/v1/cycles/{final.pk}/reports/zip"
    body = json.dumps({"unit_id": world.subunit.pk})
    admin = token(world.admin, world.agency)
    response = Client().post(path, body, content_type="application/json", **admin)

    assert response.status_code == 202, response.content
    job = response.json()
    assert job["kind"] == "pdf_batch" and job["state"] == "selesai"  # small: done at once
    download = Client().get(job["links"]["download"], **admin)
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        assert len(archive.namelist()) == final.employee_results.filter(unit=world.subunit).count()
    staff = token(world.staff, world.agency)
    refused = Client().post(path, body, content_type="application/json", **staff)
    assert refused.status_code == 403
    assert Job.objects.filter(kind=Job.Kind.PDF_BATCH).count() == 1


def test_cli_writes_one_pdf_and_a_unit_zip(world, final, tmp_path):
    single = tmp_path / "sari.pdf"
    call_command(
        "report-pdf",
        "--cycle",
        str(final.pk),
        "--employee",
        world.staff_employee.nip,
        "-o",
        str(single),
        stdout=io.StringIO(),
    )
    assert world.staff_employee.name in " ".join(pdf_text(single.read_bytes())[1])
    archive = tmp_path / "unit.zip"
    call_command(
        "report-pdf",
        "--cycle",
        str(final.pk),
        "--unit",
        str(world.subunit.pk),
        "--zip",
        str(archive),
        stdout=io.StringIO(),
    )
    with zipfile.ZipFile(archive) as z:
        assert len(z.namelist()) == final.employee_results.filter(unit=world.subunit).count()


# --- never the network ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/style.css",
        "https://127.0.0.1/font.ttf",
        "ftp://example.com/x.png",
        "file://example.com/etc/passwd",
        "file:///etc/passwd",
        "static:../../../../etc/passwd",
    ],
)
def test_the_url_fetcher_refuses_anything_but_local_files(url):
    with pytest.raises(pdf.NetworkRefused):
        pdf.LocalFetcher().fetch(url)


def test_the_url_fetcher_serves_data_uris_and_the_shipped_fonts():
    assert pdf.LocalFetcher().fetch("data:text/plain;base64,aGFp").read() == b"hai"
    fonts = pdf.font_urls()
    assert fonts["regular"].startswith("file://")  # fonts-dejavu-core is installed (make pdf-libs)
    assert pdf.LocalFetcher().fetch(fonts["regular"]).read()[:4] == b"\x00\x01\x00\x00"


def test_a_report_with_remote_links_renders_without_opening_a_socket(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("WeasyPrint tried the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    html = pdf.render_html(
        "reports/base.html", {"agency": None, "title": "Uji", "printed_at": None}
    ).replace(
        "</body>",
        '<img src="http://127.0.0.1:9/x.png"><link rel="stylesheet" href="https://example.com/'
        'a.css"><p style="background: url(https://example.com/b.png)">isi</p></body>',
    )
    content = pdf.html_to_pdf(html)
    assert "isi" in pdf_text(content)[1][0]
