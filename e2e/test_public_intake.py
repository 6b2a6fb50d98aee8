"""An anonymous complainant in a real browser: files on the public form (with JavaScript
switched off, as well as on), gets a receipt, comes back with it, reads the team's reply and
answers; the intake officer sees the answer and that the reply was read. A complaint filed
on the form is taken through triage, investigation and the panel's decision by the case
team, and the complainant, with only the receipt, sees the outcome once it is sent (and not
before). A named complainant who lost their receipt gets a new one by the link e-mailed to
them. Every page is checked with
axe-core like the staff pages."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from e2e.conftest import Browsing
from e2e.test_journey import (
    intake_triages,
    investigator_recommends,
    manager_appoints,
    manager_notifies,
    panel_decides,
)

pytestmark = pytest.mark.e2e

WHAT = "At the branch meeting on 3 March the treasurer shouted a slur at a new member."


def _received(as_persona) -> set[str]:  # type: ignore[no-untyped-def]
    page = as_persona("ines").visit("/cases/?stage=received")
    return set(page.locator("table.worklist tbody th a").all_inner_texts())


def _file(browsing: Browsing, **answers: str) -> str:
    page = browsing.page
    page.goto(browsing.base + "/report/")
    page.get_by_label("What kind of complaint is it?").select_option(index=1)
    page.get_by_label("What happened").fill(answers.get("what", WHAT))
    page.get_by_label("When it happened").fill("2026-03-03")
    page.get_by_label("Who the complaint is about").fill("Rex Respondent")
    page.get_by_label("I want to stay anonymous").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send the complaint").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your complaint was received")
    receipt = page.locator("p.receipt strong").inner_text()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", receipt)
    return receipt


def test_a_complaint_is_filed_with_javascript_switched_off(visitor):
    browsing = visitor(javascript=False)
    page = browsing.page
    page.goto(browsing.base + "/report/")
    page.get_by_label("What happened").fill("")  # nothing typed: the server says what is missing
    with page.expect_navigation():
        page.get_by_role("button", name="Send the complaint").click()
    expect(page.get_by_role("alert").first).to_contain_text("Some answers need attention")
    assert _file(browsing, what="Filed with no JavaScript at all.")


def test_an_anonymous_complainant_files_follows_and_answers(visitor, as_persona):
    before = _received(as_persona)
    complainant = visitor()
    complainant.visit("/report/")
    complainant.check("public-report")
    receipt = _file(complainant)
    complainant.check("public-receipt")

    # the intake officer finds the new case and writes to the complainant
    [reference] = _received(as_persona) - before
    priya = as_persona("priya")
    page = priya.visit(f"/cases/{reference}/")
    expect(page.locator("#messages")).to_contain_text("The complainant holds a receipt")
    page.locator("#message > summary").click()
    page.get_by_role("textbox", name="Message", exact=True).fill("Thank you. Were there witnesses?")
    priya.submit("Send the message")
    expect(page.locator("#messages")).to_contain_text("not read yet")

    # days later, in another browser: only the receipt
    later = visitor()
    form = later.visit("/receipt/")
    form.get_by_label("Your receipt").fill(receipt)
    later.submit("Open my complaint")
    expect(later.page.get_by_role("heading", level=1)).to_have_text("Your complaint")
    expect(later.page.locator("#messages")).to_contain_text("Were there witnesses?")
    later.check("public-party-case")
    record = later.page.locator("#record")
    expect(record).to_contain_text("read your case file, all of them on the case team")
    with later.page.expect_response("**/receipt/case/proof/") as answer:
        later.page.get_by_role("button", name="Download your proof").click()
    # The served demo's policy names its witness, which does not run beside `serve` here: no
    # proof is handed out on a checkpoint short of the quorum, and the page says why. (The
    # download itself is checked in tests/parties/test_party_proof.py, witnesses running.)
    assert answer.value.status == 503
    expect(record.get_by_role("alert")).to_contain_text("witnesses have not answered")
    later.page.get_by_label("Your message to the complaints team").fill("Yes, two members.")
    later.submit("Send the message")
    expect(later.page.locator("#messages")).to_contain_text("Yes, two members.")
    # and adds a file later, from the same page
    later.page.get_by_label("A file for the complaints team").set_input_files(
        files=[{"name": "minutes.pdf", "mimeType": "application/pdf", "buffer": MINUTES}]
    )
    later.page.get_by_label("What it is (optional)").fill("The minutes of that meeting.")
    later.submit("Send the file")
    expect(later.page.locator("#messages")).to_contain_text("With a file (application/pdf")

    # the team sees the answer, the file, and that its message was read
    page = priya.visit(f"/cases/{reference}/")
    expect(page.locator("#messages")).to_contain_text("Yes, two members.")
    expect(page.locator("#messages")).to_contain_text("read ")
    expect(page.locator("#messages")).to_contain_text("The minutes of that meeting.")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the file the complainant sent").click()
    assert Path(download.value.path()).read_bytes() == MINUTES

    # a wrong receipt is refused, and says the receipt cannot be recovered
    stranger = visitor()
    form = stranger.visit("/receipt/")
    form.get_by_label("Your receipt").fill("0000 0000 0000 0000")
    with form.expect_navigation():
        form.get_by_role("button", name="Open my complaint").click()
    stranger.check()
    expect(form.get_by_role("alert")).to_contain_text("cannot be recovered")


def _open_with_receipt(browsing: Browsing, receipt: str) -> None:
    form = browsing.visit("/receipt/")
    form.get_by_label("Your receipt").fill(receipt)
    browsing.submit("Open my complaint")
    expect(browsing.page.get_by_role("heading", level=1)).to_have_text("Your complaint")


def test_a_complaint_filed_on_the_form_is_decided_and_the_complainant_sees_the_outcome(
    visitor, as_persona
):
    before = _received(as_persona)
    receipt = _file(visitor(), what="At the March meeting a member mocked my religion.")
    [reference] = _received(as_persona) - before

    # the case team takes the case the whole way, each persona at their own step
    intake_triages(as_persona("priya"), reference)
    morgan = as_persona("morgan")
    manager_appoints(morgan, reference, [("Investigator", "Sam Okafor")])
    investigator_recommends(as_persona("sam"), reference)
    panel = [("Panel member", n) for n in ("Judith Amankwah", "Callum Reid", "Anita Sorensen")]
    manager_appoints(morgan, reference, panel)
    panel_decides(as_persona("judith"), reference)

    # decided, but not yet sent: the complainant's page gives no outcome
    complainant = visitor()
    _open_with_receipt(complainant, receipt)
    expect(complainant.page.locator("#stage-h + p")).to_be_visible()
    expect(complainant.page.get_by_text("Outcome:")).to_have_count(0)

    manager_notifies(morgan, reference)
    _open_with_receipt(complainant, receipt)
    where = complainant.page.locator("section[aria-labelledby=stage-h]")
    expect(where).to_contain_text("Outcome:")
    expect(where).to_contain_text("Sanction: Formal warning, Education course.")
    complainant.check("public-party-outcome")

    # the team can see that the complainant has seen the outcome
    page = morgan.visit(f"/cases/{reference}/")
    seen = page.locator("#party-seen")
    expect(seen).to_contain_text(re.compile(r"The outcome: 1 time, first"))
    expect(seen).to_contain_text(re.compile(r"Their case page: 2 times"))


def test_a_refused_file_says_why_keeps_the_words_and_sends_nothing(visitor):
    receipt = _file(visitor(), what="A member wrote an abusive post on the branch page.")
    complainant = visitor()
    _open_with_receipt(complainant, receipt)
    page = complainant.page
    before = page.locator("#messages").inner_text()
    page.get_by_label("A file for the complaints team").set_input_files(
        files=[{"name": "post.exe", "mimeType": "application/octet-stream", "buffer": PROGRAM}]
    )
    page.get_by_label("What it is (optional)").fill("A copy of the post.")
    complainant.submit("Send the file")
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("A program is not accepted.")
    expect(page.get_by_label("What it is (optional)")).to_have_value("A copy of the post.")
    complainant.check("public-party-file-refused")
    _open_with_receipt(complainant, receipt)
    assert page.locator("#messages").inner_text() == before  # nothing was sent


#: the first bytes of a Windows program: refused by its content, whatever its name
PROGRAM = b"MZ\x90\x00" + bytes(60)


MINUTES = b"%PDF-1.7\nMinutes of the branch meeting of 3 March.\n"
LINK = re.compile(r"https?://\S+?(/receipt/renew/[A-Za-z0-9_\-]+/)")


def test_a_lost_receipt_is_replaced_by_the_link_e_mailed_to_the_complainant(
    visitor, site, tmp_path_factory
):
    port = urlsplit(site).port
    [log] = list(Path(tmp_path_factory.getbasetemp()).glob(f"e2e[0-9]*/serve-{port}.log"))
    complainant = visitor()
    page = complainant.page
    page.goto(complainant.base + "/report/")
    page.get_by_label("What kind of complaint is it?").select_option(index=1)
    page.get_by_label("What happened").fill(WHAT)
    page.get_by_label("Who the complaint is about").fill("Rex Respondent")
    page.get_by_label("Your name").fill("Nia Lostreceipt")
    page.get_by_label("Your e-mail address").fill("nia.lostreceipt@example.org")
    page.get_by_label("The complaints team may contact me about this complaint by e-mail").check()
    complainant.submit("Send the complaint")
    old = page.locator("p.receipt strong").inner_text()

    # weeks later the receipt is gone: from the receipt page, ask for a new one
    later = visitor()
    form = later.visit("/receipt/")
    expect(form.locator("main")).to_contain_text("cannot be recovered from the database")
    with form.expect_navigation():
        form.get_by_role("link", name="ask for a new receipt by e-mail").click()
    later.check()
    before = len(LINK.findall(log.read_text(errors="replace")))
    form.get_by_label("Your e-mail address").fill("Nia.Lostreceipt@example.org")
    later.submit("Send me a link")
    expect(form.get_by_role("status")).to_contain_text("we have sent a link")
    links: list[str] = []
    for _ in range(50):  # the server sends the mail just after it answers
        links = LINK.findall(log.read_text(errors="replace"))
        if len(links) > before:
            break
        time.sleep(0.1)
    assert len(links) == before + 1

    # the link shows a button; pressing it shows the new receipt once
    confirm = later.visit(links[-1])
    later.submit("Show me my new receipt")
    expect(confirm.get_by_role("heading", level=1)).to_have_text("Your new receipt")
    new = confirm.locator("p.receipt strong").inner_text()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", new) and new != old
    later.visit(links[-1], status=404)  # used once

    # the old receipt is refused, the new one opens the complaint
    for receipt, heading in ((old, "Follow your complaint"), (new, "Your complaint")):
        form = later.visit("/receipt/")
        form.get_by_label("Your receipt").fill(receipt)
        with form.expect_navigation():
            form.get_by_role("button", name="Open my complaint").click()
        expect(form.get_by_role("heading", level=1)).to_have_text(heading)
