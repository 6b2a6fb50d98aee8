"""A new receipt, by a one-time link sent by e-mail, for a complainant who lost theirs.

A lost receipt cannot be recovered (only its argon2id is kept, ``parties.receipts``), but a
complainant who gave an e-mail address and agreed to be contacted can ask for a new one at
``/receipt/lost/``:

* **Who**: the active way in of a complainant (not a respondent: a new notice from the case
  team replaces a lost access code), not anonymous, who gave that address on the form *and*
  agreed to be contacted by e-mail. An address given without that consent is not used: a mail
  about a complaint, sent because someone typed the address, is contact the complainant did
  not agree to. The address is matched case-insensitively (``cases.Party.email`` is stored
  lower-cased, with an index on ``Lower(email)``).
* **The answer is the same** whether any case matches: nobody learns from the page whether an
  address made a complaint. Requests are rate-limited per client address and per e-mail
  address (``ACCOUNT_RATE_LIMITS["receipt_renewal"]``), so the page cannot be used to flood a
  mailbox either.
* **The link** carries ``secrets.token_urlsafe(32)``; only its SHA-256 is stored
  (``ReceiptRenewal``), with an expiry ``LIFETIME`` ahead. The mail is not put in the outbox
  (``letters``), which keeps every letter's text: a live link in the database would let a copy
  of the database open the case, which the receipt's design rules out. It is sent with Django's
  mail once the transaction has committed, **after the page has answered**, from a thread of its
  own (``mail_settled`` waits for it), and the answer is never given sooner than
  ``ANSWER_FLOOR_SECONDS`` after the request: a known address costs a row, a ledger entry and a
  mail, an unknown one nothing, and without both measures the time of the answer would tell
  which (the database work is hidden under the floor; the mail, the slowest part, no longer
  delays the answer at all).
* **Following it**: opening the link changes nothing (mail scanners fetch links); the button
  on that page issues a new receipt for the *same* way in — the old receipt's digest is
  replaced, so it stops working at once, while the party's pseudonym, messages and record stay
  the same — and every other link still outstanding for that way in is spent with it.

Each request that matched, each renewal and each refused or failed attempt is in the ledger;
no entry carries the e-mail address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import smtplib
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from dueprocess.cases.models import Case
from dueprocess.cases.services.common import lock_case
from dueprocess.errors import InvalidInput, NotFound
from dueprocess.ledger.record import record
from dueprocess.lib import clock
from dueprocess.parties.models import PartyAccess, ReceiptRenewal
from dueprocess.parties.services import fresh_receipt

logger = logging.getLogger(__name__)

#: How long a link can be followed after it was sent.
LIFETIME = dt.timedelta(hours=24)
TOKEN_BYTES = 32


class LinkUnusable(NotFound):
    """A link that is unknown, used or expired: nothing changed; the attempt is recorded."""

    def __init__(self, why: str) -> None:
        super().__init__(LINK_WORDS[why])
        self.why = why


#: What the page says for each way a link cannot be used.
LINK_WORDS = {
    "unknown": "This link is not valid. Check that the whole link was copied from the e-mail.",
    "used": "This link was already used. Each link gives one new receipt.",
    "expired": "This link has expired: links work for 24 hours. Ask for a new one.",
    "withdrawn": "This link can no longer be used for that complaint.",
}


def token_digest(token: str) -> str:
    """SHA-256 of the token, hex: what is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def normalised_email(typed: str) -> str:
    """The address as stored on a case (trimmed, lower-cased), or a clear error."""
    address = (typed or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise InvalidInput(
            "Give the e-mail address you gave with your complaint.",
            fields={"email": "A valid e-mail address is required."},
        ) from None
    return address


def _renewable() -> QuerySet[PartyAccess]:
    """The one rule for which ways in a link may be sent for, asked when a link is sent and
    again when it is followed: active, a complainant's, not anonymous, with an address given
    and consent to be contacted."""
    return PartyAccess.objects.filter(
        role=PartyAccess.Role.COMPLAINANT,
        revoked_at__isnull=True,
        consent_to_contact=True,
        party__anonymous=False,
    ).exclude(party__email="")


def renewable_accesses(address: str) -> list[PartyAccess]:
    """The ways in a link may be sent for to ``address`` (``_renewable``)."""
    return list(
        _renewable()
        .select_related("case", "case__organisation", "party")
        .annotate(address=Lower("party__email"))
        .filter(address=address)
        .order_by("pk")
    )


def renewal_request(*, email: str, link_for: Callable[[str], str]) -> int:
    """Send a one-time link for a new receipt to ``email`` for each way in it may be sent for
    (``renewable_accesses``); the number of links sent (the page does not show it). Each is
    recorded as ``receipt.renewal_requested`` under the party's pseudonym; nothing is recorded
    or sent when none matches. ``link_for(token)`` is the absolute address of the link."""
    started = time.monotonic()
    address = normalised_email(email)
    links: list[tuple[Case, str]] = []
    with transaction.atomic():
        now = clock.now()
        for access in renewable_accesses(address):
            token = secrets.token_urlsafe(TOKEN_BYTES)
            renewal = ReceiptRenewal.objects.create(
                access=access,
                token_sha256=token_digest(token),
                requested_at=now,
                expires_at=now + LIFETIME,
            )
            record(
                actor=None,
                party_access_id=access.pk,
                action="receipt.renewal_requested",
                case=access.case,
                role=access.role,
                details={
                    "renewal": renewal.pk,
                    "expires_at": renewal.expires_at.isoformat(),
                    "by": "e-mail",
                },
            )
            links.append((access.case, link_for(token)))
        if links:
            transaction.on_commit(lambda: _mail_later(address, links))
    time.sleep(max(0.0, ANSWER_FLOOR_SECONDS - (time.monotonic() - started)))
    return len(links)


#: The least time ``renewal_request`` takes, whether the address is known or not.
ANSWER_FLOOR_SECONDS = 0.25

_mailer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="receipt-renewal-mail")
_unsent: set[Future[None]] = set()
_unsent_lock = threading.Lock()


