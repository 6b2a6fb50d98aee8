"""Signing in with a password and a second factor, moving through the app by keyboard alone,
and signing out of every session at once — in a real browser, each page checked by axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dueprocess.demo.personas import DEMO_PASSWORD, demo_totp_secret
from e2e.conftest import Browsing, printed_recovery_code, sign_in, totp_code

pytestmark = pytest.mark.e2e


def fresh(browser, site: str) -> Browsing:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    return Browsing(page=context.new_page(), base=site, axe=Axe())


def test_sign_in_takes_a_password_and_a_code_and_sign_out_everywhere_ends_all_sessions(
    browser, site
):
    first = fresh(browser, site)
    page = first.visit("/accounts/login/")
    first.check("sign-in")
    page.get_by_label("Email").fill("ada@northmoor.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    first.check("two-factor")
    page.get_by_label("Code").fill(totp_code(demo_totp_secret("ada")))
    first.submit("Sign in")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Ada Kowal")

    second = fresh(browser, site)  # another browser, signed in with a one-time recovery code
    sign_in(second.page, site, "ada", code=printed_recovery_code("ada"))
    second.visit("/account/")

    first.visit("/account/")
    first.check("account")
    first.submit("Sign out everywhere")
    expect(page.get_by_role("status")).to_contain_text("Signed out of 2 session(s)")
    second.page.goto(f"{site}/account/")
    expect(second.page).to_have_url(f"{site}/accounts/login/?next=/account/")
    for browsing in (first, second):
        browsing.page.context.close()


def test_a_note_can_be_added_with_the_keyboard_alone(as_persona):
    morgan = as_persona("morgan")
    page = morgan.visit("/queue/")
    reference = page.locator("table.worklist tbody th a").first.inner_text()
    morgan.visit(f"/cases/{reference}/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")  # skip the navigation
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Add a note":
            break
    else:
        pytest.fail("the note form's summary cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("#note").get_by_label("Note")).to_be_focused()
    page.keyboard.type("Spoke to the respondent's representative by phone.")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    morgan.check()
    expect(page.get_by_role("status")).to_contain_text("Note added")
    expect(page.locator("article.note").last).to_contain_text("respondent's representative")
