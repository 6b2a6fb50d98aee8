"""Deliver the outbox by SMTP, after commit, with retries and backoff.

Each round claims due letters in a short transaction of its own (row locks, skipping rows that
another sender holds), marking them ``sending`` with a lease; then it talks to the server with
no transaction open; then it marks each letter ``sent`` — only if it still holds the claim — and
records ``letter.sent``. A sender killed after claiming leaves letters whose lease runs out and
which the next round delivers; the Message-ID was fixed when the letter was written, so a letter
delivered twice (the server accepted it, the sender died before writing that down) is the same
message twice, and the ledger has one ``letter.sent`` for it.

A permanent refusal (an SMTP 5xx reply) is a bounce, recorded on the case; anything else (no
connection, a timeout, a 4xx reply) is tried again later, waiting twice as long each time, until
``MAX_ATTEMPTS`` — then the letter is given up, recorded too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q

from dueprocess.ledger.record import record
from dueprocess.letters.models import Letter
from dueprocess.lib import clock
from dueprocess.lib.smtpurl import SmtpServer

LEASE = dt.timedelta(minutes=10)
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(hours=6)
MAX_ATTEMPTS = 12
BATCH = 50


@dataclass
class SendReport:
    configured: bool = True
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    bounced: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def summary(self) -> str:
        if not self.configured:
            return "letters: no DUEPROCESS_SMTP_URL, queued letters wait in the outbox"
        return (
            f"letters: {len(self.sent)} sent, {len(self.retrying)} to retry,"
            f" {len(self.bounced)} bounced, {len(self.failed)} given up"
        )


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed try (1 min, 2, 4, ... at most 6 h)."""
    return min(FIRST_RETRY * (2 ** max(0, attempts - 1)), LONGEST_WAIT)


def letters_send_due(*, server: SmtpServer | None = None, limit: int = BATCH) -> SendReport:
    """Deliver every letter that is due, in rounds of ``limit``; the server is
    ``DUEPROCESS_SMTP_URL`` unless given."""
    server = server or getattr(settings, "SMTP_SERVER", None)
    report = SendReport(configured=server is not None)
    if server is None:
        return report
    while True:
        claimed = _claim(limit)
        if not claimed:
            return report
        _deliver(server, claimed, report)
        if len(claimed) < limit:
            return report


def _claim(limit: int) -> list[Letter]:
    now = clock.now()
    with transaction.atomic():
        due = (
            Letter.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=Letter.Status.QUEUED, next_attempt_at__lte=now)
                | Q(status=Letter.Status.SENDING, claimed_until__lt=now)
            )
            .order_by("next_attempt_at", "id")[:limit]
        )
        rows = list(due)
        for row in rows:
            row.status = Letter.Status.SENDING
            row.claimed_until = now + LEASE
            row.attempts += 1
            row.save(update_fields=["status", "claimed_until", "attempts"])
    return rows


def _message(letter: Letter, connection: object) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=letter.subject,
        body=letter.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[letter.to_address],
        headers={"Message-ID": letter.message_id},
        connection=connection,
    )
    message.attach_alternative(letter.html, "text/html")
    if letter.pdf:  # a letter to a party; a staff digest has no PDF
        message.attach(f"{letter.template}.pdf", bytes(letter.pdf), "application/pdf")
    return message


def _deliver(server: SmtpServer, letters: list[Letter], report: SendReport) -> None:
    connection = get_connection(
        "dueprocess.lib.smtpmail.EmailBackend",
        host=server.host,
        port=server.port,
        username=server.user or None,
        password=server.password or None,
        use_tls=server.starttls,
        use_ssl=server.tls,
        timeout=getattr(settings, "EMAIL_TIMEOUT", 20),
        fail_silently=False,
    )
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:
        for letter in letters:
            _failed_try(letter, f"cannot reach the mail server: {error}", report)
        return
    try:
        for letter in letters:
            try:
                _message(letter, connection).send()
            except smtplib.SMTPRecipientsRefused as error:
                codes = [code for code, _ in error.recipients.values()]
                if codes and all(code >= 500 for code in codes):
                    _bounced(letter, codes[0], str(error.recipients), report)
                else:
                    _failed_try(letter, f"refused for now: {error.recipients}", report)
            except smtplib.SMTPResponseException as error:
                if error.smtp_code >= 500:
                    _bounced(letter, error.smtp_code, str(error.smtp_error), report)
                else:
                    _failed_try(letter, f"{error.smtp_code} {error.smtp_error!r}", report)
                _reset(connection)
            except (OSError, smtplib.SMTPException) as error:
                _failed_try(letter, str(error) or type(error).__name__, report)
            else:
                _sent(letter, report)
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.close()


def _reset(connection: object) -> None:
    link = getattr(connection, "connection", None)
    if link is not None:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            link.rset()


def _finish(letter: Letter, **changes: object) -> bool:
    """Write ``changes`` if this sender still holds the claim; False if another took over."""
    return bool(
        Letter.objects.filter(
            pk=letter.pk, status=Letter.Status.SENDING, claimed_until=letter.claimed_until
        ).update(claimed_until=None, **changes)
    )


def _details(letter: Letter) -> dict[str, object]:
    return {
        "letter": letter.pk,
        "template": letter.template,
        "recipient": letter.recipient_pseudonym,
        "recipient_role": letter.recipient_role,
        "content_sha256": letter.content_sha256,
        "message_id": letter.message_id,
        "attempt": letter.attempts,
    }


def _sent(letter: Letter, report: SendReport) -> None:
    with transaction.atomic():
        if _finish(letter, status=Letter.Status.SENT, sent_at=clock.now(), last_error=""):
            record(actor=None, action="letter.sent", case=letter.case, details=_details(letter))
            report.sent.append(letter.pk)


def _bounced(letter: Letter, code: int, text: str, report: SendReport) -> None:
    with transaction.atomic():
        if _finish(
            letter,
            status=Letter.Status.BOUNCED,
            bounced_at=clock.now(),
            last_error=f"{code} {text}"[:2000],
        ):
            details = _details(letter) | {"smtp_code": code}
            record(actor=None, action="letter.bounced", case=letter.case, details=details)
            report.bounced.append(letter.pk)


def _failed_try(letter: Letter, error: str, report: SendReport) -> None:
    with transaction.atomic():
        if letter.attempts >= MAX_ATTEMPTS:
            if _finish(letter, status=Letter.Status.FAILED, last_error=error[:2000]):
                details = _details(letter) | {"error": error[:300]}
                record(actor=None, action="letter.failed", case=letter.case, details=details)
                report.failed.append(letter.pk)
            return
        retry_at = clock.now() + backoff(letter.attempts)
        if _finish(
            letter, status=Letter.Status.QUEUED, next_attempt_at=retry_at, last_error=error[:2000]
        ):
            report.retrying.append(letter.pk)
