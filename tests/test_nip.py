"""NIP parsing: the 18-digit layout YYYYMMDD YYYYMM G NNN and every way it can be wrong."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinerja.organisation.nip import NipError, is_valid_nip, parse_nip

TODAY = dt.date.today()


def test_example_nip_parses_into_birth_date_tmt_gender_and_sequence():
    nip = parse_nip("198609262015051001")
    assert nip.value == "198609262015051001"
    assert nip.birth_date == dt.date(1986, 9, 26)
    assert (nip.tmt_year, nip.tmt_month) == (2015, 5)
    assert nip.gender == "L"
    assert nip.sequence == 1
    assert nip.formatted() == "19860926 201505 1 001"


def test_gender_digit_2_is_female():
    assert parse_nip("198609262015052017").gender == "P"


@pytest.mark.parametrize(
    "raw",
    [
        "19860926 201505 1 001",
        "'198609262015051001",
        "  198609262015051001  ",
        "19860926.201505.1.001",
    ],
    ids=["spaces", "apostrophe", "padding", "dots"],
)
def test_spaces_apostrophe_and_dots_from_spreadsheets_are_tolerated(raw):
    assert parse_nip(raw).value == "198609262015051001"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("19860926201505100", "18 digit", id="17-digits"),
        pytest.param("1986092620150510011", "18 digit", id="19-digits"),
        pytest.param("19860926201505100A", "18 digit", id="letter"),
        pytest.param("", "wajib diisi", id="empty"),
        pytest.param("198602302015051001", "tanggal lahir", id="30-february"),
        pytest.param("198613012015051001", "tanggal lahir", id="birth-month-13"),
        pytest.param("198609262015131001", "bulan TMT", id="tmt-month-13"),
        pytest.param("198609262015001001", "bulan TMT", id="tmt-month-00"),
        pytest.param("198609262015053001", "jenis kelamin", id="gender-3"),
        pytest.param("198609262015050001", "jenis kelamin", id="gender-0"),
        pytest.param("198609262015051000", "000", id="sequence-000"),
        pytest.param("198609261999051001", "TMT", id="tmt-before-age-14"),
        pytest.param("193012012015051001", "Tahun lahir", id="born-before-1940"),
    ],
)
def test_invalid_nip_raises_nip_error_naming_the_problem(raw, message):
    with pytest.raises(NipError, match=message):
        parse_nip(raw)
    assert not is_valid_nip(raw)


def test_birth_date_in_the_future_is_invalid():
    with pytest.raises(NipError, match="Tahun lahir"):
        parse_nip("200001012020011001", today=dt.date(1999, 12, 31))
    assert parse_nip("200001012020011001", today=dt.date(2021, 1, 1)).birth_date == dt.date(
        2000, 1, 1
    )


def test_tmt_in_the_future_is_invalid():
    with pytest.raises(NipError, match="TMT"):
        parse_nip("198609262015061001", today=dt.date(2015, 5, 31))
    assert parse_nip("198609262015051001", today=dt.date(2015, 5, 31)).tmt_month == 5


@st.composite
def valid_nips(draw):
    birth = draw(st.dates(dt.date(1940, 1, 1), dt.date(TODAY.year - 16, 12, 31)))
    tmt_year = draw(st.integers(birth.year + 14, TODAY.year - 1))
    tmt_month = draw(st.integers(1, 12))
    gender = draw(st.sampled_from("12"))
    sequence = draw(st.integers(1, 999))
    text = f"{birth:%Y%m%d}{tmt_year:04d}{tmt_month:02d}{gender}{sequence:03d}"
    return text, birth, tmt_year, tmt_month, gender, sequence


@given(valid_nips())
def test_any_well_formed_nip_parses_and_round_trips(case):
    text, birth, tmt_year, tmt_month, gender, sequence = case
    assert len(text) == 18
    nip = parse_nip(text)
    assert nip.value == text
    assert (nip.birth_date, nip.tmt_year, nip.tmt_month, nip.sequence) == (
        birth,
        tmt_year,
        tmt_month,
        sequence,
    )
    assert nip.gender == ("L" if gender == "1" else "P")
    groups = nip.formatted().split(" ")
    assert [len(g) for g in groups] == [8, 6, 1, 3]
    assert "".join(groups) == text
    assert parse_nip(nip.formatted()) == nip


def test_pppk_nip_with_code_21_parses_as_pppk():
    parsed = parse_nip("199502202022211001")
    assert parsed.is_pppk and parsed.tmt_year == 2022 and parsed.gender == "L"
    assert not parse_nip("198609262015051001").is_pppk


def test_code_other_than_month_or_21_is_rejected():
    with pytest.raises(NipError, match="21 untuk PPPK"):
        parse_nip("199502202022221001")
