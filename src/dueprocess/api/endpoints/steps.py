"""Workflow steps, one endpoint per kind: triage, recommendation, decision, and plain moves.

Steps that record something (triage answers, a recommendation, a decision) have their own
endpoints so that what they record cannot be skipped — the same split as the services.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.params import P, PathEx

from dueprocess.access.enforcement import case_gate, case_to_change
from dueprocess.api import examples as ex
from dueprocess.api import render
from dueprocess.api.auth import actor
from dueprocess.api.docs import documented, link
from dueprocess.api.endpoints.cases import Ref
from dueprocess.api.inputs import DecisionIn, RecommendationIn, StepIn, TriageIn
from dueprocess.api.lookups import votes_by_email
from dueprocess.api.outputs import CaseState, DecisionOut, RecommendationOut
from dueprocess.api.types import KEY, MAX_ID
from dueprocess.cases import services as svc
from dueprocess.cases.models import Decision

router = Router(tags=["workflow"])

DecisionId = PathEx[int, P(ge=1, le=MAX_ID, example=7)]
StepKey = PathEx[str, P(max_length=60, pattern=KEY, example="acknowledge")]
_STEP_ERRORS = [404, 409, 422]


@router.post(
    "/cases/{ref}/transitions/{step}",
    response=CaseState,
    **documented(
        "takeStep",
        "Take a plain workflow step",
        "Move the case along a step of kind `move` in its rulebook — acknowledge, notify, "
        "refer to a hearing, lodge an appeal, close, reopen. Some steps require written "
        "reasons (`reason-required`); a step that cannot be taken from the current stage is "
        "`illegal-transition`.",
        scope="cases:write",
        errors=_STEP_ERRORS,
        request={"reason": "", "expected_version": 1},
        response=ex.STATE | {"stage": "triage", "stage_label": "Triage", "version": 2},
    ),
)
def take_step(request: HttpRequest, ref: Ref, step: StepKey, payload: StepIn) -> dict[str, Any]:
    user = actor(request)
    case = svc.case_transition(
        actor=user,
        case=case_gate(user, ref),
        transition=step,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return render.case_state(case)


@router.post(
    "/cases/{ref}/triage",
    response=CaseState,
    **documented(
        "triageCase",
        "Triage a case",
        "Answer every triage question of the rulebook. All yes: the case is accepted for "
        "investigation. Any no (or a `ground`): it is not investigated — a decision with "
        "written reasons, on the record like any other.",
        scope="cases:write",
        errors=_STEP_ERRORS,
        request={
            "answers": {"in_scope": True, "respondent_is_member": True, "not_duplicate": True},
            "reason": "Within scope; the respondent is in the register.",
        },
        response=ex.STATE
        | {"stage": "investigation", "stage_label": "Investigation", "version": 3},
    ),
)
def triage_case(request: HttpRequest, ref: Ref, payload: TriageIn) -> dict[str, Any]:
    user = actor(request)
    case = svc.case_triage(
        actor=user,
        case=case_gate(user, ref),
        answers=dict(payload.answers),
        reason=payload.reason,
        ground=payload.ground,
        category=payload.category,
        duplicate_of=payload.duplicate_of,
        transition=payload.transition,
        member_reason=payload.member_reason,
        expected_version=payload.expected_version,
    )
    return render.case_state(case)


@router.post(
    "/cases/{ref}/recommendation",
    response={201: RecommendationOut},
    **documented(
        "submitRecommendation",
        "Submit the investigator's recommendation",
        "The assigned investigator's finding, sanctions and reasons. It moves the case to the "
        "panel and can never be edited afterwards.",
        scope="cases:write",
        errors=_STEP_ERRORS,
        status=201,
        request={
            "finding": "breach",
            "sanctions": ["formal_warning", "education_course"],
            "factors": ["no_prior_record"],
            "reasons": "The post is admitted and its meaning is plain.",
        },
        response=ex.RECOMMENDATION,
        links={
            "ReviseThisRecommendation": link(
                "reviseRecommendation",
                "Correct it before the panel decides.",
                ref="$request.path.ref",
                number="$response.body#/number",
            )
        },
    ),
)
def submit_recommendation(
    request: HttpRequest, ref: Ref, payload: RecommendationIn
) -> Status[dict[str, Any]]:
    user = actor(request)
    made = svc.recommendation_submit(
        actor=user,
        case=case_gate(user, ref),
        finding=payload.finding,
        sanctions=list(payload.sanctions),
        reasons=payload.reasons,
        factors=list(payload.factors),
        transition=payload.transition,
        expected_version=payload.expected_version,
    )
    return Status(201, render.recommendation(made))


@router.post(
    "/cases/{ref}/decision",
    response={201: DecisionOut},
    **documented(
        "recordDecision",
        "Record the panel's decision",
        "A panel member records the decision of the full panel. A decision that departs from "
        "the recommendation — a downgrade above all — or falls outside the category's "
        "guideline needs written reasons and is flagged with its direction.",
        scope="cases:write",
        errors=_STEP_ERRORS,
        status=201,
        request={
            "finding": "breach",
            "sanctions": ["formal_warning", "education_course"],
            "reasons": "The panel adopts the recommendation.",
        },
        response=ex.DECISION,
    ),
)
def record_decision(request: HttpRequest, ref: Ref, payload: DecisionIn) -> Status[dict[str, Any]]:
    user = actor(request)
    case = case_gate(user, ref)
    votes = votes_by_email(user, payload.votes)
    made = svc.decision_record(
        actor=user,
        case=case,
        votes=votes,
        finding=payload.finding,
        sanctions=list(payload.sanctions),
        reasons=payload.reasons,
        transition=payload.transition,
        expected_version=payload.expected_version,
        sealed=payload.sealed,
    )
    return Status(201, render.decision(made))


@router.post(
    "/cases/{ref}/decisions/{id}/announce",
    response={200: DecisionOut},
    **documented(
        "announceDecision",
        "Announce a sealed decision",
        "The member who recorded a sealed (provisional) decision — the panel's chair — announces "
        "it: from now on it is the decision, the case takes its step and the parties are told. "
        "Anyone else, and a second announcement, is refused (409) and the refusal recorded.",
        scope="cases:write",
        errors=_STEP_ERRORS,
        status=200,
        response=ex.DECISION,
    ),
)
def announce_decision(request: HttpRequest, ref: Ref, id: DecisionId) -> Status[dict[str, Any]]:
    user = actor(request)
    case = case_to_change(user, ref)
    made = svc.decision_announce(actor=user, case=case, decision_id=id)
    return Status(200, render.decision(Decision.records.get(pk=made.pk)))
