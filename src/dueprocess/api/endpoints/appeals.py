"""A case's appeals: read them, lodge one (a ground from the rulebook and a statement, inside
the appeal window), and record the new panel's decision on it (confirm or replace, with
reasons).

Thin over ``cases.services.appeals``, as the case page is: reading is a recorded view of the
case file (``case_detail_for``); lodging and deciding ask the gate again inside their
transaction. Where the rulebook declares no appeals the list says so and lodging is a 409.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from dueprocess.access.enforcement import case_gate
from dueprocess.api import examples as ex
from dueprocess.api import render
from dueprocess.api.auth import actor
from dueprocess.api.docs import documented, link
from dueprocess.api.endpoints.cases import Ref
from dueprocess.api.endpoints.parts import Id
from dueprocess.api.inputs import AppealDecideIn, AppealIn
from dueprocess.api.lookups import votes_by_email
from dueprocess.api.outputs import AppealOut, AppealsOut
from dueprocess.cases.queries import case_detail_for
from dueprocess.cases.services import appeal_decide, appeal_lodge
from dueprocess.cases.services.appeals import appeals_state

router = Router(tags=["appeals"])
AGAIN = {"GetAppealsAgain": link("listAppeals", "The case's appeals.", ref="$request.path.ref")}


def _appeal(case: Any, pk: int) -> dict[str, Any]:
    return next(render.appeal(a) for a in appeals_state(case).appeals if a.id == pk)


@router.get(
    "/cases/{ref}/appeals",
    response=AppealsOut,
    **documented(
        "listAppeals",
        "List a case's appeals",
        "Whether the rulebook declares appeals, its grounds of appeal, the appeal window of the "
        "case's stage, and the case's appeals oldest first: each one's ground, statement, the "
        "decision under appeal and, once decided, whether the new panel confirmed or replaced "
        "it, with its reasons. A recorded view of the case file.",
        scope="cases:read",
        errors=[404, 422],
        response=ex.APPEALS,
    ),
)
def list_appeals(request: HttpRequest, ref: Ref) -> dict[str, Any]:
    case = case_detail_for(actor(request), ref).case
    return render.appeals(appeals_state(case))


@router.post(
    "/cases/{ref}/appeals",
    response={201: AppealOut},
    **documented(
        "lodgeAppeal",
        "Lodge an appeal",
        "Lodge an appeal against the decision on the merits through the rulebook's step: the "
        "ground must be one of the rulebook's (an unknown one is a 422 naming the field), the "
        "statement is required, and after the appeal window a 409 gives the day it closed.",
        scope="cases:write",
        errors=[404, 409, 422],
        status=201,
        request={"ground": "new_evidence", "statement": ex.APPEAL["statement"]},
        response=ex.APPEAL,
        links=AGAIN,
    ),
)
def lodge_appeal(request: HttpRequest, ref: Ref, payload: AppealIn) -> Status[dict[str, Any]]:
    user = actor(request)
    case = case_gate(user, ref)
    made = appeal_lodge(
        actor=user,
        case=case,
        ground=payload.ground,
        statement=payload.statement,
        expected_version=payload.expected_version,
    )
    return Status(201, _appeal(case, made.pk))


@router.post(
    "/cases/{ref}/appeals/{id}/decide",
    response={201: AppealOut},
    **documented(
        "decideAppeal",
        "Decide an appeal",
        "The newly constituted panel's decision on the open appeal (its chair records it where "
        "the rulebook constitutes the panel, with each member's vote): it confirms the "
        "decision under appeal (the same finding and sanctions) or replaces it, with reasons "
        "either way. Anyone who took part at first instance is refused (403).",
        scope="cases:write",
        errors=[404, 409, 422],
        status=201,
        request={
            "result": "replace",
            "finding": "no_breach",
            "sanctions": [],
            "reasons": ex.APPEAL_DECIDED["reasons"],
        },
        response=ex.APPEAL_DECIDED,
        links=AGAIN,
    ),
)
def decide_appeal(
    request: HttpRequest, ref: Ref, id: Id, payload: AppealDecideIn
) -> Status[dict[str, Any]]:
    user = actor(request)
    case = case_gate(user, ref)
    votes = votes_by_email(user, payload.votes)
    outcome = appeal_decide(
        actor=user,
        case=case,
        appeal=id,
        result=payload.result,
        reasons=payload.reasons,
        finding=payload.finding,
        sanctions=list(payload.sanctions),
        votes=votes,
        expected_version=payload.expected_version,
    )
    return Status(201, _appeal(case, outcome.appeal_id))
