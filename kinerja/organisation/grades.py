"""Golongan/ruang for PNS and PPPK grades, with their pangkat names."""

from __future__ import annotations

PNS_GRADES: list[tuple[str, str]] = [
    ("I/a", "Juru Muda"),
    ("I/b", "Juru Muda Tingkat I"),
    ("I/c", "Juru"),
    ("I/d", "Juru Tingkat I"),
    ("II/a", "Pengatur Muda"),
    ("II/b", "Pengatur Muda Tingkat I"),
    ("II/c", "Pengatur"),
    ("II/d", "Pengatur Tingkat I"),
    ("III/a", "Penata Muda"),
    ("III/b", "Penata Muda Tingkat I"),
    ("III/c", "Penata"),
    ("III/d", "Penata Tingkat I"),
    ("IV/a", "Pembina"),
    ("IV/b", "Pembina Tingkat I"),
    ("IV/c", "Pembina Utama Muda"),
    ("IV/d", "Pembina Utama Madya"),
    ("IV/e", "Pembina Utama"),
]
PPPK_GRADES: list[str] = [
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
    "XIII",
    "XIV",
    "XV",
    "XVI",
    "XVII",
]

PNS_GRADE_CODES = [code for code, _ in PNS_GRADES]
PANGKAT = dict(PNS_GRADES)
GRADE_CHOICES = [(code, f"{code} – {name}") for code, name in PNS_GRADES] + [
    (code, f"PPPK {code}") for code in PPPK_GRADES
]
GRADE_RANK = {code: i for i, code in enumerate(PNS_GRADE_CODES)} | {
    code: i for i, code in enumerate(PPPK_GRADES)
}


def normalise_grade(raw: object) -> str:
    """'iii/a', 'III a', 'III-A', '3a' → 'III/a'; 'ix' → 'IX'. Unknown text comes back stripped."""
    text = str(raw or "").strip().replace(" ", "").replace("-", "/").replace(".", "/")
    if not text:
        return ""
    arabic = {"1": "I", "2": "II", "3": "III", "4": "IV"}
    if text[0] in arabic and len(text) >= 2 and text[-1].isalpha():
        text = arabic[text[0]] + "/" + text[-1]
    if (
        "/" not in text
        and len(text) >= 2
        and text[-1].lower() in "abcde"
        and text[:-1].upper() in {"I", "II", "III", "IV"}
    ):
        text = text[:-1] + "/" + text[-1]
    if "/" in text:
        roman, letter = text.split("/", 1)
        return f"{roman.upper()}/{letter.lower()}"
    return text.upper()


def is_valid_grade(grade: str, asn_status: str) -> bool:
    if asn_status == "PPPK":
        return grade in PPPK_GRADES
    return grade in PANGKAT
