"""Every page each role may see, checked by axe at desktop width and at 390 px (a phone), where
the header must fit and "Sign out" stay within reach: one signed-in browser per persona and
width, visiting what their menu offers, their account pages and — for those who work cases —
a case page they may open; and the public pages for a visitor with no account.

The head of complaints' and the reviewer's menus are in test_oversight_roles, the
administrator's pages and the declaration review in test_staff_admin; here they visit only the
pages those leave out (a case page, their own declarations, emergency access).
"""

from __future__ import annotations

import pytest

from e2e.conftest import Browsing
from e2e.test_oversight_roles import WIDTHS, header_fits, menu_paths

pytestmark = pytest.mark.e2e

#: persona -> (visits every page of their menu, opens a case page)
ROLES = {
    "priya": (True, True),  # intake officer
    "sam": (True, True),  # investigator
    "judith": (True, True),  # panel member
    "gwen": (True, False),  # oversight: aggregates, no case file
    "felix": (True, False),  # political office: no case at all
    "jamie": (True, False),  # moved from the political office: conflicted out of every case
    "morgan": (False, True),  # head of complaints (menu: test_oversight_roles)
    "ines": (False, True),  # independent reviewer (menu: test_oversight_roles)
    "ada": (False, False),  # administrator (staff pages: test_staff_admin)
}
#: Pages every member of staff may open, whatever their menu offers.
EVERYONE = ["/account/", "/account/interests/", "/emergency/"]
#: Pages no menu links to, for the roles that use them (the adviser's and signer's inboxes
#: are reached from e-mail; the import, the publishing page and the cases behind a figure from
#: other pages).
EXTRA = {
    "priya": ["/dossiers/import/"],
    "morgan": ["/dossiers/import/", "/oversight/figures/backlog/cases/"],
    "ines": ["/oversight/figures/backlog/cases/"],
    "gwen": ["/oversight/transparency/"],
    "felix": ["/oversight/advice/", "/oversight/sign-offs/"],
}
#: The public pages, for a visitor with no account.
PUBLIC = ["/report/", "/receipt/", "/receipt/lost/", "/transparency/"]


def first_case(browsing: Browsing) -> str:
    """The first case the persona's case search lists (they may open it)."""
    browsing.visit("/cases/")
    links = browsing.page.locator("main a[href^='/cases/C-']")
    assert links.count() > 0, "the persona's case search lists no case"
    href = links.first.get_attribute("href")
    assert href
    return href


@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
@pytest.mark.parametrize("persona", list(ROLES))
def test_each_role_sees_each_of_its_pages_pass_axe_and_fit(as_persona, persona: str, width: str):  # type: ignore[no-untyped-def]
    browsing: Browsing = as_persona(persona)
    wide, high = WIDTHS[width]
    browsing.page.set_viewport_size({"width": wide, "height": high})
    whole_menu, opens_cases = ROLES[persona]
    browsing.visit("/account/")
    paths = [*menu_paths(browsing), *EVERYONE] if whole_menu else list(EVERYONE[1:])
    paths += EXTRA.get(persona, [])
    if opens_cases:
        paths.append(first_case(browsing))
    for path in dict.fromkeys(paths):  # in order, once each
        browsing.visit(path)
        if wide < 600:
            header_fits(browsing, wide)
    if opens_cases:  # the forms the case page offers this role: an approach, an advice request
        browsing.visit(paths[-1])
        offered = browsing.page.locator(
            "main a[href$='/approaches/new/'], main a[href$='/advice/new/']"
        )
        forms = [offered.nth(i).get_attribute("href") or "" for i in range(offered.count())]
        for path in forms:
            browsing.visit(path)
            if wide < 600:
                header_fits(browsing, wide)
        if persona == "morgan":  # the head of complaints may use both, so both are checked
            assert any(p.endswith("/approaches/new/") for p in forms), forms
            assert any(p.endswith("/advice/new/") for p in forms), forms
    if persona == "felix":  # the adviser reads a request the demo sent him
        browsing.visit("/oversight/advice/")
        asked = browsing.page.locator("main a[href^='/oversight/advice/']")
        if asked.count():
            browsing.visit(asked.first.get_attribute("href") or "")


@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
def test_the_public_pages_pass_axe_and_do_not_scroll_sideways(visitor, width: str):  # type: ignore[no-untyped-def]
    browsing: Browsing = visitor()
    wide, high = WIDTHS[width]
    browsing.page.set_viewport_size({"width": wide, "height": high})
    for path in PUBLIC:
        page = browsing.visit(path)
        scrolled = page.evaluate("() => document.documentElement.scrollWidth")
        assert scrolled <= wide, f"{path}: the page scrolls sideways ({scrolled} px)"
