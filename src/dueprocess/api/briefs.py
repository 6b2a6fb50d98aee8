"""Shapes for people who stand outside a case's team: the adviser's and the signer's briefs,
and requests for emergency access.

An adviser or a signer never sees the case file, so nothing here reaches past what the service
handed over — no reference, no party, no case text beyond the extract or brief itself. The
service has already checked access and recorded the look before any of this runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dueprocess.api.render import person

if TYPE_CHECKING:
    from dueprocess.access.models import EmergencyAccess
    from dueprocess.cases.models import AdviceRequest, SignOff
    from dueprocess.cases.services.advice import AdviceBrief, AdviceInboxItem
    from dueprocess.cases.services.emergency import EmergencyBoard
    from dueprocess.cases.services.signoffs import SignOffBrief


def advice_inbox_item(item: AdviceInboxItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "requested_by": item.requested_by,
        "requested_at": item.requested_at,
        "answered": item.answered,
    }


def advice_brief(brief: AdviceBrief) -> dict[str, Any]:
    return {
        "id": brief.id,
        "requested_by": brief.requested_by,
        "requested_at": brief.requested_at,
        "question": brief.question,
        "extract": brief.extract,
        "answer": brief.answer,
        "answered_at": brief.answered_at,
    }


def advice_answer(request: AdviceRequest) -> dict[str, Any]:
    """Only what the adviser wrote: answering is not another look at the extract."""
    return {"id": request.pk, "answer": request.answer, "answered_at": request.answered_at}


def signoff_item(brief: SignOffBrief) -> dict[str, Any]:
    return {
        "id": brief.id,
        "label": brief.label,
        "requested_at": brief.requested_at,
        "due_on": brief.due_on,
        "delayed": brief.delayed,
    }


def signoff_brief(brief: SignOffBrief) -> dict[str, Any]:
    return signoff_item(brief) | {"brief": brief.brief}


def signoff(item: SignOff) -> dict[str, Any]:
    """What the signer answered — not the brief again: a recorded sign-off is no longer theirs
    to read."""
    return {
        "id": item.pk,
        "label": item.label,
        "status": item.status,
        "reasons": item.reasons,
        "delay_reasons": item.delay_reasons,
        "answered_late": item.answered_late,
        "recorded_at": item.recorded_at,
    }


def emergency_access(grant: EmergencyAccess) -> dict[str, Any]:
    if grant.refused_at is not None:
        status = "refused"
    elif grant.approved_at is not None:
        status = "approved"
    else:
        status = "pending"
    return {
        "id": grant.pk,
        "reference": grant.case.reference,
        "requester": person(grant.requester),
        "reason": grant.reason,
        "requested_at": grant.requested_at,
        "status": status,
        "decided_by": person(grant.approver),
        "approved_at": grant.approved_at,
        "expires_at": grant.expires_at,
        "refused_at": grant.refused_at,
    }


def emergency_board(board: EmergencyBoard) -> dict[str, Any]:
    return {
        "may_approve": board.may_approve,
        "awaiting": [emergency_access(g) for g in board.awaiting],
        "mine": [emergency_access(g) for g in board.mine],
    }
