"""Employee import: real XLSX/CSV files, every validation rule, all-or-nothing, idempotence."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kinerja.core.errors import KinerjaError
from kinerja.core.models import AuditEvent
from kinerja.organisation.importing import COLUMNS, employees_import
from kinerja.organisation.models import Employee, OrgUnit, Position

from .conftest import make_nip

HEAD, KASI = 0, 1  # indexes in valid_rows(): the camat, the kepala seksi; the rest are staff


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- building files ------------------------------------------------------------------------


def file_nip(index: int, gender: str) -> str:
    # Born 1990: never clashes with the `world` fixture's NIPs (born 1985).
    return make_nip(gender=gender, year=1990, seq=index + 1)


def valid_rows(n: int = 6) -> list[dict[str, object]]:
    """A camat, a kepala seksi under the camat and n-2 staff under the kepala seksi."""
    head = file_nip(HEAD, "L")
    kasi = file_nip(KASI, "P")
    rows: list[dict[str, object]] = [
        {
            "nip": head,
            "nama": "Drs. Ahmad Uji, M.Si.",
            "jenis_kelamin": "L",
            "golongan": "IV/a",
            "status_asn": "PNS",
            "jenis_jabatan": "Administrator",
            "jabatan": "Camat Uji",
            "unit_kerja": "Kecamatan Uji",
            "email": "camat@uji.go.id",
        },
        {
            "nip": kasi,
            "nama": "Siti Uji, S.Sos.",
            "jenis_kelamin": "P",
            "golongan": "III/c",
            "status_asn": "PNS",
            "jenis_jabatan": "Pengawas",
            "jabatan": "Kepala Seksi Uji",
            "unit_kerja": "Seksi Uji",
            "unit_induk": "Kecamatan Uji",
            "nip_atasan": head,
        },
    ]
    for i in range(2, n):
        gender = "L" if i % 2 else "P"
        pns = i % 2 == 0
        rows.append(
            {
                "nip": file_nip(i, gender),
                "nama": f"Staf Uji {i}",
                "jenis_kelamin": gender,
                "golongan": "II/c" if pns else "VII",
                "status_asn": "PNS" if pns else "PPPK",
                "jenis_jabatan": "Pelaksana",
                "jabatan": "Pengadministrasi Uji",
                "unit_kerja": "Seksi Uji",
                "unit_induk": "Kecamatan Uji",
                "nip_atasan": kasi,
            }
        )
    return rows


def xlsx_bytes(rows: list[dict[str, object]], headers: list[str] = COLUMNS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) if row.get(h) != "" else None for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[dict[str, object]], *, delimiter: str = ",", bom: bool = False) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.get(h) or "" for h in COLUMNS])
    return ("\ufeff" if bom else "").encode() + text.getvalue().encode()


def run_import(world, rows, *, agency=None, **kwargs):
    return employees_import(
        agency=agency or world.agency,
        data=xlsx_bytes(rows),
        filename="pegawai.xlsx",
        acting_user=world.admin,
        **kwargs,
    )


def db_counts() -> tuple[int, int, int, int]:
    return (
        Employee.objects.count(),
        OrgUnit.objects.count(),
        Position.objects.count(),
        AuditEvent.objects.count(),
    )


def imported(world, nip: str) -> Employee:
    return Employee.objects.get(agency=world.agency, nip=nip)


# --- a valid file ----------------------------------------------------------------------------


def test_valid_file_creates_units_positions_employees_and_supervisors(world):
    rows = valid_rows(6)
    report = run_import(world, rows)

    assert report.ok and report.applied
    assert (report.rows, report.created, report.updated, report.unchanged) == (6, 6, 0, 0)
    assert sorted(report.units_created) == ["Kecamatan Uji", "Seksi Uji"]
    assert sorted(report.positions_created) == [
        "Camat Uji",
        "Kepala Seksi Uji",
        "Pengadministrasi Uji",
    ]

    kecamatan = OrgUnit.objects.get(agency=world.agency, name="Kecamatan Uji")
    seksi = OrgUnit.objects.get(agency=world.agency, name="Seksi Uji")
    assert kecamatan.parent is None
    assert seksi.parent == kecamatan
    types = dict(Position.objects.filter(agency=world.agency).values_list("name", "position_type"))
    assert types["Camat Uji"] == "administrator"
    assert types["Kepala Seksi Uji"] == "pengawas"
    assert types["Pengadministrasi Uji"] == "pelaksana"

    head, kasi = imported(world, rows[HEAD]["nip"]), imported(world, rows[KASI]["nip"])
    assert (head.name, head.gender, head.grade, head.asn_status) == (
        "Drs. Ahmad Uji, M.Si.",
        "L",
        "IV/a",
        "PNS",
    )
    assert head.email == "camat@uji.go.id"
    assert head.unit == kecamatan and head.position.name == "Camat Uji"
    assert head.supervisor is None
    assert kasi.supervisor == head and kasi.unit == seksi and kasi.gender == "P"
    for row in rows[2:]:
        staff = imported(world, row["nip"])
        assert staff.supervisor == kasi
        assert (staff.grade, staff.asn_status) == (row["golongan"], row["status_asn"])

    event = AuditEvent.objects.get(agency=world.agency, action="employee.import")
    assert event.actor == world.admin
    assert {c["nip"] for c in event.after["changes"]} == {r["nip"] for r in rows}


def test_reimporting_the_same_file_changes_nothing(world):
    rows = valid_rows(6)
    run_import(world, rows)
    stamps = dict(Employee.objects.filter(agency=world.agency).values_list("nip", "updated_at"))
    counts = db_counts()

    report = run_import(world, rows)

    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)
    assert report.units_created == [] and report.positions_created == []
    assert db_counts() == counts  # includes AuditEvent: no new event
    assert (
        dict(Employee.objects.filter(agency=world.agency).values_list("nip", "updated_at"))
        == stamps
    )


def test_changed_golongan_updates_only_that_employee_and_is_audited(world):
    rows = valid_rows(6)
    run_import(world, rows)
    stamps = dict(Employee.objects.filter(agency=world.agency).values_list("nip", "updated_at"))
    events = AuditEvent.objects.count()
    changed_nip = rows[2]["nip"]
    rows[2]["golongan"] = "III/a"

    report = run_import(world, rows)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 5)
    assert imported(world, changed_nip).grade == "III/a"
    after = dict(Employee.objects.filter(agency=world.agency).values_list("nip", "updated_at"))
    assert after[changed_nip] > stamps[changed_nip]
    assert {n: t for n, t in after.items() if n != changed_nip} == {
        n: t for n, t in stamps.items() if n != changed_nip
    }
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.filter(action="employee.import").order_by("-id").first()
    assert event.after["changes"] == [
        {"nip": changed_nip, "action": "update", "fields": {"grade": ["II/c", "III/a"]}}
    ]


def test_changed_supervisor_is_counted_as_an_update(world):
    rows = valid_rows(4)
    run_import(world, rows)
    rows[3]["nip_atasan"] = rows[HEAD]["nip"]

    report = run_import(world, rows)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    assert imported(world, rows[3]["nip"]).supervisor == imported(world, rows[HEAD]["nip"])


@pytest.mark.parametrize(
    ("delimiter", "bom"),
    [(",", False), (";", True), (";", False)],
    ids=["comma", "semicolon-bom", "semicolon"],
)
def test_csv_files_import_like_xlsx(world, delimiter, bom):
    rows = valid_rows(5)
    rows[3]["nip"] = "'" + rows[3]["nip"]  # Excel's text prefix survives into CSV exports
    report = employees_import(
        agency=world.agency,
        data=csv_bytes(rows, delimiter=delimiter, bom=bom),
        filename="pegawai.csv",
        acting_user=world.admin,
    )
    assert report.ok, report.errors
    assert report.created == 5
    head = imported(world, rows[HEAD]["nip"])
    assert head.name == "Drs. Ahmad Uji, M.Si."
    assert imported(world, rows[3]["nip"].lstrip("'")).supervisor == imported(
        world, rows[KASI]["nip"]
    )


def test_supervisors_may_come_after_their_staff_in_the_file(world):
    rows = list(reversed(valid_rows(6)))
    report = run_import(world, rows)
    assert report.ok, report.errors
    head = imported(world, rows[-1]["nip"])
    kasi = imported(world, rows[-2]["nip"])
    assert kasi.supervisor == head
    assert all(imported(world, r["nip"]).supervisor == kasi for r in rows[:-2])


def test_supervisor_may_be_an_existing_employee_of_the_agency_not_in_the_file(world):
    rows = valid_rows(3)
    rows[HEAD]["nip_atasan"] = world.supervisor_employee.nip
    report = run_import(world, rows)
    assert report.ok, report.errors
    assert imported(world, rows[HEAD]["nip"]).supervisor == world.supervisor_employee


def test_supervisor_from_another_agency_is_not_matched(world):
    rows = valid_rows(3)
    rows[HEAD]["nip_atasan"] = world.outsider_employee.nip
    counts = db_counts()
    report = run_import(world, rows)
    assert [(e.row, e.column) for e in report.errors] == [(2, "nip_atasan")]
    assert "tidak ada di berkas" in report.errors[0].message
    assert db_counts() == counts


def test_nip_of_another_agencys_employee_creates_a_new_employee_here(world):
    rows = valid_rows(3)
    rows[2].update(nip=world.outsider_employee.nip, jenis_kelamin="L", nama="Pegawai Baru Uji")
    report = run_import(world, rows)
    assert report.ok, report.errors
    assert report.created == 3
    assert imported(world, world.outsider_employee.nip).name == "Pegawai Baru Uji"
    world.outsider_employee.refresh_from_db()
    assert world.outsider_employee.name == "Orang Luar"
    assert world.outsider_employee.agency == world.other_agency


def test_dry_run_validates_and_counts_but_writes_nothing(world):
    counts = db_counts()
    report = run_import(world, valid_rows(6), dry_run=True)
    assert report.ok and report.dry_run and not report.applied
    assert (report.created, report.updated, report.unchanged) == (6, 0, 0)
    assert sorted(report.units_created) == ["Kecamatan Uji", "Seksi Uji"]
    assert report.lines()[0].startswith("Uji coba")
    assert db_counts() == counts


# --- validation --------------------------------------------------------------------------------


def _set(index: int, **values: object) -> Callable[[list[dict[str, object]]], None]:
    return lambda rows: rows[index].update(values)


def _as_float_nip(rows):
    rows[2]["nip"] = float(rows[2]["nip"])


def _as_float_nip_without_gender(rows):
    rows[2].update(nip=float(rows[2]["nip"]), jenis_kelamin=None)


def _as_float_supervisor_nip(rows):
    rows[3]["nip_atasan"] = float(rows[3]["nip_atasan"])


def _duplicate_nip(rows):
    rows[3] = {**rows[2], "nama": "Kembaran"}


def _own_supervisor(rows):
    rows[2]["nip_atasan"] = rows[2]["nip"]


def _cycle(rows):
    rows[HEAD]["nip_atasan"] = rows[KASI]["nip"]  # head → kasi → head


VALIDATION_CASES = [
    pytest.param(_set(2, nip="19900103201103100"), [(4, "nip", "18 digit")], id="nip-17-digits"),
    pytest.param(_set(2, nip="1990010320110310AB"), [(4, "nip", "18 digit")], id="nip-letters"),
    pytest.param(
        _set(2, nip="199002302011031003"), [(4, "nip", "tanggal lahir")], id="nip-bad-date"
    ),
    pytest.param(_as_float_nip, [(4, "nip", "tersimpan sebagai angka")], id="nip-stored-as-number"),
    pytest.param(
        _as_float_nip_without_gender,
        [(4, "nip", "tersimpan sebagai angka")],
        id="nip-number-no-gender",
    ),
    pytest.param(
        _as_float_supervisor_nip,
        [(5, "nip_atasan", "tersimpan sebagai angka")],
        id="atasan-as-number",
    ),
    pytest.param(
        _set(KASI, jenis_kelamin="L"), [(3, "jenis_kelamin", "digit ke-15")], id="gender-mismatch"
    ),
    pytest.param(_set(2, jenis_kelamin="X"), [(4, "jenis_kelamin", "Isi L")], id="gender-unknown"),
    pytest.param(
        _set(2, golongan="III/f"), [(4, "golongan", "bukan golongan PNS")], id="golongan-III/f"
    ),
    pytest.param(
        _set(3, golongan="III/a"), [(5, "golongan", "bukan golongan PPPK")], id="pns-grade-for-pppk"
    ),
    pytest.param(_set(2, golongan=None), [(4, "golongan", "wajib diisi")], id="golongan-missing"),
    pytest.param(
        _set(2, status_asn="Honorer"), [(4, "status_asn", "PNS atau PPPK")], id="status-honorer"
    ),
    pytest.param(
        _set(2, jenis_jabatan="Kepala"), [(4, "jenis_jabatan", "tidak dikenal")], id="jenis-jabatan"
    ),
    pytest.param(_set(2, nama=None), [(4, "nama", "Nama wajib diisi")], id="nama-missing"),
    pytest.param(
        _set(2, jabatan=None), [(4, "jabatan", "jabatan wajib diisi")], id="jabatan-missing"
    ),
    pytest.param(
        _set(2, unit_kerja=None), [(4, "unit_kerja", "Unit kerja wajib diisi")], id="unit-missing"
    ),
    pytest.param(_set(2, email="bukan-email"), [(4, "email", "email tidak valid")], id="email"),
    pytest.param(_duplicate_nip, [(5, "nip", "sama dengan baris 4")], id="duplicate-nip"),
    pytest.param(
        _set(2, nip_atasan=make_nip(year=1970, seq=7)),
        [(4, "nip_atasan", "tidak ada di berkas")],
        id="unknown-atasan",
    ),
    pytest.param(_own_supervisor, [(4, "nip_atasan", "dirinya sendiri")], id="own-supervisor"),
    pytest.param(
        _cycle,
        [(2, "nip_atasan", "melingkar"), (3, "nip_atasan", "melingkar")],
        id="supervisor-cycle",
    ),
]


@pytest.mark.parametrize(("corrupt", "expected"), VALIDATION_CASES)
def test_each_validation_rule_reports_row_column_and_message_and_writes_nothing(
    world, corrupt, expected
):
    rows = valid_rows(6)
    corrupt(rows)
    counts = db_counts()

    report = run_import(world, rows)

    assert not report.ok and not report.applied
    assert [(e.row, e.column) for e in report.errors] == [(r, c) for r, c, _ in expected]
    for error, (_r, _c, fragment) in zip(report.errors, expected, strict=True):
        assert fragment in error.message
    assert db_counts() == counts


def test_several_bad_rows_are_all_reported_at_once_and_nothing_is_written(world):
    rows = valid_rows(7)
    rows[2]["nip"] = "123"
    rows[3]["nama"] = None
    rows[4]["golongan"] = "V/z"
    rows[5]["status_asn"] = "ASN"
    counts = db_counts()

    report = run_import(world, rows)

    assert [(e.row, e.column) for e in report.errors] == [
        (4, "nip"),
        (5, "nama"),
        (6, "golongan"),
        (7, "status_asn"),
    ]
    assert not report.applied
    assert db_counts() == counts
    lines = report.lines()
    assert lines[0].startswith("Impor dibatalkan: 4 kesalahan")
    assert lines[1].startswith("Baris 4, kolom nip: ")


def test_missing_required_column_is_refused_naming_it(world):
    headers = [h for h in COLUMNS if h != "golongan"]
    with pytest.raises(KinerjaError) as caught:
        employees_import(
            agency=world.agency,
            data=xlsx_bytes(valid_rows(3), headers),
            filename="pegawai.xlsx",
            acting_user=world.admin,
        )
    assert caught.value.code == "missing_columns"
    assert "golongan" in caught.value.message


def test_text_file_is_refused_as_bad_file_type(world):
    with pytest.raises(KinerjaError) as caught:
        employees_import(
            agency=world.agency, data=b"nip,nama\n", filename="pegawai.txt", acting_user=world.admin
        )
    assert caught.value.code == "bad_file_type"


# --- property: one corrupted cell anywhere -----------------------------------------------------

CORRUPTIONS = ["nip_digits", "gender", "golongan", "status", "nama", "nip_atasan"]


class _Rollback(Exception):
    pass


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(n=st.integers(5, 15), data=st.data())
def test_one_corrupted_cell_is_reported_on_its_row_and_nothing_is_written(world, n, data):
    rows = valid_rows(n)
    index = data.draw(st.integers(0, n - 1), label="row index")
    kind = data.draw(st.sampled_from(CORRUPTIONS), label="corruption")
    row = rows[index]
    if kind == "nip_digits":
        row["nip"] = row["nip"][:-1] if data.draw(st.booleans(), label="drop") else row["nip"] + "7"
    elif kind == "gender":
        row["jenis_kelamin"] = "X"
    elif kind == "golongan":
        row["golongan"] = "V/z"
    elif kind == "status":
        row["status_asn"] = "ASN"
    elif kind == "nama":
        row["nama"] = None
    else:
        row["nip_atasan"] = make_nip(year=1960, seq=index + 1)  # valid, but nobody has it
    counts = db_counts()[:3]

    try:
        with transaction.atomic():  # each example leaves the database as it found it
            report = run_import(world, rows)
            assert any(e.row == index + 2 for e in report.errors), report.errors
            assert not report.applied
            assert db_counts()[:3] == counts
            raise _Rollback
    except _Rollback:
        pass


def test_pppk_nip_with_pns_status_is_rejected(world):
    row = {
        "nip": "199502202022211001",
        "nama": "Rudi Hartono",
        "jenis_kelamin": "L",
        "golongan": "III/a",
        "status_asn": "PNS",
        "jenis_jabatan": "Pelaksana",
        "jabatan": "Staf",
        "unit_kerja": "Unit X",
    }
    report = run_import(world, [row])
    assert [(e.row, e.column) for e in report.errors] == [(2, "status_asn")]
    assert "PPPK" in report.errors[0].message


def test_import_template_example_rows_import_cleanly(world):
    from kinerja.organisation.importing import import_template_xlsx

    report = employees_import(
        agency=world.agency, data=import_template_xlsx(), filename="t.xlsx", acting_user=world.admin
    )
    assert report.ok, report.errors
    assert report.created == 3
