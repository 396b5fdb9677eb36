"""HTML to PDF with WeasyPrint: A4, the agency's name and "RAHASIA" on every page, "Halaman X
dari Y", fonts from the system's font package (Debian's fonts-dejavu-core), and never the
network: the URL fetcher serves only data: URIs and files under the font and static folders."""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

PRINT_CSS = "reports/print.css"
FONT_FILES = {
    "regular": "DejaVuSans.ttf",
    "bold": "DejaVuSans-Bold.ttf",
    "italic": "DejaVuSans-Oblique.ttf",
}


class NetworkRefused(ValueError):
    """A report asked for a resource that is not a local file or a data: URI."""


DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"  # Debian's fonts-dejavu-core (make pdf-libs)


def font_dir() -> Path:
    """Where the report fonts are installed: the setting or environment variable
    KINERJA_PDF_FONT_DIR, else Debian's fonts-dejavu-core."""
    configured = getattr(settings, "KINERJA_PDF_FONT_DIR", None)
    return Path(configured or os.environ.get("KINERJA_PDF_FONT_DIR") or DEFAULT_FONT_DIR)


def allowed_roots() -> list[Path]:
    """The folders a file:// URL of a report may point into."""
    return [font_dir().resolve(), Path(settings.STATIC_ROOT).resolve()]


def local_path(url: str) -> Path:
    """The file a file:// URL names, if it lies inside an allowed folder; refused otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise NetworkRefused(f"Ditolak: laporan PDF tidak mengambil sumber dari jaringan ({url}).")
    path = Path(unquote(parts.path)).resolve()
    if not any(path.is_relative_to(root) for root in allowed_roots()):
        raise NetworkRefused(f"Ditolak: berkas di luar folder yang diizinkan ({path}).")
    if not path.is_file():
        raise NetworkRefused(f"Berkas tidak ada: {path}.")
    return path


class LocalFetcher(URLFetcher):
    """WeasyPrint's fetcher limited to data: URIs, the font folder, and static files
    ("static:kinerja/x.svg" or file:// paths inside the static roots). Anything else, above
    all http(s) and ftp, raises NetworkRefused before a socket is opened."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)  # decoded in memory by urllib's DataHandler
        if scheme == "static":  # a file of the project's static files, found by Django's finders
            name = url.split(":", 1)[1].lstrip("/")
            try:
                found = None if ".." in Path(name).parts else finders.find(name)
            except SuspiciousFileOperation:
                found = None
            if not found or isinstance(found, list):
                raise NetworkRefused(f"Berkas statis tidak ditemukan: {url}.")
            path = Path(found).resolve()
        else:
            path = local_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
        )


def font_urls() -> dict[str, str]:
    """file:// URLs of the installed report fonts (those present; the CSS falls back to the
    fontconfig family "DejaVu Sans", then any sans-serif)."""
    out = {}
    for style, name in FONT_FILES.items():
        path = font_dir() / name
        if path.is_file():
            out[style] = path.resolve().as_uri()
    return out


def render_html(template: str, context: dict[str, Any]) -> str:
    """The report's HTML: its template with the print CSS inlined (no stylesheet to fetch)."""
    css_context = {"fonts": font_urls(), "agency": context.get("agency")}
    css = render_to_string(PRINT_CSS, css_context)
    return render_to_string(template, {**context, "print_css": css})


def html_to_pdf(html: str) -> bytes:
    fetcher = LocalFetcher(allowed_protocols=("data", "file", "static"), fail_on_errors=False)
    # base_url stays a local folder, so a relative link can never become a network address.
    base = Path(settings.STATIC_ROOT).resolve().as_uri() + "/"
    return HTML(string=html, url_fetcher=fetcher, base_url=base).write_pdf()


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_html(template, context))
