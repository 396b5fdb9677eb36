"""Deterministic synthetic agencies for benchmarks, and the plan writer shared with Rangkui.

A *plan* is plain data (units, positions, people, standards) built in memory from a seeded
random generator; `plan_write` turns it into rows with a handful of bulk inserts and only creates
what is missing, so writing the same plan twice changes nothing."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from kinerja.core.audit import audit_record
from kinerja.core.errors import KinerjaError
from kinerja.core.models import Agency
from kinerja.organisation.grades import PNS_GRADE_CODES
from kinerja.organisation.models import Employee, OrgUnit, Position

BATCH_SIZE = 1000
NATIONAL_CODES = ("M.01", "M.02", "M.03", "M.04", "M.05", "M.06", "M.07", "M.08", "SK.01")

# The import file's `jenis_jabatan` words for each Position.Type value.
TYPE_LABELS = {
    "jpt_utama": "JPT Utama",
    "jpt_madya": "JPT Madya",
    "jpt_pratama": "JPT Pratama",
    "administrator": "Administrator",
    "pengawas": "Pengawas",
    "pelaksana": "Pelaksana",
    "ahli_utama": "Ahli Utama",
    "ahli_madya": "Ahli Madya",
    "ahli_muda": "Ahli Muda",
    "ahli_pertama": "Ahli Pertama",
    "penyelia": "Penyelia",
    "mahir": "Mahir",
    "terampil": "Terampil",
    "pemula": "Pemula",
}

_UNIFORM = {
    "jpt_utama": 5,
    "jpt_madya": 5,
    "jpt_pratama": 4,
    "administrator": 3,
    "pengawas": 3,
    "pelaksana": 2,
    "ahli_utama": 5,
    "ahli_madya": 4,
    "ahli_muda": 3,
    "ahli_pertama": 2,
    "penyelia": 3,
    "mahir": 2,
    "pemula": 1,
}


def national_levels(position_type: str) -> dict[str, int]:
    """Default required level of each national competency for a position type."""
    if position_type == "terampil":  # own work well, the wider-scope competencies at level 1
        return {
            code: 2 if code in ("M.01", "M.02", "M.03", "M.04", "M.05") else 1
            for code in NATIONAL_CODES
        }
    level = _UNIFORM.get(position_type, 2)
    return dict.fromkeys(NATIONAL_CODES, level)


# --------------------------------------------------------------------------------------------
# Plan: plain data, no database.


@dataclass
class UnitSpec:
    name: str
    kind: str
    parent: str | None = None
    code: str = ""


@dataclass
class PositionSpec:
    name: str
    position_type: str
    unit: str | None = None
    min_grade: str = ""


@dataclass
class PersonSpec:
    nip: str
    name: str
    gender: str
    grade: str
    asn_status: str
    position: str
    unit: str
    supervisor: str | None = None  # the supervisor's NIP
    email: str = ""


@dataclass
class Plan:
    units: list[UnitSpec] = field(default_factory=list)  # parents before children
    positions: dict[str, PositionSpec] = field(default_factory=dict)
    people: list[PersonSpec] = field(default_factory=list)  # supervisors before subordinates
    standards: dict[str, dict[str, int]] = field(default_factory=dict)  # position -> code -> level

    def add_unit(self, name: str, kind: str, parent: str | None = None) -> str:
        self.units.append(UnitSpec(name, kind, parent))
        return name

    def add_position(
        self, name: str, position_type: str, unit: str | None = None, min_grade: str = ""
    ) -> str:
        known = self.positions.get(name)
        if known is None:
            self.positions[name] = PositionSpec(name, position_type, unit, min_grade)
        elif known.position_type != position_type:
            raise ValueError(f"position {name!r} planned with two types")
        return name

    def rows(self) -> list[list[str]]:
        """The plan as import rows, in the order of importing.COLUMNS."""
        parents = {u.name: u.parent or "" for u in self.units}
        types = {p.name: p.position_type for p in self.positions.values()}
        return [
            [
                p.nip,
                p.name,
                p.gender,
                p.grade,
                p.asn_status,
                TYPE_LABELS[types[p.position]],
                p.position,
                p.unit,
                parents.get(p.unit, ""),
                p.supervisor or "",
                p.email,
            ]
            for p in self.people
        ]


# --------------------------------------------------------------------------------------------
# Names, careers and NIPs.

# Given names and family (or second) names by origin and gender: "origin gender kind: words".
_NAME_POOLS = """
melayu L given: Ahmad Muhammad Rusli Zulkarnain Rahmat Fadli Irwansyah Yusuf Firmansyah Rizal
melayu L given: Erwin Junaidi Safrizal Herman Ismail Arifin Zainal Khairul Amran Saparudin
melayu L given: Darmawan Rudi Fikri Aidil Ridho Hasbullah Syamsul Iskandar Jamaludin Marzuki
melayu L family: Hamdani Effendi Saputra Hidayat Ramadhan Syahputra Anwar Hasan Fauzi Rahman
melayu L family: Azhari Mansyur Ibrahim Zulkifli Hamzah Aprianto Pratama Maulana Akbar Alamsyah
melayu P given: Siti Nurhayati Rosmala Yuliana Fitriani Nurul Rahmawati Zubaidah Mardiana Aisyah
melayu P given: Hasanah Marlina Rosita Juliana Fatimah Salmah Halimah Nuraini Maya Dahlia
melayu P given: Syafitri Elvira Herlina Nurlela Yusnaini
melayu P family: Aprilia Oktaviani Safitri Rahmadani Novita Anggraini Puspita Amelia Fitria
melayu P family: Maharani Sari Hasanah Zahra Ramadhani
jawa L given: Budi Agus Dwi Slamet Eko Bambang Joko Teguh Wahyu Sigit Heru Bayu Sugeng Tri Adi
jawa L given: Yudi
jawa L family: Santoso Prasetyo Hartono Riyadi Wibowo Sutrisno Purnomo Setiawan Nugroho Susilo
jawa L family: Wicaksono Raharjo Haryanto Kuncoro
jawa P given: Sri Endang Dewi Retno Ratna Wulan Rini Yuni Dyah Ayu Indah Tri Eny Sulis
jawa P family: Lestari Susilowati Kusumawati Wulandari Handayani Rahayu Purwanti Astuti
jawa P family: Wahyuningsih Pratiwi Suryani Widyastuti Ningsih
tionghoa L given: Hendrik Ferry Yohanes Suryadi Andreas Rudy Johan Steven Edwin Kevin Budiman
tionghoa L given: Sugianto Antonius Wilson Rico Akiong
tionghoa L family: Wijaya Tanoto Gunawan Halim Sutanto Lim Tjandra Setiawan Hartanto Salim
tionghoa L family: Tanujaya Susanto Chandra Gozali Kurniadi
tionghoa P given: Liliana Susanti Meiliana Vivi Linda Lina Yenny Lisa Agnes Veronika Melinda
tionghoa P given: Fransiska Cindy Natalia Apin Meilani
tionghoa P family: Wijaya Gunawan Halim Sutanto Lim Tjandra Setiawan Hartanto Salim Tanujaya
tionghoa P family: Susanto Chandra Kurniadi Tanamal
batak L given: Marihot Hotman Rudolf Maruli Roy Parlindungan Togar Bonar Sahat Tigor Benny
batak L given: Daniel Samuel Poltak
batak L family: Simanjuntak Sitompul Siahaan Tambunan Hutapea Sinaga Nainggolan Manurung
batak L family: Simatupang Pardede Situmorang Panjaitan Sihombing Siregar Nasution Harahap Lubis
batak P given: Lasma Rosita Tiurma Debora Junita Rumondang Romauli Lenny Friska Maria Ruth
batak P given: Sondang Nurmala
batak P family: Simanjuntak Sitompul Siahaan Tambunan Hutapea Sinaga Nainggolan Manurung
batak P family: Simatupang Pardede Situmorang Panjaitan Siregar Nasution
minang L given: Afrizal Zulfikar Yusrizal Syafrudin Ridwan Hendri Fadhil Andri Ilham Rahmad Doni
minang L given: Alfian Edi Yosrizal
minang L family: Chaniago Tanjung Koto Piliang Sikumbang Jambak Syamsuddin Rasyid Putra Malin
minang L family: Yunus
minang P given: Rahmi Yulia Nofrianti Desmawati Yeni Elfira Mairiza Nelfi Rina Febriyanti
minang P given: Yusnita Gusnita Rosnelli
minang P family: Putri Fitri Yanti Sari Tanjung Chaniago Koto Piliang
"""


def _parse_pools(text: str) -> dict[tuple[str, str, str], list[str]]:
    pools: dict[tuple[str, str, str], list[str]] = {}
    for line in text.strip().splitlines():
        head, words = line.split(":")
        origin, gender, kind = head.split()
        pools.setdefault((origin, gender, kind), []).extend(words.split())
    return pools


NAME_POOLS = _parse_pools(_NAME_POOLS)
_ETHNIC_WEIGHTS = {"melayu": 40, "jawa": 20, "tionghoa": 16, "batak": 11, "minang": 13}
_SINGLE_NAME = {
    "melayu": 0.2,
    "jawa": 0.1,
}  # share of one-word names (common among Malay and Javanese)


class NameMaker:
    """Indonesian names from a seeded generator; `unique` retries until the name is new."""

    def __init__(self, rng: random.Random, *, unique: bool = True, taken: Iterable[str] = ()):
        self.rng = rng
        self.unique = unique
        self.taken = set(taken)
        self._groups = list(_ETHNIC_WEIGHTS)
        self._weights = list(_ETHNIC_WEIGHTS.values())

    def _one(self, gender: str) -> str:
        group = self.rng.choices(self._groups, self._weights)[0]
        given, family = NAME_POOLS[group, gender, "given"], NAME_POOLS[group, gender, "family"]
        first = self.rng.choice(given)
        if self.rng.random() < _SINGLE_NAME.get(group, 0.0):
            return first
        last = self.rng.choice(family)
        return first if last == first else f"{first} {last}"

    def make(self, gender: str) -> str:
        name = self._one(gender)
        for _attempt in range(50):
            if not self.unique or name not in self.taken:
                break
            name = self._one(gender)
        self.taken.add(name)
        return name


def with_degree(name: str, degree: str) -> str:
    return f"{name}, {degree}" if degree else name


def degree_for(
    rng: random.Random,
    *,
    position_type: str,
    grade: str,
    asn_status: str,
    bachelors: tuple[str, ...] = ("S.Sos.", "S.E.", "S.AP.", "S.H.", "S.IP.", "S.Kom."),
) -> str:
    """A plausible academic degree for the grade: none (SMA), A.Md. (D3), S1, S1 + M.Si./M.M."""
    if asn_status == "PPPK":
        level = {"V": "sma", "VI": "sma", "VII": "d3", "VIII": "d3"}.get(grade, "s1")
    else:
        rank = PNS_GRADE_CODES.index(grade)
        level = "sma" if rank < 6 else "d3" if rank < 8 else "s1"
        if level == "s1" and position_type == "pelaksana" and rng.random() < 0.2:
            level = "sma"
    if level == "sma":
        return ""
    if level == "d3":
        if bachelors[0] == "S.Kom.":
            return "A.Md.Kom."
        return "A.Md.Ak." if "S.Ak." in bachelors else "A.Md."
    degree = rng.choice(bachelors)
    masters_chance = {
        "jpt_madya": 0.9,
        "jpt_pratama": 0.8,
        "administrator": 0.6,
        "ahli_madya": 0.6,
        "pengawas": 0.25,
        "ahli_muda": 0.3,
        "ahli_pertama": 0.1,
    }.get(position_type, 0.0)
    if rng.random() < masters_chance:
        degree += rng.choice((", M.Si.", ", M.Si.", ", M.M.", ", M.AP."))
    return degree


_ENTRY = [
    (4, 19, 23),
    (6, 22, 25),
    (8, 23, 28),
]  # (entry grade rank, min age, max age): SMA, D3, S1
LAST_TMT_YEAR = 2024  # every generated NIP has TMT at or before this year, so it stays valid


def career(rng: random.Random, *, grade: str, asn_status: str) -> tuple[dt.date, int, int]:
    """(birth date, TMT year, TMT month) consistent with the grade: higher grade, longer service."""
    if asn_status == "PPPK":
        tmt_year = rng.randint(2021, LAST_TMT_YEAR)
        birth_year = rng.randint(1978, 1999)
        tmt_month = rng.choice((1, 2, 3, 4, 10))
    else:
        rank = PNS_GRADE_CODES.index(grade)
        entry, age_lo, age_hi = next((e for e in reversed(_ENTRY) if rank >= e[0]), _ENTRY[0])
        service = max(0, rank - entry) * 4 + rng.randint(0, 3)
        tmt_year = LAST_TMT_YEAR - service - rng.randint(0, 1)
        birth_year = tmt_year - rng.randint(age_lo, age_hi)
        if birth_year < 1967:  # not yet retired
            birth_year = 1967 + rng.randint(0, 2)
            tmt_year = birth_year + age_lo
        tmt_month = rng.choice((1, 2, 3, 4, 5, 6, 10, 12))
    birth = dt.date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
    return birth, tmt_year, tmt_month


class NipMaker:
    """Unique, valid NIPs: YYYYMMDD YYYYMM G NNN with a small sequence bumped on collision."""

    def __init__(self, rng: random.Random, *, reserved: Iterable[str] = ()):
        self.rng = rng
        self.used = set(reserved)

    def make(self, *, birth: dt.date, tmt_year: int, tmt_month: int, gender: str) -> str:
        assert tmt_year >= birth.year + 18 and tmt_year <= LAST_TMT_YEAR and 1 <= tmt_month <= 12
        head = f"{birth:%Y%m%d}{tmt_year:04d}{tmt_month:02d}{'1' if gender == 'L' else '2'}"
        sequence = self.rng.randint(1, 9)
        for _attempt in range(999):
            nip = f"{head}{sequence:03d}"
            if nip not in self.used:
                self.used.add(nip)
                return nip
            sequence = sequence % 999 + 1
        raise ValueError("no free NIP sequence")  # 999 people with the same birth date and TMT


# --------------------------------------------------------------------------------------------
# Synthetic agency plan.

DINAS = [
    "Pendidikan",
    "Kesehatan",
    "Pekerjaan Umum dan Penataan Ruang",
    "Perumahan dan Kawasan Permukiman",
    "Sosial",
    "Tenaga Kerja",
    "Pemberdayaan Perempuan dan Perlindungan Anak",
    "Ketahanan Pangan",
    "Lingkungan Hidup",
    "Kependudukan dan Pencatatan Sipil",
    "Pemberdayaan Masyarakat",
    "Pengendalian Penduduk dan Keluarga Berencana",
    "Perhubungan",
    "Komunikasi dan Informatika",
    "Koperasi dan Usaha Mikro",
    "Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
    "Kepemudaan dan Olahraga",
    "Kebudayaan",
    "Pariwisata",
    "Perpustakaan dan Kearsipan",
    "Kelautan dan Perikanan",
    "Pertanian",
    "Perdagangan",
    "Perindustrian",
    "Pemadam Kebakaran",
]
BIDANG = [
    "Perencanaan dan Program",
    "Pelayanan",
    "Pembinaan",
    "Pengembangan",
    "Pengendalian dan Evaluasi",
    "Data dan Informasi",
    "Sarana dan Prasarana",
    "Pengawasan",
]
SEKSI = [
    "Perencanaan",
    "Pelaksanaan",
    "Pengendalian",
    "Pembinaan",
    "Data dan Informasi",
    "Evaluasi dan Pelaporan",
]
SUBBAGIAN = ["Umum dan Kepegawaian", "Keuangan", "Perencanaan dan Pelaporan"]
# Shared staff positions (no unit): name, type, weight, PNS grades, PPPK grades.
STAFF = [
    ("Pengadministrasi Umum", "pelaksana", 10, "II/a II/b II/c II/d III/a", "V"),
    ("Pengelola Data", "pelaksana", 8, "II/c II/d III/a III/b", "V VII"),
    ("Pengelola Keuangan", "pelaksana", 6, "II/c II/d III/a III/b", "VII"),
    ("Pengadministrasi Perkantoran", "pelaksana", 6, "II/a II/b II/c III/a", "V"),
    ("Pengelola Program dan Kegiatan", "pelaksana", 6, "III/a III/b", "VII"),
    ("Operator Layanan Operasional", "pelaksana", 6, "II/a II/b II/c", "V"),
    ("Pengelola Layanan Masyarakat", "pelaksana", 6, "II/b II/c II/d III/a", "V VII"),
    ("Penata Laporan Keuangan", "pelaksana", 3, "III/a III/b", "VII"),
    ("Pengelola Sarana dan Prasarana", "pelaksana", 3, "II/b II/c II/d", "V"),
    ("Analis Kebijakan Ahli Pertama", "ahli_pertama", 3, "III/a III/b", "IX"),
    ("Analis Kebijakan Ahli Muda", "ahli_muda", 2, "III/c III/d", "X"),
    ("Perencana Ahli Pertama", "ahli_pertama", 2, "III/a III/b", "IX"),
    ("Pranata Komputer Ahli Pertama", "ahli_pertama", 2, "III/a III/b", "IX"),
    ("Pranata Komputer Terampil", "terampil", 2, "II/c II/d III/a", "VII"),
    ("Arsiparis Terampil", "terampil", 2, "II/c II/d", "VII"),
    ("Arsiparis Mahir", "mahir", 1, "III/a III/b", "VIII"),
]
PPPK_SHARE = 0.15
SINGLE_DINAS_MAX = 300  # above this, several dinas under one root unit


def _numbered(names: list[str], index: int) -> str:
    base, round_ = names[index % len(names)], index // len(names)
    return base if round_ == 0 else f"{base} {round_ + 1}"


def synthetic_plan(*, employees: int, seed: int = 1) -> Plan:
    """A whole agency of exactly `employees` people: dinas → bidang → seksi, 8–15 per seksi."""
    if employees < 1:
        raise ValueError("employees must be at least 1")
    rng = random.Random(f"kinerja-synthetic-{seed}")
    names = NameMaker(rng, unique=False)
    nips = NipMaker(rng)
    plan = Plan()
    staff_weights = [s[2] for s in STAFF]

    def full() -> bool:
        return len(plan.people) >= employees

    def person(
        position: str,
        position_type: str,
        unit: str,
        supervisor: str | None,
        grades: str,
        pppk_grades: str = "",
    ) -> str:
        """Adds one person (grades are space-separated choices); returns the NIP."""
        gender = "L" if rng.random() < 0.52 else "P"
        status = "PPPK" if pppk_grades and rng.random() < PPPK_SHARE else "PNS"
        grade = rng.choice((pppk_grades if status == "PPPK" else grades).split())
        birth, tmt_year, tmt_month = career(rng, grade=grade, asn_status=status)
        nip = nips.make(birth=birth, tmt_year=tmt_year, tmt_month=tmt_month, gender=gender)
        degree = degree_for(rng, position_type=position_type, grade=grade, asn_status=status)
        name = with_degree(names.make(gender), degree)
        plan.people.append(PersonSpec(nip, name, gender, grade, status, position, unit, supervisor))
        return nip

    multi = employees > SINGLE_DINAS_MAX
    root_unit: str | None = None
    root_head: str | None = None
    if multi:
        root_unit = plan.add_unit("Sekretariat Daerah Sintetis", OrgUnit.Kind.INSTANSI)
        position = plan.add_position("Sekretaris Daerah", "jpt_madya", root_unit, "IV/c")
        root_head = person(position, "jpt_madya", root_unit, None, "IV/c IV/d")
    d = 0
    while not full():
        dinas = plan.add_unit(f"Dinas {_numbered(DINAS, d)}", OrgUnit.Kind.INSTANSI, root_unit)
        position = plan.add_position(f"Kepala {dinas}", "jpt_pratama", dinas, "IV/b")
        dinas_head = person(position, "jpt_pratama", dinas, root_head, "IV/b IV/c")
        bidang_count = rng.randint(4, 6) if multi else 10**9
        b = 0
        while not full() and b < bidang_count:
            if b == 0:
                bidang = plan.add_unit(f"Sekretariat {dinas}", OrgUnit.Kind.SEKRETARIAT, dinas)
                head_position = plan.add_position(
                    f"Sekretaris {dinas}", "administrator", bidang, "III/d"
                )
                seksi_names = [f"Subbagian {s} {dinas}" for s in SUBBAGIAN]
            else:
                topic = _numbered(BIDANG, b - 1)
                bidang = plan.add_unit(f"Bidang {topic} {dinas}", OrgUnit.Kind.BIDANG, dinas)
                head_position = plan.add_position(
                    f"Kepala {bidang}", "administrator", bidang, "III/d"
                )
                seksi_names = [f"Seksi {s} {topic} {dinas}" for s in SEKSI[: rng.randint(3, 5)]]
            b += 1
            bidang_head = person(head_position, "administrator", bidang, dinas_head, "III/d IV/a")
            for seksi in seksi_names:
                if full():
                    break
                plan.add_unit(seksi, OrgUnit.Kind.SEKSI, bidang)
                head_position = plan.add_position(f"Kepala {seksi}", "pengawas", seksi, "III/b")
                seksi_head = person(
                    head_position, "pengawas", seksi, bidang_head, "III/b III/c III/d"
                )
                for _i in range(rng.randint(7, 14)):
                    if full():
                        break
                    name, position_type, _w, grades, pppk = rng.choices(STAFF, staff_weights)[0]
                    plan.add_position(name, position_type)
                    person(name, position_type, seksi, seksi_head, grades, pppk)
        d += 1
    used = {p.position for p in plan.people}
    plan.positions = {n: p for n, p in plan.positions.items() if n in used}
    plan.standards = {n: national_levels(p.position_type) for n, p in plan.positions.items()}
    return plan


def synthetic_rows(*, employees: int, seed: int = 1) -> list[list[str]]:
    """Import rows (importing.COLUMNS order) for a synthetic agency; valid for employees_import."""
    return synthetic_plan(employees=employees, seed=seed).rows()


# --------------------------------------------------------------------------------------------
# Writing a plan.


def _create(model: type[models.Model], objs: list[Any], *, agency: Agency, key: str) -> None:
    """bulk_create, then make sure every object has its primary key (some backends return none)."""
    if not objs:
        return
    model.objects.bulk_create(objs, batch_size=BATCH_SIZE)  # type: ignore[attr-defined]
    if any(o.pk is None for o in objs):
        ids = dict(model.objects.filter(agency=agency).values_list(key, "id"))  # type: ignore[attr-defined]
        for o in objs:
            o.pk = ids[getattr(o, key)]


def _depths(pairs: Iterable[tuple[str, str | None]]) -> dict[str, int]:
    """Depth of each node in a forest given (node, parent) pairs; a parent outside the pairs
    (or None) makes a root. Raises ValueError on a cycle."""
    parent = dict(pairs)
    depth: dict[str, int] = {}
    for start in parent:
        chain: list[str] = []
        seen: set[str] = set()
        node: str | None = start
        while node is not None and node in parent and node not in depth:
            if node in seen:
                raise ValueError(f"cycle at {node!r}")
            seen.add(node)
            chain.append(node)
            node = parent[node]
        level = depth[node] + 1 if node is not None and node in depth else 0
        for name in reversed(chain):
            depth[name] = level
            level += 1
    return depth


def plan_write(*, agency: Agency, plan: Plan, competencies: dict[str, Any]) -> dict[str, int]:
    """Creates the plan's missing units, positions, employees and standards (matched by unit
    name, position name, NIP and position+competency); never changes rows that exist.
    Returns how many of each were created."""
    from kinerja.competencies.models import PositionStandard

    created = {"units": 0, "positions": 0, "employees": 0, "standards": 0}
    units = {u.name: u for u in OrgUnit.objects.filter(agency=agency)}
    unit_depth = _depths((u.name, u.parent) for u in plan.units)
    for level in sorted(set(unit_depth.values())):
        batch = [
            OrgUnit(
                agency=agency,
                name=s.name,
                kind=s.kind,
                code=s.code,
                parent_id=units[s.parent].pk if s.parent else None,
            )
            for s in plan.units
            if unit_depth[s.name] == level and s.name not in units
        ]
        _create(OrgUnit, batch, agency=agency, key="name")
        units.update({u.name: u for u in batch})
        created["units"] += len(batch)

    positions = {p.name: p for p in Position.objects.filter(agency=agency)}
    new_positions = [
        Position(
            agency=agency,
            name=s.name,
            position_type=s.position_type,
            min_grade=s.min_grade,
            unit_id=units[s.unit].pk if s.unit else None,
        )
        for s in plan.positions.values()
        if s.name not in positions
    ]
    _create(Position, new_positions, agency=agency, key="name")
    positions.update({p.name: p for p in new_positions})
    created["positions"] = len(new_positions)

    ids = dict(Employee.objects.filter(agency=agency).values_list("nip", "id"))
    person_depth = _depths((p.nip, p.supervisor) for p in plan.people)
    for level in sorted(set(person_depth.values())):
        people = [
            Employee(
                agency=agency,
                nip=s.nip,
                name=s.name,
                gender=s.gender,
                grade=s.grade,
                asn_status=s.asn_status,
                position_id=positions[s.position].pk,
                unit_id=units[s.unit].pk,
                email=s.email,
                supervisor_id=ids[s.supervisor] if s.supervisor else None,
            )
            for s in plan.people
            if person_depth[s.nip] == level and s.nip not in ids
        ]
        _create(Employee, people, agency=agency, key="nip")
        ids.update({e.nip: e.pk for e in people})
        created["employees"] += len(people)

    have = set(
        PositionStandard.objects.filter(agency=agency).values_list("position_id", "competency_id")
    )
    standards = []
    for position_name, levels in plan.standards.items():
        position = positions[position_name]
        for code, level in levels.items():
            competency = competencies[code]
            if (position.pk, competency.pk) not in have:
                standards.append(
                    PositionStandard(
                        agency=agency,
                        position_id=position.pk,
                        competency_id=competency.pk,
                        required_level=level,
                    )
                )
    PositionStandard.objects.bulk_create(standards, batch_size=BATCH_SIZE)
    created["standards"] = len(standards)
    return created


def national_competencies() -> dict[str, Any]:
    """The current national competencies by code, loading the framework first if there is none."""
    from kinerja.competencies.models import Competency
    from kinerja.competencies.selectors import current_framework
    from kinerja.competencies.services import framework_load

    framework = current_framework() or framework_load()[0]
    found = {
        c.code: c for c in Competency.objects.filter(framework=framework, code__in=NATIONAL_CODES)
    }
    missing = [code for code in NATIONAL_CODES if code not in found]
    if missing:
        raise KinerjaError(
            "framework_incomplete",
            _("Kamus kompetensi nasional tidak memuat %(c)s.") % {"c": ", ".join(missing)},
        )
    return found


def agency_clear(*, agency: Agency) -> None:
    """Deletes the agency's position standards, employees, positions and units (nothing else)."""
    from kinerja.competencies.models import PositionStandard

    with transaction.atomic():
        PositionStandard.objects.filter(agency=agency).delete()
        Employee.objects.filter(agency=agency).update(supervisor=None)
        Employee.objects.filter(agency=agency).delete()
        Position.objects.filter(agency=agency).delete()
        OrgUnit.objects.filter(agency=agency).update(parent=None)
        OrgUnit.objects.filter(agency=agency).delete()


