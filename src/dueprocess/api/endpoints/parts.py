"""A case's parts: notes, what is withheld from the respondent (passages and evidence items),
assignments, interim measures, recommendations and decisions.

Every list is a read of the case file: it goes through ``cases.queries.case_detail_for``, which
checks access and records the view before anything is returned.
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
from dueprocess.api.inputs import AssignIn, MeasureIn, NoteIn, ReasonIn, RedactionIn
from dueprocess.api.lookups import assignment_on, measure_on, staff_by_email
from dueprocess.api.outputs import (
    AssignmentOut,
    DecisionOut,
    EvidenceOut,
    MeasureOut,
    NoteOut,
    RecommendationOut,
    RedactionOut,
)
from dueprocess.api.types import MAX_ID
from dueprocess.cases import services as svc
from dueprocess.cases.queries import case_detail_for
from dueprocess.cases.sealed import decisions_for

router = Router(tags=["case parts"])

Id = PathEx[int, P(ge=1, le=MAX_ID, example=12)]
_READ: dict[str, Any] = {"scope": "cases:read", "errors": [404, 422]}
_WRITE_ERRORS = [404, 409, 422]
_CASE_AND_ID = {"ref": "$request.path.ref", "id": "$response.body#/id"}


@router.get(
    "/cases/{ref}/notes",
    response=list[NoteOut],
    **documented(
        "listNotes",
        "List a case's notes",
        "Oldest first. A recorded view of the case file.",
        response=[ex.NOTE],
        **_READ,
    ),
)
def list_notes(request: HttpRequest, ref: Ref) -> list[dict[str, Any]]:
    case = case_detail_for(actor(request), ref).case
    return [render.note(n) for n in case.notes.select_related("author")]


@router.post(
    "/cases/{ref}/notes",
    response={201: NoteOut},
    **documented(
        "addNote",
        "Add a note",
        "Notes are append-only: a correction is a new note.",
        scope="cases:write",
        errors=_WRITE_ERRORS,
        status=201,
        request={"body": ex.NOTE["body"]},
        response=ex.NOTE,
        links={"ListNotesAgain": link("listNotes", "The notes.", ref="$request.path.ref")},
    ),
)
def add_note(request: HttpRequest, ref: Ref, payload: NoteIn) -> Status[dict[str, Any]]:
    user = actor(request)
    note = svc.note_add(actor=user, case=case_to_change(user, ref), body=payload.body)
    return Status(201, render.note(note))


@router.get(
    "/cases/{ref}/redactions",
    response=list[RedactionOut],
    **documented(
        "listRedactions",
        "List the passages withheld from the respondent",
        "Oldest first, active and withdrawn. Each active mark's passage is shown to the"
        " respondent as [redacted] wherever it occurs in its allegation; a withdrawn mark's"
        " passage is shown again. A recorded view of the case file.",
        response=[ex.REDACTION],
        **_READ,
    ),
)
def list_redactions(request: HttpRequest, ref: Ref) -> list[dict[str, Any]]:
    from dueprocess.parties.redactions import redactions_for_case

    case = case_detail_for(actor(request), ref).case
    return [render.redaction(r) for r in redactions_for_case(case)]


@router.post(
    "/cases/{ref}/redactions",
    response={201: RedactionOut},
    **documented(
        "markRedaction",
        "Mark a passage to withhold from the respondent",
        "Before the file is shared: the passage must occur in the allegation's text. Marks are"
        " never edited (a mark is withdrawn, not changed); the case text itself is not"
        " changed.",
        scope="cases:write",
        errors=_WRITE_ERRORS,
        status=201,
        request={k: ex.REDACTION[k] for k in ("allegation", "passage", "reason")},
        response=ex.REDACTION,
        links={
            "ListRedactionsAgain": link(
                "listRedactions", "The marked passages.", ref="$request.path.ref"
            )
        },
    ),
)
def mark_redaction(request: HttpRequest, ref: Ref, payload: RedactionIn) -> Status[dict[str, Any]]:
    from dueprocess.parties.redactions import redaction_mark

    user = actor(request)
    made = redaction_mark(
        actor=user,
        case=case_to_change(user, ref),
        allegation_id=payload.allegation,
        passage=payload.passage,
        reason=payload.reason,
    )
    return Status(201, render.redaction(made))


@router.post(
    "/cases/{ref}/redactions/{id}/withdraw",
    response=RedactionOut,
    **documented(
        "withdrawRedaction",
        "Withdraw a redaction mark",
        "The respondent reads the passage again. The mark stays on the record with when, by"
        " whom and why it was withdrawn; a mark is withdrawn at most once (422 the second"
        " time), and an id that is not a mark on this case is 404.",
        scope="cases:write",
        errors=_WRITE_ERRORS,
        request={"reason": ex.REDACTION_WITHDRAWN["withdrawn"]["reason"]},
        response=ex.REDACTION_WITHDRAWN,
        links={
            "ListRedactionsAgain": link(
                "listRedactions", "The marked passages.", ref="$request.path.ref"
            )
        },
    ),
)
def withdraw_redaction(request: HttpRequest, ref: Ref, id: Id, payload: ReasonIn) -> dict[str, Any]:
    from dueprocess.parties.redactions import redaction_withdraw

    user = actor(request)
    withdrawal = redaction_withdraw(
        actor=user, case=case_to_change(user, ref), redaction_id=id, reason=payload.reason
    )
    return render.redaction(withdrawal.redaction)


@router.post(
    "/cases/{ref}/evidence/{id}/withhold",
    response=EvidenceOut,
    **documented(
        "withholdEvidence",
        "Withhold an evidence item from the respondent",
        "With a `reason`: the respondent's own file then shows only that an item is withheld, "
        "and nothing of it, and the respondent cannot download it. The item is still the case "
        "team's and the panel's to read. An item is withheld at most once at a time (422 while "
        "it is); an id that is not evidence on this case is 404. Whoever may add a note to the "
        "case may withhold. Answers the item with its `withheld`.",
        scope="cases:write",
        errors=_WRITE_ERRORS,
        request={"reason": ex.EVIDENCE_WITHHELD["withheld"]["reason"]},
        response=ex.EVIDENCE_WITHHELD,
        links={
            "ReleaseThisEvidence": link(
                "releaseEvidence",
                "End the withholding.",
                ref="$request.path.ref",
                id="$response.body#/withheld/id",
            )
        },
    ),
)
def withhold_evidence(request: HttpRequest, ref: Ref, id: Id, payload: ReasonIn) -> dict[str, Any]:
    from dueprocess.parties.redactions import evidence_withhold

    user = actor(request)
    withholding = evidence_withhold(
        actor=user, case=case_to_change(user, ref), item_id=id, reason=payload.reason
    )
    return render.evidence(withholding.item, withholding)


@router.post(
    "/cases/{ref}/withholdings/{id}/release",
    response=EvidenceOut,
    **documented(
        "releaseEvidence",
        "End a withholding from the respondent",
        "By the withholding's id (the evidence's `withheld.id`), with a `reason`: the "
        "respondent's file lists the item again (if its kind is one the rulebook shows the "
        "respondent). The withholding stays on the record with when, by whom and why it ended; "
        "it ends at most once (422 the second time), and an id that is not a withholding on "
        "this case is 404. Answers the item, `withheld` null.",
        scope="cases:write",
        errors=_WRITE_ERRORS,
        request={"reason": "The witness has agreed to the respondent seeing the screenshot."},
        response=ex.EVIDENCE,
        links={"ListEvidenceAgain": link("listEvidence", "The evidence.", ref="$request.path.ref")},
    ),
)
def release_evidence(request: HttpRequest, ref: Ref, id: Id, payload: ReasonIn) -> dict[str, Any]:
    from dueprocess.parties.redactions import evidence_release

    user = actor(request)
    release = evidence_release(
        actor=user, case=case_to_change(user, ref), withholding_id=id, reason=payload.reason
    )
    return render.evidence(release.withholding.item)


@router.get(
    "/cases/{ref}/assignments",
    response=list[AssignmentOut],
    **documented(
        "listAssignments",
        "List a case's assignments",
        "Investigators and panel members, current and past, with why an assignment ended.",
        response=[ex.ASSIGNMENT],
        **_READ,
    ),
)
def list_assignments(request: HttpRequest, ref: Ref) -> list[dict[str, Any]]:
    case = case_detail_for(actor(request), ref).case
    return [render.assignment(a) for a in case.assignments.select_related("user").order_by("pk")]


@router.post(
    "/cases/{ref}/assignments",
    response={201: AssignmentOut},
    **documented(
        "assignPerson",
        "Assign an investigator or a panel member",
        "The conflict rules are checked every time. A conflicted person is refused "
        "(`conflict-of-interest`) and recused from the case, and the attempt is on the record.",
        scope="cases:write",
        errors=_WRITE_ERRORS,
        status=201,
        request={"assignee": "sam@northmoor.example", "role": "investigator"},
        response=ex.ASSIGNMENT,
        links={"EndThisAssignment": link("endAssignment", "End it.", **_CASE_AND_ID)},
    ),
)
def assign_person(request: HttpRequest, ref: Ref, payload: AssignIn) -> Status[dict[str, Any]]:
    user = actor(request)
    case = case_gate(user, ref)
    made = svc.case_assign(
        actor=user,
        case=case,
        assignee=staff_by_email(user, payload.assignee),
        role=payload.role,
        reason=payload.reason,
    )
    return Status(201, render.assignment(made))


@router.post(
    "/cases/{ref}/assignments/{id}/end",
    response=AssignmentOut,
    **documented(
        "endAssignment",
        "End an assignment",
        "The assignment stays on the record with its end and the reason given.",
        scope="cases:write",
        errors=_WRITE_ERRORS,
        request={"reason": "Reassigned to balance the workload."},
        response=ex.ASSIGNMENT
        | {"ended_at": "2026-03-15T09:00:00Z", "end_reason": "Reassigned to balance the workload."},
    ),
)
def end_assignment(request: HttpRequest, ref: Ref, id: Id, payload: ReasonIn) -> dict[str, Any]:
    user = actor(request)
    assignment = assignment_on(case_gate(user, ref), id)
    return render.assignment(
        svc.assignment_end(actor=user, assignment=assignment, reason=payload.reason)
    )


@router.get(
    "/cases/{ref}/interim-measures",
    response=list[MeasureOut],
    **documented(
        "listMeasures",
        "List a case's interim measures",
        "Current and lifted measures, with their grounds and review dates.",
        response=[ex.MEASURE],
        **_READ,
    ),
)
def list_measures(request: HttpRequest, ref: Ref) -> list[dict[str, Any]]:
    case = case_detail_for(actor(request), ref).case
    return [render.measure(m) for m in case.interim_measures.select_related("imposed_by")]


@router.post(
    "/cases/{ref}/interim-measures",
    response={201: MeasureOut},
    **documented(
        "imposeMeasure",
        "Impose an interim measure",
        "Only on one of the rulebook's formal grounds for that measure, with written reasons; "
        "a review date is set from the rulebook.",
        scope="cases:write",
        errors=_WRITE_ERRORS,
        status=201,
        request={
            "kind": "administrative_suspension",
            "ground": "risk_to_investigation",
            "reasons": "Witnesses report being contacted by the respondent.",
        },
        response=ex.MEASURE,
        links={"LiftThisMeasure": link("liftMeasure", "Lift it.", **_CASE_AND_ID)},
    ),
)
def impose_measure(request: HttpRequest, ref: Ref, payload: MeasureIn) -> Status[dict[str, Any]]:
    user = actor(request)
    made = svc.interim_measure_impose(
        actor=user,
        case=case_to_change(user, ref),
        kind=payload.kind,
        ground=payload.ground,
        reasons=payload.reasons,
    )
    return Status(201, render.measure(made))


@router.post(
    "/cases/{ref}/interim-measures/{id}/lift",
    response=MeasureOut,
    **documented(
        "liftMeasure",
        "Lift an interim measure",
        "The measure stays on the record with when, by whom and why it was lifted.",
        scope="cases:write",
        errors=_WRITE_ERRORS,
        request={"reason": "The witnesses have given their statements."},
        response=ex.MEASURE
        | {
            "active": False,
            "lifted_at": "2026-04-01T10:00:00Z",
            "lift_reason": "The witnesses have given their statements.",
        },
    ),
)
def lift_measure(request: HttpRequest, ref: Ref, id: Id, payload: ReasonIn) -> dict[str, Any]:
    user = actor(request)
    measure = measure_on(case_gate(user, ref), id)
    return render.measure(
        svc.interim_measure_lift(actor=user, measure=measure, reason=payload.reason)
    )


@router.get(
    "/cases/{ref}/recommendations",
    response=list[RecommendationOut],
    **documented(
        "listRecommendations",
        "List a case's recommendations",
        "Every version, in order; a revision supersedes, never replaces, the one before. "
        "To submit one, use the recommendation step.",
        response=[ex.RECOMMENDATION],
        **_READ,
    ),
)
def list_recommendations(request: HttpRequest, ref: Ref) -> list[dict[str, Any]]:
    case = case_detail_for(actor(request), ref).case
    found = case.recommendations.select_related("author", "supersedes")
    return [render.recommendation(r) for r in found]


@router.get(
    "/cases/{ref}/decisions",
    response=list[DecisionOut],
    **documented(
        "listDecisions",
        "List a case's decisions",
        "Decisions not to investigate, panel decisions and appeal decisions, each flagged when it "
        "departs from the recommendation or the guideline.",
        response=[ex.DECISION],
        **_READ,
    ),
)
def list_decisions(request: HttpRequest, ref: Ref) -> list[dict[str, Any]]:
    view = case_detail_for(actor(request), ref)
    return [render.decision(d) for d in decisions_for(view.gate.actor, view.case)]