def _mail_later(address: str, links: list[tuple[Case, str]]) -> None:
    """Hand the mail to the mail thread, so that the answer does not wait for the mail server
    (``_mail_links`` reads only what ``renewable_accesses`` already loaded: no database)."""
    future = _mailer.submit(_mail_links, address, links)
    with _unsent_lock:
        _unsent.add(future)
    future.add_done_callback(_sent)


def _sent(future: Future[None]) -> None:
    with _unsent_lock:
        _unsent.discard(future)
    if future.exception() is not None:  # _mail_links logs what it expects; this is the rest
        logger.error("a receipt renewal mail failed", exc_info=future.exception())


def mail_settled(timeout: float = 30.0) -> bool:
    """Wait until every link handed to the mail thread has been sent (or failed and been
    logged); False if some are still going after ``timeout`` seconds."""
    with _unsent_lock:
        pending = set(_unsent)
    return not wait_for(pending, timeout=timeout).not_done


def renewal_refused(*, address: str) -> None:
    """A request refused by the rate limit (nothing looked up, nothing sent): on the record,
    with the client's address and not the e-mail address."""
    with transaction.atomic():
        record(
            actor=None,
            action="receipt.renewal_refused",
            role="unauthenticated",
            details={"why": "rate limited", "address": address},
        )


def _mail_links(address: str, links: list[tuple[Case, str]]) -> None:
    by_organisation: dict[str, list[tuple[Case, str]]] = {}
    for case, url in links:
        by_organisation.setdefault(case.organisation.name, []).append((case, url))
    for organisation, own in by_organisation.items():
        lines = "\n\n".join(
            f"For the complaint you made on {_day(case.received_at)}:\n{url}" for case, url in own
        )
        body = (
            f"Someone asked {organisation}'s complaints site for a new receipt for a complaint "
            "made with this e-mail address.\n\n"
            f"{lines}\n\n"
            "Open the link and press the button on the page to be shown a new receipt. The "
            "link works once, for 24 hours; your old receipt stops working when the new one is "
            "shown.\n\n"
            "If you did not ask for this, you can ignore this e-mail: nothing changes unless "
            "the link is used."
        )
        try:
            send_mail(f"{organisation}: a new receipt for your complaint", body, None, [address])
        except (OSError, smtplib.SMTPException) as error:  # the same answer was given anyway
            logger.warning("a receipt renewal link could not be sent: %s", error)