def generate_agency(*, code: str, employees: int, seed: int = 1, replace: bool = False) -> Agency:
    """Creates (if missing) agency `code` and fills it with a synthetic organisation of
    `employees` people. Refuses an agency that already has employees unless `replace`."""
    if employees < 1:
        raise KinerjaError("invalid", _("Jumlah pegawai minimal 1."))
    plan = synthetic_plan(employees=employees, seed=seed)
    competencies = national_competencies()
    with transaction.atomic():
        agency, _created = Agency.objects.get_or_create(
            code=code, defaults={"name": f"Instansi Sintetis {code}"}
        )
        if Employee.objects.filter(agency=agency).exists():
            if not replace:
                raise KinerjaError(
                    "agency_not_empty",
                    _(
                        "Instansi %(c)s sudah memiliki pegawai; gunakan --replace untuk menghapus "
                        "pegawai, jabatan, unit, dan standarnya lalu membuat ulang."
                    )
                    % {"c": code},
                )
            agency_clear(agency=agency)
        counts = plan_write(agency=agency, plan=plan, competencies=competencies)
        audit_record(
            agency=agency,
            acting_user=None,
            action="demo.synthetic",
            obj=agency,
            summary=_("Data sintetis: %(n)d pegawai (seed %(s)d)") % {"n": employees, "s": seed},
            after=counts | {"seed": seed},
        )
    return agency
