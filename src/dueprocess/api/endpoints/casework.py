"""Casework beyond the workflow steps: evidence metadata, a corrected recommendation, and
stepping away from a case.

Each of these leaves the old record in place — evidence is append-only, a revision is a new
version that supersedes the last, a recusal is permanent — so the API offers no way to edit
or delete any of them.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import Router, Status
from ninja.errors import ValidationError
from ninja.params import P, PathEx
from pydantic import ValidationError as PydanticError

from dueprocess.access.enforcement import case_gate, case_to_change
from dueprocess.api import examples as ex
from dueprocess.api import problems, render
from dueprocess.api.auth import actor
from dueprocess.api.docs import documented, file_download, link
from dueprocess.api.endpoints.cases import Ref
from dueprocess.api.inputs import (
    ConsentIn,
    EvidenceIn,
    InterviewIn,
    MemberMatchIn,
    ReasonIn,
    RevisionIn,
)
from dueprocess.api.limits import allow_upload, upload_refusal
from dueprocess.api.lookups import latest_recommendation_on
from dueprocess.api.outputs import (
    ConsentOut,
    EvidenceOut,
    InterviewOut,
    PartyOut,
    RecommendationOut,
    RecusalOut,
)
from dueprocess.cases import services as svc
from dueprocess.cases.queries import case_detail_for
from dueprocess.errors import InvalidInput
from dueprocess.evidence.interviews import (
    consent_record,
    consents_of,
    interview_record,
    interviews_of,
)
from dueprocess.lib.downloads import file_attachment

router = Router(tags=["case parts"])

Number = PathEx[int, P(ge=1, le=2**31 - 1, example=1)]
_WRITE_ERRORS = [404, 409, 422]
_EVIDENCE_FIELDS = {"title", "kind", "description", "consents"}
_COMPUTED = {
    "sha256": "Not accepted: the server computes the file's SHA-256.",
    "size_bytes": "Not accepted: the server measures the file.",
}


@router.get(
    "/cases/{ref}/evidence",
    response=list[EvidenceOut],
    **documented(
        "listEvidence",
        "List a case's evidence",
        "What was received, with its SHA-256 and size — the files themselves are kept outside "
        "the system. Oldest first. `withheld` is the item's current withholding from the "
        "respondent's own file (by whom, when, why; its `id` ends it), or null. A recorded view "
        "of the case file.",
        scope="cases:read",
        errors=[404, 422],
        response=[ex.EVIDENCE, ex.EVIDENCE_WITHHELD],
    ),
)
def list_evidence(request: HttpRequest, ref: Ref) -> list[dict[str, Any]]:
    from dueprocess.parties.redactions import withholdings_for_case

    case = case_detail_for(actor(request), ref).case
    withheld = render.withheld_now(withholdings_for_case(case))
    found = case.evidence.select_related("added_by")
    return [render.evidence(e, withheld.get(e.pk)) for e in found]


_UPLOAD = documented(
    "addEvidence",
    "Upload a piece of evidence",
    "A `multipart/form-data` body: `title`, `kind`, optional `description`, and the `file`. "
    "The server computes the file's SHA-256 and size (a digest sent by the client is "
    "refused), detects its type from its content (not its name or declared type) against "
    "the rulebook's `[evidence] types`, enforces `[evidence] max_megabytes`, and stores it "
    "encrypted under the case's key. Programs, archives and empty files are refused "
    "(`validation`, naming `file`). Evidence is append-only.",
    scope="cases:write",
    errors=_WRITE_ERRORS,
    status=201,
    request={
        "title": ex.EVIDENCE["title"],
        "kind": "screenshot",
        "description": ex.EVIDENCE["description"],
        "file": "(the file's bytes)",
    },
    request_type="multipart/form-data",
    response=ex.EVIDENCE,
    links={"ListEvidenceAgain": link("listEvidence", "The evidence.", ref="$request.path.ref")},
)
_UPLOAD["openapi_extra"]["requestBody"]["required"] = True
_UPLOAD["openapi_extra"]["requestBody"]["content"]["multipart/form-data"]["schema"] = {
    "type": "object",
    "required": ["title", "kind", "file"],
    "properties": {
        **EvidenceIn.model_json_schema()["properties"],
        "file": {"type": "string", "format": "binary", "description": "The file's bytes."},
        "consents": {
            "type": "array",
            "items": {"type": "integer", "minimum": 1},
            "description": "For a recording (kind `recording`), the recorded consent of each "
            "person heard on it (repeat the field); a recording without is refused.",
        },
    },
}


@router.post("/cases/{ref}/evidence", response={201: EvidenceOut}, **_UPLOAD)
@allow_upload
def add_evidence(request: HttpRequest, ref: Ref) -> Status[dict[str, Any]] | HttpResponse:
    user = actor(request)
    # the case first, gated and recorded: a hidden case and a missing one are refused alike,
    # whatever the body; only then is the body's type, size and shape looked at
    case = case_gate(user, ref)
    refused = upload_refusal(request)
    if refused is not None:
        return refused
    try:
        fields, files = request.POST, request.FILES
    except (MultiPartParserError, ValueError) as error:
        return problems.problem(
            request,
            "malformed-request",
            f"The multipart/form-data body could not be read ({error}). Send a body with a "
            "boundary, the fields title and kind, and the file.",
        )
    unknown = (set(fields) - _EVIDENCE_FIELDS) | (set(files) - {"file"})
    if unknown:
        raise InvalidInput(
            "Unknown fields: " + ", ".join(sorted(unknown)) + ".",
            fields={name: _COMPUTED.get(name, "Unknown field.") for name in sorted(unknown)},
        )
    try:
        payload = EvidenceIn.model_validate(
            {name: fields[name] for name in fields if name != "consents"}
        )
    except PydanticError as error:
        raise ValidationError(
            [{**e, "loc": ("body", "payload", *e["loc"])} for e in error.errors()]
        ) from None
    upload = files.get("file")
    if upload is None:
        raise InvalidInput("Send the file, as the part named file.", fields={"file": "Required."})
    item = svc.evidence_add(
        actor=user,
        case=case,
        title=payload.title,
        kind=payload.kind,
        description=payload.description,
        content=upload.read(),
        consents=_consent_ids(fields.getlist("consents")),
    )
    return Status(201, render.evidence(item))


def _consent_ids(values: list[str]) -> list[int]:
    ids = []
    for value in values:
        if not value.isascii() or not value.isdigit() or len(value) > 10:
            raise InvalidInput(
                "Name each consent by its number.", fields={"consents": "Not a consent number."}
            )
        ids.append(int(value))
    return ids


@router.get(
    "/cases/{ref}/interviews",
    response=list[InterviewOut],
    **documented(
        "listInterviews",
        "List a case's interviews",
        "Who was interviewed, by whom, when, the statement, and whether it was agreed. Oldest "
        "first. A recorded view of the case file.",
        scope="cases:read",
        errors=[404, 422],
        response=[ex.INTERVIEW],
    ),
)
def list_interviews(request: HttpRequest, ref: Ref) -> list[dict[str, Any]]:
    case = case_detail_for(actor(request), ref).case
    found = interviews_of(case)
    return [render.interview(i) for i in found]


@router.post(
    "/cases/{ref}/interviews",
    response={201: InterviewOut},
    **documented(
        "recordInterview",
        "Record an interview",
        "The token's owner is the interviewer. An unagreed statement is kept, marked so. "
        "Interviews are append-only.",
        scope="cases:write",
        errors=_WRITE_ERRORS,
        status=201,
        request=ex.INTERVIEW_IN,
        response=ex.INTERVIEW,
    ),
)
def record_interview(
    request: HttpRequest, ref: Ref, payload: InterviewIn
) -> Status[dict[str, Any]]:
    user = actor(request)
    item = interview_record(
        actor=user,
        case=case_gate(user, ref),
        interviewee=payload.interviewee,
        held_at=payload.held_at,
        statement=payload.statement,
        statement_agreed=payload.statement_agreed,
    )
    return Status(201, render.interview(item))


@router.get(
    "/cases/{ref}/consents",
    response=list[ConsentOut],
    **documented(
        "listConsents",
        "List a case's consents to being recorded",
        "Who consented to being recorded, to what, when, at which interview (null when at none), "
        "and who recorded it. Oldest first. A recorded view of the case file.",
        scope="cases:read",
        errors=[404, 422],
        response=[ex.CONSENT],
    ),
)
def list_consents(request: HttpRequest, ref: Ref) -> list[dict[str, Any]]:
    case = case_detail_for(actor(request), ref).case
    found = consents_of(case)
    return [render.consent(c) for c in found]


@router.post(
    "/cases/{ref}/consents",
    response={201: ConsentOut},
    **documented(
        "recordConsent",
        "Record a consent to being recorded",
        "One person's consent to being recorded at a meeting or interview, with what they "
        "agreed to. A recording (evidence of kind `recording`) names the consent of each "
        "person heard on it and is refused without. Consents are append-only.",
        scope="cases:write",
        errors=_WRITE_ERRORS,
        status=201,
        request=ex.CONSENT_IN,
        response=ex.CONSENT,
    ),
)
def record_consent(request: HttpRequest, ref: Ref, payload: ConsentIn) -> Status[dict[str, Any]]:
    user = actor(request)
    item = consent_record(
        actor=user,
        case=case_gate(user, ref),
        person=payload.person,
        scope=payload.scope,
        given_at=payload.given_at,
        interview_id=payload.interview,
    )
    return Status(201, render.consent(item))


_DOWNLOAD = file_download(
    "downloadEvidence",
    "Download an evidence file",
    "The file's bytes, with its detected type. The download is recorded before the file is "
    "sent, and the file's SHA-256 is checked against the one recorded at upload: a file that "
    "fails the check is not sent (`evidence-corrupted`, 409) and the failure is recorded.",
)


@router.get("/cases/{ref}/evidence/{number}/file", **_DOWNLOAD)
def download_evidence(request: HttpRequest, ref: Ref, number: Number) -> HttpResponse:
    from dueprocess.evidence.files import evidence_download

    user = actor(request)
    got = evidence_download(actor=user, case=case_gate(user, ref), item_id=number)
    return file_attachment(got.content, got.media_type, got.filename)


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
    case = case_gate(user, ref)
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


@router.post(
    "/cases/{ref}/parties/{party}/member-match",
    response=PartyOut,
    **documented(
        "reviewMemberMatch",
        "Confirm or reject a respondent's register link",
        "A respondent linked to a member of the register when the case was opened (from a "
        "member number, or the dossier import's match) is a suggested match until someone "
        "who may triage the case confirms it (`member_match` becomes `confirmed`) or rejects "
        "it (the respondent is unlinked, `member_match` becomes `rejected`; a reason is "
        "required). `party` is the respondent's `id` in the case file. Both are recorded.",
        scope="cases:write",
        errors=_WRITE_ERRORS,
        request={"verdict": "confirm", "reason": "Same address and branch as the member."},
        response=ex.DETAIL["parties"][1],
    ),
)
def review_member_match(
    request: HttpRequest, ref: Ref, party: Number, payload: MemberMatchIn
) -> dict[str, Any]:
    user = actor(request)
    service = svc.member_match_confirm if payload.verdict == "confirm" else svc.member_match_reject
    reviewed = service(
        actor=user,
        case=case_to_change(user, ref),
        party_id=party,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return render.party(reviewed)
