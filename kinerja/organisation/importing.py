"""Employee import from an agency's spreadsheet: validate every row, then write all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.core.audit import audit_record
from kinerja.core.models import Agency
from kinerja.core.spreadsheets import RowError, read_table, write_xlsx

from .grades import is_valid_grade, normalise_grade
from .models import Employee, OrgUnit, Position
from .nip import NipError, normalise_nip, parse_nip

REQUIRED_COLUMNS = [
    "nip",
    "nama",
    "jenis_kelamin",
    "golongan",
    "status_asn",
    "jenis_jabatan",
    "jabatan",
    "unit_kerja",
]
OPTIONAL_COLUMNS = ["unit_induk", "nip_atasan", "email"]
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

GENDER_WORDS = {
    "l": "L",
    "lk": "L",
    "laki-laki": "L",
    "laki laki": "L",
    "pria": "L",
    "male": "L",
    "m": "L",
    "p": "P",
    "pr": "P",
    "perempuan": "P",
    "wanita": "P",
    "female": "P",
    "f": "P",
}


def _position_type_words() -> dict[str, str]:
    words: dict[str, str] = {}
    for value, label in Position.Type.choices:
        for text in (value, str(label), str(label).replace("Fungsional ", "")):
            words[text.lower().replace("_", " ")] = value
    words.update(
        {
            "jpt": "jpt_pratama",
            "eselon ii": "jpt_pratama",
            "eselon iii": "administrator",
            "eselon iv": "pengawas",
            "jfu": "pelaksana",
            "staf": "pelaksana",
        }
    )
    return words


POSITION_TYPE_WORDS = _position_type_words()


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    units_created: list[str] = field(default_factory=list)
    positions_created: list[str] = field(default_factory=list)
    dry_run: bool = False
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "applied": self.applied,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "units_created": self.units_created,
            "positions_created": self.positions_created,
            "errors": [e.as_dict() for e in self.errors],
        }

    def lines(self) -> list[str]:
        """The report as plain text lines, for the CLI."""
        if self.errors:
            out = [
                _("Impor dibatalkan: %(n)d kesalahan, tidak ada data yang diubah.")
                % {"n": len(self.errors)}
            ]
            out += [
                _("Baris %(row)d, kolom %(col)s: %(msg)s")
                % {"row": e.row, "col": e.column, "msg": e.message}
                for e in self.errors
            ]
            return out
        verb = _("Uji coba (tidak disimpan)") if self.dry_run else _("Impor berhasil")
        return [
            f"{verb}: "
            + _(
                "%(rows)d baris; %(c)d pegawai baru, %(u)d diperbarui, %(s)d tidak berubah; "
                "%(units)d unit baru, %(pos)d jabatan baru."
            )
            % {
                "rows": self.rows,
                "c": self.created,
                "u": self.updated,
                "s": self.unchanged,
                "units": len(self.units_created),
                "pos": len(self.positions_created),
            }
        ]


@dataclass
class _Row:
    number: int
    nip: str
    name: str
    gender: str
    grade: str
    asn_status: str
    position_type: str
    position: str
    unit: str
    parent_unit: str | None
    supervisor_nip: str | None
    email: str


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number_lost_digits(value: Any) -> bool:
    """A NIP typed into a number cell: a float cannot hold 18 digits exactly (2^53 ≈ 9·10^15)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return isinstance(value, float) or len(normalise_nip(value)) != 18


