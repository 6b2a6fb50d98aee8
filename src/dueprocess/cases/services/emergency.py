"""Emergency ("break-glass") access: asked for with a reason, granted by a second person, brief.

Someone off the case sometimes must act on it now — the investigator is ill and a deadline
falls today. The request, who approved or refused it, and for how long, all go on the ledger
and into the oversight counts, so break-glass can never become a quiet side door.

A write service, so it lives with the case services; the grant it writes
(``access.models.EmergencyAccess``) is a fact the access policy reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from dueprocess.access import policy as p
from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.models import EmergencyAccess
from dueprocess.access.rules import Gate, can, case_for, require
from dueprocess.cases.services.common import clean_text, lock_case
from dueprocess.errors import AccessDenied, Forbidden, InvalidInput
from dueprocess.ledger.record import record
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case

#: Longest grant: long enough to cover a weekend, short enough to need asking again.
MAX_HOURS = 72


@recorded_denials
def emergency_access_request(*, actor: User, case: Case, reason: str) -> EmergencyAccess:
    """Ask for time-limited access to a case one cannot otherwise see."""
    with transaction.atomic():
        case = lock_case(case)
        decision = require(actor, "case.emergency", case)
        text = clean_text(reason, "reason", limit=2000)
        now = clock.now()
        open_requests = EmergencyAccess.objects.filter(
            case=case, requester=actor, refused_at__isnull=True
        ).exclude(expires_at__lte=now)
        if open_requests.exists():
            raise InvalidInput("You already have a pending or current emergency access here.")
        grant = EmergencyAccess.objects.create(
            case=case, requester=actor, reason=text, requested_at=now
        )
        record(
            actor=actor,
            action="emergency.requested",
            case=case,
            role=decision.role,
            details={"grant": grant.pk, "reason": text},
        )
        return grant


@recorded_denials
def emergency_access_request_by_reference(
    *, actor: User, reference: str, reason: str
) -> EmergencyAccess:
    """Ask for emergency access to the case the actor names. A reference that does not exist
    and a case the actor may not ask about give the same recorded ``NotFound``."""
    case, _ = case_for(actor, reference.strip(), "case.emergency")
    return emergency_access_request(actor=actor, case=case, reason=reason)


def _pending(actor: User, grant: EmergencyAccess) -> tuple[Case, EmergencyAccess, str]:
    """Lock the case and the grant; check the approver is a different, unconflicted person."""
    case = lock_case(grant.case)
    if case.organisation_id != actor.organisation_id:
        raise AccessDenied(
            actor=actor,
            action="emergency.approve",
            case_id=case.pk,
            reason="case belongs to another organisation",
            reveal=False,
        )
    decision = require(actor, "emergency.approve")
    gate = Gate(actor, case)
    if gate.facts.conflict or p.RECUSED in gate.facts.relations:
        raise Forbidden("You are conflicted with this case and cannot decide on access to it.")
    grant = EmergencyAccess.objects.select_for_update().get(pk=grant.pk)
    if grant.requester_id == actor.pk:
        raise Forbidden("Emergency access needs a second person: you cannot approve your own.")
    if grant.approved_at is not None or grant.refused_at is not None:
        raise InvalidInput("This request has already been decided.")
    return case, grant, decision.role


@recorded_denials
def emergency_access_approve(*, actor: User, grant: EmergencyAccess, hours: int) -> EmergencyAccess:
    """A second person grants the access for ``hours`` (at most ``MAX_HOURS``)."""
    if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= MAX_HOURS:
        raise InvalidInput(
            f"Grant between 1 and {MAX_HOURS} hours.", fields={"hours": "Out of range."}
        )
    with transaction.atomic():
        case, grant, role = _pending(actor, grant)
        now = clock.now()
        grant.approver = actor
        grant.approved_at = now
        grant.expires_at = now + dt.timedelta(hours=hours)
        grant.save(update_fields=["approver", "approved_at", "expires_at"])
        record(
            actor=actor,
            action="emergency.approved",
            case=case,
            role=role,
            details={
                "grant": grant.pk,
                "requester": grant.requester_id,
                "hours": hours,
                "expires_at": grant.expires_at.isoformat(),
            },
        )
        return grant


@recorded_denials
def emergency_access_refuse(*, actor: User, grant: EmergencyAccess, reason: str) -> EmergencyAccess:
    """A second person refuses the request, saying why."""
    with transaction.atomic():
        case, grant, role = _pending(actor, grant)
        text = clean_text(reason, "reason", limit=2000)
        grant.approver = actor
        grant.refused_at = clock.now()
        grant.save(update_fields=["approver", "refused_at"])
        record(
            actor=actor,
            action="emergency.refused",
            case=case,
            role=role,
            details={"grant": grant.pk, "requester": grant.requester_id, "reason": text},
        )
        return grant


@dataclass(frozen=True)
class EmergencyBoard:
    """What the emergency-access page shows one person: requests awaiting a second person
    (for those who may approve) and the person's own requests."""

    awaiting: list[EmergencyAccess]
    mine: list[EmergencyAccess]
    may_approve: bool


@recorded_denials
def emergency_board_for(actor: User) -> EmergencyBoard:
    """Pending requests in the organisation (approvers only) and the actor's own requests.

    An approver sees the reference and the written reason of each pending request — what they
    need to decide — and that look is recorded like any other read.
    """
    may_approve = can(actor, "emergency.approve").allowed
    awaiting: list[EmergencyAccess] = []
    if may_approve and actor.organisation_id is not None:
        awaiting = list(
            EmergencyAccess.objects.filter(
                case__organisation_id=actor.organisation_id,
                approved_at__isnull=True,
                refused_at__isnull=True,
            )
            .exclude(requester=actor)
            .select_related("case", "requester")
            .order_by("requested_at")
        )
    mine = list(
        EmergencyAccess.objects.filter(requester=actor)
        .select_related("case", "approver")
        .order_by("-requested_at")[:50]
    )
    with transaction.atomic():
        record(
            actor=actor,
            action="emergency_list.viewed",
            details={"awaiting": [g.pk for g in awaiting], "mine": [g.pk for g in mine]},
        )
    return EmergencyBoard(awaiting=awaiting, mine=mine, may_approve=may_approve)
