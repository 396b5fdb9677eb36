"""Hostile uploads (zip bomb, XML entity bomb, oversized sheets) are refused early, with bounded
memory and an Indonesian message, by every import; nothing in the database changes."""

from __future__ import annotations

import datetime as dt
import io
import re
import tracemalloc
import zipfile
from collections.abc import Callable

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from kinerja.assessment import services as assessment_services
from kinerja.assessment.importing import work_results_import
from kinerja.competencies.services import standards_import
from kinerja.core.errors import KinerjaError
from kinerja.core.spreadsheets import read_table
from kinerja.development.services import trainings_import
from kinerja.organisation.importing import COLUMNS, employees_import

SHEET = "xl/worksheets/sheet1.xml"
ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
UNSAFE = "strukturnya tidak wajar"


def _workbook(headers: list[str]) -> bytes:
    book = Workbook()
    book.active.append(headers)
    book.active.append(["1"] * len(headers))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rebuild(base: bytes, change: Callable[[bytes], bytes]) -> bytes:
    """The same workbook with its first sheet's XML changed."""
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == SHEET:
                data = change(data)
            target.writestr(info.filename, data)
    return out.getvalue()


def zip_bomb(headers: list[str], *, mib: int = 150) -> bytes:
    """About 0.5 MiB on disk; its sheet inflates to `mib` MiB of repeated rows."""
    rows = ROW * (mib * 1024 * 1024 // len(ROW))

    def inflate(xml: bytes) -> bytes:  # without <dimension>, a reader reads every row
        xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
        return xml.replace(b"</sheetData>", rows + b"</sheetData>")

    return _rebuild(_workbook(headers), inflate)


def entity_bomb(headers: list[str], *, padding: int = 0) -> bytes:
    """Billion laughs in the sheet XML: a DOCTYPE whose entities expand exponentially.

    `padding` puts a comment before the DOCTYPE, past the cheap scan, so defusedxml refuses it."""
    doctype = (
        b'<?xml version="1.0"?><!--' + b"x" * padding + b'--><!DOCTYPE lolz [<!ENTITY l0 "lol">'
    )
    for i in range(1, 10):
        doctype += b'<!ENTITY l%d "%s">' % (i, b"".join(b"&l%d;" % (i - 1) for _ in range(10)))
    doctype += b"]>"
    # openpyxl writes the sheet without an XML declaration; the value "1" becomes &l9;
    return _rebuild(_workbook(headers), lambda d: doctype + d.replace(b">1<", b">&l9;<", 1))


def late_entity_bomb(headers: list[str]) -> bytes:
    return entity_bomb(headers, padding=8192)


BOMBS = [zip_bomb, entity_bomb, late_entity_bomb]
IDS = ["zip_bomb", "entity_bomb", "late_entity_bomb"]


def db_counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label
        in ("organisation", "competencies", "development", "assessment", "core", "results")
    }


def refused_within_memory(call: Callable[[], object], *, limit_mib: int = 50) -> KinerjaError:
    tracemalloc.start()
    try:
        with pytest.raises(KinerjaError) as caught:
            call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < limit_mib * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"
    return caught.value


def test_zip_bomb_is_small_on_disk_and_huge_inflated():
    bomb = zip_bomb(["nip"])
    assert len(bomb) < 1024 * 1024
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(bomb)).infolist()) > 100 * 2**20


