"""A decided case's anonymised summary: read it, write a version, approve it or send it back.

Thin over ``cases.services.summaries``, as the case page is: reading is a recorded view of the
case file (``case_detail_for``); writing, approving and sending back ask the gate again inside
their transaction. Nobody approves a version they wrote (403, recorded); only an approved
version appears in the public transparency report.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from dueprocess.access.enforcement import case_to_change
from dueprocess.api import examples as ex
from dueprocess.api import render
from dueprocess.api.auth import actor
from dueprocess.api.docs import documented, link
from dueprocess.api.endpoints.cases import Ref
from dueprocess.api.inputs import SummaryIn, SummaryReturnIn, SummaryVersionIn
from dueprocess.api.outputs import SummaryOut, SummaryVersionOut
from dueprocess.cases.queries import case_detail_for
from dueprocess.cases.services import summary_approve, summary_return, summary_write
from dueprocess.cases.services.summaries import summary_state

router = Router(tags=["decision summaries"])


def _state(case: Any) -> dict[str, Any]:
    return render.summary_state(summary_state(case))


@router.get(
    "/cases/{ref}/summary",
    response=SummaryOut,
    **documented(
        "getSummary",
        "Read a case's decision summary",
        "The anonymised summary of the case's latest decision on the merits: where it stands "
        "(`none`, `pending` approval, `returned`, `approved`) and every version, oldest first, "
        "with its review. A recorded view of the case file.",
        scope="cases:read",
        errors=[404, 422],
        response=ex.SUMMARY_STATE,
    ),
)
def get_summary(request: HttpRequest, ref: Ref) -> dict[str, Any]:
    return _state(case_detail_for(actor(request), ref).case)


@router.post(
    "/cases/{ref}/summary",
    response={201: SummaryVersionOut},
    **documented(
        "writeSummary",
        "Write a version of a case's decision summary",
        "Once the case is decided and past the decision phase, the case team may write the "
        "anonymised summary the public report can show; a version not yet approved is replaced "
        "by writing a new one. A summary naming a party, their e-mail address, a linked member "
        "or the case reference is refused with a field error (the approver remains the real "
        "safeguard). Recorded on the ledger (its length, not its text).",
        scope="cases:write",
        errors=[404, 409, 422],
        status=201,
        request={"text": ex.SUMMARY_VERSION["text"]},
        response=ex.SUMMARY_VERSION,
        links={"GetSummaryAgain": link("getSummary", "The summary.", ref="$request.path.ref")},
    ),
)
def write_summary(request: HttpRequest, ref: Ref, payload: SummaryIn) -> Status[dict[str, Any]]:
    user = actor(request)
    written = summary_write(actor=user, case=case_to_change(user, ref), text=payload.text)
    return Status(201, render.summary_version(written))


@router.post(
    "/cases/{ref}/summary/approve",
    response=SummaryVersionOut,
    **documented(
        "approveSummary",
        "Approve a case's decision summary for the public report",
        "Approves the version awaiting approval, named by its number (so that what was read is "
        "what is approved). The unit's head of complaints or an independent reviewer approves; "
        "never the person who wrote the version (403, recorded). An approved summary is final.",
        scope="cases:write",
        errors=[404, 409, 422],
        request={"version": 1},
        response=ex.SUMMARY_VERSION | {"review": ex.SUMMARY_REVIEW},
    ),
)
def approve_summary(request: HttpRequest, ref: Ref, payload: SummaryVersionIn) -> dict[str, Any]:
    user = actor(request)
    review = summary_approve(actor=user, case=case_to_change(user, ref), version=payload.version)
    return render.summary_version(review.summary)


@router.post(
    "/cases/{ref}/summary/return",
    response=SummaryVersionOut,
    **documented(
        "returnSummary",
        "Send a case's decision summary back",
        "Sends the version awaiting approval back to the case team, with a reason; they write "
        "a new version. Who may approve may send back; never the version's author.",
        scope="cases:write",
        errors=[404, 409, 422],
        request={"version": 1, "reason": "It gives the branch away."},
        response=ex.SUMMARY_VERSION
        | {"review": ex.SUMMARY_REVIEW | {"verdict": "returned", "reason": "Too detailed."}},
    ),
)
def return_summary(request: HttpRequest, ref: Ref, payload: SummaryReturnIn) -> dict[str, Any]:
    user = actor(request)
    review = summary_return(
        actor=user, case=case_to_change(user, ref), version=payload.version, reason=payload.reason
    )
    return render.summary_version(review.summary)
