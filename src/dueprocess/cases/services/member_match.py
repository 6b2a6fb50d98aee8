"""Confirming or rejecting the register link a respondent was given when the case was opened.

A link made from a member number typed in, or by the dossier import's match (a name and a
postcode that score above the threshold), is a suggestion: the person triaging the case knows
more than the register does. Whoever may triage the case — the rulebook's accept step, through
the access gate — confirms it (the party is marked confirmed and shown as such) or rejects it
(the party is unlinked from that member, and the rejected member is named in the entry). Both
are on the record; neither changes the case's stage or its triage answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import Gate
from dueprocess.cases.models import Party
from dueprocess.cases.services.common import clean_text, lock_case
from dueprocess.errors import InvalidInput
from dueprocess.ledger.record import record

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case


def triage_step(case: Case) -> str:
    """The key of the rulebook's accept step ("" if it has none): who may take it is who may
    triage the case."""
    for transition in case.rulebook.rules.transitions.values():
        if transition.kind == "accept":
            return str(transition.key)
    return ""


def may_review_match(gate: Gate) -> bool:
    """Whether the gate's person may confirm or reject the case's register links (for the
    page's buttons; the services ask again)."""
    if gate.case is None:
        return False
    key = triage_step(gate.case)
    return bool(key) and gate.can("case.transition", transition=key).allowed


@recorded_denials
def member_match_confirm(
    *, actor: User, case: Case, party_id: int, reason: str = "", expected_version: int | None = None
) -> Party:
    """Confirm that the respondent ``party_id`` is the register's member it is linked to."""
    return _review(actor, case, party_id, Party.Match.CONFIRMED, reason, expected_version)


@recorded_denials
def member_match_reject(
    *, actor: User, case: Case, party_id: int, reason: str, expected_version: int | None = None
) -> Party:
    """Reject the suggested link: the respondent is not that member. The party is unlinked;
    the reason is required, since it undoes what the register said."""
    return _review(actor, case, party_id, Party.Match.REJECTED, reason, expected_version)


def _review(
    actor: User,
    case: Case,
    party_id: int,
    verdict: str,
    reason: str,
    expected_version: int | None,
) -> Party:
    with transaction.atomic():
        case = lock_case(case, expected_version=expected_version)
        gate = Gate(actor, case)
        gate.require("case.view")
        key = triage_step(case)
        if not key:
            raise InvalidInput("This case's rulebook has no triage step.")
        decision = gate.require("case.transition", transition=key)
        text = clean_text(reason, "reason", required=verdict == Party.Match.REJECTED, limit=2000)
        party = (
            Party.objects.select_for_update(of=("self",))
            .select_related("member")
            .filter(case=case, pk=party_id, role=Party.Role.RESPONDENT)
            .first()
        )
        if party is None:
            raise InvalidInput(
                "No such respondent on this case.", fields={"party": "Not a respondent here."}
            )
        member = party.member
        if member is None:
            raise InvalidInput(
                "This respondent is not linked to a member of the register; there is no"
                " match to confirm or reject.",
                fields={"party": "No suggested match."},
            )
        if verdict == Party.Match.CONFIRMED and party.member_match == Party.Match.CONFIRMED:
            raise InvalidInput(
                "This match is already confirmed.", fields={"party": "Already confirmed."}
            )
        party.member_match = verdict
        if verdict == Party.Match.REJECTED:
            party.member = None
        party.save(update_fields=["member_match", "member"])
        record(
            actor=actor,
            case=case,
            role=decision.role,
            action="party.member_confirmed"
            if verdict == Party.Match.CONFIRMED
            else "party.member_rejected",
            details={"party": party.pk, "member": member.number, "reason": text},
        )
        return party