@pytest.mark.parametrize("build", BOMBS, ids=IDS)
def test_employee_import_page_refuses_hostile_workbooks(client, world, build):
    client.force_login(world.admin)
    data = build(list(COLUMNS))
    before = db_counts()
    tracemalloc.start()
    try:
        response = client.post(
            reverse("organisation:import_employees"),
            {"file": SimpleUploadedFile("pegawai.xlsx", data)},
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    assert UNSAFE in response.content.decode()
    assert peak < 50 * 2**20
    assert db_counts() == before


def _cycle(world):
    return assessment_services.cycle_create(
        agency=world.agency,
        acting_user=world.admin,
        name="Siklus Uji",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        deadline=timezone.now() + dt.timedelta(days=30),
    )


IMPORTS = {
    "employees": lambda w, data: employees_import(
        agency=w.agency, data=data, filename="x.xlsx", acting_user=w.admin
    ),
    "standards": lambda w, data: standards_import(
        agency=w.agency, data=data, filename="x.xlsx", acting_user=w.admin
    ),
    "trainings": lambda w, data: trainings_import(
        agency=w.agency, data=data, filename="x.xlsx", acting_user=w.admin
    ),
    "work_results": None,  # needs a cycle, made before the counts are taken
}


@pytest.mark.parametrize("kind", sorted(IMPORTS))
@pytest.mark.parametrize("build", BOMBS, ids=IDS)
def test_every_import_service_refuses_hostile_workbooks(world, framework, kind, build):
    data = build(["nip", "nama", "kode"])
    run = IMPORTS[kind]
    if run is None:
        cycle = _cycle(world)
        run = lambda w, d: work_results_import(  # noqa: E731
            cycle=cycle, data=d, filename="x.xlsx", acting_user=w.admin
        )
    before = db_counts()
    error = refused_within_memory(lambda: run(world, data))
    assert error.code == "unsafe_file"
    assert UNSAFE in error.message
    assert db_counts() == before


def test_not_a_zip_is_unreadable_not_a_crash():
    with pytest.raises(KinerjaError) as caught:
        read_table(b"PK\x03\x04 nonsense", "x.xlsx", required=["nip"])
    assert caught.value.code == "unreadable_file"


def test_too_many_members_is_refused(settings):
    settings.KINERJA_IMPORT_MAX_ZIP_MEMBERS = 20
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for i in range(21):
            archive.writestr(f"x{i}.txt", "x")
    with pytest.raises(KinerjaError) as caught:
        read_table(out.getvalue(), "x.xlsx", required=["nip"])
    assert caught.value.code == "unsafe_file"


def test_row_cap_stops_a_long_sheet_early(settings):
    settings.KINERJA_IMPORT_MAX_ROWS = 1000
    data = _rebuild(
        _workbook(["nip"]), lambda d: d.replace(b"</sheetData>", ROW * 5000 + b"</sheetData>")
    )
    with pytest.raises(KinerjaError) as caught:
        read_table(data, "x.xlsx", required=["nip"])
    assert caught.value.code == "too_many_cells"
    assert "1000" in caught.value.message


def test_column_cap_for_xlsx_and_csv(settings):
    settings.KINERJA_IMPORT_MAX_COLUMNS = 10
    book = Workbook()
    book.active.append([f"c{i}" for i in range(11)])
    buffer = io.BytesIO()
    book.save(buffer)
    for data, name in (
        (buffer.getvalue(), "x.xlsx"),
        (",".join(f"c{i}" for i in range(11)).encode(), "x.csv"),
    ):
        with pytest.raises(KinerjaError) as caught:
            read_table(data, name, required=["c0"])
        assert caught.value.code == "too_many_cells"


def test_csv_row_cap(settings):
    settings.KINERJA_IMPORT_MAX_ROWS = 100
    data = ("nip\n" + "1\n" * 101).encode()
    with pytest.raises(KinerjaError) as caught:
        read_table(data, "x.csv", required=["nip"])
    assert caught.value.code == "too_many_cells"
    read_table(("nip\n" + "1\n" * 100).encode(), "x.csv", required=["nip"])


def test_csv_with_a_giant_field_is_unreadable_not_a_crash():
    data = b'nip\n"' + b"x" * (200 * 1024) + b'"\n'
    with pytest.raises(KinerjaError) as caught:
        read_table(data, "x.csv", required=["nip"])
    assert caught.value.code == "unreadable_file"
