"""A complaint's whole life in a real browser, each step taken by the persona whose job it is:
opened and triaged by the intake officer, staffed by the head of complaints, investigated and
recommended on by the investigator, decided by the panel, notified and closed — and then read,
with its full record, by the independent reviewer."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import Browsing

pytestmark = pytest.mark.e2e

SUMMARY = "A branch officer posted a cartoon repeating an antisemitic trope."


def open_details(page: Page, form_id: str) -> None:
    page.locator(f"#{form_id} > summary").click()


def send(browsing: Browsing, form_id: str) -> None:
    """Submit the form inside ``#form_id`` and check the page that comes back."""
    with browsing.page.expect_navigation():
        browsing.page.locator(f"#{form_id} button[type=submit]").click()
    browsing.check()


def answer_triage(page: Page, form_id: str, answers: dict[str, str]) -> None:
    form = page.locator(f"#{form_id}")
    for question, answer in answers.items():
        form.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


QUESTIONS = (
    "Is the complaint within the scope of the rules?",
    "Is the respondent a member?",
    "Is it new (not a duplicate of an open case)?",
)


def intake_opens_and_triages(priya: Browsing) -> str:
    page = priya.visit("/")
    expect(page.get_by_role("heading", name=re.compile("My queue"))).to_be_visible()
    priya.check("queue")
    page.get_by_role("link", name="Open a case").click()
    priya.check("open-case")
    page.get_by_label("Category").select_option(label="Antisemitism")
    page.get_by_label("Summary of the complaint").fill(SUMMARY)
    page.get_by_label("Complainant's name").fill("Odile Brennan")
    page.get_by_label("Respondent's name").fill("Marcus Thorne")
    page.get_by_label("What is alleged").fill("Shared the cartoon in the branch group chat.")
    priya.submit("Open the case")
    reference = re.search(r"/cases/([^/]+)/", page.url).group(1)  # type: ignore[union-attr]
    intake_triages(priya, reference)
    return reference


def intake_triages(priya: Browsing, reference: str) -> None:
    """Acknowledge a received case, then accept it for investigation (after being told that a
    "no" answer needs reasons), as the intake officer does with every new case, however filed."""
    page = priya.visit(f"/cases/{reference}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Received")

    open_details(page, "step-acknowledge")
    send(priya, "step-acknowledge")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Triage")

    # A "no" answer turns acceptance into a decision not to investigate, which needs reasons:
    # the page says so beside the field and keeps every answer given.
    open_details(page, "step-accept")
    answer_triage(page, "step-accept", dict(zip(QUESTIONS, ("Yes", "No", "Yes"), strict=True)))
    send(priya, "step-accept")
    expect(page.get_by_role("alert").first).to_contain_text("needs written reasons")
    form = page.locator("#step-accept")
    expect(form.get_by_role("group", name=QUESTIONS[1]).get_by_label("No")).to_be_checked()

    answer_triage(page, "step-accept", dict.fromkeys(QUESTIONS, "Yes"))
    # the respondent was named, not found in the register: a yes needs the reason
    page.locator("#step-accept").get_by_label("Why a member, though not in the register").fill(
        "Joined in February; the register was last imported in January."
    )
    send(priya, "step-accept")
    expect(page.get_by_role("status")).to_contain_text("left your list")


def manager_appoints(morgan: Browsing, reference: str, people: list[tuple[str, str]]) -> None:
    page = morgan.visit(f"/cases/{reference}/")
    for role, name in people:
        open_details(page, "assign")
        page.locator("#assign").get_by_label("As").select_option(label=role)
        person = f"{name} ({role.lower()})"
        page.locator("#assign").get_by_label("Person").select_option(label=person)
        send(morgan, "assign")
        expect(page.get_by_role("status")).to_contain_text("Appointment made")
    expect(page.locator("#people-h + ul")).to_contain_text(people[-1][1])


