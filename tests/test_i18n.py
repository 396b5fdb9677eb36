"""Interface language: Indonesian by default, English via the language cookie or /i18n/setlang/."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation


@pytest.fixture(autouse=True)
def _reset_language():
    # LocaleMiddleware activates the request's language on this thread; don't leak it to other tests.
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _english(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _nav_labels(html: str) -> list[str]:
    """The bar's links and its drop-down menus' entries (Organisasi, Administrasi)."""
    return re.findall(r'class="(?:nav-link|dropdown-item)[^"]*"[^>]*>([^<]+)</a>', html)


def test_english_catalogue_is_complete():
    from pathlib import Path

    po = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    # Every entry after the header has a non-empty translation.
    assert not re.search(r'^msgstr(\[\d\])? ""\n(?!")', text.split("\n\n", 1)[1], re.M)
    assert po.with_suffix(".mo").exists()


def test_login_page_is_indonesian_by_default(client):
    html = client.get(reverse("login")).content.decode()
    assert "Masuk ke Kinerja" in html
    assert '<html lang="id">' in html
    assert "Sign in" not in html


def test_login_page_is_english_with_language_cookie(client):
    _english(client)
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "Sign in to Kinerja" in html
    assert "Sign in" in html
    assert "Masuk ke Kinerja" not in html


def test_setlang_switches_to_english_and_back(client):
    login = reverse("login")
    response = client.post(reverse("set_language"), {"language": "en", "next": login})
    assert response.status_code == 302
    assert response.url == login
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(login).content.decode()
    assert "Sign in to Kinerja" in html
    assert "Masuk ke Kinerja" not in html

    client.post(reverse("set_language"), {"language": "id", "next": login})
    html = client.get(login).content.decode()
    assert "Masuk ke Kinerja" in html


def test_employee_list_navigation_in_english(client, world):
    client.force_login(world.admin)
    url = reverse("organisation:employee_list")

    labels = _nav_labels(client.get(url).content.decode())
    assert "Pegawai" in labels
    assert "Employees" not in labels

    _english(client)
    html = client.get(url).content.decode()
    labels = _nav_labels(html)
    assert "Employees" in labels
    assert "Pegawai" not in labels
    assert {"Home", "Work units", "Positions", "Competencies"} <= set(labels)
    assert "Sign out" in html
    assert "Keluar" not in html


def test_import_error_is_shown_in_english(client, world):
    client.force_login(world.admin)
    url = reverse("organisation:import_employees")

    def upload() -> str:
        data = {"file": SimpleUploadedFile("pegawai.txt", b"nip,nama\n", content_type="text/plain")}
        response = client.post(url, data)
        assert response.status_code == 200
        return response.content.decode()

    html = upload()
    assert "Jenis berkas tidak didukung" in html
    assert "Berkas tidak dapat diproses." in html

    _english(client)
    html = upload()
    assert "Unsupported file type: upload an .xlsx or .csv file." in html
    assert "The file could not be processed." in html
    assert "Jenis berkas tidak didukung" not in html
