"""The respondent in a real browser: the head of complaints marks a passage for redaction and
sends the notice; the respondent types the access code from the e-mail, reads the allegations
with the passage shown as [redacted], responds in writing; the panel sees the response before
deciding; once the outcome is sent the respondent asks for a hearing themself. On a second
case the panel decides before the response date (refused until it gives a reason) and that
respondent lodges an appeal within the appeal window. Every page is checked with axe-core."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from e2e.conftest import Browsing
from e2e.test_journey import (
    intake_opens_and_triages,
    investigator_recommends,
    manager_appoints,
    manager_notifies,
    open_details,
    send,
)

pytestmark = pytest.mark.e2e

CODE = re.compile(r"Your personal access code: (\d{4} \d{4} \d{4} \d{4})")
PANEL = [("Panel member", n) for n in ("Judith Amankwah", "Callum Reid", "Anita Sorensen")]


@pytest.fixture
def mailbox(site: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The codes the served site has e-mailed so far (its mail goes to the server's log)."""
    port = urlsplit(site).port
    # "e2ecurrent" is pytest's link to the same folder
    [log] = list(Path(tmp_path_factory.getbasetemp()).glob(f"e2e[0-9]*/serve-{port}.log"))

    def codes() -> list[str]:
        return CODE.findall(log.read_text(errors="replace"))

    return codes


def _notice(morgan: Browsing, reference: str, mailbox: Any, email: str) -> str:
    before = len(mailbox())
    page = morgan.visit(f"/cases/{reference}/")
    open_details(page, "notice")
    page.locator("#notice").get_by_label("Respondent's e-mail address").fill(email)
    send(morgan, "notice")
    expect(page.get_by_role("status")).to_contain_text("Notice of the allegations sent")
    for _ in range(50):  # the server writes the mail as the notice commits
        if len(mailbox()) > before:
            break
        time.sleep(0.1)
    return str(mailbox()[-1])


def _sign_in_with_code(browsing: Browsing, code: str) -> None:
    form = browsing.visit("/receipt/")
    form.get_by_label("Your receipt").fill(code)
    browsing.submit("Open my complaint")
    expect(browsing.page.get_by_role("heading", level=1)).to_have_text("The complaint about you")


def _decide(judith: Browsing, reference: str, reasons: str = "") -> None:
    page = judith.visit(f"/cases/{reference}/")
    open_details(page, "step-decide")
    form = page.locator("#step-decide")
    form.get_by_label("Breach of the rules").check()
    form.get_by_label("Formal warning").check()
    form.get_by_label("Education course").check()
    if reasons:
        form.get_by_label("Reasons").fill(reasons)
    send(judith, "step-decide")


def test_a_respondent_reads_the_redacted_file_responds_and_asks_for_a_hearing(
    as_persona, visitor, mailbox
):
    reference = intake_opens_and_triages(as_persona("priya"))
    morgan = as_persona("morgan")
    manager_appoints(morgan, reference, [("Investigator", "Sam Okafor")])

    # the head of complaints withholds a passage, then sends the notice
    page = morgan.visit(f"/cases/{reference}/")
    open_details(page, "redaction")
    form = page.locator("#redaction")
    form.get_by_label("In the allegation").select_option(index=0)
    form.get_by_label("Passage to withhold").fill("branch group chat")
    form.get_by_label("Why").fill("Would identify the member who reported it.")
    send(morgan, "redaction")
    expect(page.get_by_role("status")).to_contain_text("Passage marked for redaction")
    shown = "Shared the cartoon in the [redacted]."
    expect(page.locator(".as-respondent-sees")).to_have_text(shown)
    code = _notice(morgan, reference, mailbox, "marcus.thorne@example.org")

    # the respondent, with only the code from the e-mail
    respondent = visitor()
    _sign_in_with_code(respondent, code)
    allegations = respondent.page.locator("#allegations")
    expect(allegations).to_contain_text("Shared the cartoon in the [redacted].")
    expect(allegations).not_to_contain_text("branch group chat")
    respondent.check("public-respondent")
    respondent.page.get_by_label("Your written response to the allegations").fill(
        "I shared it without reading it properly, and deleted it within the hour."
    )
    respondent.submit("Send my response")
    expect(allegations).to_contain_text("deleted it within the hour")

    # the panel reads the response before deciding, and needs no reason to decide now
    investigator_recommends(as_persona("sam"), reference)
    manager_appoints(morgan, reference, PANEL)
    judith = as_persona("judith")
    page = judith.visit(f"/cases/{reference}/")
    expect(page.locator("#messages")).to_contain_text("deleted it within the hour")
    _decide(judith, reference)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Decided, to notify")
    manager_notifies(morgan, reference)

    # the respondent asks for a hearing themself
    _sign_in_with_code(respondent, code)
    requests = respondent.page.locator("#requests")
    expect(requests).to_contain_text("Respondent requests a hearing")
    expect(requests).to_contain_text("Lodge an appeal")
    requests.locator("form").first.get_by_label("Your reasons").fill(
        "I would like to explain in person."
    )
    with respondent.page.expect_navigation():
        requests.get_by_role("button", name="Send: respondent requests a hearing").click()
    respondent.check()
    expect(respondent.page.get_by_text("A hearing is to be held")).to_be_visible()
    page = morgan.visit(f"/cases/{reference}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hearing")
    expect(page.locator("ol.timeline")).to_contain_text("I would like to explain in person.")


def test_a_decision_before_the_response_date_needs_a_reason_and_the_respondent_appeals(
    as_persona, visitor, mailbox
):
    reference = intake_opens_and_triages(as_persona("priya"))
    morgan = as_persona("morgan")
    manager_appoints(morgan, reference, [("Investigator", "Sam Okafor")])
    code = _notice(morgan, reference, mailbox, "second.respondent@example.org")
    investigator_recommends(as_persona("sam"), reference)
    manager_appoints(morgan, reference, PANEL)

    judith = as_persona("judith")
    page = judith.visit(f"/cases/{reference}/")
    expect(page.locator(".response-awaited")).to_contain_text("response is awaited until")
    _decide(judith, reference)
    expect(page.get_by_role("alert").first).to_contain_text("give the reason for deciding")
    _decide(judith, reference, reasons="The respondent told the team they will not answer.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Decided, to notify")
    manager_notifies(morgan, reference)

    respondent = visitor()
    _sign_in_with_code(respondent, code)
    requests = respondent.page.locator("#requests")
    expect(requests).to_contain_text("You can do this until")
    appeal = requests.locator("form").nth(1)
    appeal.get_by_label("Your reasons").fill("The panel decided without hearing me.")
    with respondent.page.expect_navigation():
        requests.get_by_role("button", name="Send: lodge an appeal").click()
    respondent.check("public-respondent-appealed")
    expect(respondent.page.get_by_text("Under appeal.")).to_be_visible()
    expect(respondent.page.locator("#requests")).to_have_count(0)
    page = morgan.visit(f"/cases/{reference}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Appeal")
