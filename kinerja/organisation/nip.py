"""NIP (Nomor Induk Pegawai) parsing and validation: 18 digits, YYYYMMDD YYYYMM G NNN."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Nip:
    value: str
    birth_date: dt.date
    tmt_year: int
    tmt_month: int
    gender: str  # "L" or "P"
    sequence: int
    is_pppk: bool = False  # PPPK NIPs carry the code 21 where a PNS NIP has the TMT month

    def formatted(self) -> str:
        v = self.value
        return f"{v[:8]} {v[8:14]} {v[14]} {v[15:]}"


PPPK_CODE = 21


class NipError(ValueError):
    pass


def normalise_nip(raw: object) -> str:
    """Digits only: spreadsheets give NIPs with spaces, dots, an apostrophe or as a float."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip().lstrip("'")
    return "".join(ch for ch in text if ch not in " .-\u00a0")


def parse_nip(raw: object, *, today: dt.date | None = None) -> Nip:
    """Parses a NIP or raises NipError with an Indonesian message saying what is wrong."""
    value = normalise_nip(raw)
    if not value:
        raise NipError(_("NIP wajib diisi."))
    if not value.isdigit() or len(value) != 18:
        raise NipError(_("NIP harus 18 digit angka (terbaca %(n)d karakter).") % {"n": len(value)})
    today = today or dt.date.today()
    try:
        birth = dt.date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError as exc:
        raise NipError(_("8 digit pertama NIP bukan tanggal lahir yang valid (YYYYMMDD).")) from exc
    if birth.year < 1940 or birth > today:
        raise NipError(_("Tahun lahir pada NIP tidak masuk akal."))
    tmt_year, tmt_month = int(value[8:12]), int(value[12:14])
    is_pppk = tmt_month == PPPK_CODE
    if not is_pppk and not 1 <= tmt_month <= 12:
        raise NipError(_("Digit 13–14 NIP harus bulan TMT (01–12), atau 21 untuk PPPK."))
    if tmt_year < birth.year + 14 or (tmt_year, 1 if is_pppk else tmt_month) > (
        today.year,
        today.month,
    ):
        raise NipError(_("TMT pada NIP (digit 9–14) tidak masuk akal terhadap tanggal lahir."))
    gender_digit = value[14]
    if gender_digit not in "12":
        raise NipError(_("Digit ke-15 NIP adalah jenis kelamin dan harus 1 atau 2."))
    sequence = int(value[15:18])
    if sequence == 0:
        raise NipError(_("Nomor urut NIP (3 digit terakhir) tidak boleh 000."))
    return Nip(
        value=value,
        birth_date=birth,
        tmt_year=tmt_year,
        tmt_month=tmt_month,
        gender="L" if gender_digit == "1" else "P",
        sequence=sequence,
        is_pppk=is_pppk,
    )


def is_valid_nip(raw: object) -> bool:
    try:
        parse_nip(raw)
    except NipError:
        return False
    return True
