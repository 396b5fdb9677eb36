"""The talent pages: who may see the 9-box board, its boxes, the succession pool and the promotion
candidates; box counts equal the stored results; the follow-up of each box; filters; the ranking
order, readiness bands and eligibility; exports; pinned query counts."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from kinerja.assessment.models import Cycle
from kinerja.competencies.models import Competency, PositionStandard
from kinerja.core.models import AuditEvent
from kinerja.development import services as development
from kinerja.organisation.models import OrgUnit, Position
from kinerja.results.explain import NINE_BOX_FOLLOW_UP
from kinerja.results.models import EmployeeResult
from kinerja.talent.exports import CANDIDATE_COLUMNS, MEMBER_COLUMNS

from .conftest import make_employee
from .test_api_assessment import token
from .test_assessment_services import make_cycle

ROLES = ("admin", "leader", "supervisor", "staff", "peer", "outsider")
ALLOWED = ("admin", "leader")


def final_cycle(world, name: str = "Siklus Final 2025", year: int = 2025) -> Cycle:
    import datetime as dt

    cycle = make_cycle(world.agency, world.admin, generate=False, start=False)
    Cycle.objects.filter(pk=cycle.pk).update(
        status=Cycle.Status.FINAL,
        name=name,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
    )
    return Cycle.objects.get(pk=cycle.pk)


def store(
    cycle, employee, *, box=None, jpm=None, predikat="baik", scores=None, se=None, jpm_se=None
):
    return EmployeeResult.objects.create(
        agency=cycle.agency,
        cycle=cycle,
        employee=employee,
        unit=employee.unit,
        position=employee.position,
        jpm=jpm,
        jpm_se=jpm_se,
        predikat=predikat,
        nine_box=box,
        items={code: {"score": score, "se": se} for code, score in (scores or {}).items()},
    )


@pytest.fixture
def board(world, framework):
    """A final cycle of agency A: the three world employees and six more in two sub-units,
    spread over the boxes (two in box 9, one in 7, one without a box)."""
    service = OrgUnit.objects.create(
        agency=world.agency, name="Seksi Pelayanan A", kind="seksi", parent=world.unit
    )
    cycle = final_cycle(world)
    placed = [
        (world.supervisor_employee, 9),
        (world.staff_employee, 5),
        (world.peer_employee, 1),
    ]
    for box in (9, 7, 5, 2, 6, None):
        person = make_employee(world.agency, unit=service, position=world.staff_position)
        placed.append((person, box))
    for person, box in placed:
        store(cycle, person, box=box, jpm=80.0)
    return cycle


def user_of(world, role: str):
    return getattr(world, role)


# --- permissions -------------------------------------------------------------------------------


def cycle_pages(cycle) -> list[str]:
    return [
        reverse("talent:board_cycle", args=[cycle.pk]),
        reverse("talent:box", args=[cycle.pk, 9]),
        reverse("talent:box_xlsx", args=[cycle.pk, 9]),
        reverse("talent:pool", args=[cycle.pk]),
        reverse("talent:pool_xlsx", args=[cycle.pk]),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_board_box_pool_and_exports_are_for_admin_and_leadership_of_the_agency(
    client, world, board, role
):
    client.force_login(user_of(world, role))
    for url in cycle_pages(board):
        response = client.get(url)
        assert response.status_code == (200 if role in ALLOWED else 404), (role, url)


@pytest.mark.parametrize("role", ROLES)
def test_the_default_board_and_candidates_page(client, world, board, role):
    client.force_login(user_of(world, role))
    board_page = client.get(reverse("talent:board"))
    candidates = client.get(reverse("talent:candidates"))
    if role in ALLOWED:
        assert board_page.status_code == candidates.status_code == 200
        assert board.name in board_page.content.decode()
    elif role == "outsider":  # agency B's admin: B has no final cycle, never A's
        assert board_page.status_code == candidates.status_code == 200
        assert board.name not in board_page.content.decode()
        assert "Belum ada siklus penilaian yang final" in board_page.content.decode()
    else:
        assert board_page.status_code == candidates.status_code == 404


def test_outsider_gets_404_for_agency_a_position_and_unit(client, world, board, framework):
    standard_for(world.head_position, {"M.01": 3})
    client.force_login(world.outsider)
    url = reverse("talent:candidates") + f"?jabatan={world.head_position.pk}"
    assert client.get(url).status_code == 404
    xlsx = reverse("talent:candidates_xlsx", args=[world.head_position.pk])
    assert client.get(xlsx).status_code == 404
    client.force_login(world.admin)
    assert client.get(reverse("talent:board") + f"?unit={world.other_unit.pk}").status_code == 404


def test_a_cycle_that_is_not_final_is_not_on_the_board(client, world, framework):
    running = make_cycle(world.agency, world.admin)
    client.force_login(world.admin)
    assert client.get(reverse("talent:board_cycle", args=[running.pk])).status_code == 404
    assert client.get(reverse("talent:box", args=[running.pk, 5])).status_code == 404


def test_anonymous_visitor_is_sent_to_login(client, board):
    response = client.get(reverse("talent:board"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_pages_write_nothing(client, world, board):
    before = AuditEvent.objects.count(), EmployeeResult.objects.count()
    client.force_login(world.admin)
    for url in cycle_pages(board):
        client.get(url)
    assert (AuditEvent.objects.count(), EmployeeResult.objects.count()) == before


def test_nav_shows_talenta_to_admin_and_leadership_only(client, world, board):
    for role in ROLES:
        client.force_login(user_of(world, role))
        html = client.get(reverse("home")).content.decode()
        assert (reverse("talent:board") in html) == (role in ("admin", "leader", "outsider")), role


# --- the board ---------------------------------------------------------------------------------


def counts_on(html: str) -> dict[int, int]:
    found = re.findall(r'data-testid="count-(\d)">(\d+)<', html)
    return {int(box): int(n) for box, n in found}


def test_box_counts_equal_the_stored_results_laid_out_as_domain_7(client, world, board):
    client.force_login(world.leader)
    html = client.get(reverse("talent:board")).content.decode()
    stored = {
        b: EmployeeResult.objects.filter(cycle=board, nine_box=b).count() for b in range(1, 10)
    }
    assert counts_on(html) == stored
    assert stored[9] == 2 and stored[7] == 1
    assert re.search(r'data-testid="without-box">1<', html)
    assert re.search(r'data-testid="pool">3<', html)  # 9, 9, 7
    assert re.search(r'data-testid="total">9<', html)
    # Rows: di atas (4 7 9), sesuai (2 5 8), di bawah (1 3 6).
    order = [int(b) for b in re.findall(r'data-box="(\d)"', html)]
    assert order == [4, 7, 9, 2, 5, 8, 1, 3, 6]


def test_board_of_an_older_final_cycle_through_the_selector(client, world, board):
    older = final_cycle(world, name="Siklus Final 2024", year=2024)
    store(older, world.staff_employee, box=4, jpm=70.0)
    client.force_login(world.admin)
    latest = client.get(reverse("talent:board")).content.decode()
    assert "Siklus Final 2025" in latest and "Siklus lain" in latest
    assert reverse("talent:board_cycle", args=[older.pk]) in latest
    html = client.get(reverse("talent:board_cycle", args=[older.pk])).content.decode()
    assert counts_on(html)[4] == 1 and counts_on(html)[9] == 0


def test_filter_by_unit_includes_sub_units_and_by_position_type(client, world, board):
    client.force_login(world.admin)
    sub = client.get(reverse("talent:board") + f"?unit={world.subunit.pk}").content.decode()
    assert counts_on(sub) == {1: 1, 2: 0, 3: 0, 4: 0, 5: 1, 6: 0, 7: 0, 8: 0, 9: 1}
    whole = client.get(reverse("talent:board") + f"?unit={world.unit.pk}").content.decode()
    assert sum(counts_on(whole).values()) == 8  # every box; the one without a box aside
    heads = client.get(reverse("talent:board") + "?jenis=pengawas").content.decode()
    assert counts_on(heads)[9] == 1 and sum(counts_on(heads).values()) == 1
    # The box links keep the filters.
    box_url = reverse("talent:box", args=[board.pk, 9]) + f"?unit={world.subunit.pk}"
    assert box_url.replace("&", "&amp;") in sub
    box_page = client.get(box_url).content.decode()
    assert "Budi Atasan" in box_page and box_page.count('href="/hasil/tim/') == 1


@pytest.mark.parametrize("box", range(1, 10))
def test_each_box_lists_its_employees_with_the_follow_up_of_domain_7(client, world, board, box):
    client.force_login(world.admin)
    response = client.get(reverse("talent:box", args=[board.pk, box]))
    html = response.content.decode()
    follow_up = re.search(r'data-testid="follow-up">([^<]*)<', html)
    assert follow_up is not None and follow_up.group(1) == str(NINE_BOX_FOLLOW_UP[box])
    expected = EmployeeResult.objects.filter(cycle=board, nine_box=box).select_related("employee")
    assert response.context["page"].paginator.count == expected.count()
    for r in expected:
        assert r.employee.name in html and r.employee.nip in html


def test_follow_up_words_of_the_extreme_boxes(client, world, board):
    client.force_login(world.admin)
    nine = client.get(reverse("talent:box", args=[board.pk, 9])).content.decode()
    assert "rencana suksesi" in nine and "penghargaan" in nine and "Dipromosikan" in nine
    one = client.get(reverse("talent:box", args=[board.pk, 1])).content.decode()
    assert "disiplin" in one


def test_box_outside_1_to_9_is_404(client, world, board):
    client.force_login(world.admin)
    assert client.get(reverse("talent:box", args=[board.pk, 0])).status_code == 404
    assert client.get(reverse("talent:box", args=[board.pk, 10])).status_code == 404


def test_succession_pool_is_boxes_7_to_9_with_the_filters(client, world, board):
    client.force_login(world.admin)
    response = client.get(reverse("talent:pool", args=[board.pk]))
    rows = list(response.context["page"])
    assert sorted(r.nine_box for r in rows) == [7, 9, 9]
    assert [r.nine_box for r in rows] == [9, 9, 7]
    sub = client.get(reverse("talent:pool", args=[board.pk]) + f"?unit={world.subunit.pk}")
    assert [r.employee.name for r in sub.context["page"]] == ["Budi Atasan"]


def test_box_and_pool_exports_match_the_lists(client, world, board):
    client.force_login(world.leader)
    response = client.get(reverse("talent:box_xlsx", args=[board.pk, 9]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == MEMBER_COLUMNS
    stored = EmployeeResult.objects.filter(cycle=board, nine_box=9).select_related("employee")
    assert sorted(r[0] for r in rows[1:]) == sorted(r.employee.nip for r in stored)
    assert all(r[7] == 9 and r[9] == str(NINE_BOX_FOLLOW_UP[9]) for r in rows[1:])
    pool = client.get(reverse("talent:pool_xlsx", args=[board.pk]) + f"?unit={world.subunit.pk}")
    pool_rows = list(
        load_workbook(io.BytesIO(pool.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert [r[1] for r in pool_rows[1:]] == ["Budi Atasan"]


# --- candidates ---------------------------------------------------------------------------------


def standard_for(position, levels: dict[str, int]) -> None:
    for code, level in levels.items():
        PositionStandard.objects.create(
            agency=position.agency,
            position=position,
            competency=Competency.objects.get(agency=None, code=code),
            required_level=level,
        )


@pytest.fixture
def target(world, framework):
    """Kepala Seksi Pelayanan (pengawas, golongan minimal III/b): M.01 3, M.02 3."""
    position = Position.objects.create(
        agency=world.agency,
        name="Kepala Seksi Pelayanan",
        position_type="pengawas",
        unit=world.unit,
        min_grade="III/b",
    )
    standard_for(position, {"M.01": 3, "M.02": 3})
    return position


# name: (grade, predikat, M.01, M.02, position: staff|head) → JPM against the target
CANDIDATES = {
    "Ani Siap": ("III/c", "baik", 3.0, 3.0, "staff"),  # 100
    "Bambang Batas": ("III/b", "baik", 2.7, 2.7, "staff"),  # 5,4/6 = 90,00 → siap sekarang
    "Citra Hampir": ("III/b", "sangat_baik", 2.68, 2.7, "staff"),  # 89,67 → dengan pengembangan
    "Dedi Tepat": ("III/b", "baik", 2.34, 2.34, "staff"),  # 78,00 → dengan pengembangan
    "Eka Kurang": ("III/b", "baik", 2.34, 2.33, "staff"),  # 77,83 → belum siap
    "Fajar Golongan": ("II/d", "baik", 3.0, 3.0, "staff"),  # golongan kurang
    "Gita Predikat": ("III/c", "butuh_perbaikan", 2.5, 2.5, "staff"),  # 83,33 predikat kurang
    "Hadi Setara": ("III/d", "baik", 3.0, 3.0, "head"),  # already pengawas
    "Indah Kosong": ("III/b", "baik", 2.0, None, "staff"),  # M.02 no score: 66,67
}


@pytest.fixture
def ranked(world, target):
    cycle = final_cycle(world)
    for name, (grade, predikat, m01, m02, where) in CANDIDATES.items():
        position = world.head_position if where == "head" else world.staff_position
        person = make_employee(
            world.agency, unit=world.subunit, position=position, name=name, grade=grade
        )
        store(cycle, person, predikat=predikat, scores={"M.01": m01, "M.02": m02})
    return cycle


def candidates_page(client, target, **params):
    query = "&".join(f"{k}={v}" for k, v in {"jabatan": target.pk, **params}.items())
    return client.get(reverse("talent:candidates") + "?" + query)


def test_candidates_are_ranked_by_descending_jpm_against_the_target(client, world, ranked, target):
    client.force_login(world.admin)
    response = candidates_page(client, target, f=1)  # filter off: everyone ranked
    lines = response.context["lines"]
    jpms = [line.jpm for line in lines]
    assert jpms == sorted(jpms, reverse=True)
    # Without standard errors (results stored before scoring 1.1) only equal JPMs share a rank:
    # 1 + how many are higher; Ani, Fajar and Hadi (100) are tied first.
    assert [line.rank for line in lines] == [1 + sum(j > jpm for j in jpms) for jpm in jpms]
    assert [line.tied for line in lines] == [jpms.count(jpm) > 1 for jpm in jpms]
    by_name = {line.result.employee.name: line for line in lines}
    assert by_name["Bambang Batas"].jpm == 90.0 and by_name["Dedi Tepat"].jpm == 78.0
    assert by_name["Indah Kosong"].jpm == 66.67
    assert lines[-1].result.employee.name == "Indah Kosong"


@pytest.mark.parametrize(
    "name,readiness",
    [
        ("Ani Siap", "Siap sekarang"),
        ("Bambang Batas", "Siap sekarang"),  # exactly 90
        ("Citra Hampir", "Siap dengan pengembangan"),  # 89,67
        ("Dedi Tepat", "Siap dengan pengembangan"),  # exactly 78
        ("Eka Kurang", "Belum siap"),  # 77,83
    ],
)
def test_readiness_bands_at_the_90_and_78_boundaries(
    client, world, ranked, target, name, readiness
):
    client.force_login(world.leader)
    lines = candidates_page(client, target, f=1).context["lines"]
    line = next(line for line in lines if line.result.employee.name == name)
    assert line.readiness_label == readiness


def test_eligibility_badges_and_the_filter_that_is_on_by_default(client, world, ranked, target):
    client.force_login(world.admin)
    default = candidates_page(client, target)
    names = [line.result.employee.name for line in default.context["lines"]]
    assert names == [
        "Ani Siap",
        "Bambang Batas",
        "Citra Hampir",
        "Dedi Tepat",
        "Eka Kurang",
        "Indah Kosong",
    ]
    assert default.context["eligible_only"] is True
    html = default.content.decode()
    # Never silently dropped: the count says how many were left out, and why.
    assert "9 pegawai diperingkat: 6 memenuhi syarat, 3 tidak memenuhi syarat" in html
    assert "golongan kurang: 1" in html and "predikat kurang: 1" in html
    assert "sudah setara: 1" in html
    everyone = candidates_page(client, target, f=1)
    lines = {line.result.employee.name: line for line in everyone.context["lines"]}
    assert lines["Fajar Golongan"].badges == ["golongan kurang"]
    assert lines["Gita Predikat"].badges == ["predikat kurang"]
    assert lines["Hadi Setara"].badges == ["sudah setara"]
    assert lines["Ani Siap"].badges == []
    assert "golongan kurang" in everyone.content.decode()


def test_gaps_against_the_target_with_the_training_that_closes_them(client, world, ranked, target):
    development.training_save(
        agency=world.agency,
        acting_user=world.admin,
        code="INT-1",
        name="Pelatihan Integritas",
        mode="klasikal",
        method="pelatihan",
        jp=16,
        competencies=["M.01"],
    )
    development.training_save(
        agency=world.agency,
        acting_user=world.admin,
        code="COACH",
        name="Coaching oleh atasan",
        mode="non_klasikal",
        method="coaching",
        jp=4,
        competencies=[],
    )
    client.force_login(world.admin)
    lines = candidates_page(client, target).context["lines"]
    indah = next(line for line in lines if line.result.employee.name == "Indah Kosong")
    texts = [gap.text for gap in indah.gaps]
    assert "Kerjasama: belum ada nilai (standar 3)" in texts
    assert "Integritas 2,00 dari standar 3" in texts
    assert indah.trainings == [("Integritas", ["Pelatihan Integritas", "Coaching oleh atasan"])]
    ani = next(line for line in lines if line.result.employee.name == "Ani Siap")
    assert ani.gaps == [] and ani.trainings == []


def test_candidate_export_holds_every_ranked_employee_with_the_same_columns(
    client, world, ranked, target
):
    client.force_login(world.leader)
    response = client.get(reverse("talent:candidates_xlsx", args=[target.pk]))
    rows = list(
        load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert list(rows[0]) == CANDIDATE_COLUMNS
    page_lines = candidates_page(client, target, f=1).context["lines"]
    assert [(r[0], r[1], r[3], r[8], r[10]) for r in rows[1:]] == [
        (
            line.rank,
            "ya" if line.tied else None,
            line.result.employee.name,
            line.jpm,
            line.readiness_label,
        )
        for line in page_lines
    ]
    fajar = next(r for r in rows[1:] if r[3] == "Fajar Golongan")
    assert fajar[11] == "tidak" and fajar[12] == "golongan kurang"


def test_empty_states_no_final_cycle_and_target_without_standard(client, world, framework, target):
    client.force_login(world.admin)
    html = candidates_page(client, target).content.decode()
    assert "Belum ada siklus penilaian yang final" in html
    final_cycle(world)
    bare = Position.objects.create(
        agency=world.agency, name="Jabatan Kosong", position_type="pengawas"
    )
    html = candidates_page(client, bare).content.decode()
    assert "belum memiliki standar kompetensi" in html
    assert client.get(reverse("talent:candidates_xlsx", args=[bare.pk])).status_code == 404
    # The select offers only positions with a standard.
    positions = client.get(reverse("talent:candidates")).context["positions"]
    assert target in positions and bare not in positions


def test_candidates_paginate(client, world, ranked, target):
    for _i in range(55):
        person = make_employee(
            world.agency, unit=world.subunit, position=world.staff_position, grade="III/b"
        )
        store(ranked, person, scores={"M.01": 2.5, "M.02": 2.5})
    client.force_login(world.admin)
    first = candidates_page(client, target)
    assert len(first.context["lines"]) == 50 and first.context["page"].paginator.count == 61
    second = candidates_page(client, target, page=2)
    assert len(second.context["lines"]) == 11
    last_first = first.context["lines"][-1].rank
    assert all(line.eligible and line.rank >= last_first for line in second.context["lines"])
    shown = [line.result.employee_id for line in first.context["lines"]]
    assert not set(shown) & {line.result.employee_id for line in second.context["lines"]}


# --- query counts ------------------------------------------------------------------------------


def grow(world, cycle, n: int) -> None:
    for i in range(n):
        person = make_employee(
            world.agency, unit=world.subunit, position=world.staff_position, grade="III/b"
        )
        store(
            cycle,
            person,
            box=1 + i % 9,
            jpm=75.0,
            scores={"M.01": 2.0 + (i % 10) / 10, "M.02": 2.5},
        )


def queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


BOARD_QUERIES = 7
BOX_QUERIES = 6
CANDIDATE_QUERIES = 14  # the page's rows are loaded apart from the ranking read


def test_query_counts_are_pinned_and_do_not_grow_with_employees(client, world, board, target):
    client.force_login(world.admin)
    urls = {
        "board": reverse("talent:board") + f"?unit={world.unit.pk}",
        "box": reverse("talent:box", args=[board.pk, 5]),
        "pool": reverse("talent:pool", args=[board.pk]),
        "candidates": reverse("talent:candidates") + f"?jabatan={target.pk}&f=1",
    }
    small = {name: queries(client, url) for name, url in urls.items()}
    grow(world, board, 40)
    large = {name: queries(client, url) for name, url in urls.items()}
    assert small == large
    assert (large["board"], large["box"], large["pool"], large["candidates"]) == (
        BOARD_QUERIES,
        BOX_QUERIES,
        BOX_QUERIES,
        CANDIDATE_QUERIES,
    )


# --- uncertainty: ties and borderline boxes -----------------------------------------------------


def test_candidates_within_uncertainty_share_a_rank_on_page_export_and_api(client, world, target):
    cycle = final_cycle(world)
    for name, m01, m02 in (
        ("Ani Dekat", 2.9, 2.9),
        ("Budi Dekat", 2.85, 2.85),
        ("Cici Jauh", 2.0, 2.0),
    ):
        person = make_employee(
            world.agency,
            unit=world.subunit,
            position=world.staff_position,
            name=name,
            grade="III/c",
        )
        store(cycle, person, scores={"M.01": m01, "M.02": m02}, se=0.2)
    client.force_login(world.admin)
    lines = candidates_page(client, target).context["lines"]
    assert [(line.result.employee.name, line.rank, line.tied) for line in lines] == [
        ("Ani Dekat", 1, True),  # 96,67 ± 6,4 and 95,00 ± 7,1: not ranked apart
        ("Budi Dekat", 1, True),
        ("Cici Jauh", 3, False),  # 66,67: both are surely above
    ]
    html = candidates_page(client, target).content.decode()
    assert "setara" in html and "rentang 95 %" in html
    rows = list(
        load_workbook(
            io.BytesIO(client.get(reverse("talent:candidates_xlsx", args=[target.pk])).content)
        )
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    assert [(r[0], r[1]) for r in rows[1:]] == [(1, "ya"), (1, "ya"), (3, None)]
    assert rows[1][9] == lines[0].jpm_range and "–" in rows[1][9]
    api = client.get(
        f"/api/v1/talent/candidates?position={target.pk}", **token(world.admin, world.agency)
    ).json()["items"]
    assert [(c["rank"], c["tied"]) for c in api] == [(1, True), (1, True), (3, False)]
    assert all(c["jpm_se"] > 0 for c in api)


def test_a_box_whose_jpm_interval_crosses_a_category_is_marked_borderline(client, world, framework):
    cycle = final_cycle(world)
    store(cycle, world.staff_employee, box=9, jpm=91.0, jpm_se=1.0)  # 89,04–92,96: crosses 90
    store(cycle, world.peer_employee, box=9, jpm=96.0, jpm_se=1.0)  # 94,04–97,96: inside
    client.force_login(world.leader)
    page = client.get(reverse("talent:box", args=[cycle.pk, 9]))
    assert [(r.employee.name, b) for r, _f, b in page.context["lines"]] == sorted(
        [(world.staff_employee.name, True), (world.peer_employee.name, False)]
    )
    assert page.content.decode().count("di perbatasan") == 1
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("talent:box_xlsx", args=[cycle.pk, 9])).content)
    ).worksheets[0]
    flags = {
        r[1]: r[MEMBER_COLUMNS.index("kotak_di_perbatasan")]
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert flags == {world.staff_employee.name: "ya", world.peer_employee.name: None}
