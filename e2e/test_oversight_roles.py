"""The head of complaints and the independent reviewer — who see the oversight dashboard with
its charts linking to the cases behind them — on every page their menu offers, checked by axe
at desktop width and at 390 px (a phone), where the header must fit and "Sign out" stay within
reach."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from e2e.conftest import Browsing

pytestmark = pytest.mark.e2e

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def menu_paths(browsing: Browsing) -> list[str]:
    """The pages the signed-in person's menu offers, in order (the brand link aside)."""
    links = browsing.page.locator("header.site-header nav ul + ul a")
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    return [href for href in hrefs if href.startswith("/")]


def header_fits(browsing: Browsing, width: int) -> None:
    page = browsing.page
    overflow = page.evaluate(
        "() => { const h = document.querySelector('header.site-header');"
        " return [h.scrollWidth, h.clientWidth, document.documentElement.scrollWidth]; }"
    )
    assert overflow[0] <= overflow[1], f"{page.url}: the header is wider than the screen"
    assert overflow[2] <= width, f"{page.url}: the page scrolls sideways ({overflow[2]} px)"
    header = page.locator("header.site-header")
    sign_out = header.get_by_role("button", name="Sign out", exact=True)
    expect(sign_out).to_be_in_viewport()
    box = sign_out.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
@pytest.mark.parametrize("persona", ["morgan", "ines"], ids=["head-of-complaints", "reviewer"])
def test_every_page_of_the_menu_passes_axe_and_fits(as_persona, persona: str, width: str):  # type: ignore[no-untyped-def]
    browsing: Browsing = as_persona(persona)
    wide, high = WIDTHS[width]
    browsing.page.set_viewport_size({"width": wide, "height": high})
    page = browsing.visit("/oversight/")
    # the charts link to the cases behind their bars for these two: the links must be
    # reachable (no link inside an image), each named by its row
    links = page.locator("svg.chart a")
    assert links.count() > 0
    assert all(links.nth(i).get_attribute("aria-label") for i in range(links.count()))
    paths = menu_paths(browsing)
    assert "/oversight/" in paths and "/backlog/" in paths
    for path in paths:
        browsing.visit(path)
        if wide < 600:
            header_fits(browsing, wide)
