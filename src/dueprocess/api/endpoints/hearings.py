"""A case's hearings: read them, schedule one, adjourn it, record it once held.

Thin over ``cases.services.hearings``, as the case page is: reading is a recorded view of the
case file (``case_detail_for``); scheduling, adjourning and recording ask the gate again inside
their transaction, at the rulebook's hearing stage only. A hearing less than the rulebook's
notice period away needs the respondent's recorded agreement (a field error otherwise).
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
from dueprocess.api.endpoints.parts import Id
from dueprocess.api.inputs import (
    HearingAdjournIn,
    HearingConsentIn,
    HearingRecordIn,
    HearingScheduleIn,
)
from dueprocess.api.lookups import staff_by_email
from dueprocess.api.outputs import HearingOut, HearingsOut
from dueprocess.cases.queries import case_detail_for
from dueprocess.cases.services import (
    hearing_adjourn,
    hearing_consent_record,
    hearing_record,
    hearing_schedule,
)
from dueprocess.cases.services.hearings import hearing_state, hearings_of
from dueprocess.letters.queries import hearing_notices

router = Router(tags=["hearings"])
AGAIN = {"GetHearingsAgain": link("listHearings", "The case's hearings.", ref="$request.path.ref")}


def _one(case: Any, hearing_id: int) -> dict[str, Any]:
    return render.hearing(hearings_of(case).get(pk=hearing_id))


@router.get(
    "/cases/{ref}/hearings",
    response=HearingsOut,
    **documented(
        "listHearings",
        "List a case's hearings",
        "The case's hearings, oldest first: each one's date and place as they stand now (and "
        "as first noticed), its panel, its adjournments with their reasons, and its record once "
        "held; the notices sent to the parties; and the rulebook's notice period. A recorded "
        "view of the case file.",
        scope="cases:read",
        errors=[404, 422],
        response=ex.HEARINGS,
    ),
)
def list_hearings(request: HttpRequest, ref: Ref) -> dict[str, Any]:
    case = case_detail_for(actor(request), ref).case
    return render.hearings(hearing_state(case), hearing_notices(case))


@router.post(
    "/cases/{ref}/hearings",
    response={201: HearingOut},
    **documented(
        "scheduleHearing",
        "Schedule a case's hearing",
        "At the rulebook's hearing stage, the unit's head of complaints gives the hearing its "
        "date, place and panel (the case's panel as appointed, unless named), and the notice "
        "goes to the parties. A date less than the rulebook's `notice_days` away is refused "
        "unless `short_notice_agreement` records the respondent's agreement. One hearing is "
        "open at a time: a scheduled one is adjourned, not scheduled again (409).",
        scope="cases:write",
        errors=[404, 409, 422],
        status=201,
        request={"starts_at": ex.HEARING["starts_at"], "place": ex.HEARING["place"]},
        response=ex.HEARING,
        links=AGAIN,
    ),
)
def schedule_hearing(
    request: HttpRequest, ref: Ref, payload: HearingScheduleIn
) -> Status[dict[str, Any]]:
    user = actor(request)
    case = case_to_change(user, ref)
    panel = (
        None
        if payload.panel is None
        else [staff_by_email(user, email, field="panel") for email in payload.panel]
    )
    hearing = hearing_schedule(
        actor=user,
        case=case,
        starts_at=payload.starts_at,
        place=payload.place,
        panel=panel,
        short_notice_agreement=payload.short_notice_agreement,
    )
    return Status(201, render.hearing(hearing))


@router.post(
    "/cases/{ref}/hearings/{id}/adjourn",
    response=HearingOut,
    **documented(
        "adjournHearing",
        "Adjourn a case's hearing",
        "Puts a scheduled hearing off to a new date (and place, if given), with the reason; the "
        "parties are sent notice of the new date, which again respects the notice period from "
        "now unless the respondent's agreement is recorded. A held hearing cannot move (409).",
        scope="cases:write",
        errors=[404, 409, 422],
        request={"reason": ex.ADJOURNMENT["reason"], "starts_at": ex.ADJOURNMENT["starts_at"]},
        response=ex.HEARING_ADJOURNED,
        links=AGAIN,
    ),
)
def adjourn_hearing(
    request: HttpRequest, ref: Ref, id: Id, payload: HearingAdjournIn
) -> dict[str, Any]:
    user = actor(request)
    case = case_to_change(user, ref)
    hearing_adjourn(
        actor=user,
        case=case,
        hearing_id=id,
        reason=payload.reason,
        starts_at=payload.starts_at,
        place=payload.place,
        short_notice_agreement=payload.short_notice_agreement,
    )
    return _one(case, id)


@router.post(
    "/cases/{ref}/hearings/{id}/record",
    response=HearingOut,
    **documented(
        "recordHearing",
        "Record a case's hearing",
        "Once its date has arrived, a panel member on the case or the head of complaints "
        "records the hearing, once: when it was held, whether the respondent attended and who "
        "represented them, what happened and its outcome. Before the date, or a second time, "
        "it is refused (409).",
        scope="cases:write",
        errors=[404, 409, 422],
        request={
            "respondent_attended": True,
            "representation": "a friend",
            "account": ex.HEARING_RECORD["account"],
            "outcome": ex.HEARING_RECORD["outcome"],
        },
        response=ex.HEARING_HELD,
        links=AGAIN,
    ),
)
def record_hearing(
    request: HttpRequest, ref: Ref, id: Id, payload: HearingRecordIn
) -> dict[str, Any]:
    user = actor(request)
    case = case_to_change(user, ref)
    hearing_record(
        actor=user,
        case=case,
        hearing_id=id,
        respondent_attended=payload.respondent_attended,
        representation=payload.representation,
        account=payload.account,
        outcome=payload.outcome,
        held_at=payload.held_at,
        recording_made=payload.recording_made,
        others_present=list(payload.others_present),
    )
    return _one(case, id)


@router.post(
    "/cases/{ref}/hearings/{id}/consents",
    response={201: HearingOut},
    **documented(
        "recordHearingConsent",
        "Record an answer to the recording of a hearing",
        "One person's consent to the recording of this hearing — or their refusal, or a later "
        "withdrawal: the latest answer per person counts. Recording the hearing with "
        "`recording_made` is refused (422, naming who) unless each person present consented. "
        "Before the hearing is recorded as held; by whoever may record it.",
        scope="cases:write",
        errors=[404, 409, 422],
        status=201,
        request={
            "person": "Rex Example",
            "answer": "given",
            "scope": "Audio of the hearing of 3 March",
            "given_at": "2026-03-03T09:55:00Z",
        },
        response=ex.HEARING,
        links=AGAIN,
    ),
)
def record_hearing_consent(
    request: HttpRequest, ref: Ref, id: Id, payload: HearingConsentIn
) -> Status[dict[str, Any]]:
    user = actor(request)
    case = case_to_change(user, ref)
    hearing_consent_record(
        actor=user,
        case=case,
        hearing_id=id,
        person=payload.person,
        answer=payload.answer,
        scope=payload.scope,
        given_at=payload.given_at,
    )
    return Status(201, _one(case, id))
