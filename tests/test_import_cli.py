"""`kinerja import-employees`: the import from the shell, its report and its exit status."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kinerja.organisation.models import Employee, OrgUnit, Position

from .test_import import valid_rows, xlsx_bytes


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def good_file(tmp_path) -> Path:
    path = tmp_path / "pegawai.xlsx"
    path.write_bytes(xlsx_bytes(valid_rows(5)))
    return path


@pytest.fixture
def bad_file(tmp_path) -> Path:
    rows = valid_rows(5)
    rows.insert(1, rows.pop(2))  # a staff member (nobody's supervisor) on spreadsheet row 3
    rows[1]["nip"] = "12345"
    rows[3]["golongan"] = "V/z"  # spreadsheet row 5
    path = tmp_path / "salah.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    return path


def counts() -> tuple[int, int, int]:
    return Employee.objects.count(), OrgUnit.objects.count(), Position.objects.count()


def test_good_file_is_imported_and_reported(world, good_file):
    out = io.StringIO()
    before = Employee.objects.filter(agency=world.agency).count()
    call_command("import-employees", str(good_file), agency="a", stdout=out)
    assert "Impor berhasil" in out.getvalue()
    assert "5 pegawai baru" in out.getvalue()
    assert Employee.objects.filter(agency=world.agency).count() == before + 5


def test_dry_run_reports_but_writes_nothing(world, good_file):
    out = io.StringIO()
    before = counts()
    call_command("import-employees", str(good_file), agency="a", dry_run=True, stdout=out)
    assert "Uji coba" in out.getvalue() and "5 pegawai baru" in out.getvalue()
    assert counts() == before


def test_bad_file_fails_with_per_row_report_and_writes_nothing(world, bad_file):
    out = io.StringIO()
    before = counts()
    with pytest.raises(CommandError, match="2 kesalahan"):
        call_command("import-employees", str(bad_file), agency="a", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Impor dibatalkan")
    assert lines[1].startswith("Baris 3, kolom nip: NIP harus 18 digit")
    assert lines[2].startswith("Baris 5, kolom golongan: ")
    assert counts() == before


def test_unknown_agency_code_is_an_error(world, good_file):
    before = counts()
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("import-employees", str(good_file), agency="tidak-ada", stdout=io.StringIO())
    assert counts() == before


def test_missing_file_is_an_error(world, tmp_path):
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("import-employees", str(tmp_path / "hilang.xlsx"), agency="a")


def test_unsupported_file_type_is_an_error(world, tmp_path):
    path = tmp_path / "pegawai.txt"
    path.write_text("nip,nama\n")
    with pytest.raises(CommandError, match="tidak didukung"):
        call_command("import-employees", str(path), agency="a")


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "sqlite:").startswith("sqlite"),
    reason="runs the console script against its own SQLite database",
)
def test_console_script_exits_non_zero_on_a_bad_file(bad_file, tmp_path):
    kinerja = Path(sys.executable).with_name("kinerja")
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["KINERJA_VAR_DIR"] = str(tmp_path / "var")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(kinerja), *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    setup = run("migrate", "-v0")
    assert setup.returncode == 0, setup.stderr
    create = "from kinerja.core.models import Agency; Agency.objects.create(code='a', name='A')"
    setup = run("shell", "-c", create)
    assert setup.returncode == 0, setup.stderr

    result = run("import-employees", str(bad_file), "--agency", "a")

    assert result.returncode != 0
    assert "Baris 3, kolom nip:" in result.stdout
    assert "CommandError" in result.stderr
