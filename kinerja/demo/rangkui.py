"""The Rangkui demo: Kecamatan Rangkui, Kota Pangkalpinang — the real structure of a kecamatan
(sekretariat, five seksi, eight kelurahan) with fictitious people.

Everything below `rangkui_plan` is pure data built from a fixed seed, so every run produces the
same units, positions, people and NIPs; `rangkui_load` writes what is missing and nothing else."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.core.audit import audit_record
from kinerja.core.models import Agency, Membership
from kinerja.organisation.models import Employee

from .synthetic import (
    NameMaker,
    NipMaker,
    PersonSpec,
    Plan,
    career,
    degree_for,
    national_competencies,
    national_levels,
    plan_write,
    with_degree,
)

CODE = "rangkui"
NAME = "Kecamatan Rangkui"
REGION = "Kota Pangkalpinang, Kepulauan Bangka Belitung"
PASSWORD = "kinerja-demo"
URL = "http://127.0.0.1:8000/"
SEED = 19710401  # fixed: the same people and NIPs on every run

KECAMATAN = "Kecamatan Rangkui"
SEKRETARIAT = "Sekretariat Kecamatan"
SUBBAG_UMUM = "Subbagian Umum dan Kepegawaian"
SUBBAG_PK = "Subbagian Perencanaan dan Keuangan"
SEKSI = [
    "Seksi Pemerintahan",
    "Seksi Ketenteraman dan Ketertiban Umum",
    "Seksi Pemberdayaan Masyarakat dan Kelurahan",
    "Seksi Pelayanan Umum",
    "Seksi Kesejahteraan Sosial",
]
KELURAHAN = [
    "Asam",
    "Bukit Sari",
    "Gajah Mada",
    "Keramat",
    "Masjid Jamik",
    "Parit Lalang",
    "Pintu Air",
    "Melintang",
]

# (name, OrgUnit.Kind value, parent), parents first.
UNITS: list[tuple[str, str, str | None]] = (
    [
        (KECAMATAN, "instansi", None),
        (SEKRETARIAT, "sekretariat", KECAMATAN),
        (SUBBAG_UMUM, "seksi", SEKRETARIAT),
        (SUBBAG_PK, "seksi", SEKRETARIAT),
    ]
    + [(name, "seksi", KECAMATAN) for name in SEKSI]
    + [(f"Kelurahan {name}", "kelurahan", KECAMATAN) for name in KELURAHAN]
)

# Staff positions: type, PNS grades, PPPK grades (empty: PNS only), bachelor degrees.
GENERAL_DEGREES = "S.Sos. S.E. S.AP. S.H. S.IP."
STRUCTURAL_DEGREES = "S.STP S.STP S.Sos. S.AP. S.E. S.H. S.IP."
STAFF_POSITIONS: dict[str, tuple[str, str, str, str]] = {
    "Pengadministrasi Umum": ("pelaksana", "II/a II/b II/c II/d III/a", "V", GENERAL_DEGREES),
    "Pengelola Data": ("pelaksana", "II/c II/d III/a III/b", "V VII", "S.Kom. S.Si. S.E."),
    "Pengelola Keuangan": ("pelaksana", "II/c II/d III/a III/b", "VII", "S.E. S.Ak."),
    "Pengadministrasi Kependudukan": (
        "pelaksana",
        "II/b II/c II/d III/a",
        "V VII",
        GENERAL_DEGREES,
    ),
    "Pengelola Layanan Masyarakat": ("pelaksana", "II/b II/c II/d III/a", "V VII", GENERAL_DEGREES),
    "Operator Layanan Operasional": ("pelaksana", "II/a II/b II/c", "V", GENERAL_DEGREES),
    "Pengelola Program dan Kegiatan": ("pelaksana", "III/a III/b", "VII", "S.E. S.Sos. S.AP."),
    "Analis Kebijakan Ahli Muda": ("ahli_muda", "III/c III/d", "", "S.Sos. S.IP. S.AP."),
    "Pranata Komputer Ahli Pertama": ("ahli_pertama", "III/a III/b", "IX", "S.Kom. S.T."),
    "Penyuluh Sosial Ahli Pertama": ("ahli_pertama", "III/a III/b", "IX", "S.Sos."),
    "Arsiparis Terampil": ("terampil", "II/c II/d", "VII", GENERAL_DEGREES),
}
PPPK_CHANCE = 0.24  # of staff in positions open to PPPK; gives about 15 % PPPK overall

# Staff of each unit (they report to the unit's head; Sekretariat staff to the Sekcam).
STAFF: dict[str, list[tuple[str, int]]] = {
    SEKRETARIAT: [
        ("Analis Kebijakan Ahli Muda", 1),
        ("Pranata Komputer Ahli Pertama", 1),
        ("Arsiparis Terampil", 1),
    ],
    SUBBAG_UMUM: [
        ("Pengadministrasi Umum", 2),
        ("Pengelola Data", 1),
        ("Operator Layanan Operasional", 2),
    ],
    SUBBAG_PK: [("Pengelola Keuangan", 3), ("Pengelola Program dan Kegiatan", 2)],
    "Seksi Pemerintahan": [
        ("Pengadministrasi Kependudukan", 2),
        ("Pengelola Data", 1),
        ("Pengadministrasi Umum", 1),
    ],
    "Seksi Ketenteraman dan Ketertiban Umum": [
        ("Operator Layanan Operasional", 3),
        ("Pengadministrasi Umum", 1),
    ],
    "Seksi Pemberdayaan Masyarakat dan Kelurahan": [
        ("Pengelola Program dan Kegiatan", 2),
        ("Pengadministrasi Umum", 1),
    ],
    "Seksi Pelayanan Umum": [
        ("Pengelola Layanan Masyarakat", 3),
        ("Pengadministrasi Kependudukan", 2),
        ("Operator Layanan Operasional", 1),
    ],
    "Seksi Kesejahteraan Sosial": [
        ("Penyuluh Sosial Ahli Pertama", 1),
        ("Pengelola Layanan Masyarakat", 1),
        ("Pengadministrasi Umum", 1),
    ],
}
KELURAHAN_STAFF = [
    ("Pengadministrasi Umum", 2),
    ("Pengadministrasi Kependudukan", 2),
    ("Pengelola Layanan Masyarakat", 1),
    ("Pengelola Data", 1),
    ("Operator Layanan Operasional", 1),
]

# The people behind the demo logins, fixed so the README and the screens stay stable:
# key -> (name, gender, grade, NIP).
PINNED: dict[str, tuple[str, str, str, str]] = {
    "camat": ("Rusli Hamdani, S.STP, M.Si.", "L", "IV/a", "197908172001121002"),
    "sekcam": ("Hendra Wijaya, S.Sos., M.Si.", "L", "III/d", "198102032005011003"),
    f"kasubbag:{SUBBAG_UMUM}": ("Nurhayati, S.E.", "P", "III/c", "198406212009032005"),
    "kasi:Seksi Pemerintahan": ("Marihot Simanjuntak, S.STP", "L", "III/c", "198611092008101001"),
    "staf:Seksi Pemerintahan:0": ("Sri Wahyuni, A.Md.", "P", "II/d", "199203142015032002"),
}
# NIPs used by the import template and the browser tests: never generated here.
RESERVED_NIPS = {
    "197804122003121003",
    "198605172010012004",
    "199502202022211001",
    "198703152010011002",
    "199001012015032001",
}

# username, role, key of the linked employee
DEMO_USERS = [
    ("admin", Membership.Role.ADMIN, f"kasubbag:{SUBBAG_UMUM}"),
    ("camat", Membership.Role.LEADER, "camat"),
    ("atasan", Membership.Role.EMPLOYEE, "kasi:Seksi Pemerintahan"),
    ("pegawai", Membership.Role.EMPLOYEE, "staf:Seksi Pemerintahan:0"),
]
SUPERUSER = "superadmin"

# The agency's teknis competencies. Each level: (title, indicator, indicator, ...).
ADMINDUK_LEVELS = [
    (
        "Memahami dasar-dasar administrasi kependudukan",
        "Menjelaskan jenis dokumen kependudukan (KK, KTP-el, akta) beserta persyaratannya",
        "Memeriksa kelengkapan berkas permohonan sesuai daftar periksa",
        "Mencatat permohonan pada register atau aplikasi layanan",
    ),
    (
        "Melaksanakan pelayanan administrasi kependudukan secara mandiri",
        "Memverifikasi keabsahan dokumen persyaratan dan mencocokkannya dengan data penduduk",
        "Menjelaskan prosedur dan waktu penyelesaian layanan kepada pemohon",
        "Menyelesaikan permohonan rutin tanpa pengawasan langsung",
    ),
    (
        "Menangani kasus administrasi kependudukan yang kompleks dan membimbing petugas",
        "Menyelesaikan kasus data ganda, perubahan elemen data, dan pindah-datang",
        "Membimbing petugas kelurahan dalam menerapkan prosedur layanan",
        "Memantau ketepatan waktu dan akurasi layanan di unitnya",
    ),
    (
        "Mengendalikan mutu dan akurasi data kependudukan tingkat kecamatan",
        "Menganalisis data kependudukan untuk perencanaan dan pelayanan publik",
        "Mengoordinasikan pemutakhiran data dan layanan jemput bola dengan Disdukcapil",
        "Menetapkan langkah perbaikan atas ketidaksesuaian data yang ditemukan",
    ),
    (
        "Merumuskan kebijakan dan inovasi layanan administrasi kependudukan",
        "Merancang inovasi layanan yang dapat direplikasi di wilayah lain",
        "Menyusun rekomendasi kebijakan bagi pemerintah kota berdasarkan analisis data",
        "Menjadi rujukan penyelesaian masalah administrasi kependudukan lintas wilayah",
    ),
]
PATEN_LEVELS = [
    (
        "Memahami alur dan standar pelayanan PATEN",
        "Menjelaskan jenis layanan, persyaratan, biaya, dan waktu penyelesaian layanan",
        "Menerima pemohon di meja layanan dengan ramah dan tertib",
    ),
    (
        "Melaksanakan pelayanan PATEN sesuai standar",
        "Memproses permohonan dari loket penerimaan hingga penyerahan dokumen sesuai SOP",
        "Mencatat setiap permohonan dalam sistem pelacakan layanan",
        "Menanggapi pertanyaan dan keluhan sederhana pemohon",
    ),
    (
        "Mengelola unit layanan PATEN dan menangani pengaduan",
        "Mengatur pembagian tugas petugas loket dan memantau antrean",
        "Menindaklanjuti pengaduan masyarakat sampai tuntas",
        "Menyusun laporan kinerja layanan bulanan",
    ),
    (
        "Mengembangkan standar pelayanan dan mengukur kepuasan masyarakat",
        "Menyusun dan memperbarui standar pelayanan serta maklumat pelayanan",
        "Melaksanakan survei kepuasan masyarakat dan menindaklanjuti hasilnya",
        "Mengoordinasikan pelimpahan kewenangan dengan perangkat daerah teknis",
    ),
    (
        "Memimpin transformasi pelayanan terpadu berbasis digital",
        "Merancang layanan PATEN daring yang terhubung dengan sistem pemerintah kota",
        "Membangun kemitraan untuk memperluas jangkauan layanan",
        "Menjadikan layanan kecamatan rujukan praktik baik tingkat provinsi",
    ),
]
TEKNIS: list[dict[str, Any]] = [
    {
        "code": "T.01",
        "name": "Administrasi Kependudukan",
        "definition": "Kemampuan melaksanakan pelayanan pendaftaran penduduk dan pencatatan sipil "
        "serta mengelola data kependudukan sesuai ketentuan peraturan perundang-undangan.",
        "levels": ADMINDUK_LEVELS,
    },
    {
        "code": "T.02",
        "name": "Penyelenggaraan Pelayanan Terpadu Kecamatan (PATEN)",
        "definition": "Kemampuan menyelenggarakan pelayanan administrasi terpadu kecamatan, dari "
        "permohonan sampai penyerahan dokumen di satu tempat, sesuai standar pelayanan dan "
        "maklumat pelayanan.",
        "levels": PATEN_LEVELS,
    },
]

# Required levels that differ from national_levels(position type), and the teknis ones.
STANDARD_OVERRIDES: dict[str, dict[str, int]] = (
    {
        "Camat": {
            "M.01": 4,
            "M.02": 4,
            "M.03": 4,
            "M.04": 4,
            "M.05": 4,
            "M.06": 3,
            "M.07": 3,
            "M.08": 4,
            "SK.01": 4,
            "T.01": 3,
            "T.02": 4,
        },
        "Sekretaris Kecamatan": {"T.02": 3},
        "Kepala Seksi Pemerintahan": {"T.01": 4, "T.02": 3},
        "Kepala Seksi Pelayanan Umum": {"T.01": 3, "T.02": 4},
        "Pengadministrasi Kependudukan": {"T.01": 3, "T.02": 2},
        "Pengelola Layanan Masyarakat": {"T.01": 2, "T.02": 3},
        "Operator Layanan Operasional": {"T.02": 2},
        "Pengelola Data": {"T.01": 2},
        "Pranata Komputer Ahli Pertama": {"T.02": 2},
    }
    | {f"Lurah {name}": {"T.01": 3, "T.02": 3} for name in KELURAHAN}
    | {
        f"Sekretaris Kelurahan {name}": {"M.06": 2, "M.07": 2, "M.08": 2, "T.01": 3, "T.02": 2}
        for name in KELURAHAN
    }
)


def rangkui_plan() -> tuple[Plan, dict[str, str]]:
    """The demo as plain data, and the NIP of each keyed person (see PINNED and DEMO_USERS)."""
    rng = random.Random(SEED)
    plan = Plan()
    for name, kind, parent in UNITS:
        plan.add_unit(name, kind, parent)
    names = NameMaker(rng, taken={p[0].split(",")[0] for p in PINNED.values()})
    nips = NipMaker(rng, reserved=RESERVED_NIPS | {p[3] for p in PINNED.values()})
    nip_of: dict[str, str] = {}

    def add(
        key: str,
        position: str,
        position_type: str,
        unit: str,
        supervisor: str | None,
        grades: str,
        pppk_grades: str = "",
        degrees: str = GENERAL_DEGREES,
        min_grade: str = "",
        position_unit: str | None = None,
    ) -> None:
        """One person; grades and degrees are space-separated choices."""
        plan.add_position(position, position_type, position_unit, min_grade)
        status = "PPPK" if pppk_grades and rng.random() < PPPK_CHANCE else "PNS"
        grade = rng.choice((pppk_grades if status == "PPPK" else grades).split())
        gender = "L" if rng.random() < 0.5 else "P"
        birth, tmt_year, tmt_month = career(rng, grade=grade, asn_status=status)
        degree = degree_for(
            rng,
            position_type=position_type,
            grade=grade,
            asn_status=status,
            bachelors=tuple(degrees.split()),
        )
        if key in PINNED:
            full_name, gender, grade, nip = PINNED[key]
            status = "PNS"
        else:
            full_name = with_degree(names.make(gender), degree)
            nip = nips.make(birth=birth, tmt_year=tmt_year, tmt_month=tmt_month, gender=gender)
        nip_of[key] = nip
        supervisor_nip = nip_of[supervisor] if supervisor else None
        plan.people.append(
            PersonSpec(nip, full_name, gender, grade, status, position, unit, supervisor_nip)
        )

    def head(
        key: str,
        position: str,
        unit: str,
        supervisor: str | None,
        grades: str,
        min_grade: str,
        position_type: str = "pengawas",
    ) -> None:
        add(
            key,
            position,
            position_type,
            unit,
            supervisor,
            grades,
            min_grade=min_grade,
            degrees=STRUCTURAL_DEGREES,
            position_unit=unit,
        )

    head("camat", "Camat", KECAMATAN, None, "IV/a", "III/d", "administrator")
    head("sekcam", "Sekretaris Kecamatan", SEKRETARIAT, "camat", "III/d", "III/c", "administrator")
    for unit in (SUBBAG_UMUM, SUBBAG_PK):
        head(f"kasubbag:{unit}", f"Kepala {unit}", unit, "sekcam", "III/c III/d", "III/b")
    for unit in SEKSI:
        head(f"kasi:{unit}", f"Kepala {unit}", unit, "camat", "III/c III/d", "III/b")
    for name in KELURAHAN:
        unit, lurah = f"Kelurahan {name}", f"lurah:{name}"
        head(lurah, f"Lurah {name}", unit, "camat", "III/c III/d", "III/b")
        head(f"seklur:{name}", f"Sekretaris Kelurahan {name}", unit, lurah, "III/b III/c", "III/a")

    head_of = {SEKRETARIAT: "sekcam"} | {u: f"kasubbag:{u}" for u in (SUBBAG_UMUM, SUBBAG_PK)}
    head_of |= {unit: f"kasi:{unit}" for unit in SEKSI}
    staffing = list(STAFF.items())
    for index, name in enumerate(KELURAHAN):
        head_of[f"Kelurahan {name}"] = f"lurah:{name}"
        extra = [("Pengelola Keuangan", 1)] if index % 2 == 0 else []
        staffing.append((f"Kelurahan {name}", KELURAHAN_STAFF + extra))
    for unit, staff in staffing:
        number = 0
        for position, count in staff:
            position_type, grades, pppk_grades, degrees = STAFF_POSITIONS[position]
            shared = position_type == "pelaksana"  # pelaksana positions serve every unit
            for _i in range(count):
                add(
                    f"staf:{unit}:{number}",
                    position,
                    position_type,
                    unit,
                    head_of[unit],
                    grades,
                    pppk_grades,
                    degrees,
                    position_unit=None if shared else unit,
                )
                number += 1

    for name, spec in plan.positions.items():
        overrides = STANDARD_OVERRIDES.get(name, {})
        plan.standards[name] = national_levels(spec.position_type) | overrides
    return plan, nip_of


# --------------------------------------------------------------------------------------------
# Loading.


@dataclass
class DemoLogin:
    username: str
    role: str
    name: str
    position: str


@dataclass
class RangkuiResult:
    agency: Agency
    created: dict[str, int]
    logins: list[DemoLogin]

    @property
    def changed(self) -> bool:
        return any(self.created.values())


def _teknis_ensure(agency: Agency) -> tuple[dict[str, Any], int]:
    from kinerja.competencies.models import Competency, CompetencyLevel

    found: dict[str, Any] = {}
    created = 0
    for item in TEKNIS:
        competency = Competency.objects.filter(agency=agency, code=item["code"]).first()
        if competency is None:
            competency = Competency.objects.create(
                agency=agency,
                code=item["code"],
                name=item["name"],
                definition=item["definition"],
                group=Competency.Group.TEKNIS,
                order=1000,
            )
            created += 1
        have = set(competency.levels.values_list("level", flat=True))
        CompetencyLevel.objects.bulk_create(
            CompetencyLevel(
                competency=competency, level=level, title=title, indicators=list(indicators)
            )
            for level, (title, *indicators) in enumerate(item["levels"], start=1)
            if level not in have
        )
        found[item["code"]] = competency
    return found, created


# The demo's katalog pengembangan kompetensi: (code, name, mode, method, JP, competencies,
# level_min, level_max, provider, cost in rupiah or None). Empty competencies = any competency.
CATALOG: list[tuple[str, str, str, str, int, list[str], int, int, str, int | None]] = [
    (
        "PLT-PP",
        "Pelatihan Pelayanan Prima",
        "klasikal",
        "pelatihan",
        24,
        ["M.05"],
        1,
        3,
        "BPSDMD Provinsi Kepulauan Bangka Belitung",
        1_500_000,
    ),
    (
        "PLT-KOM",
        "Komunikasi Efektif dan Public Speaking",
        "klasikal",
        "pelatihan",
        16,
        ["M.03"],
        1,
        3,
        "BPSDMD Provinsi Kepulauan Bangka Belitung",
        1_200_000,
    ),
    (
        "PKP",
        "Pelatihan Kepemimpinan Pengawas (PKP)",
        "klasikal",
        "pelatihan",
        60,
        ["M.02", "M.04", "M.06", "M.07", "M.08"],
        3,
        3,
        "LAN RI / BPSDMD",
        12_000_000,
    ),
    (
        "PKA",
        "Pelatihan Kepemimpinan Administrator (PKA)",
        "klasikal",
        "pelatihan",
        80,
        ["M.02", "M.04", "M.06", "M.07", "M.08"],
        4,
        4,
        "LAN RI",
        25_000_000,
    ),
    (
        "EL-INT",
        "E-learning Integritas dan Antikorupsi",
        "non_klasikal",
        "e_learning",
        10,
        ["M.01"],
        1,
        4,
        "ASN Corpu (LAN)",
        None,
    ),
    (
        "EL-WK",
        "E-learning Wawasan Kebangsaan dan Nilai Bela Negara",
        "non_klasikal",
        "e_learning",
        10,
        ["SK.01"],
        1,
        3,
        "ASN Corpu (LAN)",
        None,
    ),
    (
        "EL-DATA",
        "E-learning Pengambilan Keputusan Berbasis Data",
        "non_klasikal",
        "e_learning",
        8,
        ["M.08", "M.04"],
        1,
        3,
        "ASN Corpu (LAN)",
        None,
    ),
    (
        "WS-PERUBAHAN",
        "Workshop Manajemen Perubahan dan Inovasi Pelayanan",
        "klasikal",
        "workshop",
        16,
        ["M.07", "M.05"],
        2,
        4,
        "Bagian Organisasi Setda Kota Pangkalpinang",
        750_000,
    ),
    (
        "WS-TIM",
        "Workshop Kerja Sama Tim dan Kolaborasi",
        "klasikal",
        "workshop",
        12,
        ["M.02"],
        1,
        3,
        "BKPSDM Kota Pangkalpinang",
        500_000,
    ),
    (
        "BIMTEK-ADMINDUK",
        "Bimbingan Teknis Administrasi Kependudukan (SIAK)",
        "klasikal",
        "workshop",
        24,
        ["T.01"],
        1,
        4,
        "Disdukcapil Kota Pangkalpinang",
        1_000_000,
    ),
    (
        "MAGANG-DUKCAPIL",
        "Magang di Disdukcapil Kota Pangkalpinang",
        "non_klasikal",
        "magang",
        20,
        ["T.01"],
        1,
        3,
        "Disdukcapil Kota Pangkalpinang",
        None,
    ),
    (
        "BIMTEK-T02",
        "Bimbingan Teknis Pelayanan Terpadu Kecamatan",
        "klasikal",
        "workshop",
        16,
        ["T.02"],
        1,
        4,
        "Bagian Tata Pemerintahan Setda",
        750_000,
    ),
    (
        "BENCH-PATEN",
        "Benchmarking PATEN ke Kecamatan Berprestasi",
        "non_klasikal",
        "benchmarking",
        16,
        ["T.02", "M.05"],
        2,
        4,
        "Kecamatan Rangkui",
        3_000_000,
    ),
    (
        "COACH-ATASAN",
        "Coaching oleh Atasan Langsung",
        "non_klasikal",
        "coaching",
        10,
        [],
        1,
        5,
        "Atasan langsung",
        None,
    ),
    (
        "MENTOR-SENIOR",
        "Mentoring oleh Pejabat Senior",
        "non_klasikal",
        "mentoring",
        8,
        [],
        1,
        5,
        "Pejabat struktural Kecamatan Rangkui",
        None,
    ),
    (
        "SEM-PD",
        "Seminar Pengembangan Diri ASN",
        "klasikal",
        "seminar",
        4,
        ["M.06"],
        1,
        3,
        "BKPSDM Kota Pangkalpinang",
        250_000,
    ),
]


def _catalog_ensure(agency: Agency) -> int:
    """The demo catalog, once: items already there (by code) are left as they are."""
    from kinerja.development.models import Training

    have = set(Training.objects.filter(agency=agency).values_list("code", flat=True))
    Training.objects.bulk_create(
        Training(
            agency=agency,
            code=code,
            name=name,
            mode=mode,
            method=method,
            jp=jp,
            competencies=sorted(competencies),
            level_min=lo,
            level_max=hi,
            provider=provider,
            cost=cost,
        )
        for code, name, mode, method, jp, competencies, lo, hi, provider, cost in CATALOG
        if code not in have
    )
    return len([row for row in CATALOG if row[0] not in have])


def _users_ensure(agency: Agency, nip_of: dict[str, str]) -> tuple[dict[str, int], list[DemoLogin]]:
    """Creates missing demo users, their membership and employee link; never changes an existing
    user (a changed password stays changed) or a membership in another agency."""
    user_model = get_user_model()
    keys = [nip_of[key] for _username, _role, key in DEMO_USERS]
    employees = {
        e.nip: e
        for e in Employee.objects.filter(agency=agency, nip__in=keys).select_related("position")
    }
    created = {"users": 0, "memberships": 0, "employee_links": 0}
    logins = []
    for username, role, key in DEMO_USERS:
        employee = employees[nip_of[key]]
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model(username=username, first_name=employee.name[:150])
            user.set_password(PASSWORD)
            user.save()
            created["users"] += 1
        membership = Membership.objects.filter(user=user).select_related("agency").first()
        if membership is None:
            membership = Membership.objects.create(user=user, agency=agency, role=role)
            created["memberships"] += 1
        role_label = membership.get_role_display()
        if membership.agency_id != agency.pk:
            role_label += f" ({membership.agency.code})"
        elif employee.user_id is None and not Employee.objects.filter(user=user).exists():
            employee.user = user
            employee.save(update_fields=["user", "updated_at"])
            created["employee_links"] += 1
        logins.append(DemoLogin(username, role_label, employee.name, employee.position.name))
    if not user_model.objects.filter(username=SUPERUSER).exists():
        user_model.objects.create_superuser(username=SUPERUSER, email="", password=PASSWORD)
        created["users"] += 1
    superuser = DemoLogin(SUPERUSER, _("Superuser Django"), _("(tanpa instansi)"), "/django-admin/")
    return created, [*logins, superuser]


CYCLE_NAME = "Penilaian Kompetensi 360° Tahun 2026"
CYCLE_SHARE_DONE = 0.4  # of all forms, submitted by simulated raters
FINAL_CYCLE_NAME = "Penilaian Kompetensi 360° Tahun 2025"
# Rating hasil kerja in the finalised cycle: (rating, share of employees), drawn with SEED.
HASIL_KERJA_SHARES = (
    ("di_atas_ekspektasi", 0.2),
    ("sesuai_ekspektasi", 0.7),
    ("di_bawah_ekspektasi", 0.1),
)
# The demo logins whose forms stay open, so a visitor can fill one straight away.
OPEN_RATERS = ("atasan", "pegawai")


def _cycle_ensure(agency: Agency, nip_of: dict[str, str]) -> dict[str, int]:
    """Last year's finalised cycle with results, and a running cycle with about 40 % of the forms
    submitted, once: an agency that already has a
    cycle (the demo's or one made by hand) is left alone. Whole raters are done or not started,
    chosen by the fixed seed; the `atasan` and `pegawai` logins owe every one of their forms and
    have not acknowledged the purpose yet."""
    from kinerja.assessment import services
    from kinerja.assessment.models import Cycle, RaterAssignment
    from kinerja.assessment.simulate import simulate_responses

    if Cycle.objects.filter(agency=agency).exists():
        return {"cycles": 0, "simulated_forms": 0}
    earlier_forms = _final_cycle_create(agency)
    cycle = services.cycle_create(
        agency=agency,
        acting_user=None,
        name=CYCLE_NAME,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        deadline=timezone.now() + dt.timedelta(days=30),
    )
    services.assignments_generate(cycle=cycle, acting_user=None)
    cycle = services.cycle_start(cycle=cycle, acting_user=None)

    keys = {key for username, _role, key in DEMO_USERS if username in OPEN_RATERS}
    keep_open = set(
        Employee.objects.filter(agency=agency, nip__in=[nip_of[k] for k in keys]).values_list(
            "id", flat=True
        )
    )
    forms: dict[int, list[int]] = {}
    for pk, rater in (
        RaterAssignment.objects.filter(cycle=cycle).order_by("id").values_list("id", "rater_id")
    ):
        forms.setdefault(rater, []).append(pk)
    target = round(CYCLE_SHARE_DONE * sum(len(ids) for ids in forms.values()))
    raters = sorted(r for r in forms if r not in keep_open)
    random.Random(SEED).shuffle(raters)
    chosen: list[int] = []
    for rater in raters:
        if len(chosen) >= target:
            break
        chosen += forms[rater]
    done = simulate_responses(cycle=cycle, seed=SEED, acting_user=None, assignment_ids=chosen)
    return {"cycles": 2, "simulated_forms": done + earlier_forms}


def _final_cycle_create(agency: Agency) -> int:
    """Last year's cycle, every form answered by the simulation, hasil kerja set, results
    computed and finalised: every demo login has results to look at straight away."""
    from kinerja.assessment import services
    from kinerja.assessment.simulate import simulate_responses
    from kinerja.results.services import results_compute, results_finalise

    cycle = services.cycle_create(
        agency=agency,
        acting_user=None,
        name=FINAL_CYCLE_NAME,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        deadline=timezone.now() + dt.timedelta(days=1),
    )
    services.assignments_generate(cycle=cycle, acting_user=None)
    cycle = services.cycle_start(cycle=cycle, acting_user=None)
    done = simulate_responses(cycle=cycle, seed=SEED, acting_user=None)
    cycle = services.cycle_transition(cycle=cycle, action="close", acting_user=None)
    rng = random.Random(SEED)
    ratings = [r for r, _share in HASIL_KERJA_SHARES]
    weights = [share for _r, share in HASIL_KERJA_SHARES]
    for employee in Employee.objects.filter(agency=agency).order_by("nip"):
        services.work_result_set(
            cycle=cycle,
            employee=employee,
            rating=rng.choices(ratings, weights)[0],
            justification=_("Data demo: capaian SKP tahun 2025."),
            acting_user=None,
        )
    results_compute(cycle=cycle, acting_user=None)
    results_finalise(cycle=cycle, acting_user=None)
    return done


def rangkui_load() -> RangkuiResult:
    """Loads the demo agency `rangkui`; a second run creates nothing and changes nothing.
    Loads the national framework first if there is none. Other agencies are never touched."""
    plan, nip_of = rangkui_plan()
    competencies = national_competencies()
    with transaction.atomic():
        agency, agency_created = Agency.objects.get_or_create(
            code=CODE, defaults={"name": NAME, "region": REGION}
        )
        teknis, teknis_created = _teknis_ensure(agency)
        created = {"agency": int(agency_created), "teknis_competencies": teknis_created}
        created |= plan_write(agency=agency, plan=plan, competencies=competencies | teknis)
        users_created, logins = _users_ensure(agency, nip_of)
        created |= users_created
        created |= _cycle_ensure(agency, nip_of)
        created["trainings"] = _catalog_ensure(agency)
        if any(created.values()):
            audit_record(
                agency=agency,
                acting_user=None,
                action="demo.load",
                obj=agency,
                summary=_("Data demo %(n)s dimuat") % {"n": agency.name},
                after=created,
            )
    return RangkuiResult(agency, created, logins)