def _parse_row(number: int, raw: dict[str, Any], errors: list[RowError]) -> _Row | None:
    before = len(errors)

    def err(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    nip_raw = raw.get("nip")
    nip = ""
    parsed = None
    if _number_lost_digits(nip_raw):
        err(
            "nip",
            _("NIP tersimpan sebagai angka dan digitnya hilang; format kolom NIP sebagai Teks."),
        )
    else:
        try:
            parsed = parse_nip(nip_raw)
            nip = parsed.value
        except NipError as exc:
            err("nip", str(exc))
            parsed = None
    name = _text(raw.get("nama"))
    if not name:
        err("nama", _("Nama wajib diisi."))
    elif len(name) > 200:
        err("nama", _("Nama terlalu panjang (maksimal 200 karakter)."))
    gender_text = _text(raw.get("jenis_kelamin")).lower()
    gender = GENDER_WORDS.get(gender_text, "")
    if gender_text and not gender:
        err("jenis_kelamin", _("Isi L (laki-laki) atau P (perempuan)."))
    elif nip and gender and parsed is not None and parsed.gender != gender:
        err("jenis_kelamin", _("Tidak sesuai dengan digit ke-15 NIP (1 = L, 2 = P)."))
    if not gender and parsed is not None:
        gender = parsed.gender
    status = _text(raw.get("status_asn")).upper()
    if status not in ("PNS", "PPPK"):
        err("status_asn", _("Isi PNS atau PPPK."))
    elif parsed is not None and parsed.is_pppk and status != "PPPK":
        err(
            "status_asn",
            _("NIP berkode PPPK (digit 13–14 = 21), tetapi status_asn %(s)s.") % {"s": status},
        )
    grade = normalise_grade(raw.get("golongan"))
    if not grade:
        err("golongan", _("Golongan wajib diisi, mis. III/a (PNS) atau IX (PPPK)."))
    elif status in ("PNS", "PPPK") and not is_valid_grade(grade, status):
        example = "III/a" if status == "PNS" else "IX"
        err(
            "golongan",
            _("%(g)s bukan golongan %(s)s yang sah (contoh: %(e)s).")
            % {"g": grade, "s": status, "e": example},
        )
    type_text = _text(raw.get("jenis_jabatan")).lower().replace("_", " ")
    position_type = POSITION_TYPE_WORDS.get(type_text, "")
    if not position_type:
        err(
            "jenis_jabatan",
            _("Jenis jabatan tidak dikenal; contoh: Pengawas, Pelaksana, Ahli Muda."),
        )
    position = _text(raw.get("jabatan"))
    if not position:
        err("jabatan", _("Nama jabatan wajib diisi."))
    unit = _text(raw.get("unit_kerja"))
    if not unit:
        err("unit_kerja", _("Unit kerja wajib diisi."))
    parent_unit = _text(raw.get("unit_induk")) or None
    if parent_unit and parent_unit == unit:
        err("unit_induk", _("Unit induk tidak boleh sama dengan unit kerja."))
    supervisor_nip = normalise_nip(raw.get("nip_atasan")) or None
    if _number_lost_digits(raw.get("nip_atasan")):
        err(
            "nip_atasan",
            _("NIP atasan tersimpan sebagai angka dan digitnya hilang; format kolom sebagai Teks."),
        )
    elif supervisor_nip and nip and supervisor_nip == nip:
        err("nip_atasan", _("Pegawai tidak boleh menjadi atasan dirinya sendiri."))
    email = _text(raw.get("email"))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            err("email", _("Alamat email tidak valid."))
    if len(errors) > before:
        return None
    return _Row(
        number,
        nip,
        name,
        gender,
        grade,
        status,
        position_type,
        position,
        unit,
        parent_unit,
        supervisor_nip,
        email,
    )


def _find_cycles(edges: dict[str, str | None]) -> set[str]:
    """NIPs that sit on a cycle of the supervisor graph (edges: nip -> supervisor nip)."""
    state: dict[str, int] = {}
    on_cycle: set[str] = set()
    for start in edges:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in edges and state.get(node, 0) == 0:
            state[node] = 1
            path.append(node)
            node = edges[node]
        if node is not None and state.get(node) == 1:
            on_cycle.update(path[path.index(node) :])
        for visited in path:
            state[visited] = 2
    return on_cycle


def employees_import(
    *,
    agency: Agency,
    data: bytes | IO[bytes],
    filename: str,
    acting_user: Any,
    dry_run: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> ImportReport:
    """Validates the whole file; writes nothing unless every row is valid (and not dry_run).
    `progress(stage, percent)` hears of each step (a background job's page)."""
    tell = progress or (lambda stage, percent: None)
    report = ImportReport(dry_run=dry_run)
    tell(_("Membaca berkas"), 5)
    table = read_table(
        data,
        filename,
        required=REQUIRED_COLUMNS,
        optional=OPTIONAL_COLUMNS,
        max_bytes=settings.KINERJA_IMPORT_MAX_BYTES,
    )
    report.rows = len(table.rows)
    rows: list[_Row] = []
    for index, (number, raw) in enumerate(table.rows):
        if index % 2000 == 0:
            tell(
                _("Memeriksa baris %(n)d dari %(total)d") % {"n": index, "total": report.rows},
                15 + 45 * index // max(report.rows, 1),
            )
        row = _parse_row(number, raw, report.errors)
        if row is not None:
            rows.append(row)
    tell(_("Memeriksa NIP, unit, jabatan dan atasan"), 60)

    seen: dict[str, int] = {}
    for row in rows:
        if row.nip in seen:
            report.errors.append(
                RowError(
                    row.number, "nip", _("NIP sama dengan baris %(r)d.") % {"r": seen[row.nip]}
                )
            )
        seen.setdefault(row.nip, row.number)

    existing = {e.nip: e for e in Employee.objects.filter(agency=agency)}
    units = {u.name: u for u in OrgUnit.objects.filter(agency=agency).select_related("parent")}
    positions = {p.name: p for p in Position.objects.filter(agency=agency)}

    # Units: the file's parent for a unit must agree with itself and with the database.
    parent_of: dict[str, tuple[str, int]] = {}
    for row in rows:
        if not row.parent_unit:
            continue
        known = parent_of.get(row.unit)
        if known and known[0] != row.parent_unit:
            report.errors.append(
                RowError(
                    row.number,
                    "unit_induk",
                    _("Unit %(u)s diberi unit induk berbeda di baris %(r)d.")
                    % {"u": row.unit, "r": known[1]},
                )
            )
            continue
        parent_of[row.unit] = (row.parent_unit, row.number)
        unit = units.get(row.unit)
        if unit is not None and unit.parent is not None and unit.parent.name != row.parent_unit:
            report.errors.append(
                RowError(
                    row.number,
                    "unit_induk",
                    _("Unit %(u)s sudah terdaftar di bawah %(p)s.")
                    % {"u": row.unit, "p": unit.parent.name},
                )
            )
    unit_edges: dict[str, str | None] = {u: p for u, (p, _n) in parent_of.items()}
    for name, unit in units.items():
        unit_edges.setdefault(name, unit.parent.name if unit.parent else None)
    for name in _find_cycles(unit_edges):
        if name in parent_of:
            report.errors.append(
                RowError(
                    parent_of[name][1],
                    "unit_induk",
                    _("Unit induk membentuk lingkaran (unit %(u)s).") % {"u": name},
                )
            )

    # Positions: an existing position keeps its type.
    position_type_of: dict[str, tuple[str, int]] = {}
    for row in rows:
        existing_position = positions.get(row.position)
        if existing_position is not None and existing_position.position_type != row.position_type:
            report.errors.append(
                RowError(
                    row.number,
                    "jenis_jabatan",
                    _("Jabatan %(j)s sudah terdaftar sebagai %(t)s.")
                    % {"j": row.position, "t": existing_position.get_position_type_display()},
                )
            )
        first = position_type_of.setdefault(row.position, (row.position_type, row.number))
        if first[0] != row.position_type:
            report.errors.append(
                RowError(
                    row.number,
                    "jenis_jabatan",
                    _("Jenis jabatan berbeda dengan baris %(r)d untuk jabatan yang sama.")
                    % {"r": first[1]},
                )
            )

    # Supervisors: in the file or already in the agency; the resulting chain has no cycle.
    edges: dict[str, str | None] = {}
    supervisor_nips = {e.pk: e.nip for e in existing.values()}
    for nip, e in existing.items():
        edges[nip] = supervisor_nips.get(e.supervisor_id) if e.supervisor_id else None
    row_by_nip = {row.nip: row for row in rows}
    # A supervisor whose own row has an error is still "in the file": report that row, not this one.
    file_nips = {normalise_nip(raw.get("nip")) for _number, raw in table.rows}
    for row in rows:
        sup = row.supervisor_nip
        if sup and sup not in file_nips and sup not in existing:
            report.errors.append(
                RowError(
                    row.number,
                    "nip_atasan",
                    _("NIP atasan %(n)s tidak ada di berkas maupun di data pegawai.")
                    % {"n": row.supervisor_nip},
                )
            )
        edges[row.nip] = row.supervisor_nip
    for nip in sorted(_find_cycles(edges)):
        if nip in row_by_nip:
            row = row_by_nip[nip]
            report.errors.append(
                RowError(
                    row.number,
                    "nip_atasan",
                    _(
                        "Rantai atasan melingkar: pegawai ini akhirnya menjadi atasan dirinya sendiri."
                    ),
                )
            )

    if report.errors:
        report.errors.sort(
            key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 99)
        )
        return report

    tell(_("Uji coba penyimpanan") if dry_run else _("Menyimpan"), 75)
    _plan_and_apply(
        agency=agency,
        rows=rows,
        existing=existing,
        units=units,
        positions=positions,
        parent_of={u: p for u, (p, _n) in parent_of.items()},
        report=report,
        acting_user=acting_user,
        columns=set(table.headers),
    )
    return report


class _DryRunRollback(Exception):
    pass


def _plan_and_apply(
    *, agency, rows, existing, units, positions, parent_of, report, acting_user, columns
) -> None:
    try:
        with transaction.atomic():
            _apply(
                agency=agency,
                rows=rows,
                existing=existing,
                units=units,
                positions=positions,
                parent_of=parent_of,
                report=report,
                acting_user=acting_user,
                columns=columns,
            )
            if report.dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        return
    report.applied = True


def _apply(
    *, agency, rows, existing, units, positions, parent_of, report, acting_user, columns
) -> None:
    has_supervisor_column = "nip_atasan" in columns
    has_email_column = "email" in columns
    # Units first (parents before children), then positions, then employees, then supervisors.
    needed = {row.unit for row in rows} | {p for p in parent_of.values()}
    new_units = [
        OrgUnit(agency=agency, name=name, kind=_guess_unit_kind(name))
        for name in sorted(needed)
        if name not in units
    ]
    OrgUnit.objects.bulk_create(new_units)
    if new_units:
        units = {u.name: u for u in OrgUnit.objects.filter(agency=agency)}
    report.units_created = [u.name for u in new_units]
    reparented = []
    for child, parent in parent_of.items():
        unit = units[child]
        if unit.parent_id != units[parent].pk:
            unit.parent_id = units[parent].pk
            reparented.append(unit)
    OrgUnit.objects.bulk_update(reparented, ["parent"])

    new_positions: dict[str, Position] = {}
    for row in rows:
        if row.position not in positions and row.position not in new_positions:
            new_positions[row.position] = Position(
                agency=agency,
                name=row.position,
                position_type=row.position_type,
                unit=units[row.unit],
            )
    Position.objects.bulk_create(new_positions.values())
    if new_positions:
        positions = {p.name: p for p in Position.objects.filter(agency=agency)}
    report.positions_created = list(new_positions)

    now = timezone.now()  # bulk_update skips auto_now: set updated_at on changed rows ourselves
    fields = ["name", "gender", "grade", "asn_status", "position_id", "unit_id", "updated_at"]
    if has_email_column:
        fields.append("email")
    to_create, to_update, changes = [], [], []
    for row in rows:
        values = {
            "name": row.name,
            "gender": row.gender,
            "grade": row.grade,
            "asn_status": row.asn_status,
            "position_id": positions[row.position].pk,
            "unit_id": units[row.unit].pk,
        }
        if has_email_column or row.nip not in existing:
            values["email"] = row.email
        employee = existing.get(row.nip)
        if employee is None:
            to_create.append(Employee(agency=agency, nip=row.nip, **values))
            changes.append({"nip": row.nip, "action": "create"})
            continue
        diff = {
            f: (getattr(employee, f), v) for f, v in values.items() if getattr(employee, f) != v
        }
        if diff:
            for f, (_old, new) in diff.items():
                setattr(employee, f, new)
            employee.updated_at = now
            to_update.append(employee)
            changes.append(
                {
                    "nip": row.nip,
                    "action": "update",
                    "fields": {f: list(v) for f, v in diff.items()},
                }
            )
    Employee.objects.bulk_create(to_create, batch_size=1000)
    Employee.objects.bulk_update(to_update, fields, batch_size=1000)

    ids = dict(Employee.objects.filter(agency=agency).values_list("nip", "id"))
    by_nip = existing | {e.nip: e for e in to_create}
    supervisor_changes = []
    for row in rows:
        employee = by_nip[row.nip]
        employee.pk = employee.pk or ids[row.nip]
        if not has_supervisor_column and row.nip in existing:
            continue  # no nip_atasan column: leave existing supervisors alone
        wanted = ids[row.supervisor_nip] if row.supervisor_nip else None
        if employee.supervisor_id != wanted:
            if row.nip in existing:
                changes.append(
                    {
                        "nip": row.nip,
                        "action": "update",
                        "fields": {"supervisor_id": [employee.supervisor_id, wanted]},
                    }
                )
            employee.supervisor_id = wanted
            employee.updated_at = now
            supervisor_changes.append(employee)
    Employee.objects.bulk_update(supervisor_changes, ["supervisor", "updated_at"], batch_size=1000)

    updated_nips = {c["nip"] for c in changes if c["action"] == "update"}
    report.created = len(to_create)
    report.updated = len(updated_nips)
    report.unchanged = len(rows) - report.created - report.updated
    if changes or new_units or new_positions or reparented:
        audit_record(
            agency=agency,
            acting_user=acting_user,
            action="employee.import",
            object_type="organisation.employee",
            summary=_("Impor pegawai: %(c)d baru, %(u)d diperbarui")
            % {"c": report.created, "u": report.updated},
            after={
                "units_created": report.units_created,
                "positions_created": report.positions_created,
                "changes": changes,
            },
        )


def _guess_unit_kind(name: str) -> str:
    lowered = name.lower()
    for word, kind in (
        ("kelurahan", "kelurahan"),
        ("desa", "kelurahan"),
        ("sekretariat", "sekretariat"),
        ("seksi", "seksi"),
        ("subbag", "seksi"),
        ("sub bagian", "seksi"),
        ("bidang", "bidang"),
        ("bagian", "bidang"),
        ("upt", "upt"),
        ("kecamatan", "instansi"),
        ("dinas", "instansi"),
        ("badan", "instansi"),
    ):
        if word in lowered:
            return kind
    return OrgUnit.Kind.LAINNYA


TEMPLATE_NOTES = [
    "Templat impor pegawai Kinerja. Satu baris = satu pegawai; baris 1 adalah judul kolom (jangan diubah).",
    "nip: 18 digit, format kolom sebagai Teks (Excel menghapus digit bila disimpan sebagai angka).",
    "nama: nama lengkap dengan gelar. jenis_kelamin: L atau P (harus sesuai digit ke-15 NIP).",
    "golongan: PNS I/a–IV/e (mis. III/a); PPPK I–XVII (mis. IX). status_asn: PNS atau PPPK.",
    "jenis_jabatan: JPT Pratama, Administrator, Pengawas, Pelaksana, Ahli Pertama/Muda/Madya/Utama, Pemula, Terampil, Mahir, Penyelia.",
    "jabatan, unit_kerja: dicocokkan dengan nama yang sudah ada; yang belum ada akan dibuat.",
    "unit_induk (opsional): unit di atas unit_kerja. nip_atasan (opsional): NIP atasan langsung, ada di berkas atau sudah terdaftar.",
    "email (opsional). Pegawai dicocokkan dengan NIP: impor ulang berkas yang sama tidak mengubah apa pun.",
    "Semua-atau-tidak-sama-sekali: satu baris salah berarti tidak ada yang disimpan; semua kesalahan dilaporkan sekaligus.",
]

TEMPLATE_EXAMPLE = [
    [
        "197804122003121003",
        "Drs. Ahmad Fauzi, M.Si.",
        "L",
        "IV/a",
        "PNS",
        "Administrator",
        "Camat",
        "Kecamatan Contoh",
        "",
        "",
        "ahmad@example.go.id",
    ],
    [
        "198605172010012004",
        "Siti Rahmawati, S.Sos.",
        "P",
        "III/c",
        "PNS",
        "Pengawas",
        "Kepala Seksi Pemerintahan",
        "Seksi Pemerintahan",
        "Kecamatan Contoh",
        "197804122003121003",
        "",
    ],
    [
        "199502202022211001",
        "Rudi Hartono",
        "L",
        "VII",
        "PPPK",
        "Pelaksana",
        "Pengadministrasi Umum",
        "Seksi Pemerintahan",
        "Kecamatan Contoh",
        "198605172010012004",
        "",
    ],
]


def import_template_xlsx() -> bytes:
    return write_xlsx(COLUMNS, TEMPLATE_EXAMPLE, title="pegawai", notes=TEMPLATE_NOTES)


def employees_import_job(job: Any, progress: Callable[[str, int], None]) -> tuple[str, str]:
    """The background job "Impor pegawai" (kinerja/jobs): the kept upload read again and
    imported all or nothing, as the page would; its report stays on the job."""
    from django.urls import reverse

    from kinerja.jobs.files import import_outcome, read_input

    data, filename = read_input(job)
    report = employees_import(
        agency=job.agency,
        data=data,
        filename=filename,
        acting_user=job.started_by,
        dry_run=bool(job.params.get("dry_run")),
        progress=progress,
    )
    lines = report.lines()
    details = []
    if report.ok and report.units_created:
        details.append(_("Unit baru: %(u)s") % {"u": ", ".join(report.units_created)})
    if report.ok and report.positions_created:
        details.append(_("Jabatan baru: %(j)s") % {"j": ", ".join(report.positions_created)})
    message = import_outcome(
        job,
        ok=report.ok,
        summary=lines[0],
        errors=report.errors,
        details=details,
        report_name="kesalahan-impor-pegawai.xlsx",
    )
    return message, "" if report.dry_run else reverse("organisation:employee_list")
