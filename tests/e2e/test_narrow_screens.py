"""At 360 px (a phone) no page is wider than the screen: each demo role walks the pages linked
from its menu and a few deeper ones, and the document never scrolls sideways."""

from __future__ import annotations

import pytest

from .conftest import login

WIDTH = 360


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 = fits)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


def menu_links(page) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "nav a[href^='/'], main a[href^='/']", "els => els.map(e => e.getAttribute('href'))"
    )
    keep = []
    for href in hrefs:
        path = href.split("#")[0]
        if path.endswith((".xlsx", ".csv", ".pdf")) or path.startswith(("/api/", "/admin/")):
            continue
        if path not in keep:
            keep.append(path)
    return keep


@pytest.mark.parametrize("username", ["admin", "atasan", "pegawai"])
def test_no_page_is_wider_than_a_phone(browser, live_server, demo, username):
    from kinerja.assessment.models import Cycle, RaterAssignment

    context = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": WIDTH, "height": 740}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, username)
    pages = ["/", *menu_links(page)]
    cycle = Cycle.objects.order_by("-pk").first()
    if username == "admin" and cycle is not None:  # the deeper admin pages the crawl found wide
        ratee = RaterAssignment.objects.filter(cycle=cycle).values_list("ratee_id", flat=True)[0]
        pages += [
            "/pengembangan/katalog/",
            f"/penilaian/siklus/{cycle.pk}/",
            f"/penilaian/siklus/{cycle.pk}/penilai/{ratee}/",
        ]
    wide = {}
    for path in dict.fromkeys(pages):
        page.goto(path)
        extra = overflow(page)
        if extra > 0:
            wide[path] = WIDTH + extra
    context.close()
    assert len(pages) > 5
    assert wide == {}, f"{username}: pages wider than {WIDTH} px (page width): {wide}"
