"""Hearings, appeals and independent review in a real browser, in a university organisation
whose rulebook constitutes its panels and reviews suspensions: the first-instance panel
appointed by name with a reason, the hearing scheduled with its notice, adjourned once, held and
recorded; the panel's decision recorded by its chair with a member's dissent; the outcome sent
and appealed; the first panel refused from the appeal panel; the appeal panel drawn; the appeal
decided with a suspension, which the drawn independent reviewer vetoes with reasons; a third
panel drawn of people who took no part, its decision verified on review, and the outcome sent.

The organisation is built in a scratch data directory of its own (``e2e.university_site``)
and served with the services' clock movable (``e2e.shifted_serve``), so the notice period
passes without waiting: the hearing is first set 12 days ahead, adjourned to 20, and recorded
when the clock has moved 21 days on.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from dueprocess.demo.personas import demo_totp_secret
from e2e.conftest import Browsing, _browsing, totp_code
from e2e.shifted_serve import shift_file
from tests.scratch import run, scratch_env, serving

pytestmark = pytest.mark.e2e

LONDON = ZoneInfo("Europe/London")
FIRST_PANEL = ("panel_chair", "panel_b", "panel_c")


@dataclass
class Site:
    base: str
    reference: str
    people: dict[str, dict[str, Any]]
    password: str
    data_dir: Path
    shifted_days: int = 0

    def move_clock(self, days: int) -> None:
        """Move the services' clock ``days`` further on (the server reads it on every call)."""
        self.shifted_days += days
        shift_file(self.data_dir).write_text(str(self.shifted_days))

    def local(self, days: int, *, hour: int = 10) -> str:
        """``days`` from the services' now, at ``hour``:30 local time, as a datetime-local field
        takes it."""
        moment = dt.datetime.now(LONDON) + dt.timedelta(days=self.shifted_days + days)
        return moment.replace(hour=hour, minute=30).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture(scope="module")
def university_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = Path(__file__).resolve().parent.parent
    with scratch_env(tmp_path_factory.mktemp("university")) as env:
        made = run(env, "init", "--admin-email", "admin@university.example")
        assert made.returncode == 0, made.stderr
        built = subprocess.run(
            [sys.executable, "-m", "e2e.university_site"],
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
            timeout=600,
            stdin=subprocess.DEVNULL,
        )
        assert built.returncode == 0, built.stderr
        facts = json.loads(built.stdout.strip().splitlines()[-1])
        with serving(env, module="e2e.shifted_serve") as base:
            yield Site(
                base=base,
                reference=facts["reference"],
                people=facts["people"],
                password=facts["password"],
                data_dir=Path(env["DUEPROCESS_DATA_DIR"]),
            )


@pytest.fixture
def as_member(browser: Browser, university_site: Site) -> Iterator[Any]:
    """``as_member("panel_chair")``: a checked browser signed in as that person of the
    university organisation (password, then the authenticator code)."""
    contexts = []
    axe = Axe()

    def open_as(key: str) -> Browsing:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        contexts.append(context)
        browsing = _browsing(context, university_site.base, axe)
        person = university_site.people[key]
        page = browsing.page
        page.goto(f"{university_site.base}/accounts/login/")
        page.get_by_label("Email").fill(person["email"])
        page.get_by_label("Password").fill(university_site.password)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_label("Code").fill(totp_code(demo_totp_secret(person["totp"])))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/" not in url)
        return browsing

    yield open_as
    for context in contexts:
        context.close()


def name_of(key: str) -> str:
    """The full name the world gives each person (``panel_b`` is "Panel B")."""
    return key.replace("_", " ").title()


def key_of(name: str) -> str:
    return name.lower().replace(" ", "_")


def open_form(page: Page, form_id: str) -> None:
    page.locator(f"#{form_id} > summary").click()


def send(browsing: Browsing, form_id: str) -> None:
    with browsing.page.expect_navigation():
        browsing.page.locator(f"#{form_id} button[type=submit]").click()
    browsing.check()


