"""Every link a persona is shown leads somewhere they may go: crawl the pages each role reaches
from the home page and follow every internal link; none may answer "not found" or "forbidden"
(a new user who clicks a link they were offered must not meet a 404)."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client

from .test_assessment_services import make_cycle

HREF = re.compile(r'<a\b[^>]*\bhref="([^"#][^"]*)"')
SKIP = ("/static/", "/media/", "/i18n/", "/admin/", "/api/", "/keluar/", "/logout/")
LIMIT = 250  # pages per persona: enough for the world fixture's site, bounded if it grows


def internal_links(html: str) -> set[str]:
    links = set()
    for href in HREF.findall(html):
        href = urldefrag(href.replace("&amp;", "&"))[0]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/"):
            continue
        if href.startswith(SKIP) or parts.path.endswith((".xlsx", ".csv", ".pdf")):
            continue
        links.add(href)
    return links


def crawl(client: Client) -> dict[str, tuple[int, str]]:
    """Every page reached from "/", with its status and the page that linked to it."""
    seen: dict[str, tuple[int, str]] = {}
    queue = [("/", "(start)")]
    while queue and len(seen) < LIMIT:
        url, source = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = (response.status_code, source)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for link in sorted(internal_links(response.content.decode())):
                if link not in seen:
                    queue.append((link, url))
    return seen


@pytest.mark.parametrize("persona", ["admin", "leader", "supervisor", "staff"])
def test_no_link_shown_to_a_persona_answers_404_or_403(client, world, framework, persona):
    make_cycle(world.agency, world.admin)
    client.force_login(getattr(world, persona))
    pages = crawl(client)
    dead = {url: found for url, found in pages.items() if found[0] in (403, 404, 500)}
    assert len(pages) > 10  # the crawl really walked the site
    assert dead == {}, f"{persona}: links that fail (status, linked from): {dead}"
