"""Bounces that arrive later: ``dueprocess bounces`` reads RFC 3464 reports (one, or an mbox),
finds each letter by its Message-ID and records the bounce on its case, once."""

from __future__ import annotations

import io
import sys

import pytest

from dueprocess.cases.timeline import case_timeline
from dueprocess.cli import main
from dueprocess.ledger.models import LedgerEntry
from dueprocess.letters.bounces import bounces_record
from dueprocess.letters.models import Letter
from dueprocess.letters.sender import letters_send_due


def dsn(message_id: str, *, action: str = "failed", headers_only: bool = False) -> bytes:
    original = (
        f"Message-ID: {message_id}\r\nSubject: Your complaint\r\n"
        "To: ann@example.org\r\n\r\nBody\r\n"
    )
    kind = "text/rfc822-headers" if headers_only else "message/rfc822"
    if headers_only:
        original = original.split("\r\n\r\n")[0] + "\r\n"
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\n"
        "To: complaints@westfold.example.org\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <dsn.1@mx.example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n'
        "\r\n--b1\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        "\r\n--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.org\r\n\r\n"
        "Final-Recipient: rfc822; ann@example.org\r\n"
        f"Action: {action}\r\n"
        "Status: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <ann@example.org>: mailbox unknown\r\n"
        f"\r\n--b1\r\nContent-Type: {kind}\r\n\r\n{original}"
        "\r\n--b1--\r\n"
    ).encode()


@pytest.fixture
def sent(world, mailbox):  # type: ignore[no-untyped-def]
    case = world.case_at("triage")
    letters_send_due()
    letter = Letter.objects.get(case=case)
    assert letter.status == Letter.Status.SENT
    return letter


def test_a_later_bounce_is_recorded_on_the_case_once(world, sent):
    first = bounces_record(raw=dsn(sent.message_id))
    assert len(first.recorded) == 1 and sent.case.reference in first.recorded[0]
    letter = Letter.objects.get(pk=sent.pk)
    assert letter.status == Letter.Status.BOUNCED and letter.bounced_at is not None
    assert "5.1.1" in letter.last_error
    (bounced,) = [i for i in case_timeline(sent.case) if i.action == "letter.bounced"]
    assert bounced.details["message_id"] == sent.message_id and bounced.details["reported_later"]
    again = bounces_record(raw=dsn(sent.message_id, headers_only=True))
    assert again.recorded == [] and len(again.already) == 1
    assert LedgerEntry.objects.filter(action="letter.bounced").count() == 1


def test_the_case_page_shows_the_bounce(world, sent):
    from tests.signing_in import signer_in

    bounces_record(raw=dsn(sent.message_id))
    html = signer_in(world)("case_manager").get(f"/cases/{sent.case.reference}/").content.decode()
    assert "Bounced" in html and "Letter bounced" in html


def test_an_mbox_of_reports_is_read_report_by_report(world, mailbox):
    cases = [world.case_at("triage"), world.case_at("triage")]
    letters_send_due()
    ids = [Letter.objects.get(case=c).message_id for c in cases]
    box = b"".join(
        b"From MAILER-DAEMON Wed Dec  2 10:00:00 2026\n" + dsn(i).replace(b"\r\n", b"\n") + b"\n"
        for i in ids
    )
    report = bounces_record(raw=box)
    assert len(report.recorded) == 2
    assert set(Letter.objects.values_list("status", flat=True)) == {Letter.Status.BOUNCED}


@pytest.mark.parametrize(
    "raw, why",
    [
        (b"Subject: hello\r\n\r\nJust a message.\r\n", "not a delivery status notification"),
        (b"\x00\xff garbage \x00", "not a delivery status notification"),
        (dsn("<letter.0123456789abcdef0123456789abcdef@x>"), "no letter has the Message-ID"),
        (dsn("<someone.else@example.org>"), "names no letter of ours"),
        (dsn("LETTER", action="delayed"), "not a failure"),
    ],
)
def test_unknown_or_garbled_reports_change_nothing(world, sent, raw, why):
    before = LedgerEntry.objects.count()
    report = bounces_record(raw=raw)
    assert report.recorded == [] and report.already == []
    assert len(report.ignored) == 1 and why in report.ignored[0], report.ignored
    assert LedgerEntry.objects.count() == before
    assert Letter.objects.get(pk=sent.pk).status == Letter.Status.SENT


def test_the_command_reads_a_file_or_standard_input(world, sent, tmp_path, capsys, monkeypatch):
    path = tmp_path / "dsn.eml"
    path.write_bytes(b"Subject: not a report\r\n\r\nhi\r\n")
    assert main(["bounces", str(path)]) == 1
    out = capsys.readouterr()
    assert "ignored: message 1: not a delivery status notification" in out.err
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(dsn(sent.message_id))))
    assert main(["bounces", "-"]) == 0
    assert "recorded bounce:" in capsys.readouterr().out
    assert Letter.objects.get(pk=sent.pk).status == Letter.Status.BOUNCED
    assert main(["bounces", str(tmp_path / "missing.eml")]) != 0
    assert "cannot read" in capsys.readouterr().err
