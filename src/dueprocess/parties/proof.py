"""A party's own proof: the case's ledger entries that concern them as a bundle they can check,
and what the record shows in plain words.

The bundle is the staff export's format (``dueprocess.case-proof/v1``, built by the same
``build_bundle`` and accepted by ``dueprocess check-proof``), narrowed to the entries that
concern the party (``concerns``) and saying so in its ``selection`` field. The export is
recorded as ``case.proof_exported`` under the party's pseudonym, since a bundle binds its
reference to the case through the sealed details of such an entry; the bundle then carries only
what any bundle carries: pseudonymous entries (actor and case pseudonyms, roles, actions, times
and commitments to the sealed details), the case reference, and the salt opening the export's
own commitment to that reference. No name, address or allegation is in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from dueprocess.cases.models import Case
from dueprocess.cases.services.common import lock_case
from dueprocess.ledger import sealing, store
from dueprocess.ledger.checkpoints import witnessed_checkpoint
from dueprocess.ledger.entries import Entry, parse_entry
from dueprocess.ledger.models import LedgerEntry, LedgerPayload
from dueprocess.ledger.proofs import build_bundle  # the staff export's bundle
from dueprocess.ledger.reading import open_details
from dueprocess.ledger.record import case_pseudonym, party_pseudonym, record
from dueprocess.letters.models import Letter
from dueprocess.parties.models import Message, PartyAccess, PartyFile
from dueprocess.parties.services import recorded_party_denials, require_party
from dueprocess.rulebook.schema import CASE_ROLES


@recorded_party_denials
def party_proof_for(*, access: PartyAccess, wait: float | None = None) -> str:
    """The party's case proof bundle (JSON text), proved against a checkpoint that covers this
    export's own entry and meets the witness quorum (``WitnessesUnavailable`` otherwise).
    A party asking about a case not theirs gets ``NotFound``, recorded as ``access.denied``."""
    # the gate runs outside the export's transaction, so that its refusal stays on the record
    verdict = require_party(access, access.case, "party.proof")
    with transaction.atomic():
        case = lock_case(access.case)
        record(
            actor=None,
            party_access_id=access.pk,
            action="case.proof_exported",
            case=case,
            role=verdict.role,
            details={},
        )
    waiting = settings.LEDGER_WITNESS_WAIT if wait is None else wait
    checkpoint = witnessed_checkpoint(store.size(), wait=waiting)
    chosen = party_selection(access=access, size=checkpoint.size)
    return build_bundle(case, checkpoint, seqs=chosen, selection=access.role)


#: The case's course, which both parties may follow: opening, triage, stages, the decision.
COURSE = frozenset(
    {
        "case.opened",
        "case.accepted",
        "case.not_investigated",
        "case.transitioned",
        "decision.recorded",
    }
)
#: What others did to the case file: reads (emergency reads among them), refused attempts,
#: emergency access asked for and answered, and exports of the record.
FILE = frozenset(
    {
        "case.viewed",
        "access.denied",
        "emergency.requested",
        "emergency.approved",
        "emergency.refused",
        "case.proof_exported",
    }
)
#: Entries about something sent to one party: which one is in the entry's sealed details.
LETTERS = frozenset(
    {"letter.queued", "letter.sent", "letter.bounced", "letter.failed", "letter.viewed"}
)
#: Staff reading a file one party sent (and a failed check of one): which file is in the
#: entry's sealed details.
READ_FILES = frozenset({"party_file.downloaded", "party_file.corrupted"})
ADDRESSED = LETTERS | READ_FILES | {"case.message_sent", "case.respondent_notified"}
#: What is done towards one side only.
SIDE: dict[str, frozenset[str]] = {
    PartyAccess.Role.COMPLAINANT: frozenset({"case.feedback_given"}),
    PartyAccess.Role.RESPONDENT: frozenset({"case.redaction_marked"}),
}


@dataclass(frozen=True)
class PartyFacts:
    """What decides which entries concern one party: their own pseudonyms (one per way in to
    the case), every party's pseudonyms on the case, what was addressed to them, and the
    files they sent."""

    side: str
    own: frozenset[str]
    parties: frozenset[str]
    accesses: frozenset[int]
    messages: frozenset[int]
    letters: frozenset[int]
    files: frozenset[int]


def party_facts(access: PartyAccess) -> PartyFacts:
    return facts_of_party(access.case_id, access.party_id, side=access.role)


def facts_of_party(case_id: int, party_id: int, *, side: str) -> PartyFacts:
    """The facts for one ``cases.Party`` of a case, whether or not they were given a way in
    (a witness, or a respondent not yet notified, has none: then only what was addressed to
    them and the case's course concern them). Used for a party's own bundle and for a
    subject access export (``privacy.subject_access``)."""
    ways_in = dict(PartyAccess.objects.filter(case_id=case_id).values_list("pk", "party_id"))
    mine = frozenset(pk for pk, party in ways_in.items() if party == party_id)
    return PartyFacts(
        side=side,
        own=frozenset(party_pseudonym(pk) for pk in mine),
        parties=frozenset(party_pseudonym(pk) for pk in ways_in),
        accesses=mine,
        messages=frozenset(
            Message.objects.filter(case_id=case_id, access_id__in=mine).values_list("pk", flat=True)
        ),
        letters=frozenset(
            Letter.objects.filter(case_id=case_id, party_id=party_id).values_list("pk", flat=True)
        ),
        files=frozenset(
            PartyFile.objects.filter(case_id=case_id, access_id__in=mine).values_list(
                "pk", flat=True
            )
        ),
    )


def concerns(entry: Entry, details: dict[str, Any], facts: PartyFacts) -> bool:
    """Whether an entry of the party's case goes in their own bundle. The rule, in full:

    1. their own acts: every entry under one of their own pseudonyms (reads of their page,
       messages, their response, their refused attempts, their exports, their report);
    2. the case's course (``COURSE``): opening, triage, stage changes, the decision;
    3. what others did to the case file (``FILE``): staff reads (emergency reads among them),
       refused attempts, emergency access, exports — unless the other party did it;
    4. what was sent to them: messages from the case team to them, letters to them (queued,
       sent, bounced, failed, read by staff), the respondent's notice of the allegations;
    5. for the complainant, the feedback given to them; for the respondent, the marks that
       redact passages of the allegations they are shown;
    6. what was done with what they sent: staff downloads of a file they sent, and a failed
       integrity check of one (``READ_FILES``) — someone read what they sent.

    Nothing else: the other party's acts (their page views, messages, response, refusals,
    exports), messages and letters to the other party, staff reads of the other party's files,
    redaction marks for the complainant, and the investigation's working entries (notes,
    evidence, interviews, assignments, advice, sign-offs, recommendations, interim
    measures...). Whom a message or letter was sent to, and which file was read, is in the
    entry's sealed details; an entry whose details cannot be opened (erased) is left out rather
    than guessed."""
    if entry.actor in facts.own:
        return True
    if entry.action in COURSE:
        return True
    if entry.action in FILE:
        return entry.actor not in facts.parties
    if entry.action in SIDE.get(facts.side, frozenset()):
        return True
    if entry.action in LETTERS:
        return details.get("letter") in facts.letters
    if entry.action == "case.message_sent":
        return details.get("message") in facts.messages
    if entry.action == "case.respondent_notified":
        return details.get("access") in facts.accesses
    if entry.action in READ_FILES:
        return details.get("file") in facts.files
    return False


def party_selection(*, access: PartyAccess, size: int) -> set[int]:
    """The seqs of the case's entries below ``size`` that concern the party (``concerns``)."""
    return selection_for(party_facts(access), case_id=access.case_id, size=size)


