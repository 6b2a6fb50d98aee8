"""Break-glass in a real browser: an investigator not on a case asks for it with a reason, the
head of complaints approves for two hours, and the case page shows who let whom in and why."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from e2e.test_interference_journey import intake

pytestmark = pytest.mark.e2e


def test_emergency_access_needs_a_second_person_and_shows_on_the_case(as_persona):
    priya, tomasz, morgan = as_persona("priya"), as_persona("tomasz"), as_persona("morgan")
    reference = intake(priya)
    tomasz.visit(f"/cases/{reference}/", status=404)

    page = tomasz.visit("/emergency/")
    page.get_by_label("Case reference").fill(reference)
    page.get_by_label("Reason").fill("The hearing is tomorrow and the assigned team is away.")
    tomasz.submit("Ask")
    expect(page.get_by_text(f"Asked for emergency access to {reference}")).to_be_visible()
    expect(page.locator("#mine-h + ul")).to_contain_text("waiting for a second person")
    tomasz.visit(f"/cases/{reference}/", status=404)  # asking alone opens nothing

    page = morgan.visit("/emergency/")
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("The hearing is tomorrow")
    morgan.check("emergency")
    row.get_by_label("Hours").fill("2")
    with page.expect_navigation():
        row.get_by_role("button", name="Approve").click()
    morgan.check()
    expect(page.get_by_text("Emergency access approved.")).to_be_visible()

    page = tomasz.visit(f"/cases/{reference}/")
    section = page.get_by_role("region", name="Emergency access")
    expect(section).to_contain_text("Tomasz Wilk asked")
    expect(section).to_contain_text("approved by Morgan Ellery until")
