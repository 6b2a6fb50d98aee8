"""Staff administration in a real browser: the account administrator adds a person and grants
them a role through the pages; a member of staff declares an interest; the head of complaints
reviews it. Every page is checked by axe, and the administrator's and the head of complaints'
pages are checked again at 390 px (a phone), where the header must fit."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from e2e.conftest import Browsing
from e2e.test_oversight_roles import WIDTHS, header_fits, menu_paths

pytestmark = pytest.mark.e2e


def test_the_administrator_adds_a_person_and_grants_a_role(as_persona):  # type: ignore[no-untyped-def]
    ada: Browsing = as_persona("ada")
    page = ada.visit("/staff/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Staff accounts")
    page.get_by_label("Full name").fill("Rowan Ashby")
    page.get_by_label("E-mail address").fill("rowan.ashby@northmoor.example")
    ada.submit("Add staff")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rowan Ashby")
    expect(page.get_by_role("status")).to_contain_text("Added Rowan Ashby")
    ada.check("staff-person")

    grant = page.locator("form", has=page.get_by_role("button", name="Grant the role"))
    grant.get_by_label("Role", exact=True).select_option("investigator")
    start = dt.date.today() - dt.timedelta(days=7)
    grant.get_by_label("From", exact=True).fill(start.isoformat())
    ada.submit("Grant the role")
    expect(page.get_by_role("status")).to_contain_text("Role granted to Rowan Ashby")
    roles = page.locator("section", has=page.get_by_role("heading", name="Roles", exact=True))
    expect(roles).to_contain_text("Investigator: from")
    expect(roles).to_contain_text("current")
    expect(roles.get_by_role("button", name="End the investigator role")).to_be_visible()

    ada.visit("/staff/")
    row = page.get_by_role("row", name="Rowan Ashby")
    expect(row).to_contain_text("Active")
    expect(row).to_contain_text("Investigator")
    ada.check("staff-list")
    assert page.locator("a[href^='/cases/']").count() == 0  # accounts only, never a case


def test_a_declaration_is_made_and_the_head_of_complaints_reviews_it(as_persona):  # type: ignore[no-untyped-def]
    sam: Browsing = as_persona("sam")
    page = sam.visit("/account/")
    with page.expect_navigation():
        page.get_by_role("link", name="Your declarations of interest").click()
    sam.check()
    page.get_by_label("Kind of interest").select_option("role_held")
    page.get_by_label("Describe the interest").fill("Treasurer of the Riverside campaign group.")
    sam.submit("Declare")
    expect(page.get_by_role("status")).to_contain_text("Declared.")
    declared = page.locator("li", has_text="Treasurer of the Riverside campaign group.")
    expect(declared).to_contain_text("Waiting for review")
    sam.check("interests-own")

    morgan: Browsing = as_persona("morgan")
    page = morgan.visit("/interests/")
    article = page.locator("article", has_text="Treasurer of the Riverside campaign group.")
    expect(article.get_by_role("heading")).to_contain_text("Sam Okafor")
    article.get_by_label("Restricted", exact=False).check()
    article.get_by_label("Reason").fill("Not on cases about the Riverside campaign.")
    morgan.check("interests-review")
    morgan.submit("Record the review of Sam Okafor's declaration")
    expect(page.get_by_role("status")).to_contain_text("Review of Sam Okafor's declaration")
    expect(article).to_contain_text("Reviewed")
    expect(article).to_contain_text("Not on cases about the Riverside campaign.")

    page = sam.visit("/account/interests/")
    expect(page.locator("li", has_text="Riverside")).to_contain_text("Restricted")


@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
@pytest.mark.parametrize(
    ("persona", "offered"),
    [("ada", "/staff/"), ("morgan", "/interests/")],
    ids=["administrator", "head-of-complaints"],
)
def test_the_staff_pages_pass_axe_and_fit(as_persona, persona: str, offered: str, width: str):  # type: ignore[no-untyped-def]
    browsing: Browsing = as_persona(persona)
    wide, high = WIDTHS[width]
    browsing.page.set_viewport_size({"width": wide, "height": high})
    browsing.visit("/account/")
    paths = menu_paths(browsing)
    assert offered in paths
    assert ("/staff/" in paths) == (persona == "ada")
    assert ("/interests/" in paths) == (persona == "morgan")
    extra = ["/account/interests/"]
    if persona == "ada":
        browsing.visit("/staff/")
        first = browsing.page.locator("table tbody th a").first.get_attribute("href")
        assert first
        extra.append(first)
    for path in [*paths, *extra]:
        browsing.visit(path)
        if wide < 600:
            header_fits(browsing, wide)
