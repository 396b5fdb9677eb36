"""The Rangkui demo (`kinerja demo --rangkui`) and the synthetic agency generator."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from kinerja.assessment import services
from kinerja.assessment.models import Acknowledgement, Cycle, RaterAssignment, Response
from kinerja.competencies.models import Competency, Framework, PositionStandard
from kinerja.core.models import Agency, AuditEvent, Membership
from kinerja.demo.synthetic import NATIONAL_CODES, generate_agency, synthetic_rows
from kinerja.organisation.grades import GRADE_RANK, is_valid_grade
from kinerja.organisation.importing import COLUMNS, employees_import
from kinerja.organisation.models import Employee, OrgUnit, Position
from kinerja.organisation.nip import parse_nip

pytestmark = pytest.mark.django_db


def load_rangkui() -> str:
    out = io.StringIO()
    call_command("demo", rangkui=True, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [
        Agency,
        OrgUnit,
        Position,
        Employee,
        PositionStandard,
        Competency,
        Membership,
        AuditEvent,
        get_user_model(),
    ]
    return {m.__name__: m.objects.count() for m in models}


def assert_valid_nips(agency: Agency) -> None:
    employees = list(Employee.objects.filter(agency=agency))
    assert len({e.nip for e in employees}) == len(employees)
    for e in employees:
        nip = parse_nip(e.nip)
        assert nip.value == e.nip and nip.gender == e.gender
        assert nip.tmt_year >= nip.birth_date.year + 18
        assert is_valid_grade(e.grade, e.asn_status), (e.nip, e.grade, e.asn_status)


def assert_supervisor_tree(agency: Agency) -> list[Employee]:
    """Supervisors are in the agency, in the same or the parent unit, acyclic. Returns the roots."""
    employees = {e.pk: e for e in Employee.objects.filter(agency=agency)}
    parent_unit = dict(OrgUnit.objects.filter(agency=agency).values_list("id", "parent_id"))
    for e in employees.values():
        if e.supervisor_id is not None:
            boss = employees[e.supervisor_id]  # KeyError: supervisor outside the agency
            assert boss.unit_id in (e.unit_id, parent_unit[e.unit_id]), e.name
        seen: set[int] = set()
        node: int | None = e.pk
        while node is not None:
            assert node not in seen, f"supervisor cycle through {e.name}"
            seen.add(node)
            node = employees[node].supervisor_id
    return [e for e in employees.values() if e.supervisor_id is None]


def assert_national_standards(agency: Agency) -> None:
    codes: dict[int, set[str]] = {}
    for position_id, code in PositionStandard.objects.filter(agency=agency).values_list(
        "position_id", "competency__code"
    ):
        codes.setdefault(position_id, set()).add(code)
    for position in Position.objects.filter(agency=agency):
        assert set(NATIONAL_CODES) <= codes.get(position.pk, set()), position.name


# --- Rangkui ---------------------------------------------------------------------------------


def test_rangkui_loads_a_complete_agency():
    assert not Framework.objects.exists()
    output = load_rangkui()
    assert Framework.objects.filter(is_current=True).exists()  # loaded because it was missing

    agency = Agency.objects.get(code="rangkui")
    assert agency.name == "Kecamatan Rangkui"
    assert agency.region == "Kota Pangkalpinang, Kepulauan Bangka Belitung"
    employees = list(Employee.objects.filter(agency=agency).select_related("position", "unit"))
    assert 110 <= len(employees) <= 130
    assert_valid_nips(agency)

    pppk = sum(e.asn_status == "PPPK" for e in employees)
    assert 0.08 <= pppk / len(employees) <= 0.25
    assert all(
        e.grade in ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
        for e in employees
        if e.asn_status == "PPPK"
    )

    roots = assert_supervisor_tree(agency)
    assert [e.position.name for e in roots] == ["Camat"]
    camat = roots[0]
    assert (
        camat.unit.name == "Kecamatan Rangkui" and camat.position.position_type == "administrator"
    )

    units = {u.name: u for u in OrgUnit.objects.filter(agency=agency).select_related("parent")}
    assert (
        units["Kecamatan Rangkui"].kind == "instansi" and units["Kecamatan Rangkui"].parent is None
    )
    assert units["Sekretariat Kecamatan"].parent.name == "Kecamatan Rangkui"
    assert units["Subbagian Umum dan Kepegawaian"].parent.name == "Sekretariat Kecamatan"
    kelurahan = sorted(n for n, u in units.items() if u.kind == "kelurahan")
    assert len(kelurahan) == 8 and "Kelurahan Parit Lalang" in kelurahan
    assert all(units[n].parent.name == "Kecamatan Rangkui" for n in kelurahan)

    by_position = {e.position.name: e for e in employees}
    for name in ["Sekretaris Kecamatan", "Kepala Seksi Pemerintahan", "Lurah Asam"]:
        assert by_position[name].supervisor_id == camat.pk
    sekcam = by_position["Sekretaris Kecamatan"]
    assert by_position["Kepala Subbagian Umum dan Kepegawaian"].supervisor_id == sekcam.pk
    assert by_position["Sekretaris Kelurahan Asam"].supervisor_id == by_position["Lurah Asam"].pk
    # Structural positions carry a minimum grade that their holders meet.
    for e in employees:
        if e.position.position_type in ("administrator", "pengawas"):
            assert e.position.min_grade
            assert GRADE_RANK[e.grade] >= GRADE_RANK[e.position.min_grade], e.name

    assert_national_standards(agency)
    teknis = {c.code: c for c in Competency.objects.filter(agency=agency)}
    assert set(teknis) == {"T.01", "T.02"}
    for competency in teknis.values():
        levels = list(competency.levels.order_by("level"))
        assert [lv.level for lv in levels] == [1, 2, 3, 4, 5]
        assert all(lv.title and 2 <= len(lv.indicators) <= 3 for lv in levels)
    assert PositionStandard.objects.filter(
        agency=agency, competency__code="T.01", position__name="Camat"
    ).exists()

    audit = AuditEvent.objects.filter(agency=agency, action="demo.load")
    assert audit.count() == 1
    assert "Login demo" in output and "http://127.0.0.1:8000/" in output


def test_rangkui_demo_logins():
    output = load_rangkui()
    agency = Agency.objects.get(code="rangkui")
    users = {u.username: u for u in get_user_model().objects.select_related("membership")}
    expected = {
        "admin": ("admin", "Kepala Subbagian Umum dan Kepegawaian"),
        "camat": ("pimpinan", "Camat"),
        "atasan": ("pegawai", "Kepala Seksi Pemerintahan"),
        "pegawai": ("pegawai", None),
    }
    for username, (role, position) in expected.items():
        user = users[username]
        assert user.check_password("kinerja-demo")
        assert user.membership.agency == agency and user.membership.role == role
        employee = Employee.objects.get(user=user)
        assert employee.agency == agency and user.first_name == employee.name
        if position:
            assert employee.position.name == position
        assert username in output and employee.name in output
    atasan, pegawai = (
        Employee.objects.get(user=users["atasan"]),
        Employee.objects.get(user=users["pegawai"]),
    )
    assert atasan.subordinates.count() >= 2
    assert pegawai.supervisor_id == atasan.pk
    assert (
        pegawai.position.position_type == "pelaksana" and pegawai.unit.name == "Seksi Pemerintahan"
    )
    superadmin = users["superadmin"]
    assert superadmin.is_superuser and superadmin.check_password("kinerja-demo")
    assert not Membership.objects.filter(user=superadmin).exists()


def test_rangkui_twice_changes_nothing():
    load_rangkui()
    before = counts()
    nips = set(Employee.objects.values_list("nip", flat=True))
    output = load_rangkui()
    assert counts() == before
    assert set(Employee.objects.values_list("nip", flat=True)) == nips
    assert "tidak ada yang diubah" in output


def test_rangkui_keeps_changed_passwords_and_other_agencies():
    other = Agency.objects.create(code="lain", name="Instansi Lain")
    unit = OrgUnit.objects.create(agency=other, name="Kecamatan Rangkui", kind="instansi")
    position = Position.objects.create(agency=other, name="Camat", position_type="administrator")
    Employee.objects.create(
        agency=other,
        nip="197908172001121002",
        name="Orang Lain",
        gender="L",
        grade="IV/a",
        position=position,
        unit=unit,
    )
    load_rangkui()
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("sandi-baru-123")
    admin.save()
    load_rangkui()
    admin.refresh_from_db()
    assert admin.check_password("sandi-baru-123")
    assert Employee.objects.filter(agency=other).count() == 1
    assert Employee.objects.get(agency=other).name == "Orang Lain"
    assert OrgUnit.objects.filter(agency=other).count() == 1


# --- Synthetic -------------------------------------------------------------------------------


def snapshot(agency: Agency) -> list[tuple]:
    return sorted(
        Employee.objects.filter(agency=agency).values_list(
            "nip",
            "name",
            "gender",
            "grade",
            "asn_status",
            "position__name",
            "unit__name",
            "supervisor__nip",
        )
    )


def test_synthetic_same_seed_gives_identical_agency():
    a = generate_agency(code="sintetis-a", employees=150, seed=7)
    b = generate_agency(code="sintetis-b", employees=150, seed=7)
    assert a.name == "Instansi Sintetis sintetis-a"
    assert snapshot(a) == snapshot(b)
    assert synthetic_rows(employees=150, seed=7) == synthetic_rows(employees=150, seed=7)
    assert synthetic_rows(employees=150, seed=7) != synthetic_rows(employees=150, seed=8)


def test_synthetic_command_builds_a_valid_agency():
    out = io.StringIO()
    call_command("demo", employees=300, agency="sintetis", seed=3, stdout=out)
    agency = Agency.objects.get(code="sintetis")
    assert Employee.objects.filter(agency=agency).count() == 300
    assert_valid_nips(agency)
    roots = assert_supervisor_tree(agency)
    assert len(roots) == 1
    assert_national_standards(agency)
    kinds = Counter(OrgUnit.objects.filter(agency=agency).values_list("kind", flat=True))
    assert kinds["seksi"] >= 20 and kinds["bidang"] >= 3
    per_seksi = Counter(
        Employee.objects.filter(agency=agency, unit__kind="seksi").values_list("unit_id", flat=True)
    )
    assert (
        sorted(per_seksi.values())[1] >= 8 and max(per_seksi.values()) <= 15
    )  # the last may be short
    assert "300 pegawai" in out.getvalue()
    first = snapshot(agency)

    with pytest.raises(CommandError, match="--replace"):
        call_command("demo", employees=300, agency="sintetis", seed=3, stdout=io.StringIO())
    call_command(
        "demo", employees=300, agency="sintetis", seed=3, replace=True, stdout=io.StringIO()
    )
    assert snapshot(agency) == first
    assert (
        PositionStandard.objects.filter(agency=agency).count()
        == 9 * Position.objects.filter(agency=agency).count()
    )


def test_synthetic_large_agency_has_one_root():
    agency = generate_agency(code="besar", employees=1200, seed=2)
    assert Employee.objects.filter(agency=agency).count() == 1200
    assert len(assert_supervisor_tree(agency)) == 1
    assert OrgUnit.objects.filter(agency=agency, parent__isnull=True).count() == 1


def test_synthetic_rows_import_cleanly():
    rows = synthetic_rows(employees=200)
    assert len(rows) == 200 and all(len(row) == len(COLUMNS) for row in rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(reversed(rows))  # subordinates before their supervisors
    agency = Agency.objects.create(code="impor", name="Instansi Impor")
    report = employees_import(
        agency=agency, data=buffer.getvalue().encode(), filename="x.csv", acting_user=None
    )
    assert report.ok, report.errors[:5]
    assert report.created == 200 and report.applied
    assert len(assert_supervisor_tree(agency)) == 1
    supervisor_of = dict(
        Employee.objects.filter(agency=agency).values_list("nip", "supervisor__nip")
    )
    assert supervisor_of == {row[0]: row[9] or None for row in rows}


def test_command_needs_a_mode():
    with pytest.raises(CommandError):
        call_command("demo", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--agency"):
        call_command("demo", employees=10, stdout=io.StringIO())


# --- Rangkui: the running cycle --------------------------------------------------------------


def test_rangkui_has_last_years_final_cycle_with_results_for_every_demo_login():
    from kinerja.results.models import CycleResult, EmployeeResult

    load_rangkui()
    agency = Agency.objects.get(code="rangkui")
    cycle = Cycle.objects.get(agency=agency, status="final")
    assert cycle.name == "Penilaian Kompetensi 360° Tahun 2025" and cycle.finalised_at
    assert CycleResult.objects.get(cycle=cycle).is_final
    results = EmployeeResult.objects.filter(cycle=cycle)
    assert results.count() == Employee.objects.filter(agency=agency).count()
    for username in ("pegawai", "atasan", "camat"):
        mine = results.get(employee__user__username=username)
        assert mine.jpm is not None and mine.predikat and mine.nine_box, username
    # The catalog covers the demo's gaps: every employee with a gap gets a recommendation.
    from kinerja.development.models import Training
    from kinerja.development.selectors import recommendations_for

    assert Training.objects.filter(agency=agency).count() >= 15
    pegawai = Employee.objects.get(agency=agency, user__username="pegawai")
    result, recs = recommendations_for(employee=pegawai)
    assert result is not None and result.cycle == cycle
    assert all(r.options for r in recs)  # coaching is always among them
    # A realistic spread, not one predikat for everybody.
    assert len(set(results.values_list("predikat", flat=True))) >= 3
    assert len(set(results.values_list("nine_box", flat=True))) >= 3


def test_rangkui_has_a_running_cycle_with_some_forms_done_and_the_demo_logins_open():
    load_rangkui()
    agency = Agency.objects.get(code="rangkui")
    cycle = Cycle.objects.get(agency=agency, status="berjalan")
    assert cycle.name == "Penilaian Kompetensi 360° Tahun 2026"
    assert (str(cycle.period_start), str(cycle.period_end)) == ("2026-01-01", "2026-12-31")
    assert cycle.is_open and cycle.items and cycle.framework_id
    forms = RaterAssignment.objects.filter(cycle=cycle)
    done = forms.filter(response__submitted_at__isnull=False).count()
    assert 0.35 <= done / forms.count() <= 0.5
    assert set(forms.values_list("relation", flat=True)) == {"diri", "atasan", "rekan", "bawahan"}
    for username in ("pegawai", "atasan"):
        mine = forms.filter(rater__user__username=username)
        assert mine.count() >= 3 and not mine.filter(response__isnull=False).exists(), username
        assert not Acknowledgement.objects.filter(cycle=cycle, user__username=username).exists()


def test_rangkui_twice_makes_no_second_cycle_and_keeps_a_hand_made_one():
    load_rangkui()
    agency = Agency.objects.get(code="rangkui")
    responses = Response.objects.count()
    load_rangkui()
    assert Cycle.objects.filter(agency=agency).count() == 2
    assert Response.objects.count() == responses
    # An agency whose admin already made a cycle gets no demo cycle on top.
    Cycle.objects.filter(agency=agency).delete()
    services.cycle_create(
        agency=agency,
        acting_user=None,
        name="Siklus buatan admin",
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 12, 31),
        deadline=timezone.now() + dt.timedelta(days=10),
    )
    load_rangkui()
    assert list(Cycle.objects.filter(agency=agency).values_list("name", flat=True)) == [
        "Siklus buatan admin"
    ]