def stage_is(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text(text)


def first_panel_appointed_by_name(manager: Browsing, reference: str) -> None:
    page = manager.visit(f"/cases/{reference}/")
    expect(page.locator("#panel")).to_contain_text("No panel constituted yet.")
    open_form(page, "panel_appoint")
    form = page.locator("#panel_appoint form")
    form.get_by_role("group", name=re.compile("Legally qualified chair")).get_by_label(
        name_of("panel_chair")
    ).check()
    lay = form.get_by_role("group", name=re.compile("Lay member"))
    for key in FIRST_PANEL[1:]:
        lay.get_by_label(name_of(key), exact=True).check()
    form.get_by_label("Why the panel is appointed by name, not drawn").fill(
        "The panel was set before the draw was adopted for this case."
    )
    send(manager, "panel_appoint")
    panel = page.locator("#panel article").last
    expect(panel).to_contain_text("Appointed by name")
    expect(panel).to_contain_text(f"{name_of('panel_chair')} — chair (chair)")


def hearing_scheduled_adjourned_and_held(manager: Browsing, site: Site) -> None:
    page = manager.visit(f"/cases/{site.reference}/")
    open_form(page, "hearing_schedule")
    form = page.locator("#hearing_schedule form")
    first = site.local(12)
    form.get_by_label("Date and time").fill(first)
    form.get_by_label("Place, or link to join remotely").fill("Room 2.14, Senate House")
    send(manager, "hearing_schedule")
    hearing = page.locator("#hearing")
    expect(hearing).to_contain_text("Scheduled:")
    expect(hearing).to_contain_text("Room 2.14, Senate House")
    expect(hearing.locator(".hearing-notices")).to_contain_text("to the respondent")
    for key in FIRST_PANEL:  # the hearing's panel is the case's panel
        expect(hearing).to_contain_text(name_of(key))
    # The record cannot be made before the hearing's date: no such form is offered yet.
    expect(page.locator("#hearing_record")).to_have_count(0)

    # Adjourned once, with a reason, to a date that again gives the full notice.
    open_form(page, "hearing_adjourn")
    form = page.locator("#hearing_adjourn form")
    form.get_by_label("Why it is adjourned").fill("The respondent's representative is in hospital.")
    form.get_by_label("New date and time").fill(site.local(20))
    send(manager, "hearing_adjourn")
    expect(hearing.locator(".adjournments")).to_contain_text(
        "The respondent's representative is in hospital."
    )
    # the notice of the new date went too
    expect(hearing.locator(".hearing-notices li")).not_to_have_count(0)
    notices = hearing.locator(".hearing-notices li").all_inner_texts()
    assert sum("respondent" in n for n in notices) >= 2, notices

    # Three weeks on, the hearing has been held: its record is kept.
    site.move_clock(21)
    page = manager.visit(f"/cases/{site.reference}/")
    open_form(page, "hearing_record")
    form = page.locator("#hearing_record form")
    form.get_by_role("group", name="Did the respondent attend?").get_by_label("Yes").check()
    form.get_by_label(re.compile("^Representation")).fill("A students' union adviser")
    form.get_by_label("What happened").fill(
        "The respondent answered the allegation in person; two witnesses were heard."
    )
    form.get_by_label("Outcome").fill("The panel withdrew to decide; its decision follows.")
    send(manager, "hearing_record")
    expect(page.locator("#hearing .hearing-record")).to_contain_text("A students' union adviser")
    expect(page.locator("#hearing")).to_contain_text("Held:")


def panel_decides_with_a_dissent(chair: Browsing, reference: str, site: Site) -> None:
    page = chair.visit(f"/cases/{reference}/")
    open_form(page, "step-panel_outcome")
    form = page.locator("#step-panel_outcome")
    form.get_by_label("Breach of the rules").check()
    form.get_by_label("Written reprimand").check()
    form.get_by_label("Reasons").first.fill("The panel finds the allegation proved.")
    dissenter = site.people["panel_c"]["id"]
    form.locator(f'[name="step-panel_outcome-vote_{dissenter}"][value="dissent"]').check()
    send(chair, "step-panel_outcome")
    # A dissent without reasons is refused beside the field, the rest kept.
    expect(page.get_by_role("alert").first).to_contain_text("dissent needs reasons")
    form = page.locator("#step-panel_outcome")
    form.get_by_label(f"{name_of('panel_c')}'s reasons for dissenting").fill(
        "Intent is not shown on the evidence heard."
    )
    send(chair, "step-panel_outcome")
    stage_is(page, "Outcome")


def outcome_sent_and_appealed(manager: Browsing, reference: str) -> None:
    page = manager.visit(f"/cases/{reference}/")
    open_form(page, "step-send_outcome")
    send(manager, "step-send_outcome")
    expect(page.locator("#appeals")).to_contain_text("The appeal window is open until")
    open_form(page, "step-request_review")
    form = page.locator("#step-request_review")
    form.get_by_label(re.compile("New evidence that could not")).check()
    form.get_by_label("Statement").fill("A witness has come forward since.")
    send(manager, "step-request_review")
    stage_is(page, "Review")


def first_panel_refused_and_appeal_panel_drawn(manager: Browsing, site: Site) -> str:
    """Naming a member of the first panel for the appeal panel is refused with the reason (the
    form does not offer them: the browser adds one, as a crafted request would); the draw then
    seats three people who took no part. Returns the appeal panel chair's key."""
    page = manager.visit(f"/cases/{site.reference}/")
    open_form(page, "panel_appoint")
    form = page.locator("#panel_appoint form")
    chairs = form.get_by_role("group", name=re.compile("Legally qualified chair"))
    expect(chairs.get_by_label(name_of("panel_chair"))).to_have_count(0)
    chairs.get_by_label(name_of("appeal_chair")).check()
    lay = form.get_by_role("group", name=re.compile("Lay member"))
    lay.get_by_label(name_of("appeal_b"), exact=True).check()
    first_member = site.people["panel_b"]["id"]
    page.evaluate(
        """(pk) => {
            const box = document.createElement("input");
            box.type = "checkbox"; box.name = "appoint-seat_lay"; box.value = String(pk);
            box.checked = true; box.hidden = true;
            document.querySelector("#panel_appoint form").appendChild(box);
        }""",
        first_member,
    )
    form.get_by_label("Why the panel is appointed by name, not drawn").fill("Availability.")
    send(manager, "panel_appoint")
    refused = page.locator("#panel_appoint")
    expect(refused).to_contain_text(
        "no one who decided, recommended or investigated at first instance sits on the panel"
    )
    expect(refused).to_contain_text(name_of("panel_b"))
    expect(page.locator("#panel article")).to_have_count(1)  # nothing appointed

    return panel_drawn(manager, site.reference, set(FIRST_PANEL))


def appeal_decided_with_a_suspension(chair: Browsing, reference: str) -> None:
    page = chair.visit(f"/cases/{reference}/")
    expect(page.locator("#appeals")).to_contain_text("Open: the new panel")
    open_form(page, "step-review_outcome")
    form = page.locator("#step-review_outcome")
    form.get_by_label("Replace it with this outcome").check()
    form.get_by_label("Breach of the rules").check()
    form.get_by_label("Suspension from study or employment").check()
    form.get_by_label("Reasons").first.fill("The new witness shows the copying was deliberate.")
    send(chair, "step-review_outcome")
    stage_is(page, "Outcome")
    expect(page.locator("#appeals")).to_contain_text("The decision under appeal is replaced")
    # A suspension is reviewed: it does not take effect until the reviewer verifies it.
    expect(page.locator("#reviews")).to_contain_text("Awaiting the reviewer: due by")
    expect(page.locator("#review_verify")).to_have_count(0)


def reviewer_vetoes(reviewer: Browsing, reference: str) -> None:
    page = reviewer.visit(f"/cases/{reference}/")
    expect(page.locator("#reviews")).to_contain_text(name_of("reviewer"))
    open_form(page, "review_veto")
    send(reviewer, "review_veto")  # no reasons: refused, the form kept open
    expect(page.locator("#review_veto")).to_have_attribute("open", "")
    page.locator("#review_veto").get_by_label("Why the decision is vetoed").fill(
        "The appeal panel did not hear the respondent on the new witness."
    )
    send(reviewer, "review_veto")
    reviews = page.locator("#reviews")
    expect(reviews).to_contain_text("the decision does not take effect")
    expect(reviews).to_contain_text("did not hear the respondent on the new witness")
    stage_is(page, "Review")  # back to the appeal's stage, for a new panel


def panel_drawn(manager: Browsing, reference: str, excluded: set[str]) -> str:
    """Draw the stage's panel from the page; none of ``excluded`` sits on it, and running the
    draw again gives the same panel. Returns its chair's key."""
    page = manager.visit(f"/cases/{reference}/")
    with page.expect_navigation():
        page.locator("#panel_draw button[type=submit]").click()
    manager.check()
    drawn = page.locator("#panel article").last
    expect(drawn).to_contain_text("Drawn at review")
    members = drawn.locator(".panel-members li").all_inner_texts()
    assert len(members) == 3, members
    seated = {key_of(m.split(" — ")[0]) for m in members}
    assert not seated & excluded, (seated, excluded)
    drawn.locator("details > summary").click()
    expect(drawn.locator(".panel-draw")).to_contain_text("gives the same panel")
    chair = next(m for m in members if m.endswith("(chair)"))
    return key_of(chair.split(" — ")[0])


def panel_seated(page: Page) -> set[str]:
    members = page.locator("#panel article").last.locator(".panel-members li").all_inner_texts()
    return {key_of(m.split(" — ")[0]) for m in members}


def redecided_and_verified(
    chair: Browsing, reviewer: Browsing, manager: Browsing, ref: str
) -> None:
    page = chair.visit(f"/cases/{ref}/")
    open_form(page, "step-review_outcome")
    form = page.locator("#step-review_outcome")
    form.get_by_label("Breach of the rules").check()
    form.get_by_label("Suspension from study or employment").check()
    form.get_by_label("Reasons").first.fill(
        "Having heard the respondent, the copying was deliberate."
    )
    send(chair, "step-review_outcome")
    stage_is(page, "Outcome")

    page = reviewer.visit(f"/cases/{ref}/")
    with page.expect_navigation():
        page.locator("#review_verify button[type=submit]").click()
    reviewer.check()
    expect(page.locator("#reviews article").last).to_contain_text("the decision has taken effect")

    page = manager.visit(f"/cases/{ref}/")
    open_form(page, "step-send_outcome")
    send(manager, "step-send_outcome")
    expect(page.locator("#appeals")).to_contain_text("The appeal window is open until")


def test_a_hearing_is_noticed_adjourned_held_decided_with_a_dissent_appealed_vetoed_redecided(
    university_site: Site, as_member: Any
) -> None:
    site = university_site
    manager = as_member("case_manager")
    first_panel_appointed_by_name(manager, site.reference)
    hearing_scheduled_adjourned_and_held(manager, site)
    panel_decides_with_a_dissent(as_member("panel_chair"), site.reference, site)
    outcome_sent_and_appealed(manager, site.reference)

    # The first panel's chair is offered nothing to decide on the appeal.
    first_chair = as_member("panel_chair")
    page = first_chair.visit(f"/cases/{site.reference}/")
    expect(page.locator("#step-review_outcome")).to_have_count(0)

    appeal_chair = first_panel_refused_and_appeal_panel_drawn(manager, site)
    appeal_panel = panel_seated(manager.visit(f"/cases/{site.reference}/"))
    appeal_decided_with_a_suspension(as_member(appeal_chair), site.reference)

    reviewer = as_member("reviewer")
    reviewer_vetoes(reviewer, site.reference)
    redo_chair = panel_drawn(manager, site.reference, set(FIRST_PANEL) | appeal_panel)
    redecided_and_verified(as_member(redo_chair), reviewer, manager, site.reference)
