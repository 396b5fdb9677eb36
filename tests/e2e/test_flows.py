"""Browser flows a person uses, by visible labels: sign in per role, import with an error then fix it."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from kinerja.organisation.models import Employee

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("username", "sees", "does_not_see"),
    [
        ("admin", ["Pegawai", "Impor pegawai", "Token API", "Jejak audit"], []),
        ("camat", ["Pegawai", "Tim saya"], ["Impor pegawai", "Token API"]),
        ("atasan", ["Tim saya", "Profil saya"], ["Impor pegawai", "Token API", "Pegawai"]),
        ("pegawai", ["Profil saya"], ["Impor pegawai", "Token API", "Pegawai", "Tim saya"]),
    ],
)
def test_each_demo_role_signs_in_and_sees_their_menu(page, demo, username, sees, does_not_see):
    login(page, username)
    nav = page.get_by_role("navigation", name="Navigasi utama")
    if username == "admin":
        nav.get_by_role("button", name="Administrasi").click()
    for label in sees:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    for label in does_not_see:
        expect(nav.get_by_role("link", name=label, exact=True)).to_have_count(0)
    screenshot(page, f"beranda-{username}")


def test_staff_sees_own_position_standard(page, demo):
    login(page, "pegawai")
    page.get_by_role("link", name="Profil saya", exact=True).first.click()
    expect(page.get_by_role("heading", name="Standar kompetensi jabatan")).to_be_visible()
    expect(page.get_by_text("M.01 Integritas")).to_be_visible()
    screenshot(page, "profil-saya")


def test_supervisor_sees_team(page, demo):
    login(page, "atasan")
    page.get_by_role("link", name="Tim saya", exact=True).click()
    expect(page.get_by_role("heading", name="Tim saya")).to_be_visible()
    expect(page.locator("tbody tr")).not_to_have_count(0)


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "nip",
            "nama",
            "jenis_kelamin",
            "golongan",
            "status_asn",
            "jenis_jabatan",
            "jabatan",
            "unit_kerja",
            "unit_induk",
            "nip_atasan",
            "email",
        ]
    )
    writer.writerows(rows)
    return out.getvalue().encode()


def test_admin_imports_file_with_error_sees_report_then_fixes_it(page, demo, tmp_path):
    good = [
        "198703152010011002",
        "Andi Saputra, S.Kom.",
        "L",
        "III/b",
        "PNS",
        "Pelaksana",
        "Pranata Data Baru",
        "Seksi Data Baru",
        "Kecamatan Rangkui",
        "",
        "",
    ]
    bad = [
        "199001012015032001",
        "Dewi Lestari",
        "L",
        "III/z",
        "PNS",
        "Pelaksana",
        "Pranata Data Baru",
        "Seksi Data Baru",
        "Kecamatan Rangkui",
        "198703152010011002",
        "",
    ]
    broken = tmp_path / "pegawai.csv"
    broken.write_bytes(_csv([good, bad]))
    before = Employee.objects.count()

    login(page, "admin")
    nav = page.get_by_role("navigation", name="Navigasi utama")
    nav.get_by_role("button", name="Administrasi").click()
    nav.get_by_role("link", name="Impor pegawai", exact=True).click()
    expect(page.get_by_role("link", name="Unduh templat XLSX")).to_be_visible()
    page.get_by_label("Berkas XLSX atau CSV").set_input_files(str(broken))
    page.get_by_role("button", name="Unggah dan periksa").click()
    report = page.get_by_role("alert")
    expect(report).to_contain_text("Impor dibatalkan")
    expect(page.get_by_role("cell", name="jenis_kelamin", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="golongan", exact=True)).to_be_visible()
    screenshot(page, "impor-gagal")
    assert Employee.objects.count() == before

    bad[2], bad[3] = "P", "III/a"
    fixed = tmp_path / "pegawai-perbaikan.csv"
    fixed.write_bytes(_csv([good, bad]))
    page.get_by_label("Berkas XLSX atau CSV").set_input_files(str(fixed))
    page.get_by_role("button", name="Unggah dan periksa").click()
    expect(page.get_by_role("status")).to_contain_text("Impor berhasil")
    screenshot(page, "impor-berhasil")
    assert Employee.objects.count() == before + 2

    page.get_by_role("link", name="Lihat daftar pegawai").click()
    page.get_by_label("Cari nama atau NIP").fill("Dewi Lestari")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.get_by_role("link", name="Dewi Lestari")).to_be_visible()


def test_employee_pages_work_on_a_phone(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    login(page, "pegawai")
    page.get_by_role("button", name="Buka menu").click()
    page.get_by_role("link", name="Profil saya", exact=True).click()
    expect(page.get_by_role("heading", name="Standar kompetensi jabatan")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
