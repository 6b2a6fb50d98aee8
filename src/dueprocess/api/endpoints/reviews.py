"""A case's independent reviews: read them, and, for the reviewer drawn for the open review,
verify the decision (it takes effect) or veto it with reasons (a new panel decides again).

Thin over ``cases.services.reviews``, as the case page is: reading is a recorded view of the
case file (``case_detail_for``); verifying and vetoing ask the gate again inside their
transaction (``review.verify``, ``review.veto``: a reviewer drawn for the case's open review).
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
from dueprocess.api.inputs import ReviewVerifyIn, ReviewVetoIn
from dueprocess.api.outputs import ReviewOut, ReviewsOut
from dueprocess.cases.models import Case
from dueprocess.cases.queries import case_detail_for
from dueprocess.cases.services.reviews import review_state, review_verify, review_veto

router = Router(tags=["reviews"])
AGAIN = {"GetReviewsAgain": link("listReviews", "The case's reviews.", ref="$request.path.ref")}


def _review(case: Case, pk: int) -> dict[str, Any]:
    return next(render.review(r) for r in review_state(case).reviews if r.id == pk)


@router.get(
    "/cases/{ref}/reviews",
    response=ReviewsOut,
    **documented(
        "listReviews",
        "List a case's independent reviews",
        "Whether the rulebook declares independent review, its review period and what a lapse "
        "does, and the case's reviews oldest first: the decision reviewed, the reviewers "
        "drawn, the due date, the status (pending, held past its due date, verified, vetoed "
        "or lapsed), whether the decision has taken effect, and a veto's reasons. A recorded "
        "view of the case file.",
        scope="cases:read",
        errors=[404, 422],
        response=ex.REVIEWS,
    ),
)
def list_reviews(request: HttpRequest, ref: Ref) -> dict[str, Any]:
    case = case_detail_for(actor(request), ref).case
    return render.reviews(review_state(case))


@router.post(
    "/cases/{ref}/reviews/{id}/verify",
    response={201: ReviewOut},
    **documented(
        "verifyReview",
        "Verify a decision on independent review",
        "The independent reviewer drawn for the open review verifies the decision: it takes "
        "effect, and the case may move on. Anyone else is refused (403); a drawn reviewer who "
        "took part in the case since is refused with the reason (409), and the refusal is "
        "recorded; a closed review is a 403 (no reviewer is drawn for an open one).",
        scope="cases:write",
        errors=[404, 409, 422],
        status=201,
        request={},
        response=ex.REVIEW_VERIFIED,
        links=AGAIN,
    ),
)
def verify_review(
    request: HttpRequest, ref: Ref, id: Id, payload: ReviewVerifyIn
) -> Status[dict[str, Any]]:
    user = actor(request)
    case = case_gate(user, ref)
    review_verify(actor=user, case=case, review=id)
    return Status(201, _review(case, id))


@router.post(
    "/cases/{ref}/reviews/{id}/veto",
    response={201: ReviewOut},
    **documented(
        "vetoReview",
        "Veto a decision on independent review",
        "The independent reviewer drawn for the open review vetoes the decision, with reasons "
        "(required: a 422 naming the field without them). The decision never takes effect: "
        "the case returns to the stage it was taken at, the panel stands down, and a newly "
        "constituted panel decides again.",
        scope="cases:write",
        errors=[404, 409, 422],
        status=201,
        request={"reasons": ex.REVIEW_VETOED["reasons"]},
        response=ex.REVIEW_VETOED,
        links=AGAIN,
    ),
)
def veto_review(
    request: HttpRequest, ref: Ref, id: Id, payload: ReviewVetoIn
) -> Status[dict[str, Any]]:
    user = actor(request)
    case = case_gate(user, ref)
    review_veto(actor=user, case=case, review=id, reasons=payload.reasons)
    return Status(201, _review(case, id))
