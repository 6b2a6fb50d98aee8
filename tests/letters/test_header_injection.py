"""A letter's headers cannot be injected through a party's details (ASVS V1.3.11)."""

from __future__ import annotations

import datetime as dt
import email

from django.core.mail import EmailMessage

from dueprocess.letters.render import render
from dueprocess.rulebook.letters import parse_template

HOSTILE = "Rex\r\nBcc: everyone@example.org\r\n\r\n<script>alert(1)</script>"


def test_a_name_carrying_headers_stays_inside_the_subject_and_is_escaped_in_html():
    template = parse_template(
        "Subject: {{ reference }}: a letter for {{ recipient_name }}\n\n"
        "Dear {{ recipient_name }},\n"
    )
    letter = render(
        template,
        {"reference": "C-2026-00001", "recipient_name": HOSTILE},
        written_at=dt.datetime(2026, 12, 2, tzinfo=dt.UTC),
    )
    assert "\r" not in letter.subject and "\n" not in letter.subject
    assert "<script>" not in letter.html and "&lt;script&gt;" in letter.html
    message = EmailMessage(letter.subject, letter.text, "cases@example.org", ["rex@example.org"])
    parsed = email.message_from_bytes(message.message().as_bytes())
    assert parsed.get_all("Bcc") is None  # no header was smuggled in
    assert parsed["To"] == "rex@example.org"
    assert "Bcc: everyone@example.org" in " ".join(parsed["Subject"].split())
