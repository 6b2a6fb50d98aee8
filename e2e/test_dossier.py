"""A dossier in a real browser: the intake officer uploads a small CSV, sees the preview row by
row with nothing written yet, confirms, and reads the summary (how many respondents are not
members, how many rows repeat another); a file missing a required column is refused with a
clear message. Then an investigator's interview and consent recorded from the case page. Every
page is checked by axe, at desktop width and at 390 px."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from e2e.conftest import Browsing
from e2e.test_oversight_roles import WIDTHS

pytestmark = pytest.mark.e2e

#: Fictional respondents nobody in the demo register is called; the third row repeats the first.
DOSSIER = (
    "respondent_name,category,summary,evidence\n"
    "Zephyrine Quillfeather,bullying_harassment,"
    "Sent repeated messages to a volunteer after being asked to stop ({tag}).,"
    "https://social.example/post/4401\n"
    "Barnaby Thistlewood,antisemitism,Shared a conspiracy video on a public page ({tag}).,\n"
    "Zephyrine Quillfeather,bullying_harassment,"
    "Sent repeated messages to a volunteer after she was asked to stop ({tag}).,\n"
)
MISSING_SUMMARY = b"respondent_name,category\nOrla Nettlebed,bullying_harassment\n"


def _upload(browsing: Browsing, name: str, content: bytes) -> None:
    page = browsing.page
    page.get_by_label("Dossier file").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    browsing.submit("Preview")


def _found(browsing: Browsing, name: str) -> int:
    """How many cases the people search finds for ``name``."""
    page = browsing.visit(f"/cases/?q={name.replace(' ', '+')}")
    heading = page.locator(".results-heading").inner_text()  # "0 cases", "1 case"
    return int(heading.split()[0])


@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
def test_a_dossier_is_previewed_then_imported_and_summarised(as_persona, width: str):  # type: ignore[no-untyped-def]
    priya: Browsing = as_persona("priya")
    wide, high = WIDTHS[width]
    priya.page.set_viewport_size({"width": wide, "height": high})
    # each width imports its own rows (a file imported once is refused the second time)
    content = DOSSIER.format(tag=width).encode()
    page = priya.visit("/dossiers/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a dossier")

    bad = MISSING_SUMMARY.replace(b"Orla", f"Orla {width}".encode())
    _upload(priya, "bad.csv", bad)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Nothing was imported")
    expect(alert).to_contain_text("missing column(s): summary")
    expect(page.get_by_role("button", name="Import it")).to_have_count(0)

    _upload(priya, f"dossier-{width}.csv", content)
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="a case is opened")).to_have_count(3)
    expect(rows.nth(2)).to_contain_text("row 1")  # the third row repeats the first
    expect(page.locator("main")).to_contain_text("3 of 3 respondents are not members")
    expect(page.locator(".dossier-repeats")).to_contain_text("row 3 repeats row 1")
    priya.check(f"dossier-preview-{width}")
    assert _found(priya, "Barnaby Thistlewood") == (0 if width == "desktop" else 1)

    page = priya.visit("/dossiers/import/")
    _upload(priya, f"dossier-{width}.csv", content)
    priya.submit("Import it")
    status = page.get_by_role("status")
    expect(status).to_contain_text("3 case(s) opened")
    expect(status).to_contain_text("3 of 3 respondents are not members")
    expect(status).to_contain_text("row 3 repeats row 1")
    priya.check(f"dossier-imported-{width}")
    assert _found(priya, "Barnaby Thistlewood") == (1 if width == "desktop" else 2)


def test_an_interview_and_a_consent_are_recorded_from_the_case_page(as_persona):  # type: ignore[no-untyped-def]
    sam: Browsing = as_persona("sam")
    page = sam.visit("/queue/")
    link = page.locator("main a[href^='/cases/C-']").first
    reference = (link.get_attribute("href") or "").strip("/").split("/")[-1]
    page = sam.visit(f"/cases/{reference}/")
    section = page.locator("section", has=page.get_by_role("heading", name="Interviews"))
    section.get_by_role("button", name="Record an interview").click()
    held = (dt.datetime.now() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    form = section.locator("form", has=page.get_by_role("button", name="Record the interview"))
    form.get_by_label("Who was interviewed").fill("Odile Brennan")
    form.get_by_label("When it was held").fill(held)
    form.get_by_label("Statement").fill("I saw the post on the morning it went up.")
    form.get_by_label("No, not agreed", exact=False).check()
    sam.submit("Record the interview")
    expect(page.get_by_role("status")).to_contain_text("Interview recorded.")
    row = page.get_by_role("row", name="Odile Brennan")
    expect(row).to_contain_text("Not agreed")

    section.get_by_role("button", name="Record a consent to being recorded").click()
    form = section.locator("form", has=page.get_by_role("button", name="Record the consent"))
    form.get_by_label("Who consented").fill("Odile Brennan")
    form.get_by_label("What they agreed to").fill("Audio recording of her interview.")
    form.get_by_label("When they consented").fill(held)
    form.get_by_label("At which interview (optional)").select_option(index=1)
    sam.submit("Record the consent")
    expect(page.get_by_role("status")).to_contain_text("Consent recorded.")
    expect(section).to_contain_text("Audio recording of her interview.")
    sam.check("case-interviews")
