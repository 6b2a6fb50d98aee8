"""A party's own proof: the case's ledger entries as a bundle they can check, and what the
record shows in plain words.

The bundle is the staff export's (``dueprocess.case-proof/v1``, built by the same
``build_bundle`` and accepted by ``dueprocess check-proof`` unchanged). The export is recorded
as ``case.proof_exported`` under the party's pseudonym, since a bundle binds its reference to
the case through the sealed details of such an entry; the bundle then carries only what any
bundle carries: pseudonymous entries (actor and case pseudonyms, roles, actions, times and
commitments to the sealed details), the case reference, and the salt opening the export's own
commitment to that reference. No name, address or allegation is in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from dueprocess.cases.models import Case
from dueprocess.cases.services.common import lock_case
from dueprocess.ledger import store
from dueprocess.ledger.checkpoints import witnessed_checkpoint
from dueprocess.ledger.entries import parse_entry
from dueprocess.ledger.models import LedgerEntry
from dueprocess.ledger.proofs import build_bundle  # the staff export's bundle, reused as is
from dueprocess.ledger.record import case_pseudonym, party_pseudonym, record
from dueprocess.parties.models import PartyAccess
from dueprocess.parties.services import require_party, recorded_party_denials
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
    return build_bundle(case, witnessed_checkpoint(store.size(), wait=waiting))


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


def party_proof_summary(*, access: PartyAccess) -> ProofSummary:
    """Who read the case file and when, from the case's ledger entries (``case.viewed``).

    The *case team* is whoever the access policy let read the file under a case role
    (intake officer, investigator, case manager, panel member: ``rulebook.schema.CASE_ROLES``),
    which it grants only for a relation to this very case (its unit, the intake queue, an
    assignment, a panel seat); the role it granted is written in each signed entry. A read
    under emergency access (recorded under the emergency permit, role ``*``) or any other role
    is outside the case team. Refused attempts are the case's ``access.denied`` entries by
    anyone but the party themself. The caller (the party's page) has passed the party gate."""
    rules = access.case.rulebook.rules
    tag = case_pseudonym(access.case_id)
    rows = LedgerEntry.objects.filter(
        case_tag=tag, action__in=("case.viewed", "access.denied")
    ).order_by("seq")
    readers: dict[tuple[str, str], list[dt.date]] = {}
    refused = emergency = 0
    own = party_pseudonym(access.pk)
    for row in rows:
        entry = parse_entry(bytes(row.entry))
        if entry.action == "access.denied":
            refused += entry.actor != own
            continue
        emergency += entry.role == "*"
        readers.setdefault((entry.actor, entry.role), []).append(entry.recorded_at.date())
    return ProofSummary(
        readers=[
            Reader(
                pseudonym=actor,
                role_label="emergency access" if role == "*" else rules.role_label(role),
                on_case_team=role in CASE_ROLES,
                reads=len(days),
                first=min(days),
                last=max(days),
            )
            for (actor, role), days in readers.items()
        ],
        refused=refused,
        emergency_reads=emergency,
    )