def selection_for(facts: PartyFacts, *, case_id: int, size: int) -> set[int]:
    """The seqs of the case's entries below ``size`` that concern the party ``facts`` is of."""
    tag = case_pseudonym(case_id)
    rows = LedgerEntry.objects.filter(case_tag=tag, seq__lt=size).order_by("seq")
    entries = [parse_entry(bytes(raw)) for raw in rows.values_list("entry", flat=True)]
    addressed = [e.seq for e in entries if e.action in ADDRESSED and e.actor not in facts.own]
    payloads = {
        p.seq: p
        for start in range(0, len(addressed), 500)  # bounded IN lists
        for p in LedgerPayload.objects.filter(seq__in=addressed[start : start + 500])
    }
    data_key = sealing.subject_key(f"case:{tag}", create=False) if addressed else None
    chosen = set()
    for entry in entries:
        details: dict[str, Any] = {}
        if entry.seq in payloads:
            raw = entry.to_bytes()
            details, _ = open_details(payloads[entry.seq], data_key, raw, entry.payload)
        if concerns(entry, details, facts):
            chosen.add(entry.seq)
    return chosen


def proof_filename(case: Case) -> str:
    """The name the party's browser saves the bundle under."""
    return f"{case.reference}-proof.json"


@dataclass(frozen=True)
class Reader:
    """One person (by pseudonym) who read the case file, and under which role."""

    pseudonym: str
    role_label: str
    on_case_team: bool
    reads: int
    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class ProofSummary:
    readers: list[Reader]
    refused: int
    emergency_reads: int

    @property
    def outsiders(self) -> list[Reader]:
        return [r for r in self.readers if not r.on_case_team]

    @property
    def sentence(self) -> str:
        people = len(self.readers)
        if people == 0:
            said = "No one has read your case file yet"
        else:
            noun = "person" if people == 1 else "people"
            outside = len(self.outsiders)
            said = f"{people} {noun} read your case file, " + (
                "all of them on the case team"
                if outside == 0
                else f"{outside} of them from outside the case team"
            )
        one = self.refused == 1
        by_others = (
            "no attempt by anyone else was refused"
            if self.refused == 0
            else f"{self.refused} attempt{'' if one else 's'} by someone else"
            f" {'was' if one else 'were'} refused and recorded"
        )
        emergency = (
            ""
            if self.emergency_reads == 0
            else f" Emergency access was used for {self.emergency_reads} of the reads."
        )
        return f"{said}; {by_others}.{emergency}"


