"""Sealed provisional decisions: recorded by the chair, shown only to the panel that sat on it,
and announced later — only then is it the decision.

Recording sealed writes the decision (``sealed=True``) but takes no step: the case stays at
its stage, so the parties' letters and the windows that follow start from the announcement.
The ``decision.sealed`` entry carries no outcome (everyone who may read the case reads its
timeline) but a **commitment** to it: the SHA-256 of a random salt and the outcome's canonical
JSON (``outcome_commitment``). The ``decision.announced`` entry reveals the outcome and the salt,
so anyone holding both entries can recompute the hash and see the outcome announced is the
one sealed (docs/panels.md). Announcing adds a ``DecisionAnnouncement`` row; the decision row
is never changed.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any

from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import Gate
from dueprocess.cases.models import Decision, DecisionAnnouncement
from dueprocess.cases.services.common import lock_case, move, taken_steps, workflow_of
from dueprocess.cases.services.reviews import review_open
from dueprocess.errors import IllegalTransition, NotFound
from dueprocess.ledger.record import actor_pseudonym, record
from dueprocess.ledger.sealing import payload_bytes
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case

#: The first line hashed into a sealed decision's commitment (a version, so it can change).
COMMITMENT_TAG = "dueprocess-sealed-decision/1"


def new_salt() -> str:
    """32 random bytes in hex: without it, the few possible outcomes could be guessed from the
    commitment."""
    return secrets.token_hex(32)


def outcome_of(decision: Decision) -> dict[str, Any]:
    """What a sealed decision keeps from everyone but its panel, as the announcement reveals it:
    the result, sanctions, reasons, flags and each member's vote (by ledger pseudonym)."""
    return {
        "decision": decision.pk,
        "finding": decision.finding,
        "sanctions": list(decision.sanctions),
        "reasons": decision.reasons,
        "departs": decision.departs,
        "direction": decision.direction,
        "outside_guideline": decision.outside_guideline,
        "votes": [
            {"member": actor_pseudonym(v.user), "concurs": v.concurs, "reasons": v.reasons}
            for v in decision.votes.select_related("user").order_by("id")
        ],
    }


def outcome_commitment(salt: str, outcome: dict[str, Any]) -> str:
    """SHA-256 (hex) of the tag line, the salt line and the outcome's canonical JSON (sorted
    keys, no spaces, UTF-8), each line ending in a newline but the last."""
    text = f"{COMMITMENT_TAG}\n{salt}\n".encode() + payload_bytes(outcome)
    return hashlib.sha256(text).hexdigest()


def awaiting_announcement(case: Case) -> Decision | None:
    """The case's sealed decision not yet announced, if any (services only: it is sealed)."""
    return (
        Decision.records.filter(case=case, sealed=True, announcement__isnull=True)
        .order_by("-pk")
        .first()
    )


def refuse_while_sealed(case: Case) -> None:
    """Nothing is decided again while a sealed decision awaits its announcement."""
    pending = awaiting_announcement(case)
    if pending is not None:
        raise IllegalTransition(
            f"A sealed decision recorded on {pending.decided_at:%d %B %Y} awaits its "
            "announcement: announce it before deciding again."
        )


def seal_details(decision: Decision, key: str) -> dict[str, Any]:
    """The ``decision.sealed`` entry: which decision, the step it will take, its panel, and the
    commitment to the outcome — never the outcome itself."""
    return {
        "decision": decision.pk,
        "transition": key,
        "panel": sorted(decision.panel.values_list("pk", flat=True)),
        "commitment": outcome_commitment(decision.seal_salt, outcome_of(decision)),
    }


@recorded_denials
def decision_announce(
    *, actor: User, case: Case, decision_id: int, expected_version: int | None = None
) -> Decision:
    """Announce a sealed decision: only its recorder (the chair, where the rulebook constitutes
    the panel) may; a second announcement, or anyone else's, is refused and the refusal
    recorded. The decision's step is taken now, so the stage change, the parties' letters and
    any window that follows (an appeal's) start from the announcement."""
    refusal = ""
    with transaction.atomic():
        case = lock_case(case, expected_version=expected_version)
        gate = Gate(actor, case)
        role = gate.require("case.view").role
        decision = Decision.records.filter(case=case, pk=decision_id).first()
        if decision is None:
            raise NotFound("No such decision on this case.")
        refusal = _not_awaiting(decision)  # said as it is, before the step's own checks
        if not refusal:
            role = gate.require("case.transition", transition=decision.transition).role
            refusal = _not_the_recorder(decision, actor)
        if refusal:
            record(
                actor=actor,
                action="decision.refused",
                case=case,
                role=role,
                details={"decision": decision.pk, "announce": True, "refusal": refusal},
            )
        else:
            _announce(case, actor, role, decision)
    if refusal:
        raise IllegalTransition(refusal)
    return decision


def _not_awaiting(decision: Decision) -> str:
    """Why ``decision`` awaits no announcement ("" if it does)."""
    if not decision.sealed:
        return "This decision was not sealed: it was in force when recorded."
    announced = DecisionAnnouncement.objects.filter(decision=decision).first()
    if announced is not None:
        return f"This decision was already announced on {announced.announced_at:%d %B %Y %H:%M}."
    return ""


def _not_the_recorder(decision: Decision, actor: User) -> str:
    if decision.decided_by_id != actor.pk:
        return (
            f"Only {decision.decided_by.full_name}, who recorded the sealed decision, announces it."
        )
    return ""


def _announce(case: Case, actor: User, role: str, decision: Decision) -> None:
    step = workflow_of(case).check(
        stage=case.stage,
        key=decision.transition,
        kind="decide",
        reason=decision.reasons,
        taken=taken_steps(case),
    )
    announced = DecisionAnnouncement.objects.create(
        decision=decision, announced_by=actor, announced_at=clock.now()
    )
    decided_at_stage = case.stage
    move(case, actor=actor, step=step, reason=decision.reasons)
    outcome = outcome_of(decision)
    record(
        actor=actor,
        action="decision.announced",
        case=case,
        role=role,
        details=outcome
        | {
            "transition": decision.transition,
            "recorded_at": decision.decided_at.isoformat(),
            "announced_at": announced.announced_at.isoformat(),
            "salt": decision.seal_salt,
            "commitment": outcome_commitment(decision.seal_salt, outcome),
        },
    )
    # announced, it is the decision: reviewed now if the rulebook says so
    review_open(case=case, decision=decision, stage=decided_at_stage)
