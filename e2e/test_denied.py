"""The paths that must stay shut, in a real browser: the leader's office sees nothing, the
staff member moved from it is conflicted out of everything, oversight reads no case file —
and the refusals are on the case's own record for the reviewer to see."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def a_case_reference(as_persona) -> str:  # type: ignore[no-untyped-def]
    ines = as_persona("ines")
    page = ines.visit("/cases/?stage=investigation")
    return page.locator("table.worklist tbody th a").first.inner_text()


def test_the_political_office_sees_no_case_and_its_attempt_is_on_the_record(as_persona):
    reference = a_case_reference(as_persona)
    felix = as_persona("felix")
    page = felix.visit("/")
    expect(page.get_by_role("main")).to_contain_text("no access to case files")
    felix.check("political-office")
    expect(page.get_by_role("link", name="My queue")).to_have_count(0)
    felix.visit(f"/cases/{reference}/", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    for path in ("/queue/", "/cases/", "/cases/new/", "/backlog/"):
        felix.visit(path, status=403)
        expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")

    ines = as_persona("ines")
    timeline = ines.visit(f"/cases/{reference}/").locator("ol.timeline li.refused").first
    expect(timeline).to_contain_text("Felix Hartley")
    expect(timeline).to_contain_text("Was refused access")


def test_staff_moved_from_the_leaders_office_are_conflicted_out_of_every_case(as_persona):
    reference = a_case_reference(as_persona)
    jamie = as_persona("jamie")
    page = jamie.visit("/queue/")
    expect(page.locator("table.worklist tbody")).to_contain_text("Nothing is waiting for you")
    jamie.visit(f"/cases/{reference}/", status=404)


def test_oversight_reads_no_case_file(as_persona):
    reference = a_case_reference(as_persona)
    gwen = as_persona("gwen")
    gwen.visit(f"/cases/{reference}/", status=404)
    gwen.visit("/cases/", status=403)