@dataclass
class _Tally:
    """The summary's counts over a case's ``case.viewed`` and ``access.denied`` entries up to
    and including seq ``last`` (whose leaf hash is ``last_hash``): kept in the cache, since
    entries never change, and extended with the newer entries on the next view."""

    last: int = -1
    last_hash: bytes = b""
    #: (actor pseudonym, role) -> [reads, first day, last day]
    readers: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    refused: int = 0
    emergency: int = 0


def _tally_key(tag: str) -> str:
    return f"party-proof-summary:v1:{tag}"


def _cached_tally(tag: str) -> _Tally:
    """The cached counts, if the entry they end on is still the one they counted: a ledger
    rewound (a transaction rolled back, a database restored) gives a seq another entry, whose
    leaf hash differs, and the counts are made again from the start."""
    tally = cache.get(_tally_key(tag))
    if not isinstance(tally, _Tally):
        return _Tally()
    now = LedgerEntry.objects.filter(seq=tally.last).values_list("leaf_hash", flat=True).first()
    return tally if now is not None and bytes(now) == tally.last_hash else _Tally()


def party_proof_summary(*, access: PartyAccess) -> ProofSummary:
    """Who read the case file and when, from the case's ledger entries (``case.viewed``).

    The *case team* is whoever the access policy let read the file under a case role
    (intake officer, investigator, case manager, panel member: ``rulebook.schema.CASE_ROLES``),
    which it grants only for a relation to this very case (its unit, the intake queue, an
    assignment, a panel seat); the role it granted is written in each signed entry. A read
    under emergency access (recorded under the emergency permit, role ``*``) or any other role
    is outside the case team. Refused attempts are the case's ``access.denied`` entries by
    anyone but the case's parties (a party's own are their acts, not attempts on their file):
    each of them is in the party's bundle (``concerns``). The caller (the party's page) has
    passed the party gate.

    The cost does not grow with the case's history: the counts are cached per case with the
    entry they end on, and each view reads only the entries recorded since (one query for them,
    one to check the cached counts still end on the same entry)."""
    rules = access.case.rulebook.rules
    tag = case_pseudonym(access.case_id)
    tally = _cached_tally(tag)
    parties = {
        party_pseudonym(pk)
        for pk in PartyAccess.objects.filter(case_id=access.case_id).values_list("pk", flat=True)
    }
    rows = (
        LedgerEntry.objects.filter(
            case_tag=tag, action__in=("case.viewed", "access.denied"), seq__gt=tally.last
        )
        .order_by("seq")
        .values_list("seq", "entry", "leaf_hash")
    )
    for seq, raw, leaf in rows.iterator():
        entry = parse_entry(bytes(raw))
        tally.last, tally.last_hash = seq, bytes(leaf)
        if entry.action == "access.denied":
            tally.refused += entry.actor not in parties
            continue
        tally.emergency += entry.role == "*"
        day = entry.recorded_at.date()
        seen = tally.readers.setdefault((entry.actor, entry.role), [0, day, day])
        seen[0] += 1
        seen[1], seen[2] = min(seen[1], day), max(seen[2], day)
    cache.set(_tally_key(tag), tally, timeout=None)
    return ProofSummary(
        readers=[
            Reader(
                pseudonym=actor,
                role_label="emergency access" if role == "*" else rules.role_label(role),
                on_case_team=role in CASE_ROLES,
                reads=reads,
                first=first,
                last=last,
            )
            for (actor, role), (reads, first, last) in tally.readers.items()
        ],
        refused=tally.refused,
        emergency_reads=tally.emergency,
    )
