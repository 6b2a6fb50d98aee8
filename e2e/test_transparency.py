"""The public transparency report in a real browser, signed out: accessible (axe), within the
content security policy, every chart with its numbers beside it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from e2e.conftest import Browsing

pytestmark = pytest.mark.e2e


def test_the_public_report_needs_no_sign_in_and_passes_axe(browser, site):  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    visitor = Browsing(page=context.new_page(), base=site, axe=Axe())
    page = visitor.visit("/transparency/")
    visitor.check("transparency")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Transparency report")
    intake = page.locator("#table-intake")
    expect(intake.get_by_role("img")).to_have_count(1)
    expect(intake.locator("tfoot")).to_contain_text("Complaints received")
    expect(page.get_by_role("link", name="Sign out")).to_have_count(0)
    earlier = page.get_by_role("navigation", name="Quarters").get_by_role("link").nth(1)
    quarter = earlier.inner_text()
    earlier.click()
    page.wait_for_load_state("load")
    visitor.check()
    expect(page.get_by_role("heading", level=1)).to_contain_text(quarter[:4])
    context.close()