def _day(value: dt.datetime) -> str:
    day = timezone.localdate(value)
    return f"{day.day} {day:%B %Y}"


def _usable(renewal: ReceiptRenewal | None, now: dt.datetime) -> str:
    """Why the link cannot be used, or "" if it can."""
    if renewal is None:
        return "unknown"
    if renewal.used_at is not None:
        return "used"
    if now >= renewal.expires_at:
        return "expired"
    if not _renewable().filter(pk=renewal.access_id).exists():
        return "withdrawn"
    return ""


def _find(token: str) -> ReceiptRenewal | None:
    if not token or len(token) > 200:
        return None
    return (
        ReceiptRenewal.objects.select_related("access", "access__party", "access__case")
        .filter(token_sha256=token_digest(token))
        .first()
    )


def renewal_link_check(*, token: str, address: str) -> None:
    """Whether the link can be followed, changing nothing (opening it is not following it):
    ``LinkUnusable`` if not, recorded as ``receipt.renewal_failed``."""
    renewal = _find(token)
    why = _usable(renewal, clock.now())
    if why:
        _failed(renewal, why=why, address=address)
        raise LinkUnusable(why)


@dataclass(frozen=True)
class Renewed:
    """The new receipt — which exists only here, once."""

    access: PartyAccess
    receipt: str


def renewal_redeem(*, token: str, address: str) -> Renewed:
    """Follow the link: a new receipt for its way in, replacing the old one's digest; this link
    and every other outstanding link for that way in are spent. Recorded as
    ``receipt.renewed`` under the party's pseudonym. An unknown, used or expired link changes
    nothing: ``LinkUnusable``, recorded as ``receipt.renewal_failed``."""
    renewal: ReceiptRenewal | None = None
    with transaction.atomic():
        found = _find(token)
        if found is not None:
            lock_case(found.access.case)  # as every change to a party's way in
            renewal = (
                ReceiptRenewal.objects.select_for_update(of=("self",))
                .select_related("access", "access__party", "access__case")
                .get(pk=found.pk)
            )
        now = clock.now()
        why = _usable(renewal, now)
        if not why:
            assert renewal is not None
            access = renewal.access
            receipt, digest = fresh_receipt()
            access.receipt_digest = digest
            access.issued_at = now
            access.save(update_fields=["receipt_digest", "issued_at"])
            spent = list(ReceiptRenewal.objects.filter(access=access, used_at__isnull=True))
            for link in spent:  # each saved on its own, for the ledger's state commitment
                link.used_at = now
                link.save(update_fields=["used_at"])
            record(
                actor=None,
                party_access_id=access.pk,
                action="receipt.renewed",
                case=access.case,
                role=access.role,
                details={"renewal": renewal.pk, "links_spent": len(spent)},
            )
            return Renewed(access=access, receipt=receipt)
    _failed(renewal, why=why, address=address)
    raise LinkUnusable(why)


def _failed(renewal: ReceiptRenewal | None, *, why: str, address: str) -> None:
    """A link that could not be used: under the party's pseudonym when it names a way in, else
    with no actor and the client's address, as a receipt that opens nothing."""
    with transaction.atomic():
        if renewal is None:
            record(
                actor=None,
                action="receipt.renewal_failed",
                role="unauthenticated",
                details={"why": why, "address": address},
            )
            return
        record(
            actor=None,
            party_access_id=renewal.access_id,
            action="receipt.renewal_failed",
            case_id=renewal.access.case_id,
            role=renewal.access.role,
            details={"why": why, "renewal": renewal.pk},
        )
