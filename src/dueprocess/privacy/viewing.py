"""Every view of a person's data, read from the ledger: who (by pseudonym and role), what and
when.

Which entries are views of a subject's data, in full:

1. **On a case they are a party to**: every read of the case file (``case.viewed``, emergency
   reads among them), every evidence file downloaded (``evidence.downloaded``, by staff or by
   the respondent: the evidence may be what this person sent), every extract read by an
   adviser (``advice.viewed``) and brief read by a signer (``signoff.viewed``). A party's
   reads of their own page (``party.case_viewed``…) are not counted: they show that party
   the stage and their own messages, not this person's data.
2. **What was sent to them or by them**: a letter to them read (``letter.viewed``) and a file
   they sent downloaded by staff (``party_file.downloaded``) — whose it is, is in the entry's
   sealed details, decided by the party proof's own rule (``parties.proof.concerns``).
3. **Lists and the register**: a list of cases that showed one of their cases
   (``case_list.viewed`` naming its reference) and a read of the register that showed their
   entry (``members.viewed`` naming their number). These entries belong to no case, so no case
   bundle proves them; each is given with its seq, for anyone holding the log to check.

People are named as the ledger names them: by pseudonym (HMAC of the account) and the role the
access policy let them in under, never by name — the party's own page does the same
(``docs/parties.md``), and the export must not become a way to learn who on the case team read
a file. An entry whose details cannot be opened (an erased subject) is left out of 2 and 3
rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dueprocess.cases.models import Case
from dueprocess.ledger import sealing
from dueprocess.ledger.entries import Entry, parse_entry
from dueprocess.ledger.models import LedgerEntry, LedgerPayload
from dueprocess.ledger.reading import open_details
from dueprocess.ledger.record import case_pseudonym
from dueprocess.parties.proof import PartyFacts, concerns, facts_of_party
from dueprocess.privacy.subjects import Subject
from dueprocess.rulebook.schema import CASE_ROLES

#: Reads of a case's data, whoever made them (rule 1).
CASE_READS = {
    "case.viewed": "read the case file",
    "evidence.downloaded": "downloaded an evidence file of the case",
    "advice.viewed": "read the extract of the case sent for advice",
    "signoff.viewed": "read the brief of a sign-off on the case",
}
#: Reads of something sent to or by one party; whose, the sealed details say (rule 2).
ADDRESSED_READS = {
    "letter.viewed": "read a letter sent to you",
    "party_file.downloaded": "downloaded a file you sent",
}
#: Lists and register reads that name what they showed (rule 3).
LIST_READS = {
    "case_list.viewed": "saw the case in a list of cases",
    "members.viewed": "read your entry in the membership register",
}
BATCH = 500


@dataclass(frozen=True)
class View:
    seq: int
    time: str
    action: str
    what: str
    case: str  # the case's reference, or "" for a register read
    by: str  # the reader's pseudonym in the ledger
    role: str
    role_label: str
    on_case_team: bool
    proved: bool  # in the case's proof bundle

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "time": self.time,
            "action": self.action,
            "what": self.what,
            "case": self.case,
            "by": self.by,
            "role": self.role,
            "role_label": self.role_label,
            "on_case_team": self.on_case_team,
            "proved_in_bundle": self.proved,
        }


def facts_for(subject: Subject, case: Case) -> list[PartyFacts]:
    """The party proof's facts for each of the subject's parties on the case."""
    return [
        facts_of_party(case.pk, party.pk, side=party.role) for party in subject.parties_on(case)
    ]


def _payloads(seqs: list[int]) -> dict[int, LedgerPayload]:
    return {
        p.seq: p
        for start in range(0, len(seqs), BATCH)
        for p in LedgerPayload.objects.filter(seq__in=seqs[start : start + BATCH])
    }


class _Opener:
    """Opens sealed details, unwrapping each subject's key once."""

    def __init__(self, seqs: list[int]) -> None:
        self.payloads = _payloads(seqs)
        self.keys: dict[str, bytes | None] = {}

    def details(self, entry: Entry) -> dict[str, Any] | None:
        payload = self.payloads.get(entry.seq)
        if payload is None:
            return None
        if payload.subject not in self.keys:
            self.keys[payload.subject] = sealing.subject_key(payload.subject, create=False)
        details, sealed = open_details(
            payload, self.keys[payload.subject], entry.to_bytes(), entry.payload
        )
        return None if sealed else details


def _view(entry: Entry, case: Case | None, what: str, reference: str, proved: bool) -> View:
    rules = case.rulebook.rules if case is not None else None
    label = "emergency access" if entry.role == "*" else entry.role.replace("_", " ")
    if rules is not None and entry.role != "*":
        label = rules.role_label(entry.role)
    return View(
        seq=entry.seq,
        time=entry.time,
        action=entry.action,
        what=what,
        case=reference,
        by=entry.actor,
        role=entry.role,
        role_label=label,
        on_case_team=entry.role in CASE_ROLES,
        proved=proved,
    )


def case_views(subject: Subject, case: Case, *, size: int) -> list[View]:
    """Rules 1 and 2 on one case, below ``size`` (the checkpoint the bundle is proved on)."""
    facts = facts_for(subject, case)
    rows = LedgerEntry.objects.filter(
        case_tag=case_pseudonym(case.pk),
        seq__lt=size,
        action__in=[*CASE_READS, *ADDRESSED_READS],
    ).order_by("seq")
    entries = [parse_entry(bytes(raw)) for raw in rows.values_list("entry", flat=True)]
    opener = _Opener([e.seq for e in entries if e.action in ADDRESSED_READS])
    views = []
    for entry in entries:
        if entry.action in CASE_READS:
            views.append(_view(entry, case, CASE_READS[entry.action], case.reference, True))
            continue
        details = opener.details(entry)
        if details is not None and any(concerns(entry, details, f) for f in facts):
            views.append(_view(entry, case, ADDRESSED_READS[entry.action], case.reference, True))
    return views


def list_views(subject: Subject, cases: list[Case], *, size: int) -> list[View]:
    """Rule 3: lists that showed one of their cases, register reads that showed their entry."""
    references = {case.reference: case for case in cases}
    numbers = {member.number for member in subject.members}
    wanted = [a for a, ok in (("case_list.viewed", references), ("members.viewed", numbers)) if ok]
    if not wanted:
        return []
    rows = LedgerEntry.objects.filter(action__in=wanted, seq__lt=size).order_by("seq")
    entries = [parse_entry(bytes(raw)) for raw in rows.values_list("entry", flat=True)]
    opener = _Opener([e.seq for e in entries])
    views = []
    for entry in entries:
        details = opener.details(entry) or {}
        shown = details.get("shown")
        shown = [str(s) for s in shown] if isinstance(shown, list) else []
        if entry.action == "members.viewed":
            if numbers & set(shown):
                views.append(_view(entry, None, LIST_READS[entry.action], "", False))
            continue
        for reference in sorted(set(shown) & set(references)):
            case = references[reference]
            views.append(_view(entry, case, LIST_READS[entry.action], reference, False))
    return views


def views_of(subject: Subject, *, size: int) -> list[View]:
    """Every view of the subject's data below ``size``, by seq (then case)."""
    cases = subject.cases
    found = [v for case in cases for v in case_views(subject, case, size=size)]
    found += list_views(subject, cases, size=size)
    return sorted(found, key=lambda v: (v.seq, v.case))
