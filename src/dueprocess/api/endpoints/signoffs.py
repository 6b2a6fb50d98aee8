"""Sign-offs the rulebook requires on an interim measure, from the signer's side.

The signer holds the role the rulebook names (the leader's office, for suspending an elected
representative) and never the case file: an inbox of labels and dates, one brief at a time
(each reading recorded on the case), and an answer — signed or objected, always with reasons,
and with reasons for the delay when it comes after the due date. Neither answer changes the
measure, which has been in force since it was imposed.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from dueprocess.api import briefs
from dueprocess.api import examples as ex
from dueprocess.api.auth import actor
from dueprocess.api.docs import documented
from dueprocess.api.endpoints.parts import Id
from dueprocess.api.inputs import SignOffIn
from dueprocess.api.lookups import signoff_in
from dueprocess.api.outputs import SignOffBriefOut, SignOffItemOut, SignOffOut
from dueprocess.cases import services as svc
from dueprocess.cases.services import signoffs

router = Router(tags=["sign-offs"])


@router.get(
    "/sign-offs",
    response=list[SignOffItemOut],
    **documented(
        "listSignOffs",
        "List the sign-offs waiting for you",
        "Pending sign-offs asking for a role you hold, soonest due first, each flagged when "
        "it is past its due date. Labels and dates only: read each one for its brief. The "
        "list you were shown is recorded.",
        scope="cases:read",
        response=[ex.SIGNOFF_ITEM],
    ),
)
def list_sign_offs(request: HttpRequest) -> list[dict[str, Any]]:
    return [briefs.signoff_item(s) for s in signoffs.signoff_inbox_for(actor(request))]


@router.get(
    "/sign-offs/{id}",
    response=SignOffBriefOut,
    **documented(
        "getSignOff",
        "Read a sign-off request",
        "The brief — who, which measure, on which ground, until when — and the due date; "
        "never the case file. Only a holder of the role the sign-off asks for may read it, "
        "and only while it is pending; each reading is recorded on the case.",
        scope="cases:read",
        errors=[404, 422],
        response=ex.SIGNOFF_BRIEF,
    ),
)
def get_sign_off(request: HttpRequest, id: Id) -> dict[str, Any]:
    return briefs.signoff_brief(signoffs.signoff_request_for(actor(request), id))


@router.post(
    "/sign-offs/{id}",
    response=SignOffOut,
    **documented(
        "recordSignOff",
        "Sign off, or object",
        "Answer `signed` or `objected`, with written reasons either way. After the due date "
        "`delay_reasons` is required too (`reason-required`), and the answer is marked late. "
        "The measure stays in force whatever the answer — an objection is shown on the case, "
        "never a veto — and once answered the sign-off leaves your inbox.",
        scope="cases:write",
        errors=[404, 422],
        request={"outcome": "signed", "reasons": ex.SIGNOFF["reasons"]},
        response=ex.SIGNOFF,
    ),
)
def record_sign_off(request: HttpRequest, id: Id, payload: SignOffIn) -> dict[str, Any]:
    user = actor(request)
    found = signoff_in(user, id, "signoff.record")
    recorded = svc.signoff_record(
        actor=user,
        signoff=found,
        outcome=payload.outcome,
        reasons=payload.reasons,
        delay_reasons=payload.delay_reasons,
    )
    return briefs.signoff(recorded)
