"""Letters to the parties and the acts that stop or move a deadline: the kept letters of a case
(and each one's PDF), feedback to the complainant, continuing an interim measure at its review,
and the caller's own reminders and escalations.

Thin over the same services as the web app: ``letters.queries`` for reads (recorded before they
return), ``letters.services.feedback_give`` and ``interim_measure_continue`` for the acts. The
case is resolved through the one gate first, so a hidden case and a missing one answer alike.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.params import P, PathEx

from dueprocess.access.enforcement import case_gate, case_to_change
from dueprocess.api import examples as ex
from dueprocess.api import render
from dueprocess.api.auth import actor
from dueprocess.api.docs import documented, link
from dueprocess.api.endpoints.cases import Ref
from dueprocess.api.inputs import ContinueMeasureIn, FeedbackIn
from dueprocess.api.lookups import measure_on
from dueprocess.api.outputs import FeedbackOut, LetterOut, MeasureOut, NoticeOut
from dueprocess.api.types import MAX_ID
from dueprocess.cases.queries import case_detail_for
from dueprocess.cases.services.interim import interim_measure_continue
from dueprocess.letters.queries import letter_pdf_for, letters_on, notices_for
from dueprocess.letters.services import feedback_give

router = Router(tags=["letters and deadlines"])

Id = PathEx[int, P(ge=1, le=MAX_ID, example=7)]
_WRITE_ERRORS = [404, 409, 422]


@router.get(
    "/cases/{ref}/letters",
    response=list[LetterOut],
    **documented(
        "listLetters",
        "List a case's letters",
        "Every letter written to a party, newest first: its template, the addressee's role and "
        "pseudonym (as in the ledger), the SHA-256 of its content, its Message-ID and whether it "
        "is queued, sent, bounced, given up or for post. Never the address. A recorded view of "
        "the case file.",
        scope="cases:read",
        errors=[404, 422],
        response=[ex.LETTER],
    ),
)
def list_letters(request: HttpRequest, ref: Ref) -> list[dict[str, Any]]:
    case = case_detail_for(actor(request), ref).case
    return [render.letter(item, case.reference) for item in letters_on(case)]


@router.get(
    "/cases/{ref}/letters/{id}/pdf",
    response={200: None},
    **documented(
        "getLetterPdf",
        "Download a letter's PDF",
        "The PDF exactly as it was attached to the e-mail (or is to be posted). The read is "
        "recorded (`letter.viewed`).",
        scope="cases:read",
        errors=[404, 422],
    ),
)
def get_letter_pdf(request: HttpRequest, ref: Ref, id: Id) -> HttpResponse:
    user = actor(request)
    case = case_gate(user, ref)
    found = letter_pdf_for(user, case, id)
    response = HttpResponse(bytes(found.pdf), content_type="application/pdf")
    name = f"{case.reference}-{found.template}-{found.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.post(
    "/cases/{ref}/feedback",
    response={201: FeedbackOut},
    **documented(
        "giveFeedback",
        "Record feedback given to the complainant",
        "What the complainant was told about how the complaint stands. It stops the rulebook's "
        "feedback clock (e.g. three months) and queues the feedback letter.",
        scope="cases:write",
        errors=_WRITE_ERRORS,
        status=201,
        request={"text": ex.FEEDBACK["text"]},
        response=ex.FEEDBACK,
        links={"ListLettersAgain": link("listLetters", "Its letter.", ref="$request.path.ref")},
    ),
)
def give_feedback(request: HttpRequest, ref: Ref, payload: FeedbackIn) -> Status[dict[str, Any]]:
    user = actor(request)
    given = feedback_give(actor=user, case=case_to_change(user, ref), text=payload.text)
    return Status(201, render.feedback(given))


@router.post(
    "/cases/{ref}/interim-measures/{id}/continue",
    response=MeasureOut,
    **documented(
        "continueMeasure",
        "Continue an interim measure at its review",
        "The review that keeps a measure: written reasons and the next review date (after today, "
        "at most the rulebook's review period away). To end it instead, lift it. A measure "
        "nobody reviews is dealt with as the rulebook says (it lapses, or it is escalated).",
        scope="cases:write",
        errors=_WRITE_ERRORS,
        request={"reasons": "The witnesses have not all been heard.", "review_on": "2026-04-30"},
        response=ex.MEASURE | {"review_on": "2026-04-30"},
        links={
            "LiftThisMeasure": link(
                "liftMeasure", "Lift it.", ref="$request.path.ref", id="$response.body#/id"
            )
        },
    ),
)
def continue_measure(
    request: HttpRequest, ref: Ref, id: Id, payload: ContinueMeasureIn
) -> dict[str, Any]:
    user = actor(request)
    measure = measure_on(case_gate(user, ref), id)
    continued = interim_measure_continue(
        actor=user, measure=measure, reasons=payload.reasons, review_on=payload.review_on
    )
    return render.measure(continued)


@router.get(
    "/me/notices",
    response=list[NoticeOut],
    **documented(
        "listMyNotices",
        "List the reminders and escalations sent to you",
        "The deadline engine's reminders (before a deadline) and escalations (after it), for "
        "cases you may still see, the most pressing date first — what the web queue shows. "
        "The read is recorded.",
        scope="cases:read",
        response=[ex.NOTICE],
    ),
)
def list_my_notices(request: HttpRequest) -> list[dict[str, Any]]:
    return [render.notice(n) for n in notices_for(actor(request))]


#: The success responses that are not JSON models, described for the schema.
SUCCESS_CONTENT: dict[str, dict[int, Any]] = {
    "getLetterPdf": {
        200: {
            "description": "The letter's PDF.",
            "content": {
                "application/pdf": {
                    "schema": {"type": "string", "format": "binary"},
                    "example": "%PDF-1.3 …",
                }
            },
        }
    },
}
