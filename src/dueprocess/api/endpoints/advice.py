"""Advice requests: the one formal channel from a case team to someone outside it.

Two sides, kept apart. The case team asks on the case, sees every request with its extract and
answer, and closes them. The adviser — often in the political office, with no access to any
case file — has an inbox of dates and names, reads one request at a time (each look recorded),
sees only the question and the extract, answers once, and loses even that when it is closed.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from dueprocess.access.enforcement import case_gate
from dueprocess.api import briefs, render
from dueprocess.api import examples as ex
from dueprocess.api.auth import actor
from dueprocess.api.docs import documented, link
from dueprocess.api.endpoints.cases import Ref
from dueprocess.api.endpoints.parts import Id
from dueprocess.api.inputs import AdviceIn, AnswerIn, BriefReasonIn
from dueprocess.api.lookups import advice_request_in, staff_by_email
from dueprocess.api.outputs import (
    AdviceAnswerOut,
    AdviceBriefOut,
    AdviceInboxItemOut,
    AdviceRequestOut,
)
from dueprocess.cases import services as svc
from dueprocess.cases.queries import case_detail_for
from dueprocess.cases.services import advice

router = Router(tags=["advice requests"])

_BY_ID = {"id": "$response.body#/id"}


@router.get(
    "/cases/{ref}/advice-requests",
    response=list[AdviceRequestOut],
    **documented(
        "listCaseAdviceRequests",
        "List the advice asked for on a case",
        "Every request, open or closed, with the question, the extract the adviser was shown "
        "and their answer — disclosed to everyone who may read the case file. A recorded view "
        "of the case file.",
        scope="cases:read",
        errors=[404, 422],
        response=[ex.ADVICE_REQUEST],
    ),
)
def list_case_advice_requests(request: HttpRequest, ref: Ref) -> list[dict[str, Any]]:
    case = case_detail_for(actor(request), ref).case
    found = case.advice_requests.select_related("requested_by", "adviser")
    return [render.advice_request(a) for a in found]


@router.post(
    "/cases/{ref}/advice-requests",
    response={201: AdviceRequestOut},
    **documented(
        "requestAdvice",
        "Ask someone for advice on a case",
        "Ask a named member of staff one specific question, showing them the extract and "
        "nothing else from the case. The adviser must not be recused from, or conflicted with, "
        "the case. The question, the extract and the answer stay on the case for everyone who "
        "may read it.",
        scope="cases:write",
        errors=[404, 422],
        status=201,
        request={
            "adviser": ex.ADVISER["email"],
            "question": ex.ADVICE_REQUEST["question"],
            "extract": ex.ADVICE_REQUEST["extract"],
        },
        response=ex.ADVICE_REQUEST | {"answer": "", "answered_at": None},
        links={
            "CloseThisAdviceRequest": link("closeAdviceRequest", "Close it.", **_BY_ID),
            "AdviceOnThisCase": link(
                "listCaseAdviceRequests", "The case's requests.", ref="$request.path.ref"
            ),
        },
    ),
)
def request_advice(request: HttpRequest, ref: Ref, payload: AdviceIn) -> Status[dict[str, Any]]:
    user = actor(request)
    made = svc.advice_request_create(
        actor=user,
        case=case_gate(user, ref),
        adviser=staff_by_email(user, payload.adviser, field="adviser"),
        question=payload.question,
        extract=payload.extract,
    )
    return Status(201, render.advice_request(made))


@router.get(
    "/advice-requests",
    response=list[AdviceInboxItemOut],
    **documented(
        "listAdviceInbox",
        "List the advice requests waiting for you",
        "The adviser's inbox: your open requests, oldest first, with who asked and when — and "
        "nothing from the case. Read each one to see its question and extract. The list you "
        "were shown is recorded.",
        scope="cases:read",
        response=[ex.ADVICE_INBOX_ITEM],
    ),
)
def list_advice_inbox(request: HttpRequest) -> list[dict[str, Any]]:
    return [briefs.advice_inbox_item(i) for i in advice.advice_inbox_for(actor(request))]


@router.get(
    "/advice-requests/{id}",
    response=AdviceBriefOut,
    **documented(
        "getAdviceRequest",
        "Read an advice request put to you",
        "The question, the extract you were shown and your answer, if given — never the case "
        "file. Only the adviser may read it, and only while it is open; each reading is "
        "recorded on the case.",
        scope="cases:read",
        errors=[404, 422],
        response=ex.ADVICE_BRIEF,
    ),
)
def get_advice_request(request: HttpRequest, id: Id) -> dict[str, Any]:
    return briefs.advice_brief(advice.advice_request_for(actor(request), id))


@router.post(
    "/advice-requests/{id}/answer",
    response=AdviceAnswerOut,
    **documented(
        "answerAdviceRequest",
        "Answer an advice request",
        "Your written answer, recorded on the case for the case team, the panel and the "
        "reviewer to read. It stands once given: a later thought is for a new request.",
        scope="cases:write",
        errors=[404, 422],
        request={"answer": ex.ADVICE_ANSWER["answer"]},
        response=ex.ADVICE_ANSWER,
        links={"ReadThisAdviceRequest": link("getAdviceRequest", "Read it again.", **_BY_ID)},
    ),
)
def answer_advice_request(request: HttpRequest, id: Id, payload: AnswerIn) -> dict[str, Any]:
    user = actor(request)
    found = advice_request_in(user, id, "advice.answer")
    answered = svc.advice_request_answer(actor=user, request=found, answer=payload.answer)
    return briefs.advice_answer(answered)


@router.post(
    "/advice-requests/{id}/close",
    response=AdviceRequestOut,
    **documented(
        "closeAdviceRequest",
        "Close an advice request",
        "The case team closes the request, answered or not, saying why. From then on the "
        "adviser no longer sees it; the request, the extract and any answer stay on the case.",
        scope="cases:write",
        errors=[404, 422],
        request={"reason": "Answered; nothing more is needed."},
        response=ex.ADVICE_REQUEST | {"closed_at": "2026-03-25T09:00:00Z"},
    ),
)
def close_advice_request(request: HttpRequest, id: Id, payload: BriefReasonIn) -> dict[str, Any]:
    user = actor(request)
    found = advice_request_in(user, id, "case.advice")
    closed = svc.advice_request_close(actor=user, request=found, reason=payload.reason)
    return render.advice_request(closed)
