"""Every page a demo role can reach, at 1280 px and at 360 px (a phone), checked with axe-core
(axe-playwright-python ships it; nothing is downloaded): no critical or serious violation, and at
360 px no page wider than the screen. The crawl follows the links of the menu and of each page's
main part, one page per URL shape (/hasil/tim/12/ and /hasil/tim/13/ are one shape), skipping
downloads, sign-out and the API."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import login

AXE = Axe()
SKIP = re.compile(r"^/(api|admin|akun/keluar|static)/|\.(xlsx|csv|pdf|zip)$|/unduh/|/ekspor")
MAX_PAGES = 60


def shape(path: str) -> str:
    return re.sub(r"/\d+(?=/)", "/N", path)


def links(page) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "nav a[href^='/'], main a[href^='/']", "els => els.map(e => e.getAttribute('href'))"
    )
    return [h.split("#")[0] for h in hrefs if not SKIP.search(h.split("#")[0].split("?")[0])]


def overflow(page) -> int:
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


def serious(page) -> list[str]:
    found = AXE.run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {', '.join(n['target'][0] for n in v['nodes'][:3])}"
        for v in found
        if v["impact"] in ("critical", "serious")
    ]


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("username", ["admin", "camat", "atasan", "pegawai"])
def test_every_reachable_page_passes_axe_and_fits_the_screen(
    browser, live_server, demo, username, width
):
    context = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, username)
    queue, seen, visited = ["/"], {shape("/")}, []
    problems: dict[str, list[str]] = {}
    while queue and len(visited) < MAX_PAGES:
        path = queue.pop(0)
        response = page.goto(path)
        visited.append(path)
        if response is None or response.status >= 400:
            problems[path] = [f"HTTP {response.status if response else '?'}"]
            continue
        found = serious(page)
        if width < 400 and (extra := overflow(page)) > 0:
            found.append(f"{width + extra} px wide")
        if found:
            problems[path] = found
        for href in links(page):
            if shape(href.split("?")[0]) not in seen:
                seen.add(shape(href.split("?")[0]))
                queue.append(href)
    context.close()
    assert len(visited) > 5
    assert problems == {}, f"{username} at {width} px: " + "; ".join(
        f"{path}: {' | '.join(found)}" for path, found in problems.items()
    )
