"""What was sent to each party of a case, and when, and what each party has seen: one read
model for the staff case page and the API (``GET /api/v1/cases/{ref}/parties``).

"Sent" is read from the outbox (``letters.Letter``, the letters to the party) and the thread
(``parties.Message``, the messages to them). "Seen" is read from what the party's own acts left
behind: ``Message.read_by_party_at`` for a message, and the ledger entries recorded under the
party's pseudonym (``party.case_viewed``, ``party.allegations_viewed``, ``party.outcome_viewed``,
``party.letter_viewed``) for the rest. The entries' ``case_tag`` and ``action`` columns pick
the case's party reads out by index; the actor and the time are in each entry's own bytes,
parsed without decrypting anything. Only a letter download needs its sealed details, to name
the letter: those entries alone are opened, under the case's one data key.

A bounded number of queries, whatever the size of the case: the ways in, the letters, the
messages, the ledger rows, and (when a party downloaded a letter) the case's data key and
those entries' payloads. For a caller that has already been allowed to read the case and has
recorded the read (``case_detail_for``): this function itself checks and records nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dueprocess.ledger import sealing
from dueprocess.ledger.entries import parse_entry
from dueprocess.ledger.models import LedgerEntry, LedgerPayload
from dueprocess.ledger.reading import open_details
from dueprocess.ledger.record import case_pseudonym, party_pseudonym
from dueprocess.letters.models import Letter
from dueprocess.parties.models import Message, PartyAccess

if TYPE_CHECKING:
    from dueprocess.cases.models import Case

#: The ledger actions that say a party saw something, and which tally each counts in.
SEEN_ACTIONS = {
    "party.case_viewed": "visits",
    "party.allegations_viewed": "allegations",
    "party.outcome_viewed": "outcome",
    "party.letter_viewed": "letters_downloaded",
}


@dataclass
class Tally:
    """How often something was seen, first and last (``None`` while never)."""

    count: int = 0
    first: dt.datetime | None = None
    last: dt.datetime | None = None

    def add(self, at: dt.datetime) -> None:
        self.count += 1
        self.first = at if self.first is None or at < self.first else self.first
        self.last = at if self.last is None or at > self.last else self.last

    @property
    def seen(self) -> bool:
        return self.count > 0


@dataclass(frozen=True)
class SentLetter:
    id: int
    subject: str
    template: str
    status: str
    status_label: str
    written_at: dt.datetime
    sent_at: dt.datetime | None
    #: Downloads of this letter's PDF by the party, through their own page.
    downloads: Tally


@dataclass(frozen=True)
class SentMessage:
    id: int
    sent_at: dt.datetime
    read_at: dt.datetime | None


@dataclass(frozen=True)
class PartySeen:
    """One party's way in: what was sent to them, and what they have seen."""

    access_id: int
    role: str
    role_label: str
    active: bool
    issued_at: dt.datetime
    revoked_at: dt.datetime | None
    letters: list[SentLetter]
    messages: list[SentMessage]
    visits: Tally = field(default_factory=Tally)
    allegations: Tally = field(default_factory=Tally)
    outcome: Tally = field(default_factory=Tally)
    letters_downloaded: Tally = field(default_factory=Tally)

    @property
    def messages_read(self) -> int:
        return sum(1 for m in self.messages if m.read_at is not None)


def seen_for_case(case: Case) -> list[PartySeen]:
    """Each party's way in to ``case`` (oldest first), with what was sent to that party and
    what they have seen (see the module's docstring)."""
    accesses = list(PartyAccess.objects.filter(case=case).order_by("pk"))
    if not accesses:
        return []
    letters: dict[int, list[Letter]] = {}
    for letter in (
        Letter.objects.filter(case=case, party__isnull=False)
        .only("id", "party_id", "subject", "template", "status", "created_at", "sent_at")
        .order_by("created_at", "id")
    ):
        letters.setdefault(letter.party_id or 0, []).append(letter)
    messages: dict[int, list[SentMessage]] = {}
    for pk, access_id, sent_at, read_at in (
        Message.objects.filter(case=case, direction=Message.Direction.TO_PARTY)
        .order_by("sent_at", "pk")
        .values_list("pk", "access_id", "sent_at", "read_by_party_at")
    ):
        messages.setdefault(access_id, []).append(SentMessage(pk, sent_at, read_at))
    tallies, downloads = _party_reads(case, accesses)
    seen = []
    for access in accesses:
        own = tallies.get(access.pk, {})
        seen.append(
            PartySeen(
                access_id=access.pk,
                role=access.role,
                role_label=access.get_role_display(),
                active=access.active,
                issued_at=access.issued_at,
                revoked_at=access.revoked_at,
                letters=[
                    SentLetter(
                        id=letter.pk,
                        subject=letter.subject,
                        template=letter.template,
                        status=letter.status,
                        status_label=letter.get_status_display(),
                        written_at=letter.created_at,
                        sent_at=letter.sent_at,
                        downloads=downloads.get((access.pk, letter.pk), Tally()),
                    )
                    for letter in letters.get(access.party_id, [])
                ],
                messages=messages.get(access.pk, []),
                **{name: own.get(name, Tally()) for name in SEEN_ACTIONS.values()},
            )
        )
    return seen


def _party_reads(
    case: Case, accesses: list[PartyAccess]
) -> tuple[dict[int, dict[str, Tally]], dict[tuple[int, int], Tally]]:
    """The party reads of the case from its ledger entries: per way in, a tally per kind; and
    per (way in, letter), the downloads of that letter."""
    by_pseudonym = {party_pseudonym(a.pk): a.pk for a in accesses}
    tag = case_pseudonym(case.pk)
    rows = (
        LedgerEntry.objects.filter(case_tag=tag, action__in=SEEN_ACTIONS)
        .order_by("seq")
        .values_list("seq", "entry")
    )
    tallies: dict[int, dict[str, Tally]] = {}
    letter_reads: dict[int, tuple[int, bytes, str, dt.datetime]] = {}
    for seq, raw in rows:
        entry = parse_entry(bytes(raw))
        access_id = by_pseudonym.get(entry.actor)
        if access_id is None:  # pragma: no cover - party actions are recorded by parties only
            continue
        at = entry.recorded_at
        kind = SEEN_ACTIONS[entry.action]
        tallies.setdefault(access_id, {}).setdefault(kind, Tally()).add(at)
        if entry.action == "party.letter_viewed":
            letter_reads[seq] = (access_id, bytes(raw), entry.payload, at)
    downloads: dict[tuple[int, int], Tally] = {}
    if letter_reads:
        key = sealing.subject_key(f"case:{tag}", create=False)
        payloads = {p.seq: p for p in LedgerPayload.objects.filter(seq__in=list(letter_reads))}
        for seq, (access_id, raw, commitment, at) in letter_reads.items():
            details, sealed = open_details(payloads.get(seq), key, raw, commitment)
            letter_id = details.get("letter")
            if not sealed and isinstance(letter_id, int):  # an erased case names no letter
                downloads.setdefault((access_id, letter_id), Tally()).add(at)
    return tallies, downloads
