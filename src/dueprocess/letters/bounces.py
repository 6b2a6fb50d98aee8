"""Bounces that arrive later: delivery status notifications (RFC 3464) fed to
``dueprocess bounces FILE``.

A mail server that accepted a letter may still fail to deliver it and say so, hours or days
later, in a ``multipart/report; report-type=delivery-status`` message. Each such report names
the original message — in its ``message/rfc822`` or ``text/rfc822-headers`` part — by the
Message-ID the letter was given when it was written, so the letter is found by that alone. A
report whose recipients all ``failed`` marks the letter bounced and records ``letter.bounced``
on its case (shown wherever sent letters are shown); a report that is not a failure, that is
garbled, or that names no letter of ours changes nothing and says why. A letter already bounced
is not recorded twice.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from email.message import Message

from django.db import transaction

from dueprocess.ledger.record import record
from dueprocess.letters.models import Letter
from dueprocess.lib import clock

_MESSAGE_ID = re.compile(r"<letter\.[0-9a-f]{32}@[^<>\s]+>")
_MBOX_FROM = re.compile(rb"(?m)^From [^\n]*\n")
_MBOX_QUOTED = re.compile(rb"(?m)^>(>*From )")


@dataclass
class BounceReport:
    recorded: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"bounces: {len(self.recorded)} recorded, {len(self.already)} already recorded,"
            f" {len(self.ignored)} ignored"
        )


def messages_in(raw: bytes) -> list[Message]:
    """The messages in ``raw``: an mbox of them (it starts with a ``From `` line) or one."""
    if not raw.startswith(b"From "):
        return [email.message_from_bytes(raw, policy=email.policy.default)]
    chunks = [c for c in _MBOX_FROM.split(raw) if c.strip()]
    return [
        email.message_from_bytes(_MBOX_QUOTED.sub(rb"\1", c), policy=email.policy.default)
        for c in chunks
    ]


def _status_fields(report: Message) -> list[Message]:
    """The per-recipient field groups of the ``message/delivery-status`` part."""
    for part in report.walk():
        if part.get_content_type() == "message/delivery-status":
            payload = part.get_payload()
            groups = payload if isinstance(payload, list) else []
            return list(groups[1:])  # the first group is about the reporting server
    return []


def _original_message_id(report: Message) -> str:
    for part in report.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(inner, Message) and inner.get("Message-ID"):
                return str(inner["Message-ID"]).strip()
        elif kind == "text/rfc822-headers":
            text = part.get_payload(decode=True) or b""
            headers = email.message_from_bytes(bytes(text), policy=email.policy.default)
            if headers.get("Message-ID"):
                return str(headers["Message-ID"]).strip()
    return ""


def bounce_from(message: Message) -> tuple[str, str, str]:
    """(Message-ID of the original, status, diagnostic) of a failure report; ValueError with
    the reason when ``message`` is not one."""
    if message.get_content_type() != "multipart/report" or (
        str(message.get_param("report-type") or "").lower() != "delivery-status"
    ):
        raise ValueError("not a delivery status notification (RFC 3464)")
    recipients = _status_fields(message)
    if not recipients:
        raise ValueError("the report has no per-recipient status")
    actions = {str(group.get("Action", "")).strip().lower() for group in recipients}
    if actions != {"failed"}:
        raise ValueError(f"not a failure (action: {', '.join(sorted(actions)) or 'none'})")
    found = _original_message_id(message)
    if not _MESSAGE_ID.fullmatch(found):
        raise ValueError("it names no letter of ours (no Message-ID of a letter)")
    first = recipients[0]
    status = str(first.get("Status", "")).strip()[:20]
    diagnostic = " ".join(str(first.get("Diagnostic-Code", "")).split())[:300]
    return found, status, diagnostic


def bounces_record(*, raw: bytes) -> BounceReport:
    """Record every failure report in ``raw`` on the letter it names (once per letter)."""
    report = BounceReport()
    try:
        messages = messages_in(raw)
    except (ValueError, TypeError) as error:
        report.ignored.append(f"unreadable input: {error}")
        return report
    for number, message in enumerate(messages, start=1):
        try:
            message_id, status, diagnostic = bounce_from(message)
        except (ValueError, TypeError, LookupError) as error:
            report.ignored.append(f"message {number}: {error}")
            continue
        _record(message_id, status, diagnostic, number, report)
    return report


def _about(letter: Letter) -> str:
    """What a letter is about, for the report: its case, or "staff" for a person's digest."""
    return letter.case.reference if letter.case is not None else "staff"


def _record(
    message_id: str, status: str, diagnostic: str, number: int, report: BounceReport
) -> None:
    with transaction.atomic():
        letter = (
            Letter.objects.select_for_update(of=("self",))
            .select_related("case")
            .filter(message_id=message_id)
        ).first()
        if letter is None:
            report.ignored.append(f"message {number}: no letter has the Message-ID {message_id}")
            return
        if letter.status == Letter.Status.BOUNCED:
            report.already.append(f"{_about(letter)}: {letter.template} ({message_id})")
            return
        letter.status = Letter.Status.BOUNCED
        letter.bounced_at = clock.now()
        letter.claimed_until = None
        letter.last_error = f"reported later: {status} {diagnostic}".strip()[:2000]
        letter.save(update_fields=["status", "bounced_at", "claimed_until", "last_error"])
        record(
            actor=None,
            action="letter.bounced",
            case=letter.case,
            details={
                "letter": letter.pk,
                "template": letter.template,
                "recipient": letter.recipient_pseudonym,
                "recipient_role": letter.recipient_role,
                "content_sha256": letter.content_sha256,
                "message_id": letter.message_id,
                "status": status,
                "reported_later": True,
            },
        )
        report.recorded.append(f"{_about(letter)}: {letter.template} ({message_id})")
