"""Emergency ("break-glass") access: asked for with a reason, decided by a second person.

Someone off a case sometimes must act on it now. The request is made for a case the caller
cannot see — so it is looked up for ``case.emergency``, not ``case.view`` — and a head of
complaints other than the requester approves it for a few hours or refuses it. Every request,
decision and look at the board is on the ledger and in the oversight counts.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from dueprocess.access.enforcement import case_gate
from dueprocess.api import briefs
from dueprocess.api import examples as ex
from dueprocess.api.auth import actor
from dueprocess.api.docs import documented, link
from dueprocess.api.endpoints.cases import Ref
from dueprocess.api.endpoints.parts import Id
from dueprocess.api.inputs import BriefReasonIn, GrantIn
from dueprocess.api.lookups import grant_in
from dueprocess.api.outputs import EmergencyAccessOut, EmergencyBoardOut
from dueprocess.cases.services import emergency

router = Router(tags=["emergency access"])

_DECIDE_ERRORS = [404, 422]


@router.post(
    "/cases/{ref}/emergency-access",
    response={201: EmergencyAccessOut},
    **documented(
        "requestEmergencyAccess",
        "Ask for emergency access to a case",
        "For a case of your organisation that you are not on and must act on now — say why, "
        "and why the people on it cannot. Nothing opens until a second person approves; one "
        "pending or current request per case at a time. Intake officers, investigators, "
        "heads of complaints and panel members may ask; anyone conflicted with the case may "
        "not.",
        scope="cases:write",
        errors=[404, 422],
        status=201,
        request={"reason": ex.EMERGENCY_ACCESS["reason"]},
        response=ex.EMERGENCY_ACCESS,
        links={"EmergencyBoard": link("listEmergencyAccess", "Where it waits.")},
    ),
)
def request_emergency_access(
    request: HttpRequest, ref: Ref, payload: BriefReasonIn
) -> Status[dict[str, Any]]:
    user = actor(request)
    grant = emergency.emergency_access_request(
        actor=user,
        case=case_gate(user, ref, "case.emergency"),
        reason=payload.reason,
    )
    return Status(201, briefs.emergency_access(grant))


@router.get(
    "/emergency-access",
    response=EmergencyBoardOut,
    **documented(
        "listEmergencyAccess",
        "List requests for emergency access",
        "Your own requests (the latest 50) with what became of them and, if you may approve, "
        "the requests of others waiting for a second person — each with the case reference "
        "and the written reason, which is what you need to decide. The board you were shown "
        "is recorded.",
        scope="cases:read",
        response={"may_approve": True, "awaiting": [ex.EMERGENCY_ACCESS], "mine": []},
    ),
)
def list_emergency_access(request: HttpRequest) -> dict[str, Any]:
    return briefs.emergency_board(emergency.emergency_board_for(actor(request)))


@router.post(
    "/emergency-access/{id}/approve",
    response=EmergencyAccessOut,
    **documented(
        "approveEmergencyAccess",
        "Approve a request for emergency access",
        f"Grant the requester access to the case for `hours` (1 to {emergency.MAX_HOURS}). "
        "Only a head of complaints may approve, never their own request, and not when "
        "conflicted with the case; a request is decided once.",
        scope="cases:write",
        errors=_DECIDE_ERRORS,
        request={"hours": 4},
        response=ex.EMERGENCY_APPROVED,
    ),
)
def approve_emergency_access(request: HttpRequest, id: Id, payload: GrantIn) -> dict[str, Any]:
    user = actor(request)
    grant = grant_in(user, id, "emergency.approve")
    approved = emergency.emergency_access_approve(actor=user, grant=grant, hours=payload.hours)
    return briefs.emergency_access(approved)


@router.post(
    "/emergency-access/{id}/refuse",
    response=EmergencyAccessOut,
    **documented(
        "refuseEmergencyAccess",
        "Refuse a request for emergency access",
        "Refuse it, saying why; the reason goes on the record of the case. The same people "
        "may refuse as may approve, and a request is decided once.",
        scope="cases:write",
        errors=_DECIDE_ERRORS,
        request={"reason": "The investigator's deputy can send the notice today."},
        response=ex.EMERGENCY_REFUSED,
    ),
)
def refuse_emergency_access(request: HttpRequest, id: Id, payload: BriefReasonIn) -> dict[str, Any]:
    user = actor(request)
    grant = grant_in(user, id, "emergency.approve")
    refused = emergency.emergency_access_refuse(actor=user, grant=grant, reason=payload.reason)
    return briefs.emergency_access(refused)
