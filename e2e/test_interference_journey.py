"""The articles' story, prevented, in a real browser: someone from the leader's office calls
about a case; the head of complaints logs the approach; the panel tries to lower the
recommended suspension to a warning without saying why and is refused; it gives reasons and
the decision goes through, flagged as lighter than recommended; and the general secretary's
oversight dashboard shows the downgrade and an alert — without showing her the case."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import Browsing

pytestmark = pytest.mark.e2e

TRIAGE = (
    "Is the complaint within the scope of the rules?",
    "Is the respondent a member?",
    "Is it new (not a duplicate of an open case)?",
)
LONDON = zoneinfo.ZoneInfo("Europe/London")


def send(browsing: Browsing, form_id: str) -> Page:
    page = browsing.page
    with page.expect_navigation():
        page.locator(f"#{form_id} button[type=submit]").click()
    browsing.check()
    return page


def opened(page: Page, form_id: str) -> Page:
    page.locator(f"#{form_id} > summary").click()
    return page


def intake(priya: Browsing) -> str:
    page = priya.visit("/cases/new/")
    page.get_by_label("Category").select_option(label="Antisemitism")
    page.get_by_label("Summary of the complaint").fill("Posts calling a Jewish charity a lobby.")
    page.get_by_label("Complainant's name").fill("Imogen Vale")
    page.get_by_label("Respondent's name").fill("Torin Ashby")
    page.get_by_label("What is alleged").fill("Three posts in the branch group.")
    priya.submit("Open the case")
    reference = re.search(r"/cases/([^/]+)/", page.url).group(1)  # type: ignore[union-attr]
    opened(page, "step-acknowledge")
    send(priya, "step-acknowledge")
    opened(page, "step-accept")
    for question in TRIAGE:
        page.locator("#step-accept").get_by_role("group", name=question).get_by_label(
            "Yes", exact=True
        ).check()
    page.locator("#step-accept").get_by_label("Why a member, though not in the register").fill(
        "Joined in February; the register was last imported in January."
    )
    send(priya, "step-accept")
    return reference


def appoint(morgan: Browsing, reference: str, people: list[tuple[str, str]]) -> None:
    page = morgan.visit(f"/cases/{reference}/")
    for role, name in people:
        opened(page, "assign")
        page.locator("#assign").get_by_label("As").select_option(label=role)
        page.locator("#assign").get_by_label("Person").select_option(
            label=f"{name} ({role.lower()})"
        )
        send(morgan, "assign")


def recommend_suspension(sam: Browsing, reference: str) -> None:
    page = sam.visit(f"/cases/{reference}/")
    form = opened(page, "step-submit_recommendation").locator("#step-submit_recommendation")
    form.get_by_label("Breach of the rules").check()
    form.get_by_label("Suspension of membership").check()
    form.get_by_label("Education course").check()
    form.get_by_label("Reasons").fill("Repeated after a warning; suspension is within the range.")
    send(sam, "step-submit_recommendation")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Awaiting panel decision")


def log_approach(morgan: Browsing, reference: str) -> None:
    page = morgan.visit(f"/oversight/cases/{reference}/approaches/new/")
    when = (dt.datetime.now(LONDON) - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Who made contact, and their role").fill("Felix Hartley, Leader's office")
    page.get_by_label("They work in, or spoke for, the political office").check()
    page.get_by_label("How").select_option(label="Telephone")
    page.get_by_label("When it happened").fill(when)
    page.get_by_label("What was asked or said").fill("Asked whether a warning letter would do.")
    page.get_by_label("Which way it pushed the case").select_option("lighter")
    morgan.submit("Log the approach")
    expect(page.get_by_role("status")).to_contain_text("approach is on the record")


def decide_warning(judith: Browsing, reference: str, reasons: str) -> Page:
    page = judith.visit(f"/cases/{reference}/")
    form = opened(page, "step-decide").locator("#step-decide")
    form.get_by_label("Breach of the rules").check()
    form.get_by_label("Formal warning").check()
    form.get_by_label("Education course").check()
    form.get_by_label("Reasons").fill(reasons)
    return send(judith, "step-decide")


def glance(gwen: Browsing, what: str) -> int:
    page = gwen.visit("/oversight/")
    tile = page.locator(".glance li", has_text=what)
    return int(tile.locator("strong").inner_text())


def test_an_approach_then_a_downgrade_without_reasons_is_refused_and_with_reasons_is_flagged(
    as_persona,
):
    gwen = as_persona("gwen")
    lighter_before = glance(gwen, "decisions lighter than recommended")
    alerts_before = glance(gwen, "alerts raised")

    reference = intake(as_persona("priya"))
    morgan = as_persona("morgan")
    appoint(morgan, reference, [("Investigator", "Sam Okafor")])
    recommend_suspension(as_persona("sam"), reference)
    panel = [("Panel member", n) for n in ("Judith Amankwah", "Callum Reid", "Anita Sorensen")]
    appoint(morgan, reference, panel)
    log_approach(morgan, reference)

    judith = as_persona("judith")
    page = decide_warning(judith, reference, "")
    expect(page.get_by_role("alert").first).to_contain_text("give written reasons")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Awaiting panel decision")

    page = decide_warning(judith, reference, "The respondent apologised and deleted the posts.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Decided, to notify")
    judith.check("interference-case-page")

    assert glance(gwen, "decisions lighter than recommended") == lighter_before + 1
    assert glance(gwen, "alerts raised") == alerts_before + 1
    page = gwen.page
    alerts = page.locator("#alert-list")
    expect(alerts).to_contain_text(
        "lighter than recommended was recorded the same day as an approach from the political"
    )
    expect(page.locator("body")).not_to_contain_text(reference)
    gwen.check("oversight-dashboard")

    ines = as_persona("ines")
    page = ines.visit("/oversight/figures/decisions/cases/?direction=downgrade")
    expect(page.get_by_role("link", name=reference)).to_be_visible()
