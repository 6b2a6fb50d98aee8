"""Cases: the list, one case file, opening a case, and the steps open to the caller."""

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Header, Query, Router, Schema, Status
from ninja.params import P, PathEx
from pydantic import Field, StringConstraints

from dueprocess.api import examples as ex
from dueprocess.api import render
from dueprocess.api.auth import actor
from dueprocess.api.docs import documented, link
from dueprocess.api.inputs import CaseOpenIn, PartyIn
from dueprocess.api.lookups import unit_for
from dueprocess.api.outputs import CaseDetail, CasePageOut, CaseState, StepOut
from dueprocess.api.types import NO_NUL, REFERENCE, OptionalKey, OptionalQueryFlag, QueryDateTime
from dueprocess.cases import services as svc
from dueprocess.cases.case_pages import case_page_for
from dueprocess.cases.filters import CaseFilters
from dueprocess.cases.presenters import allowed_steps
from dueprocess.cases.queries import case_detail_for

router = Router(tags=["cases"])

Ref = PathEx[str, P(max_length=32, pattern=REFERENCE, example=ex.REFERENCE)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        None,
        alias="Idempotency-Key",
        max_length=80,
        pattern=r"^[A-Za-z0-9._:-]{1,80}$",
        description="Repeat a request with the same key and get the same case, opened once.",
        example="ticket-8812",
    ),
]

_BY_REFERENCE = {"ref": "$response.body#/reference"}


class CaseQuery(Schema):
    stage: OptionalKey = Field(
        "", description="Only cases in this stage (a key of your rulebook; another is a 422)."
    )
    category: OptionalKey = Field(
        "", description="Only cases in this category (a key of your rulebook; another is a 422)."
    )
    search: Annotated[str, StringConstraints(max_length=40, pattern=NO_NUL)] = Field(
        "",
        description="Part of a reference or of a complainant's or respondent's name (case,"
        " accents and spacing ignored; anonymous parties are never matched), or a member number.",
    )
    received_after: QueryDateTime = Field(None, description="Received at or after this time.")
    received_before: QueryDateTime = Field(None, description="Received before this time.")
    overdue: OptionalQueryFlag = Field(None, description="Only (or no) cases past their due date.")
    cursor: Annotated[str, StringConstraints(max_length=200, pattern=r"^[A-Za-z0-9_-]*$")] = Field(
        "", description="`next_cursor` from the previous page."
    )
    limit: int = Field(50, ge=1, le=100, description="Page size (at most 100).")


@router.get(
    "/cases",
    response=CasePageOut,
    **documented(
        "listCases",
        "List the cases you may see",
        "Oldest received first, one page at a time. Only cases your access allows are ever "
        "listed. Pass `next_cursor` back as `cursor` for the next page; it is stable while "
        "cases are opened and moved.",
        scope="cases:read",
        errors=[422],
        response={"items": [ex.CASE_ITEM], "next_cursor": "MjAyNi0wMy0wMlQxMDox", "limit": 50},
    ),
)
def list_cases(request: HttpRequest, filters: Query[CaseQuery]) -> dict[str, Any]:
    page = case_page_for(
        actor(request),
        filters=CaseFilters(
            stage=filters.stage,
            category=filters.category,
            search=filters.search,
            received_after=filters.received_after,
            received_before=filters.received_before,
            overdue=filters.overdue,
        ),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {
        "items": [render.case_item(c) for c in page.cases],
        "next_cursor": page.next_cursor,
        "limit": filters.limit,
    }


@router.get(
    "/cases/{ref}",
    response=CaseDetail,
    **documented(
        "getCase",
        "Read a case file",
        "The whole case file as the web app shows it, with the steps you may take now. "
        "Your reading is recorded on the ledger before anything is returned.",
        scope="cases:read",
        errors=[404, 422],
        response=ex.DETAIL,
    ),
)
def get_case(request: HttpRequest, ref: Ref) -> dict[str, Any]:
    return render.case_detail(case_detail_for(actor(request), ref))


@router.get(
    "/cases/{ref}/steps",
    response=list[StepOut],
    **documented(
        "listSteps",
        "List the steps you may take",
        "The workflow steps open from the case's stage that your role and relation to the case "
        "allow, each with the endpoint that takes it. Reading them is a recorded view.",
        scope="cases:read",
        errors=[404, 422],
        response=[ex.STEP],
    ),
)
def list_steps(request: HttpRequest, ref: Ref) -> list[dict[str, Any]]:
    view = case_detail_for(actor(request), ref)
    return [render.step(view.case, s) for s in allowed_steps(view)]


@router.post(
    "/cases",
    response={201: CaseState},
    **documented(
        "openCase",
        "Open a case",
        "Record a complaint: who complains, about whom, what is alleged. The case starts in the "
        "rulebook's first stage with its deadlines set. Send an `Idempotency-Key` so that a "
        "retry after a lost response cannot open the same complaint twice.",
        scope="cases:write",
        errors=[403],
        status=201,
        request={
            "unit": "complaints",
            "category": "antisemitism",
            "summary": "A post repeating an antisemitic conspiracy trope.",
            "complainant": {"name": "Ola Nordmann", "email": "ola@example.org"},
            "respondent": {"name": "Rex Example"},
            "allegations": [
                {"summary": "Shared the post on 3 March.", "occurred_on": "2026-03-03"}
            ],
            "source": "email",
        },
        response=ex.STATE,
        headers={
            "Location": {
                "description": "Where the new case file is.",
                "required": True,
                "schema": {"type": "string"},
            }
        },
        links={
            "GetOpenedCase": link("getCase", "Read the case just opened.", **_BY_REFERENCE),
            "StepsOfOpenedCase": link("listSteps", "Its steps.", **_BY_REFERENCE),
            "AcknowledgeOpenedCase": link(
                "takeStep", "Acknowledge it.", step="acknowledge", **_BY_REFERENCE
            ),
            "NoteOnOpenedCase": link("addNote", "Add a note.", **_BY_REFERENCE),
        },
    ),
)
def open_case(
    request: HttpRequest,
    payload: CaseOpenIn,
    response: HttpResponse,
    idempotency_key: IdempotencyKey = None,
) -> Status[dict[str, Any]]:
    user = actor(request)
    case = svc.case_open(
        actor=user,
        unit=unit_for(user, payload.unit),
        category=payload.category,
        summary=payload.summary,
        complainant=_party(payload.complainant),
        respondent=_party(payload.respondent),
        allegations=[
            svc.AllegationInput(
                summary=a.summary, occurred_on=a.occurred_on, source=a.source, category=a.category
            )
            for a in payload.allegations
        ],
        source=payload.source,
        received_at=payload.received_at,
        idempotency_key=idempotency_key,
    )
    response["Location"] = f"/api/v1/cases/{case.reference}"
    return Status(201, render.case_state(case))


def _party(given: PartyIn) -> svc.PartyInput:
    return svc.PartyInput(
        name=given.name,
        email=given.email,
        member_number=given.member_number,
        anonymous=given.anonymous,
        elected_office=given.elected_office,
    )
