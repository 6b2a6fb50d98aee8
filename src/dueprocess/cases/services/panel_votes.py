"""A panel decision is the panel's: the chair records it, with each member's concurrence or
dissent (a dissent with its reasons), and it stands only if the quorum concurs.

Applies where the rulebook constitutes the panel of the case's stage (``[[panels]]``); where
it does not, a panel member records the decision alone, as before. The chair is the member
in the first seat of the stage's latest panel (``PanelConstitution``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dueprocess.cases.models import Case, Decision, PanelConstitution, PanelVote
from dueprocess.cases.services.common import clean_text
from dueprocess.errors import InvalidInput, ReasonRequired
from dueprocess.ledger.record import actor_pseudonym
from dueprocess.rulebook.schema import StagePanel

if TYPE_CHECKING:
    from dueprocess.accounts.models import User

MAX_DISSENT = 4000


@dataclass(frozen=True)
class VoteInput:
    """One member's position on the decision, as the chair records it."""

    member: User
    concurs: bool
    reasons: str = ""


def latest_panel(case: Case, panel: StagePanel) -> PanelConstitution | None:
    """The panel constituted most recently for the stages ``panel`` sits at."""
    return (
        PanelConstitution.objects.filter(case=case, stage__in=panel.stages)
        .prefetch_related("members__user")
        .order_by("-constituted_at", "-id")
        .first()
    )


def not_the_chair(case: Case, actor: User, panel: StagePanel) -> str:
    """Why ``actor`` may not record the panel's decision ("" if they chair the panel)."""
    constituted = latest_panel(case, panel)
    if constituted is None:
        return "The panel has not been constituted: draw it, or appoint it by name."
    chair = constituted.chair
    if chair is None or chair.user_id != actor.pk:
        name = chair.user.full_name if chair is not None else "no one"
        return f"Only the panel's chair ({name}) records the panel's decision."
    return ""


def checked_votes(
    members: Sequence[User], votes: Sequence[VoteInput] | None, quorum: int
) -> list[VoteInput]:
    """The votes, one for each member sitting now: a dissent needs reasons, and the decision
    stands only if at least ``quorum`` members concur."""
    if not votes:
        raise InvalidInput(
            "Record each panel member's concurrence or dissent.",
            fields={"votes": "One for each member of the panel."},
        )
    sitting = {m.pk: m for m in members}
    seen: dict[int, VoteInput] = {}
    for vote in votes:
        if vote.member.pk not in sitting:
            raise InvalidInput(
                f"{vote.member.full_name} does not sit on this case's panel.",
                fields={"votes": "Only the panel's members vote."},
            )
        if vote.member.pk in seen:
            raise InvalidInput(
                f"{vote.member.full_name} has two votes.", fields={"votes": "One each."}
            )
        reasons = clean_text(vote.reasons, "reasons", required=False, limit=MAX_DISSENT)
        if not vote.concurs and not reasons:
            raise ReasonRequired(
                f"{vote.member.full_name}'s dissent needs reasons.",
                fields={f"dissent_{vote.member.pk}": "Give the reasons for the dissent."},
            )
        seen[vote.member.pk] = VoteInput(vote.member, vote.concurs, reasons)
    missing = [m.full_name for pk, m in sitting.items() if pk not in seen]
    if missing:
        raise InvalidInput(
            f"No vote recorded for {', '.join(missing)}.",
            fields={"votes": "One for each member of the panel."},
        )
    concurring = sum(1 for v in seen.values() if v.concurs)
    if concurring < quorum:
        raise InvalidInput(
            f"{concurring} of the panel concur; the rulebook needs {quorum} to decide.",
            fields={"votes": f"{quorum} concurrences needed."},
        )
    return [seen[pk] for pk in sitting]


def keep_votes(decision: Decision, votes: Sequence[VoteInput]) -> list[dict[str, object]]:
    """Write the votes with the decision; what the ledger entry says of them."""
    for vote in votes:
        PanelVote.objects.create(
            decision=decision, user=vote.member, concurs=vote.concurs, reasons=vote.reasons
        )
    return [
        {"member": actor_pseudonym(v.member), "concurs": v.concurs, "reasons": v.reasons}
        for v in votes
    ]
