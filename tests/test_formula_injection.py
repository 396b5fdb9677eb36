"""Formula injection (issue 10): every XLSX and CSV the product hands out keeps hostile text as
text. A world where names, units, positions, competencies, trainings, the cycle and the agency
begin with = + - @ tab or CR is exported through every export URL, and each file is read back:
no formula cell, every such text marked quotePrefix (XLSX) or led by an apostrophe (CSV), and
the hostile text itself present, so a missing row cannot pass for a safe one."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import Workbook, load_workbook

from kinerja.assessment.models import Cycle
from kinerja.competencies.models import Competency, PositionStandard
from kinerja.core.models import Agency
from kinerja.core.spreadsheets import FORMULA_PREFIXES, csv_writer, write_xlsx, xlsx_row
from kinerja.objections.services import objection_file
from kinerja.organisation.models import Employee, OrgUnit, Position
from kinerja.results import services as results
from kinerja.results.models import EmployeeResult

from .conftest import make_employee
from .test_assessment_services import add_teknis
from .test_development_pages import training
from .test_results_services import closed_cycle  # noqa: F401  (fixture)
from .test_talent_pages import standard_for, store

EVIL = "http://evil.example"
# The three world employees (Sari is rated and computed; all three are raters).
STAFF_NAME = f'=HYPERLINK("{EVIL}","klik")'
SUPERVISOR_NAME = "+1+1"
PEER_NAME = "-2+3"
# One employee stored in each 9-box box: every prefix at least once, CR and tab among them.
BOX_NAMES = {
    1: "@SUM(A1)",
    2: "\t=1",
    3: "\r=1",
    4: "=1+1",
    5: "+SUM(1;2)",
    6: f'-HYPERLINK("{EVIL}")',
    7: f'@HYPERLINK("{EVIL}","kotak7")',
    8: f'\t=HYPERLINK("{EVIL}","tab")',
    9: f'\r=HYPERLINK("{EVIL}","cr")',
}
AGENCY_NAME = f'=HYPERLINK("{EVIL}","instansi")'
SUBUNIT_NAME = f'=HYPERLINK("{EVIL}","unit")'
SERVICE_UNIT_NAME = "-Seksi Pelayanan"
STAFF_POSITION_NAME = "+Pengadministrasi"
HEAD_POSITION_NAME = "@Kepala Seksi"
SERVICE_POSITION_NAME = "\t=Pelaksana Pelayanan"
TARGET_NAME = "\r=Kepala Seksi Pelayanan"
CYCLE_NAME = "@Siklus 2026"
COMPETENCY_CODE = "=T.01"
COMPETENCY_NAME = f'-HYPERLINK("{EVIL}","kompetensi")'
TRAINING_CODE = "+PLT-1"
TRAINING_NAME = f'=HYPERLINK("{EVIL}","pelatihan")'
COMMENT = f'=HYPERLINK("{EVIL}","komentar")'  # stored, and by design in no export

PERSONS = [STAFF_NAME, *BOX_NAMES.values()]  # everyone with a result
RATERS = [STAFF_NAME, SUPERVISOR_NAME, PEER_NAME]
ORGANISATION = [SUBUNIT_NAME, SERVICE_UNIT_NAME, STAFF_POSITION_NAME, SERVICE_POSITION_NAME]


def as_read(text: str) -> str:
    """XML turns a CR into LF when a workbook is read (openpyxl, Excel alike): not a formula
    matter, but the hostile CR names are looked for as the reader sees them."""
    return text.replace("\r", "\n")


# --- the hostile world ---------------------------------------------------------------------------


@pytest.fixture
def hostile_teknis(world, framework) -> Competency:
    """A teknis competency of the staff position with a hostile code and name, made before the
    cycle so that the cycle freezes it as one of its items; standard 5, so Sari has a gap."""
    competency = add_teknis(world, COMPETENCY_CODE, position=world.staff_position, level=5)
    Competency.objects.filter(pk=competency.pk).update(name=COMPETENCY_NAME)
    return competency


@dataclass
class Hostile:
    cycle: Cycle
    subunit: OrgUnit
    service_unit: OrgUnit
    target: Position


@pytest.fixture
def hostile(world, hostile_teknis, closed_cycle) -> Hostile:  # noqa: F811
    """The closed cycle computed and final, one more employee in each box 1..9, a target
    position with a standard, a catalog training for the gaps; then every text renamed hostile."""
    results.results_compute(cycle=closed_cycle, acting_user=world.admin)
    results.results_finalise(cycle=closed_cycle, acting_user=world.admin)
    cycle = Cycle.objects.get(pk=closed_cycle.pk)

    service = OrgUnit.objects.create(
        agency=world.agency, name=SERVICE_UNIT_NAME, kind="seksi", parent=world.unit
    )
    service_position = Position.objects.create(
        agency=world.agency, name=SERVICE_POSITION_NAME, position_type="pelaksana", unit=service
    )
    gaps = {
        "M.01": {"score": 2.0, "required": 3, "gap": -1.0, "meets": False},
        "M.02": {"score": 3.0, "required": 2, "gap": 1.0, "meets": True},
        COMPETENCY_CODE: {"score": 2.0, "required": 5, "gap": -3.0, "meets": False},
    }
    for box, name in BOX_NAMES.items():
        person = make_employee(world.agency, unit=service, position=service_position, name=name)
        row = store(cycle, person, box=box, jpm=60.0 + box)
        row.items = gaps
        row.save(update_fields=["items"])

    target = Position.objects.create(
        agency=world.agency,
        name=TARGET_NAME,
        position_type="pengawas",
        unit=world.unit,
        min_grade="III/a",
    )
    standard_for(target, {"M.01": 3, "M.02": 3})
    PositionStandard.objects.create(
        agency=world.agency, position=target, competency=hostile_teknis, required_level=3
    )
    training(world, TRAINING_CODE, ["M.01", COMPETENCY_CODE], name=TRAINING_NAME)
    objection_file(
        cycle=cycle,
        employee=world.staff_employee,
        reasons="Saya keberatan atas rating perilaku.",
        acting_user=world.staff,
    )

    Agency.objects.filter(pk=world.agency.pk).update(name=AGENCY_NAME)
    OrgUnit.objects.filter(pk=world.subunit.pk).update(name=SUBUNIT_NAME)
    Position.objects.filter(pk=world.staff_position.pk).update(name=STAFF_POSITION_NAME)
    Position.objects.filter(pk=world.head_position.pk).update(name=HEAD_POSITION_NAME)
    for employee, name in (
        (world.staff_employee, STAFF_NAME),
        (world.supervisor_employee, SUPERVISOR_NAME),
        (world.peer_employee, PEER_NAME),
    ):
        Employee.objects.filter(pk=employee.pk).update(name=name)
    Cycle.objects.filter(pk=cycle.pk).update(name=CYCLE_NAME)
    staff_result = EmployeeResult.objects.get(cycle=cycle, employee=world.staff_employee)
    staff_result.comments = [*staff_result.comments, {"source": "atasan", "text": COMMENT}]
    staff_result.save(update_fields=["comments"])
    return Hostile(cycle, world.subunit, service, target)


# --- the table: every export URL ------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    name: str  # the URL name, namespaced
    args: tuple = ()
    query: dict = field(default_factory=dict)
    cells: tuple[str, ...] = ()  # hostile texts that must be a whole cell (field) of the file
    inside: tuple[str, ...] = ()  # hostile texts that must appear within some cell


def exports(h: Hostile) -> dict[str, Export]:
    cycle = h.cycle.pk
    members = (SERVICE_UNIT_NAME, SERVICE_POSITION_NAME)
    table = [
        Export(
            "results:export_xlsx",
            (cycle,),
            cells=(*PERSONS, *ORGANISATION, COMPETENCY_CODE, COMPETENCY_NAME),
            inside=(CYCLE_NAME,),
        ),
        Export(
            "results:export_csv",
            (cycle,),
            cells=(*PERSONS, *ORGANISATION, COMPETENCY_CODE, COMPETENCY_NAME),
        ),
        *(
            Export(
                "talent:box_xlsx",
                (cycle, box),
                cells=(BOX_NAMES[box], *members),
                inside=(CYCLE_NAME,),
            )
            for box in BOX_NAMES
        ),
        Export(
            "talent:box_xlsx",
            (cycle, 9),
            {"unit": h.service_unit.pk, "jenis": "pelaksana"},
            cells=(BOX_NAMES[9], *members),
        ),
        Export(
            "talent:pool_xlsx",
            (cycle,),
            cells=(BOX_NAMES[7], BOX_NAMES[8], BOX_NAMES[9], *members),
            inside=(CYCLE_NAME,),
        ),
        Export(
            "talent:pool_xlsx",
            (cycle,),
            {"unit": h.service_unit.pk, "jenis": "pelaksana"},
            cells=(BOX_NAMES[7], BOX_NAMES[8], BOX_NAMES[9], *members),
        ),
        Export(
            "talent:candidates_xlsx",
            (h.target.pk,),
            cells=(*PERSONS, *ORGANISATION),
            inside=(TARGET_NAME, CYCLE_NAME, COMPETENCY_NAME, TRAINING_NAME),
        ),
        Export(
            "development:needs_export",
            cells=(
                SUBUNIT_NAME,
                SERVICE_UNIT_NAME,
                COMPETENCY_CODE,
                COMPETENCY_NAME,
                TRAINING_CODE,
                TRAINING_NAME,
                AGENCY_NAME,
            ),
        ),
        Export(
            "assessment:cycle_progress_xlsx",
            (cycle,),
            cells=(*RATERS, SUBUNIT_NAME),
            inside=(CYCLE_NAME,),
        ),
        Export(
            "assessment:cycle_progress_xlsx",
            (cycle,),
            {"unit": h.subunit.pk},
            cells=(*RATERS, SUBUNIT_NAME),
        ),
        # Import templates: the standards one lists the agency's own positions and codes; the
        # other three are fixed text, covered so that they stay so.
        Export(
            "competencies:standards_template",
            cells=(STAFF_POSITION_NAME, TARGET_NAME, COMPETENCY_CODE),
        ),
        Export(
            "objections:hr_export",
            cells=(STAFF_NAME, SUBUNIT_NAME),
            inside=(CYCLE_NAME,),
        ),
        Export("organisation:import_template"),
        Export("development:catalog_template"),
        Export("assessment:work_results_template", (cycle,)),
    ]
    return {case_id(e): e for e in table}


def case_id(export: Export) -> str:
    args = ",".join(str(a) for a in export.args[1:] if export.name == "talent:box_xlsx")
    query = "?" + "&".join(export.query) if export.query else ""
    return f"{export.name}{f'[{args}]' if args else ''}{query}"


# The ids of the table, for parametrize (args are ids the fixture makes, so they are rebuilt).
CASES = [
    "results:export_xlsx",
    "results:export_csv",
    *(f"talent:box_xlsx[{box}]" for box in BOX_NAMES),
    "talent:box_xlsx[9]?unit&jenis",
    "talent:pool_xlsx",
    "talent:pool_xlsx?unit&jenis",
    "talent:candidates_xlsx",
    "development:needs_export",
    "assessment:cycle_progress_xlsx",
    "assessment:cycle_progress_xlsx?unit",
    "competencies:standards_template",
    "objections:hr_export",
    "organisation:import_template",
    "development:catalog_template",
    "assessment:work_results_template",
]


def download(client, export: Export) -> bytes:
    response = client.get(reverse(export.name, args=export.args), export.query)
    assert response.status_code == 200, export
    assert "attachment" in response["Content-Disposition"]
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


# --- reading a file back --------------------------------------------------------------------------


def xlsx_cells(content: bytes) -> list:
    """Every cell with a value, on every sheet, with formulas and quotePrefix as stored: a
    normal (not read-only) workbook, so data_type and the cell style are loaded."""
    book = load_workbook(io.BytesIO(content))
    return [
        c
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if c.value is not None
    ]


def assert_xlsx_inert(content: bytes, export: Export) -> None:
    cells = xlsx_cells(content)
    assert cells
    for cell in cells:
        where = (cell.parent.title, cell.coordinate, cell.value)
        assert cell.data_type != "f", where
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
            assert cell.data_type == "s" and cell.quotePrefix, where
    texts = [c.value for c in cells if isinstance(c.value, str)]
    for hostile in export.cells:
        matches = [c for c in cells if c.value == as_read(hostile)]
        assert matches, f"{hostile!r} is not a cell of {export.name}"
        # Also the CR names, which read back beginning with LF, were written as text.
        assert all(c.data_type == "s" and c.quotePrefix for c in matches), hostile
    for hostile in export.inside:
        assert any(as_read(hostile) in text for text in texts), (hostile, export.name)
    assert not any(COMMENT in text for text in texts)


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


CSV_DANGER = (*FORMULA_PREFIXES, "|", "%")  # what defusedcsv also defuses


def assert_csv_inert(content: bytes, export: Export) -> None:
    text = content.decode("utf-8-sig")
    fields = [f for row in csv.reader(io.StringIO(text, newline="")) for f in row]
    assert len(fields) > 1
    for value in fields:
        assert not value.startswith(CSV_DANGER) or is_number(value), value
    for hostile in export.cells:
        assert "'" + hostile in fields, f"{hostile!r} is not a field of {export.name}"
    assert COMMENT not in text


# --- the tests -------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_every_export_writes_hostile_text_as_text_never_as_a_formula(client, world, hostile, case):
    table = exports(hostile)
    assert sorted(table) == sorted(CASES)
    export = table[case]
    client.force_login(world.admin)
    content = download(client, export)
    if export.name.endswith("_csv"):
        assert_csv_inert(content, export)
    else:
        assert_xlsx_inert(content, export)


def _export_urls(resolver: URLResolver, namespace: str = "", prefix: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _export_urls(pattern, inner, route)
        elif isinstance(pattern, URLPattern) and route.rstrip("$").endswith((".xlsx", ".csv")):
            names.add(f"{namespace}{pattern.name}")
    return names


def test_the_table_covers_every_xlsx_and_csv_url_of_the_product():
    covered = {case.split("[")[0].split("?")[0] for case in CASES}
    assert _export_urls(get_resolver()) == covered


def test_the_api_hands_out_no_file_that_the_table_would_miss():
    from kinerja.api.urls import api

    schema = api.get_openapi_schema()
    types = {
        content_type
        for operations in schema["paths"].values()
        for operation in operations.values()
        for response in operation.get("responses", {}).values()
        for content_type in (response.get("content") or {})
    }
    # PDF reports (kinerja/reports) carry no formulas: only spreadsheets need the table.
    assert types <= {"application/json", "application/pdf"}
    assert not any("sheet" in t or "csv" in t or "excel" in t for t in types)


# --- the writer itself -----------------------------------------------------------------------------

HOSTILE = ['=HYPERLINK("http://evil.example","klik")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
HARMLESS = ["Sari Staf", "a=b", "'=already quoted", " =1", "2+3"]
NUMBERS = [1, 2.5, -3, 0, -0.25, Decimal("4.50")]


@pytest.mark.parametrize("write_only", [False, True])
def test_xlsx_cell_keeps_text_exactly_marks_formula_text_and_leaves_numbers(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    values = [*HOSTILE, *HARMLESS, *NUMBERS, dt.date(2026, 1, 31), None, "end"]
    sheet.append(xlsx_row(sheet, values))
    buffer = io.BytesIO()
    book.save(buffer)

    row = next(load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0].iter_rows())
    for value, cell in zip(values, row, strict=True):
        if isinstance(value, str):
            assert cell.value == as_read(value) and cell.data_type == "s", value
            assert cell.quotePrefix is (value in HOSTILE), value
        elif isinstance(value, (int, float, Decimal)):
            assert cell.value == value and cell.data_type == "n" and not cell.quotePrefix
        elif isinstance(value, dt.date):
            assert cell.value == dt.datetime(2026, 1, 31) and cell.is_date
        else:
            assert cell.value is None


def test_write_xlsx_headers_rows_and_notes_are_inert():
    content = write_xlsx(HOSTILE, [HOSTILE, NUMBERS], title="=judul", notes=HOSTILE)
    cells = xlsx_cells(content)
    assert all(c.data_type != "f" for c in cells)
    formula_text = [c for c in cells if c.value in [as_read(h) for h in HOSTILE]]
    assert len(formula_text) == 3 * len(HOSTILE) and all(c.quotePrefix for c in formula_text)
    assert [c.value for c in cells if c.data_type == "n"] == NUMBERS


def test_csv_writer_puts_an_apostrophe_before_formula_text_only():
    buffer = io.StringIO(newline="")
    writer = csv_writer(buffer)
    writer.writerow([*HOSTILE, *HARMLESS, *NUMBERS, "-3", None])
    row = next(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert row[: len(HOSTILE)] == ["'" + value for value in HOSTILE]
    rest = row[len(HOSTILE) :]
    assert rest[: len(HARMLESS)] == HARMLESS
    # Numbers stay numbers, and so does a negative number written as text.
    assert rest[len(HARMLESS) :] == [*(str(n) for n in NUMBERS), "-3", ""]
