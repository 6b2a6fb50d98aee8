"""Casework beyond the workflow steps: evidence metadata, a corrected recommendation, and
stepping away from a case.

Each of these leaves the old record in place — evidence is append-only, a revision is a new
version that supersedes the last, a recusal is permanent — so the API offers no way to edit
or delete any of them.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.params import P, PathEx

from dueprocess.access.enforcement import case_to_change
from dueprocess.api import examples as ex
from dueprocess.api import render
from dueprocess.api.auth import actor
from dueprocess.api.docs import documented, link
from dueprocess.api.endpoints.cases import Ref
from dueprocess.api.inputs import EvidenceIn, ReasonIn, RevisionIn
from dueprocess.api.lookups import case_by_reference, latest_recommendation_on
from dueprocess.api.outputs import EvidenceOut, RecommendationOut, RecusalOut
from dueprocess.cases import services as svc
from dueprocess.cases.queries import case_detail_for

router = Router(tags=["case parts"])

Number = PathEx[int, P(ge=1, le=2**31 - 1, example=1)]
_WRITE_ERRORS = [404, 409, 422]


@router.get(
    "/cases/{ref}/evidence",
    response=list[EvidenceOut],
    **documented(
        "listEvidence",
        "List a case's evidence",
        "What was received, with its SHA-256 and size — the files themselves are kept outside "
        "the system. Oldest first. A recorded view of the case file.",
        scope="cases:read",
        errors=[404, 422],
        response=[ex.EVIDENCE],
    ),
)
def list_evidence(request: HttpRequest, ref: Ref) -> list[dict[str, Any]]:
    case = case_detail_for(actor(request), ref).case
    return [render.evidence(e) for e in case.evidence.select_related("added_by")]


@router.post(
    "/cases/{ref}/evidence",
    response={201: EvidenceOut},
    **documented(
        "addEvidence",
        "Record a piece of evidence",
        "Metadata only: what it is, what kind, and the SHA-256 of the file so that the copy "
        "produced at a hearing can be shown to be the one received. Evidence is append-only.",
        scope="cases:write",
        errors=_WRITE_ERRORS,
        status=201,
        request={
            "title": ex.EVIDENCE["title"],
            "kind": "screenshot",
            "description": ex.EVIDENCE["description"],
            "sha256": ex.EVIDENCE["sha256"],
            "size_bytes": ex.EVIDENCE["size_bytes"],
        },
        response=ex.EVIDENCE,
        links={"ListEvidenceAgain": link("listEvidence", "The evidence.", ref="$request.path.ref")},
    ),
)
def add_evidence(request: HttpRequest, ref: Ref, payload: EvidenceIn) -> Status[dict[str, Any]]:
    user = actor(request)
    item = svc.evidence_add(
        actor=user,
        case=case_by_reference(user, ref),
        title=payload.title,
        kind=payload.kind,
        description=payload.description,
        sha256=payload.sha256,
        size_bytes=payload.size_bytes,
    )
    return Status(201, render.evidence(item))


@router.post(
    "/cases/{ref}/recommendations/{number}/revise",
    response={201: RecommendationOut},
    **documented(
        "reviseRecommendation",
        "Correct the investigator's recommendation",
        "A correction is a new version that supersedes the one named in the path; both are "
        "kept and shown. Only the assigned investigator may revise, with written reasons, and "
        "only before the panel decides (`illegal-transition` otherwise). Name the latest "
        "version: an older one is refused as `stale-state`.",
        scope="cases:write",
        errors=_WRITE_ERRORS,
        status=201,
        request={
            "finding": "breach",
            "sanctions": ["formal_warning", "education_course"],
            "factors": ["no_prior_record"],
            "reasons": "Corrected: the post was shared twice, not once.",
        },
        response=ex.RECOMMENDATION
        | {
            "number": 2,
            "reasons": "Corrected: the post was shared twice, not once.",
            "submitted_at": "2026-04-03T10:00:00Z",
            "supersedes": 1,
        },
        links={
            "RecommendationsAfterRevision": link(
                "listRecommendations", "Every version.", ref="$request.path.ref"
            )
        },
    ),
)
def revise_recommendation(
    request: HttpRequest, ref: Ref, number: Number, payload: RevisionIn
) -> Status[dict[str, Any]]:
    user = actor(request)
    case = case_by_reference(user, ref)
    latest_recommendation_on(case, number)
    revised = svc.recommendation_revise(
        actor=user,
        case=case,
        finding=payload.finding,
        sanctions=list(payload.sanctions),
        reasons=payload.reasons,
        factors=list(payload.factors),
    )
    return Status(201, render.recommendation(revised))


@router.post(
    "/cases/{ref}/recusal",
    response={201: RecusalOut},
    **documented(
        "declareRecusal",
        "Step away from a case",
        "Declare that you should not work on this case, and why. Your assignments on it end "
        "at once and the recusal is permanent: from then on the case is closed to you, and "
        "this token answers 404 for it like any case you may not know exists.",
        scope="cases:write",
        errors=[404, 422],
        status=201,
        request={"reason": "The respondent is my brother-in-law."},
        response=ex.RECUSAL,
    ),
)
def declare_recusal(request: HttpRequest, ref: Ref, payload: ReasonIn) -> Status[dict[str, Any]]:
    user = actor(request)
    made = svc.recusal_declare(actor=user, case=case_to_change(user, ref), reason=payload.reason)
    return Status(201, render.recusal(made))