#: A small, real PNG: the server detects its type from these bytes, not from the name.
SCREENSHOT = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def evidence_uploaded_and_downloaded(sam: Browsing) -> None:
    """The file chosen on the case page is hashed, stored sealed, and comes back byte for byte."""
    page = sam.page
    open_details(page, "evidence")
    form = page.locator("#evidence")
    form.get_by_label("Title").fill("Screenshot of the group chat")
    form.get_by_label("Kind").select_option(label="Screenshot")
    form.get_by_label("File").set_input_files(
        {"name": "chat.png", "mimeType": "image/png", "buffer": SCREENSHOT}
    )
    send(sam, "evidence")
    listed = page.locator("#evidence-h ~ .table-wrap")
    expect(listed).to_contain_text("Screenshot of the group")
    expect(listed).to_contain_text(hashlib.sha256(SCREENSHOT).hexdigest()[:14])
    expect(listed).to_contain_text("image/png")
    with page.expect_download() as fetched:
        listed.get_by_role("link", name="Download").click()
    assert Path(fetched.value.path()).read_bytes() == SCREENSHOT


def investigator_recommends(sam: Browsing, reference: str) -> None:
    page = sam.visit("/queue/")
    page.get_by_role("link", name=reference).click()
    sam.check()
    open_details(page, "note")
    page.locator("#note").get_by_label("Note").fill("Interviewed the complainant; notes filed.")
    send(sam, "note")
    evidence_uploaded_and_downloaded(sam)
    open_details(page, "step-submit_recommendation")
    sam.check("case-page")

    form = page.locator("#step-submit_recommendation")
    form.get_by_label("Breach of the rules").check()
    form.get_by_label("Formal warning").check()
    form.get_by_label("Education course").check()
    form.get_by_label("Reasons").fill("The post is admitted and falls within the guideline.")
    send(sam, "step-submit_recommendation")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Awaiting panel decision")


def panel_decides(judith: Browsing, reference: str) -> None:
    page = judith.visit(f"/cases/{reference}/")
    form = page.locator("#step-decide")
    open_details(page, "step-decide")
    expect(form).to_contain_text("The recommendation: Breach of the rules")
    form.get_by_label("Breach of the rules").check()
    form.get_by_label("Formal warning").check()
    form.get_by_label("Education course").check()
    send(judith, "step-decide")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Decided, to notify")
    judith.check("case-decided")


def manager_notifies(morgan: Browsing, reference: str) -> None:
    """Send the decision to the parties: the step that lets each party see the outcome."""
    page = morgan.visit(f"/cases/{reference}/")
    open_details(page, "step-notify")
    send(morgan, "step-notify")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Notified")


def manager_notifies_and_closes(morgan: Browsing, reference: str) -> None:
    page = morgan.visit(f"/cases/{reference}/")
    for step in ("step-notify", "step-close"):
        open_details(page, step)
        if step == "step-close":  # the appeal window is still open: closing needs a reason
            page.locator(f"#{step} textarea").first.fill(
                "Both parties confirmed in writing that they will not appeal."
            )
        send(morgan, step)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Closed")
    morgan.visit("/backlog/")
    morgan.check("backlog")


def test_a_complaint_is_opened_triaged_investigated_decided_and_closed_by_each_role(as_persona):
    reference = intake_opens_and_triages(as_persona("priya"))
    morgan = as_persona("morgan")
    manager_appoints(morgan, reference, [("Investigator", "Sam Okafor")])
    investigator_recommends(as_persona("sam"), reference)
    panel = [("Panel member", n) for n in ("Judith Amankwah", "Callum Reid", "Anita Sorensen")]
    manager_appoints(morgan, reference, panel)
    panel_decides(as_persona("judith"), reference)
    manager_notifies_and_closes(morgan, reference)

    ines = as_persona("ines")
    page = ines.visit(f"/cases/{reference}/")
    expect(page.get_by_role("heading", name="What you can do")).to_have_count(0)
    timeline = page.locator("ol.timeline")
    for line in (
        "Opened the case",
        "Accept",
        "Submitted the recommendation",
        "Recorded the decision",
    ):
        expect(timeline).to_contain_text(line)
    expect(timeline).to_contain_text("Received → Triage")
    expect(timeline).to_contain_text("Priya Natarajan")


def test_case_search_filters_by_stage_and_deadline_for_the_reviewer(as_persona):
    ines = as_persona("ines")
    page = ines.visit("/cases/")
    page.get_by_label("Stage").select_option(label="Investigation")
    page.get_by_role("button", name="Show cases").click()
    page.wait_for_url(re.compile(r"stage=investigation"))
    ines.check("case-search")
    rows = page.locator("table.worklist tbody tr")
    expect(rows.first).to_contain_text("Investigation")
    stages = rows.locator("td:nth-child(3)").all_inner_texts()
    assert stages and set(stages) == {"Investigation"}
