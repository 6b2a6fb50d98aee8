"""The letters sent to a party, on their own page, and a letter's PDF downloaded by the party.

A party sees only the letters addressed to them (to the ``cases.Party`` their way in is for,
on their own case); a letter to the other party, or of another case, is not found — and the
attempt is recorded as ``access.denied`` under the party's pseudonym, as every refusal of a
party is. A download is recorded (``party.letter_viewed``) before the PDF is returned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from dueprocess.cases.services.common import lock_case
from dueprocess.ledger.record import record
from dueprocess.letters.models import Letter
from dueprocess.parties.models import PartyAccess
from dueprocess.parties.services import PartyDenied, recorded_party_denials, require_party

#: How a letter's delivery reads to the party it was sent to.
DELIVERY_WORDS = {
    Letter.Status.QUEUED: "Waiting to be sent by e-mail",
    Letter.Status.SENDING: "Being sent by e-mail",
    Letter.Status.SENT: "Sent to you by e-mail",
    Letter.Status.BOUNCED: "Could not be delivered to your e-mail address",
    Letter.Status.FAILED: "Could not be sent by e-mail",
    Letter.Status.POST: "Sent to you by post",
}


@dataclass(frozen=True)
class PartyLetter:
    """One letter as its party sees it in the list: no body, only what it is and how it went."""

    id: int
    subject: str
    template: str
    written_at: dt.datetime
    sent_at: dt.datetime | None
    delivery: str


def _theirs(access: PartyAccess) -> dict[str, int]:
    """The filter naming the letters addressed to ``access``'s party on its own case."""
    return {"case_id": access.case_id, "party_id": access.party_id}


def letters_to_party(access: PartyAccess) -> list[PartyLetter]:
    """The letters addressed to the party on their own case, newest first, without bodies.
    For the party's page, which has passed the party gate and recorded its read
    (``status_for``)."""
    rows = (
        Letter.objects.filter(**_theirs(access))
        .only("id", "subject", "template", "created_at", "sent_at", "status")
        .order_by("-created_at", "-id")
    )
    return [
        PartyLetter(
            id=row.pk,
            subject=row.subject,
            template=row.template,
            written_at=row.created_at,
            sent_at=row.sent_at,
            delivery=DELIVERY_WORDS.get(Letter.Status(row.status), row.get_status_display()),
        )
        for row in rows
    ]


@recorded_party_denials
def party_letter_pdf(*, access: PartyAccess, letter_id: int) -> Letter:
    """One letter to the party, for download: the party gate (``party.letter``) decides, a
    letter not addressed to this party is not found (and the attempt recorded), and the read
    is recorded as ``party.letter_viewed`` under the party's pseudonym before it is returned."""
    # the gate runs outside the read's transaction, so that its refusal stays on the record
    verdict = require_party(access, access.case, "party.letter")
    letter = Letter.objects.filter(pk=letter_id, **_theirs(access)).first()
    if letter is None:
        raise PartyDenied(
            access=access,
            case=access.case,
            action="party.letter",
            reason="no such letter to this party",
        )
    with transaction.atomic():
        case = lock_case(access.case)
        record(
            actor=None,
            party_access_id=access.pk,
            action="party.letter_viewed",
            case=case,
            role=verdict.role,
            details={"letter": letter.pk, "template": letter.template},
        )
    return letter


def letter_filename(letter: Letter) -> str:
    """The name the party's browser saves a letter under."""
    return f"letter-{letter.template}-{letter.pk}.pdf"
